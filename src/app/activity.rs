//! Which pane needs the person: activity per pane, attention when a child rings the bell
//! or the baton holder goes quiet, and notifications to the host terminal.

use std::time::Instant;

use super::App;
use super::slots::PaneSlot;
use crate::pane::PaneId;
use crate::pane::activity::{Attention, State};

/// How the app tells the person outside its own screen.
#[derive(Debug, Clone)]
pub struct NotifyConfig {
    /// Forward a child's bell to the host terminal.
    pub bell: bool,
    /// Desktop notifications through OSC 777 (`notify;title;body`) and OSC 9.
    pub desktop: bool,
    /// A command run with the pane name and the reason as arguments (e.g. notify-send).
    pub command: Option<String>,
}

impl Default for NotifyConfig {
    fn default() -> Self {
        NotifyConfig {
            bell: true,
            desktop: true,
            command: None,
        }
    }
}

/// What the app knows of and owes the host terminal outside frames.
pub(super) struct HostState {
    /// The host terminal's size.
    pub(super) size: ratatui::layout::Rect,
    /// The host's clipboard, or OSC 52 through it.
    pub(super) clipboard: crate::host::clipboard::Clipboard,
    /// The host window has the focus (as it last said).
    pub(super) focused: bool,
    /// Bytes for the host terminal outside any frame (bell, notifications, OSC 52).
    pub(super) out: Vec<u8>,
    /// How the person is told that a pane needs them.
    pub(super) notify: NotifyConfig,
}

impl App {
    /// Notes output from a pane and picks up the bells its child rang and the
    /// notifications it sent.
    pub(super) fn on_pane_output(&mut self, id: PaneId, now: Instant) {
        self.slots[id.index()].activity.output(now);
        // Not now if its reader is busy: the bells keep counting, the notices are kept,
        // and the next output signal picks them up.
        let (bells, notices) = self.pane(id).try_emulator().map_or_else(
            || (0, Vec::new()),
            |mut e| {
                let requests = e.requests_mut();
                (
                    std::mem::take(&mut requests.bells),
                    std::mem::take(&mut requests.notices),
                )
            },
        );
        for notice in notices {
            self.on_notice(id, notice);
        }
        self.sync_focus_of(id);
        if bells > 0 {
            if self.host.notify.bell {
                self.host.out.push(0x07);
            }
            self.raise_attention(id, Attention::Bell);
        }
    }

    /// Moves every pane's activity on to `now`; the holder going quiet asks for the person.
    pub(super) fn update_activity(&mut self, now: Instant) {
        for id in (0..self.slots.len()).map(PaneId::new) {
            if let Some(change) = self.slots[id.index()].activity.update(now) {
                self.frames.dirty = true;
                self.log_state(id, change);
                if matches!(change.from, State::Busy | State::Working)
                    && change.to == State::Idle
                    && self.baton.holder() == Some(id)
                {
                    self.raise_attention(id, Attention::WaitingForInput);
                }
            }
        }
    }

    pub(super) fn raise_attention(&mut self, id: PaneId, attention: Attention) {
        self.slots[id.index()].activity.raise(attention);
        self.frames.dirty = true;
        let name = self.pane(id).name.clone();
        tracing::info!(pane = %name, reason = attention.reason(), "attention");
        let visible = self
            .pane_rects()
            .get(id.index())
            .is_some_and(|r| r.area() > 0);
        self.tell_person(&name, attention.reason(), visible);
    }

    /// A desktop notification ("NAME REASON") when the person may not see the screen
    /// (`visible`: what it is about is on it), and the notify command.
    pub(super) fn tell_person(&mut self, name: &str, reason: &str, visible: bool) {
        if self.host.notify.desktop && (!self.host.focused || !visible) {
            let body = format!("{name} {reason}");
            let body = crate::rally::note::sanitize(&body).replace([';', '\n'], " ");
            self.host
                .out
                .extend_from_slice(format!("\x1b]777;notify;rallish-tui;{body}\x1b\\").as_bytes());
            self.host
                .out
                .extend_from_slice(format!("\x1b]9;rallish-tui: {body}\x1b\\").as_bytes());
        }
        if let Some(command) = &self.host.notify.command {
            let spawned = std::process::Command::new("sh")
                .arg("-c")
                .arg(format!("{command} \"$1\" \"$2\""))
                .arg("rallish-notify")
                .arg(name)
                .arg(reason)
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn();
            match spawned {
                // Reaped on a thread so no zombie is left behind.
                Ok(mut child) => drop(std::thread::spawn(move || child.wait())),
                Err(err) => tracing::warn!(%err, "notify_command failed"),
            }
        }
    }

    /// The person looked at (or typed into) the pane.
    pub(super) fn seen(&mut self, id: PaneId) {
        if self
            .slots
            .get(id.index())
            .is_some_and(|s| s.activity.attention().is_some())
        {
            self.slots[id.index()].activity.clear_attention();
            self.frames.dirty = true;
        }
    }

    /// "needs you: b is waiting for input", for the status line.
    pub(super) fn attention_summary(&self) -> Option<String> {
        let wanted: Vec<String> = self
            .slots
            .iter()
            .filter_map(|s| {
                s.activity
                    .attention()
                    .map(|why| format!("{} {}", s.pane.name, why.reason()))
            })
            .collect();
        (!wanted.is_empty()).then(|| format!("needs you: {}", wanted.join(", ")))
    }

    /// Each pane's activity and seconds since its last output (status JSON, handoff log).
    pub(super) fn activity_report(&self, now: Instant) -> serde_json::Value {
        let panes = self
            .slots
            .iter()
            .map(|PaneSlot { pane, activity, .. }| {
                let since = activity.time_since_output(now).map(|d| (d.as_secs_f64() * 10.0).round() / 10.0);
                let (state, source) = (activity.state(now), activity.source(now));
                (pane.name.clone(), serde_json::json!({ "state": state.name(), "source": source.name(), "since_output_s": since }))
            })
            .collect::<serde_json::Map<_, _>>();
        serde_json::Value::Object(panes)
    }
}
