//! The preset's budget and exit conditions in the running app: every pass and every
//! finished exit command is put to [`rally_end`], the deadline and the turn timeout are
//! timers in [`App::next_wakeup`], and an ended rally parks the baton with a banner.

use std::fs::OpenOptions;
use std::process::{Command, Stdio};
use std::time::Instant;

use tokio::sync::mpsc::UnboundedSender;

use super::App;
use crate::pane::PaneId;
use crate::process::{self, Signal};
use crate::rally::baton::{Event as BatonEvent, PassedBy, Refusal};
use crate::rally::end::Rules;
use crate::rally::end::{EndReason, Progress, minutes, rally_end};
use crate::session::{LogLine, unix_now};

/// An exit command that finished.
#[derive(Debug)]
pub struct CheckDone {
    pub command: String,
    pub pid: u32,
    /// The exit code; `None` when it could not start or died by a signal.
    pub code: Option<i32>,
}

/// Exit commands running in the background, by process group.
#[derive(Debug)]
pub(super) struct Checks {
    tx: UnboundedSender<CheckDone>,
    running: Vec<(u32, String)>,
}

impl Checks {
    pub(super) fn new(tx: UnboundedSender<CheckDone>) -> Checks {
        Checks {
            tx,
            running: Vec::new(),
        }
    }

    /// Runs `command` through `sh -c` in our own directory, its output appended to
    /// `log`; a thread waits for it. A command still running from an earlier turn is not
    /// started twice.
    fn start(&mut self, command: &str, log: &std::path::Path) {
        if self.running.iter().any(|(_, c)| c == command) {
            return;
        }
        let output = OpenOptions::new().create(true).append(true).open(log);
        let (stdout, stderr) = match output.and_then(|f| Ok((f.try_clone()?, f))) {
            Ok((out, err)) => (Stdio::from(out), Stdio::from(err)),
            Err(_) => (Stdio::null(), Stdio::null()),
        };
        let mut cmd = Command::new("sh");
        cmd.arg("-c").arg(command);
        cmd.stdin(Stdio::null()).stdout(stdout).stderr(stderr);
        let tx = self.tx.clone();
        let command = command.to_string();
        match process::spawn_group(&mut cmd) {
            Ok(mut child) => {
                let pid = child.id();
                self.running.push((pid, command.clone()));
                std::thread::spawn(move || {
                    let code = child.wait().ok().and_then(|s| s.code());
                    let _ = tx.send(CheckDone { command, pid, code });
                });
            }
            Err(err) => {
                tracing::warn!(%err, command, "exit command did not start");
                let _ = tx.send(CheckDone {
                    command,
                    pid: 0,
                    code: None,
                });
            }
        }
    }

    fn finished(&mut self, pid: u32) {
        self.running.retain(|(p, _)| *p != pid);
    }

    /// Stops every running command and its children.
    pub(super) fn stop_all(&mut self) {
        for (pid, _) in self.running.drain(..) {
            process::signal_group(pid, Signal::Term);
        }
    }
}

/// When the rally ends, and how it is watched.
pub(super) struct EndWatch {
    /// Budget and exit conditions.
    pub(super) rules: Rules,
    /// Why the rally ended, once it has; the banner shows it.
    pub(super) reason: Option<EndReason>,
    /// The turn already flagged as over its timeout.
    pub(super) overdue_turn: Option<u32>,
    /// The exit conditions' commands running now.
    pub(super) checks: Checks,
    /// When the rally started, counting a resumed one's earlier runs.
    pub(super) started: Instant,
}

impl App {
    /// A pass from `from`: first asks whether finishing this turn ends the rally (then the
    /// note goes nowhere and the baton is parked), else moves the baton and starts the
    /// exit commands. A pass with no target goes where the preset's routing says.
    pub(super) fn pass(
        &mut self,
        from: PaneId,
        to: Option<PaneId>,
        note: String,
        by: PassedBy,
    ) -> Result<(), Refusal> {
        if self.baton.holder() == Some(from) {
            let name = self.pane(from).name.clone();
            let mut progress = Progress::new(self.end.started, self.baton.turn());
            progress.pass = Some((&name, &note));
            if let Some(reason) = rally_end(&self.end.rules, &progress, Instant::now()) {
                self.end_rally(reason, &note);
                return Ok(());
            }
        }
        if to.is_none()
            && self.baton.holder() == Some(from)
            && let Some(next) = self.via_person(from, by)
        {
            self.person_takes(from, next, note, by);
            return Ok(());
        }
        let to = to.or_else(|| {
            self.link
                .notes
                .next
                .get(&from)
                .copied()
                .filter(|&p| self.baton.is_alive(p))
        });
        self.apply_baton(BatonEvent::Pass { from, to, note, by })?;
        let log = self.session.dir().join("exit-commands.log");
        let commands: Vec<String> = self.end.rules.commands().map(str::to_string).collect();
        for command in commands {
            self.end.checks.start(&command, &log);
        }
        Ok(())
    }

