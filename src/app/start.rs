//! Building the app: its panes spawned, its owners set up, from the config the command
//! line made.

use std::time::{Duration, Instant};

use anyhow::Context as _;
use ratatui::layout::Rect;

use super::event_loop::Senders;
use super::recording::ScreenRecording;
use super::{
    App, AppConfig, Chrome, Focus, Prefs, activity, delivery, draw, end, frame, link, pacing,
    person, recording, resize, review, session, slots,
};
use crate::host::colours::ColourDepth;
use crate::pane::{Pane, PaneId};
use crate::rally::baton::Baton;
use crate::session::Session;
use crate::ui::layout::{self, LayoutKind};

impl App {
    /// The app for `config` on a screen of `size`: every pane spawned, the owners set
    /// up, the socket's path handed to the children. What it starts reports through
    /// `senders`.
    pub(super) fn start(
        config: AppConfig,
        session: Session,
        socket_path: std::path::PathBuf,
        size: Rect,
        senders: &Senders,
    ) -> anyhow::Result<App> {
        let checks = end::Checks::new(senders.check.clone());
        let diff_tx = senders.diff.clone();
        let pane_tx = &senders.pane;
        let layout = config
            .layout
            .unwrap_or_else(|| LayoutKind::default_for(config.panes.len()));
        let now = Instant::now();
        let names = config.panes.iter().map(|p| p.name.clone()).collect();
        let solo = config.panes.len() == 1;
        let resumed = config.session.resuming.then_some(&config.session.record);
        let mut baton = Baton::new(
            names,
            config.first,
            config.routing,
            config.rules.max_turns,
            now,
        )
        .with_self_pass(solo)
        .at_turn(resumed.map_or(1, |r| r.turn));
        let review = config.review.and_then(|review| {
            if let Some(pane) = review.diff_pane {
                baton.sit_out(pane);
            }
            review::Review::start(review, diff_tx)
        });
        if resumed.is_some_and(|r| r.paused) {
            let _ = baton.apply(crate::rally::baton::Event::Pause, now);
        }
        // A resumed rally's deadline counts the time its earlier runs used.
        let started = resumed
            .and_then(|r| now.checked_sub(Duration::from_secs_f64(r.budget.seconds.max(0.0))))
            .unwrap_or(now);
        let mut scratch = crate::scratchpad::sync::Scratchpad::new(config.scratchpad, &session.dir);
        if let Some(r) = resumed {
            scratch.panel.visible = r.scratchpad.visible;
            scratch.panel.placement = r.scratchpad.placement;
            scratch.panel.percent = r.scratchpad.percent;
        }
        let spool_dir = crate::control::spool::create(&session.id)
            .inspect_err(|err| tracing::warn!(%err, "no spool for sandboxed agents' passes"))
            .ok();
        let mut app = App {
            slots: Vec::with_capacity(config.panes.len()),
            focus: Focus::Pane(config.first),
            baton,
            chrome: Chrome::new(),
            prefs: Prefs {
                keymap: config.keymap,
                theme: config.theme,
            },
            session: session::SessionFiles::new(session, config.session.record, now),
            quitting: false,
            scratch,
            frames: draw::Frames {
                dirty: true,
                last_keystroke: None,
                along_after: pacing::BACKGROUND_ALONG,
                painted: frame::Painted::default(),
                last: None,
                background: false,
                last_background: None,
                hints: std::cell::OnceCell::new(),
                whole: false,
                cursor: draw::HostCursor::Unknown,
                colours: ColourDepth::of_host(),
                reader_wait: draw::READER_WAIT,
            },
            recording: recording::Recording {
                config: config.record,
                title: config.title,
                screen: ScreenRecording::default(),
                panes: Vec::new(),
                trouble: None,
            },
            tiling: resize::Tiling {
                kind: layout,
                splits: layout::Splits::default(),
                zoomed: false,
                drag: None,
            },
            end: end::EndWatch {
                rules: config.rules,
                reason: None,
                overdue_turn: None,
                checks,
                started,
            },
            seat: person::PersonSeat {
                person: config.person,
                turn: None,
            },
            link: link::AgentLink {
                notes: link::NoteSetup {
                    template: config.note_template,
                    kickoff: config.task.clone(),
                    pass_command: config.pass_command,
                    task: config.task.unwrap_or_default(),
                    next: config.next.into_iter().collect(),
                },
                review,
                control: link::ControlSetup {
                    socket_path,
                    spool_dir,
                    tokens: std::collections::HashMap::new(),
                },
            },
            host: activity::HostState {
                size,
                clipboard: crate::host::clipboard::Clipboard::new(config.clipboard),
                focused: true,
                out: Vec::new(),
                notify: config.notify,
            },
        };
        let rects = app.tile(config.panes.len());
        for (index, spec) in config.panes.iter().enumerate() {
            let id = PaneId::new(index);
            let inner = layout::inner(rects.get(index).copied().unwrap_or_default());
            let mut spec = spec.clone();
            spec.env.extend(app.rally_env(&spec.name));
            let tx = pane_tx.clone();
            let cast = app.open_pane_recording(&spec.name, inner.width, inner.height)?;
            let pane = Pane::spawn(
                id,
                &spec,
                inner.height,
                inner.width,
                config.scrollback,
                cast,
                senders.watch.as_ref(),
                move |signal| {
                    let _ = tx.send(signal);
                },
            )
            .with_context(|| format!("starting pane {} ({})", spec.name, spec.command))?;
            app.slots.push(slots::PaneSlot {
                pane,
                activity: crate::pane::activity::Activity::new(config.idle_after),
                inbox: delivery::Inbox::new(Instant::now(), spec.reports_prompts),
                agent: spec.agent,
                focus_told: true,
            });
        }
        app.kickoff();
        Ok(app)
    }

    /// Starts the recording asked for on the command line or by the session settings.
    pub(super) fn open_first_recording(&mut self) -> anyhow::Result<()> {
        let first_cast = self.recording.config.path.clone().or_else(|| {
            self.recording
                .config
                .in_session
                .then(|| self.next_cast_path())
        });
        if let Some(path) = first_cast {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("creating {}", dir.display()))?;
            }
            self.start_recording(&path)?;
        }
        Ok(())
    }
}