    pub(super) fn on_check_done(&mut self, done: CheckDone) {
        self.end.checks.finished(done.pid);
        tracing::info!(command = %done.command, code = ?done.code, "exit command finished");
        if self.baton.is_ended() {
            return;
        }
        if done.code != Some(0) {
            let code = done.code.map_or("no code".to_string(), |c| c.to_string());
            self.set_notice(format!(
                "`{}` exited {code}; the rally goes on",
                done.command
            ));
            return;
        }
        let mut progress = Progress::new(self.end.started, self.baton.turn().saturating_sub(1));
        progress.command_succeeded = Some(&done.command);
        if let Some(reason) = rally_end(&self.end.rules, &progress, Instant::now()) {
            self.end_rally(reason, "");
        }
    }

    /// Parks the baton for good, tells the person why, and stops the exit commands. The
    /// panes keep running and stay readable.
    pub(super) fn end_rally(&mut self, reason: EndReason, note: &str) {
        if self.baton.is_ended() {
            return;
        }
        let from = self.baton.holder().map(|p| self.pane(p).name.clone());
        let _ = self.apply_baton(BatonEvent::End);
        tracing::info!(%reason, turn = self.baton.turn(), "rally ended");
        let by = match &reason {
            EndReason::TurnsExhausted { .. } => "turns_exhausted",
            EndReason::Deadline { .. } => "deadline",
            EndReason::NoteContains { .. } => "note_contains",
            EndReason::Command { .. } => "command",
        };
        let line = LogLine {
            ts: unix_now(),
            event: "end",
            turn: self.baton.turn(),
            from: from.as_deref(),
            to: None,
            by,
            automatic: false,
            note,
            activity: self.activity_report(Instant::now()),
            enters: None,
            after_ms: None,
        };
        if let Err(err) = self.session.log(&line) {
            tracing::error!(%err, "writing the end of the rally to the log failed");
        }
        self.end.checks.stop_all();
        self.set_notice(format!("rally ended: {reason}"));
        self.mark(&format!("rally ended: {reason}"));
        self.end.reason = Some(reason);
        if self.host.notify.bell {
            self.host.out.push(0x07);
        }
        self.apply_layout();
    }

    /// The deadline and the turn timeout, when their timer fires.
    pub(super) fn check_clock(&mut self, now: Instant) {
        if self.baton.is_ended() {
            return;
        }
        let progress = Progress::new(self.end.started, self.baton.turn().saturating_sub(1));
        if let Some(reason) = rally_end(&self.end.rules, &progress, now) {
            self.end_rally(reason, "");
            return;
        }
        let (Some(holder), Some(in_turn)) = (self.baton.holder(), self.baton.time_in_turn(now))
        else {
            return;
        };
        let turn = self.baton.turn();
        if !self.end.rules.is_overdue(in_turn) || self.end.overdue_turn == Some(turn) {
            return;
        }
        self.end.overdue_turn = Some(turn);
        if self.host.notify.bell {
            self.host.out.push(0x07);
        }
        self.raise_attention(holder, crate::pane::activity::Attention::TurnTimeout);
        let name = self.pane(holder).name.clone();
        let limit = self.end.rules.turn_timeout.map(minutes).unwrap_or_default();
        tracing::info!(pane = %name, turn, "turn ran over its timeout");
        if self.end.rules.auto_pass_on_timeout {
            let note = format!("{name}'s turn ran over its {limit} timeout.");
            let _ = self.pass(holder, None, note, PassedBy::Timeout);
        } else {
            self.set_notice(format!("{name}'s turn has run over {limit}"));
        }
    }

    /// When the clock next matters: the deadline, or the holder's turn timeout.
    pub(super) fn clock_wakeup(&self, now: Instant) -> Option<Instant> {
        if self.baton.is_ended() {
            return None;
        }
        let deadline = self.end.rules.deadline_at(self.end.started);
        let timeout = self
            .baton
            .time_in_turn(now)
            .filter(|_| self.end.overdue_turn != Some(self.baton.turn()))
            .and_then(|in_turn| self.end.rules.turn_timeout_at(now, in_turn));
        match (deadline, timeout) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The holder's turn is over its timeout (the status bar flags it).
    pub(super) fn overdue(&self, now: Instant) -> bool {
        !self.baton.is_ended()
            && self
                .baton
                .time_in_turn(now)
                .is_some_and(|t| self.end.rules.is_overdue(t))
    }
}
