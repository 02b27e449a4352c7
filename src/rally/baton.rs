//! Who holds the baton: a pure turn-taking state machine.
//!
//! At most one live pane holds the turn; none while the rally is paused, after every pane has
//! exited, once the turn budget ran out as the holder exited, or after the rally ended. [`Baton::apply`] takes an
//! [`Event`] and the current time and returns the [`Effect`]s the app carries out (inject the
//! handoff note, log the turn, show a notice). It does no I/O and never reads the clock. A
//! refused event leaves the state untouched.

use std::fmt;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::rally::note::sanitize;

/// A pane's index in the list given to [`Baton::new`]: the app's pane index.
pub use crate::pane::PaneId;

/// How the next holder is chosen when a pass does not name one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Routing {
    /// The next live pane in order; an explicit target is still honoured.
    #[default]
    RoundRobin,
    /// Every pass must name its target.
    Handoff,
}

/// Who moved the baton.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PassedBy {
    /// The person, with a key binding.
    Key,
    /// An agent, through the control socket.
    Agent,
    /// The holder's process exited, so the baton moved on by itself.
    Exit,
    /// The holder's turn ran over its timeout and the preset passes on by itself.
    Timeout,
    /// The holder's agent ended its turn without passing and the preset passes on by
    /// itself (`on_turn_end = "pass"`), its last message as the note.
    TurnEnd,
    /// The person in the rotation (a role whose command is `person`) sent their note.
    Person,
}

impl PassedBy {
    /// As `log.jsonl` writes it.
    pub fn name(self) -> &'static str {
        match self {
            PassedBy::Key => "key",
            PassedBy::Agent => "agent",
            PassedBy::Exit => "exit",
            PassedBy::Timeout => "timeout",
            PassedBy::TurnEnd => "turn_end",
            PassedBy::Person => "person",
        }
    }

    /// The baton moved by itself, not by someone passing it.
    pub fn is_automatic(self) -> bool {
        matches!(self, PassedBy::Exit | PassedBy::Timeout | PassedBy::TurnEnd)
    }
}

/// Something that happened to the rally.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// `from` hands the baton to `to`, or to the next live pane when `to` is `None`
    /// (round robin only). The note is sanitised before it goes anywhere.
    Pass {
        from: PaneId,
        to: Option<PaneId>,
        note: String,
        by: PassedBy,
    },
    /// The person gives the baton to `pane` and is about to type there, so nothing is injected.
    Take { pane: PaneId, by: PassedBy },
    /// The pane's process exited; panes never come back to life.
    PaneExited { pane: PaneId },
    /// Park the baton: nobody holds it until [`Event::Resume`].
    Pause,
    /// Give the parked baton back (or to the next live pane if its holder exited meanwhile).
    Resume,
    /// End the rally: the baton is parked for good; passing, taking, pausing and resuming
    /// are refused from then on.
    End,
}

/// What the app must do after a transition, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Render the note template with these values and type it into `pane`.
    Inject {
        pane: PaneId,
        from: String,
        to: String,
        turn: u32,
        note: String,
    },
    /// Record the turn change.
    Log(LogEntry),
    /// A one-line status message for the person.
    Notice(String),
}

/// One baton move, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    /// The turn that starts with this move.
    pub turn: u32,
    /// The previous holder; `None` when nobody held the baton.
    pub from: Option<String>,
    pub to: String,
    pub by: PassedBy,
    pub note: String,
}

/// One turn in the history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Turn {
    pub number: u32,
    pub pane: PaneId,
    /// The previous holder; `None` for the opening turn or when nobody held the baton.
    pub from: Option<PaneId>,
    /// `None` for the opening turn.
    pub by: Option<PassedBy>,
    pub started: Instant,
    pub note: String,
}

/// Why an event was refused; the message names the panes involved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// No pane has this index.
    UnknownPane {
        pane: PaneId,
    },
    /// `pane` tried to pass while `holder` (or nobody) holds the baton.
    NotHolder {
        pane: String,
        holder: Option<String>,
    },
    /// Passing and taking wait until the rally resumes.
    Paused,
    DeadPane {
        name: String,
    },
    SelfPass {
        name: String,
    },
    NoOtherPane,
    /// Handoff routing and the pass named no target.
    NeedsTarget,
    BudgetExhausted {
        max_turns: u32,
    },
    AlreadyPaused,
    NotPaused,
    /// The rally has ended; nothing moves the baton any more.
    Ended,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::UnknownPane { pane } => write!(f, "there is no pane {}", pane.number()),
            Refusal::NotHolder { pane, holder } => {
                let holder = holder.as_deref().unwrap_or("nobody");
                write!(f, "{pane} does not hold the baton ({holder} does)")
            }
            Refusal::Paused => f.write_str("the rally is paused; resume it first"),
            Refusal::DeadPane { name } => {
                write!(f, "{name} has exited and cannot take the baton")
            }
            Refusal::SelfPass { name } => write!(f, "{name} already holds the baton"),
            Refusal::NoOtherPane => f.write_str("there is no other live pane to pass the baton to"),
            Refusal::NeedsTarget => {
                f.write_str("handoff routing: name the pane to pass the baton to")
            }
            Refusal::BudgetExhausted { max_turns } => {
                write!(f, "the turn budget is used up ({max_turns} turns)")
            }
            Refusal::AlreadyPaused => f.write_str("the rally is already paused"),
            Refusal::NotPaused => f.write_str("the rally is not paused"),
            Refusal::Ended => f.write_str("the rally has ended"),
        }
    }
}

impl std::error::Error for Refusal {}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Seat {
    name: String,
    alive: bool,
}

/// The rally's turn state. Invariant: `holder`, when set, is a valid index; it is kept while
/// paused (the parked holder) and may then point at a pane that has since exited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Baton {
    seats: Vec<Seat>,
    holder: Option<PaneId>,
    paused_at: Option<Instant>,
    turn: u32,
    turn_started: Instant,
    max_turns: Option<u32>,
    routing: Routing,
    history: Vec<Turn>,
    /// A lone live pane may pass to itself, starting its own next turn (a solo loop).
    self_pass: bool,
    ended: bool,
}

impl Baton {
    /// Starts turn 1 with `first` holding. An out-of-range `first` falls back to pane 0; with
    /// no panes nobody holds the baton.
    pub fn new(
        names: Vec<String>,
        first: PaneId,
        routing: Routing,
        max_turns: Option<u32>,
        now: Instant,
    ) -> Baton {
        let seats: Vec<Seat> = names
            .into_iter()
            .map(|name| Seat { name, alive: true })
            .collect();
        let holder = if first.index() < seats.len() {
            Some(first)
        } else {
            (!seats.is_empty()).then_some(PaneId::new(0))
        };
        let history = holder
            .map(|pane| Turn {
                number: 1,
                pane,
                from: None,
                by: None,
                started: now,
                note: String::new(),
            })
            .into_iter()
            .collect();
        Baton {
            seats,
            holder,
            paused_at: None,
            turn: 1,
            turn_started: now,
            max_turns,
            routing,
            history,
            self_pass: false,
            ended: false,
        }
    }

    /// Lets a pass with no target go back to its own pane when no other pane is alive,
    /// so a one-pane rally loops on one agent.
    pub fn with_self_pass(mut self, allowed: bool) -> Baton {
        self.self_pass = allowed;
        self
    }

    /// Takes `pane` out of the turn-taking for good: it never holds the baton (the pair
    /// review's diff pane). Does nothing to the pane holding it now.
    pub fn sit_out(&mut self, pane: PaneId) {
        if self.holder != Some(pane)
            && let Some(seat) = self.seats.get_mut(pane.index())
        {
            seat.alive = false;
        }
    }

    /// Continues a resumed rally: the holder given to [`Baton::new`] holds turn `turn`.
    pub fn at_turn(mut self, turn: u32) -> Baton {
        self.turn = turn.max(1);
        for t in &mut self.history {
            t.number = self.turn;
        }
        self
    }

    /// The pane holding the baton; `None` while paused or parked, or after the end.
    pub fn holder(&self) -> Option<PaneId> {
        if self.is_paused() || self.ended {
            None
        } else {
            self.holder
        }
    }

    pub fn holder_name(&self) -> Option<&str> {
        self.holder().and_then(|p| self.name(p))
    }

    /// The holder kept aside while paused.
    pub fn parked(&self) -> Option<PaneId> {
        if self.is_paused() { self.holder } else { None }
    }

    /// The current turn number, starting at 1.
    pub fn turn(&self) -> u32 {
        self.turn
    }

    pub fn max_turns(&self) -> Option<u32> {
        self.max_turns
    }

    pub fn routing(&self) -> Routing {
        self.routing
    }

    /// How long the holder has had the turn, excluding paused time; `None` if nobody holds it.
    pub fn time_in_turn(&self, now: Instant) -> Option<Duration> {
        self.holder()
            .map(|_| now.saturating_duration_since(self.turn_started))
    }

    pub fn is_paused(&self) -> bool {
        self.paused_at.is_some()
    }

    /// Whether the rally has ended.
    pub fn is_ended(&self) -> bool {
        self.ended
    }

    /// False for an unknown pane.
    pub fn is_alive(&self, pane: PaneId) -> bool {
        self.seats.get(pane.index()).is_some_and(|s| s.alive)
    }

    pub fn name(&self, pane: PaneId) -> Option<&str> {
        self.seats.get(pane.index()).map(|s| s.name.as_str())
    }

    /// The first pane with this name.
    pub fn pane_index(&self, name: &str) -> Option<PaneId> {
        self.seats
            .iter()
            .position(|s| s.name == name)
            .map(PaneId::new)
    }

    pub fn pane_count(&self) -> usize {
        self.seats.len()
    }

    /// Every turn so far, oldest first.
    pub fn history(&self) -> &[Turn] {
        &self.history
    }

    /// The next live pane after `pane` in order, wrapping, never `pane` itself.
    pub fn next_after(&self, pane: PaneId) -> Option<PaneId> {
        let n = self.seats.len();
        (1..n)
            .map(|step| PaneId::new((pane.index() + step) % n))
            .find(|&p| self.seats[p.index()].alive)
    }

    /// Applies `event` at `now`. On `Err` nothing changed.
    pub fn apply(&mut self, event: Event, now: Instant) -> Result<Vec<Effect>, Refusal> {
        if self.ended && !matches!(event, Event::PaneExited { .. }) {
            return Err(Refusal::Ended);
        }
        match event {
            Event::Pass { from, to, note, by } => self.pass(from, to, &note, by, now),
            Event::Take { pane, by } => self.take(pane, by, now),
            Event::PaneExited { pane } => self.exited(pane, now),
            Event::Pause => self.pause(now),
            Event::Resume => self.resume(now),
            Event::End => {
                self.ended = true;
                Ok(vec![Effect::Notice(
                    "baton: the rally ended; baton parked".into(),
                )])
            }
        }
    }

    fn pass(
        &mut self,
        from: PaneId,
        to: Option<PaneId>,
        note: &str,
        by: PassedBy,
        now: Instant,
    ) -> Result<Vec<Effect>, Refusal> {
        let from_name = self.seat(from)?.name.clone();
        if self.is_paused() {
            return Err(Refusal::Paused);
        }
        if self.holder != Some(from) {
            return Err(Refusal::NotHolder {
                pane: from_name,
                holder: self.holder_name().map(str::to_owned),
            });
        }
        if let Some(max_turns) = self.budget_exhausted() {
            return Err(Refusal::BudgetExhausted { max_turns });
        }
        let target = match to {
            Some(to) => {
                let seat = self.seat(to)?;
                if to == from {
                    return Err(Refusal::SelfPass { name: from_name });
                }
                if !seat.alive {
                    return Err(Refusal::DeadPane {
                        name: seat.name.clone(),
                    });
                }
                to
            }
            None if self.routing == Routing::Handoff => return Err(Refusal::NeedsTarget),
            None => self
                .next_after(from)
                .or(self.self_pass.then_some(from))
                .ok_or(Refusal::NoOtherPane)?,
        };
        let notice = format!(
            "baton: {from_name} -> {} (turn {})",
            self.seats[target.index()].name,
            self.turn + 1
        );
        Ok(self.start_turn(Some(from), target, by, sanitize(note), true, notice, now))
    }

    fn take(&mut self, pane: PaneId, by: PassedBy, now: Instant) -> Result<Vec<Effect>, Refusal> {
        let seat = self.seat(pane)?;
        if self.is_paused() {
            return Err(Refusal::Paused);
        }
        if !seat.alive {
            return Err(Refusal::DeadPane {
                name: seat.name.clone(),
            });
        }
        if self.holder == Some(pane) {
            return Ok(Vec::new());
        }
        let notice = format!("baton: given to {} (turn {})", seat.name, self.turn + 1);
        Ok(self.start_turn(self.holder, pane, by, String::new(), false, notice, now))
    }

    fn exited(&mut self, pane: PaneId, now: Instant) -> Result<Vec<Effect>, Refusal> {
        let seat = self.seat(pane)?;
        if !seat.alive {
            return Ok(Vec::new());
        }
        let name = seat.name.clone();
        self.seats[pane.index()].alive = false;
        if self.holder != Some(pane) || self.ended {
            return Ok(vec![Effect::Notice(format!("baton: {name} exited"))]);
        }
        if self.is_paused() {
            return Ok(vec![Effect::Notice(format!(
                "baton: {name} exited while holding the parked baton; it moves on at resume"
            ))]);
        }
        Ok(self.move_on_from(pane, now))
    }

    fn pause(&mut self, now: Instant) -> Result<Vec<Effect>, Refusal> {
        if self.is_paused() {
            return Err(Refusal::AlreadyPaused);
        }
        self.paused_at = Some(now);
        let notice = match self.holder.and_then(|p| self.name(p)) {
            Some(name) => format!("baton: paused; {name} gets it back on resume"),
            None => "baton: paused".to_owned(),
        };
        Ok(vec![Effect::Notice(notice)])
    }

    fn resume(&mut self, now: Instant) -> Result<Vec<Effect>, Refusal> {
        let Some(paused_at) = self.paused_at.take() else {
            return Err(Refusal::NotPaused);
        };
        // Paused time does not count towards the turn.
        let paused_for = now.saturating_duration_since(paused_at);
        self.turn_started = self
            .turn_started
            .checked_add(paused_for)
            .unwrap_or(self.turn_started);
        let Some(holder) = self.holder else {
            return Ok(vec![Effect::Notice(
                "baton: resumed; nobody holds it".to_owned(),
            )]);
        };
        if self.seats[holder.index()].alive {
            let name = &self.seats[holder.index()].name;
            let notice = format!("baton: resumed; {name} holds it (turn {})", self.turn);
            return Ok(vec![Effect::Notice(notice)]);
        }
        let mut effects = vec![Effect::Notice("baton: resumed".to_owned())];
        effects.extend(self.move_on_from(holder, now));
        Ok(effects)
    }

    /// The holder `dead` exited: the baton goes to the next live pane, or is parked when none
    /// is left or the budget is used up.
    fn move_on_from(&mut self, dead: PaneId, now: Instant) -> Vec<Effect> {
        let name = self.seats[dead.index()].name.clone();
        let Some(next) = self.next_after(dead) else {
            self.holder = None;
            return vec![Effect::Notice(format!(
                "baton: {name} exited and no live pane is left; baton parked"
            ))];
        };
        if let Some(max) = self.budget_exhausted() {
            self.holder = None;
            return vec![Effect::Notice(format!(
                "baton: {name} exited and the turn budget ({max} turns) is used up; baton parked"
            ))];
        }
        let note = format!("{name} exited, so the baton passes to you.");
        let notice = format!(
            "baton: {name} exited; {} holds it (turn {})",
            self.seats[next.index()].name,
            self.turn + 1
        );
        self.start_turn(Some(dead), next, PassedBy::Exit, note, true, notice, now)
    }

    /// Starts the next turn with `to` holding; validation is the caller's job.
    #[allow(clippy::too_many_arguments)]
    fn start_turn(
        &mut self,
        from: Option<PaneId>,
        to: PaneId,
        by: PassedBy,
        note: String,
        inject: bool,
        notice: String,
        now: Instant,
    ) -> Vec<Effect> {
        self.turn += 1;
        self.turn_started = now;
        self.holder = Some(to);
        self.history.push(Turn {
            number: self.turn,
            pane: to,
            from,
            by: Some(by),
            started: now,
            note: note.clone(),
        });
        let from_name = from.map(|p| self.seats[p.index()].name.clone());
        let to_name = self.seats[to.index()].name.clone();
        let mut effects = Vec::with_capacity(3);
        if inject {
            effects.push(Effect::Inject {
                pane: to,
                from: from_name.clone().unwrap_or_default(),
                to: to_name.clone(),
                turn: self.turn,
                note: note.clone(),
            });
        }
        effects.push(Effect::Log(LogEntry {
            turn: self.turn,
            from: from_name,
            to: to_name,
            by,
            note,
        }));
        effects.push(Effect::Notice(notice));
        effects
    }

    fn seat(&self, pane: PaneId) -> Result<&Seat, Refusal> {
        self.seats
            .get(pane.index())
            .ok_or(Refusal::UnknownPane { pane })
    }

    /// `Some(max)` when no further turn may start.
    fn budget_exhausted(&self) -> Option<u32> {
        self.max_turns.filter(|&max| self.turn >= max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const P0: PaneId = PaneId::new(0);
    const P1: PaneId = PaneId::new(1);
    const P2: PaneId = PaneId::new(2);

    fn at(base: Instant, secs: u64) -> Instant {
        base + Duration::from_secs(secs)
    }

    fn baton(names: &[&str], routing: Routing, max_turns: Option<u32>, now: Instant) -> Baton {
        let names = names.iter().map(std::string::ToString::to_string).collect();
        Baton::new(names, P0, routing, max_turns, now)
    }

    fn abc(now: Instant) -> Baton {
        baton(&["a", "b", "c"], Routing::RoundRobin, None, now)
    }

    fn pass(from: PaneId, to: Option<PaneId>) -> Event {
        Event::Pass {
            from,
            to,
            note: "done".into(),
            by: PassedBy::Agent,
        }
    }

    /// Applies an event that must be refused and checks the state did not change.
    #[track_caller]
    fn refused(b: &mut Baton, event: Event, now: Instant) -> Refusal {
        let before = b.clone();
        let err = b.apply(event, now).expect_err("event should be refused");
        assert_eq!(*b, before, "a refusal changed the state");
        err
    }

    #[test]
    fn new_starts_turn_one_with_first_holding() {
        let t0 = Instant::now();
        let b = Baton::new(
            vec!["a".into(), "b".into()],
            P1,
            Routing::Handoff,
            Some(5),
            t0,
        );
        assert_eq!(b.holder(), Some(P1));
        assert_eq!(b.holder_name(), Some("b"));
        assert_eq!(
            (b.turn(), b.max_turns(), b.routing()),
            (1, Some(5), Routing::Handoff)
        );
        assert_eq!(b.time_in_turn(at(t0, 7)), Some(Duration::from_secs(7)));
        assert_eq!(b.pane_index("a"), Some(P0));
        assert_eq!(b.pane_index("z"), None);
        assert!(b.is_alive(P0) && !b.is_alive(PaneId::new(9)) && !b.is_paused());
        assert_eq!(b.history().len(), 1);
        assert_eq!((b.history()[0].number, b.history()[0].by), (1, None));
    }

    #[test]
    fn new_with_bad_first_or_no_panes() {
        let t0 = Instant::now();
        let b = Baton::new(
            vec!["a".into()],
            PaneId::new(4),
            Routing::RoundRobin,
            None,
            t0,
        );
        assert_eq!(b.holder(), Some(P0));
        let b = Baton::new(Vec::new(), P0, Routing::RoundRobin, None, t0);
        assert_eq!(
            (b.holder(), b.time_in_turn(t0), b.history().len()),
            (None, None, 0)
        );
    }

    #[test]
    fn round_robin_pass_goes_to_next_pane_with_effects() {
        let t0 = Instant::now();
        let mut b = abc(t0);
        let effects = b.apply(pass(P0, None), at(t0, 10)).unwrap();
        assert_eq!(
            effects,
            vec![
                Effect::Inject {
                    pane: P1,
                    from: "a".into(),
                    to: "b".into(),
                    turn: 2,
                    note: "done".into(),
                },
                Effect::Log(LogEntry {
                    turn: 2,
                    from: Some("a".into()),
                    to: "b".into(),
                    by: PassedBy::Agent,
                    note: "done".into(),
                }),
                Effect::Notice("baton: a -> b (turn 2)".into()),
            ]
        );
        assert_eq!((b.holder(), b.turn()), (Some(P1), 2));
        assert_eq!(b.time_in_turn(at(t0, 13)), Some(Duration::from_secs(3)));
        let last = b.history().last().unwrap();
        assert_eq!((last.number, last.pane, last.from), (2, P1, Some(P0)));
        assert_eq!((last.started, last.by), (at(t0, 10), Some(PassedBy::Agent)));
    }

    #[test]
    fn round_robin_wraps_and_skips_dead_panes() {
        let t0 = Instant::now();
        let mut b = abc(t0);
        b.apply(Event::PaneExited { pane: P1 }, t0).unwrap();
        b.apply(pass(P0, None), t0).unwrap();
        assert_eq!(b.holder(), Some(P2));
        b.apply(pass(P2, None), t0).unwrap();
        assert_eq!((b.holder(), b.turn()), (Some(P0), 3));
    }

    #[test]
    fn round_robin_honours_an_explicit_target() {
        let t0 = Instant::now();
        let mut b = abc(t0);
        b.apply(pass(P0, Some(P2)), t0).unwrap();
        assert_eq!(b.holder(), Some(P2));
    }

    #[test]
    fn pass_from_a_non_holder_is_refused() {
        let t0 = Instant::now();
        let mut b = abc(t0);
        let err = refused(&mut b, pass(P1, None), t0);
        assert_eq!(
            err,
            Refusal::NotHolder {
                pane: "b".into(),
                holder: Some("a".into())
            }
        );
        assert_eq!(err.to_string(), "b does not hold the baton (a does)");
    }

    #[test]
    fn pass_to_a_dead_pane_is_refused() {
        let t0 = Instant::now();
        let mut b = abc(t0);
        b.apply(Event::PaneExited { pane: P2 }, t0).unwrap();
        let err = refused(&mut b, pass(P0, Some(P2)), t0);
        assert_eq!(err, Refusal::DeadPane { name: "c".into() });
        assert_eq!(err.to_string(), "c has exited and cannot take the baton");
    }

    #[test]
    fn unknown_panes_are_refused() {
        let t0 = Instant::now();
        let mut b = abc(t0);
        assert_eq!(
            refused(&mut b, pass(P0, Some(PaneId::new(3))), t0),
            Refusal::UnknownPane {
                pane: PaneId::new(3)
            }
        );
        assert_eq!(
            refused(&mut b, pass(PaneId::new(7), None), t0),
            Refusal::UnknownPane {
                pane: PaneId::new(7)
            }
        );
        let take = Event::Take {
            pane: PaneId::new(5),
            by: PassedBy::Key,
        };
        assert_eq!(refused(&mut b, take, t0).to_string(), "there is no pane 6");
        let exit = Event::PaneExited {
            pane: PaneId::new(3),
        };
        assert_eq!(
            refused(&mut b, exit, t0),
            Refusal::UnknownPane {
                pane: PaneId::new(3)
            }
        );
    }

    #[test]
    fn pass_to_self_is_refused() {
        let t0 = Instant::now();
        let mut b = abc(t0);
        let err = refused(&mut b, pass(P0, Some(P0)), t0);
        assert_eq!(err.to_string(), "a already holds the baton");
    }

    #[test]
    fn pass_with_no_other_live_pane_is_refused() {
        let t0 = Instant::now();
        let mut one = baton(&["solo"], Routing::RoundRobin, None, t0);
        assert_eq!(refused(&mut one, pass(P0, None), t0), Refusal::NoOtherPane);
        let mut b = abc(t0);
        b.apply(Event::PaneExited { pane: P1 }, t0).unwrap();
        b.apply(Event::PaneExited { pane: P2 }, t0).unwrap();
        assert_eq!(refused(&mut b, pass(P0, None), t0), Refusal::NoOtherPane);
    }

    #[test]
    fn handoff_routing_needs_a_target() {
        let t0 = Instant::now();
        let mut b = baton(&["a", "b", "c"], Routing::Handoff, None, t0);
        let err = refused(&mut b, pass(P0, None), t0);
        assert_eq!(err, Refusal::NeedsTarget);
        assert!(err.to_string().contains("name the pane"));
        b.apply(pass(P0, Some(P2)), t0).unwrap();
        assert_eq!(b.holder(), Some(P2));
    }

    #[test]
    fn pass_beyond_the_budget_is_refused() {
        let t0 = Instant::now();
        let mut b = baton(&["a", "b"], Routing::RoundRobin, Some(2), t0);
        b.apply(pass(P0, None), t0).unwrap();
        let err = refused(&mut b, pass(P1, None), t0);
        assert_eq!(err, Refusal::BudgetExhausted { max_turns: 2 });
        assert_eq!(err.to_string(), "the turn budget is used up (2 turns)");
    }

    #[test]
    fn pass_note_is_sanitised() {
        let t0 = Instant::now();
        let mut b = abc(t0);
        let event = Event::Pass {
            from: P0,
            to: None,
            note: "ok\x1b]0;pwn\x07\r\n\u{9b}2Jgo".into(),
            by: PassedBy::Key,
        };
        let effects = b.apply(event, t0).unwrap();
        let Effect::Inject { note, .. } = &effects[0] else {
            panic!("expected an injection first: {effects:?}");
        };
        assert_eq!(note, "ok\ngo");
        assert_eq!(b.history().last().unwrap().note, "ok\ngo");
    }

    #[test]
    fn holder_exit_moves_the_baton_on() {
        let t0 = Instant::now();
        let mut b = abc(t0);
        let effects = b.apply(Event::PaneExited { pane: P0 }, at(t0, 4)).unwrap();
        let note = "a exited, so the baton passes to you.".to_string();
        assert_eq!(
            effects,
            vec![
                Effect::Inject {
                    pane: P1,
                    from: "a".into(),
                    to: "b".into(),
                    turn: 2,
                    note: note.clone(),
                },
                Effect::Log(LogEntry {
                    turn: 2,
                    from: Some("a".into()),
                    to: "b".into(),
                    by: PassedBy::Exit,
                    note,
                }),
                Effect::Notice("baton: a exited; b holds it (turn 2)".into()),
            ]
        );
        assert!(!b.is_alive(P0));
        assert_eq!(b.time_in_turn(at(t0, 5)), Some(Duration::from_secs(1)));
    }

    #[test]
    fn non_holder_exit_only_marks_it_dead() {
        let t0 = Instant::now();
        let mut b = abc(t0);
        let effects = b.apply(Event::PaneExited { pane: P2 }, t0).unwrap();
        assert_eq!(effects, vec![Effect::Notice("baton: c exited".into())]);
        assert_eq!((b.holder(), b.turn(), b.is_alive(P2)), (Some(P0), 1, false));
        // A second exit report for the same pane changes nothing.
        let before = b.clone();
        assert_eq!(b.apply(Event::PaneExited { pane: P2 }, t0), Ok(Vec::new()));
        assert_eq!(b, before);
    }

    #[test]
    fn all_panes_dead_parks_the_baton() {
        let t0 = Instant::now();
        let mut b = baton(&["a", "b"], Routing::RoundRobin, None, t0);
        b.apply(Event::PaneExited { pane: P1 }, t0).unwrap();
        let effects = b.apply(Event::PaneExited { pane: P0 }, t0).unwrap();
        assert_eq!(
            effects,
            vec![Effect::Notice(
                "baton: a exited and no live pane is left; baton parked".into()
            )]
        );
        assert_eq!((b.holder(), b.time_in_turn(t0), b.turn()), (None, None, 1));
        let err = refused(&mut b, pass(P0, None), t0);
        assert_eq!(err.to_string(), "a does not hold the baton (nobody does)");
        let take = Event::Take {
            pane: P1,
            by: PassedBy::Key,
        };
        assert_eq!(
            refused(&mut b, take, t0),
            Refusal::DeadPane { name: "b".into() }
        );
    }

    #[test]
    fn holder_exit_with_the_budget_used_up_parks_the_baton() {
        let t0 = Instant::now();
        let mut b = baton(&["a", "b"], Routing::RoundRobin, Some(1), t0);
        let effects = b.apply(Event::PaneExited { pane: P0 }, t0).unwrap();
        assert!(matches!(&effects[..], [Effect::Notice(n)] if n.contains("budget")));
        assert_eq!(b.holder(), None);
    }

    #[test]
    fn pause_parks_and_resume_restores() {
        let t0 = Instant::now();
        let mut b = abc(t0);
        let effects = b.apply(Event::Pause, at(t0, 10)).unwrap();
        assert_eq!(
            effects,
            vec![Effect::Notice(
                "baton: paused; a gets it back on resume".into()
            )]
        );
        assert!(b.is_paused());
        assert_eq!(
            (b.holder(), b.parked(), b.holder_name()),
            (None, Some(P0), None)
        );
        assert_eq!(b.time_in_turn(at(t0, 20)), None);
        assert_eq!(refused(&mut b, pass(P0, None), t0), Refusal::Paused);
        let take = Event::Take {
            pane: P1,
            by: PassedBy::Key,
        };
        assert_eq!(refused(&mut b, take, t0), Refusal::Paused);
        assert_eq!(refused(&mut b, Event::Pause, t0), Refusal::AlreadyPaused);

        let effects = b.apply(Event::Resume, at(t0, 40)).unwrap();
        assert_eq!(
            effects,
            vec![Effect::Notice("baton: resumed; a holds it (turn 1)".into())]
        );
        assert_eq!((b.holder(), b.parked(), b.turn()), (Some(P0), None, 1));
        // 10 s before the pause + 5 s after it; the 30 s paused do not count.
        assert_eq!(b.time_in_turn(at(t0, 45)), Some(Duration::from_secs(15)));
        assert_eq!(refused(&mut b, Event::Resume, t0), Refusal::NotPaused);
    }

    #[test]
    fn parked_holder_that_exits_is_replaced_at_resume() {
        let t0 = Instant::now();
        let mut b = abc(t0);
        b.apply(Event::Pause, t0).unwrap();
        let effects = b.apply(Event::PaneExited { pane: P0 }, t0).unwrap();
        assert!(matches!(&effects[..], [Effect::Notice(_)]));
        assert_eq!((b.holder(), b.turn()), (None, 1));
        let effects = b.apply(Event::Resume, at(t0, 9)).unwrap();
        assert_eq!(effects[0], Effect::Notice("baton: resumed".into()));
        assert!(matches!(
            effects[1],
            Effect::Inject {
                pane: P1,
                turn: 2,
                ..
            }
        ));
        assert_eq!((b.holder(), b.turn()), (Some(P1), 2));
        assert_eq!(b.time_in_turn(at(t0, 9)), Some(Duration::ZERO));
    }

    #[test]
    fn take_starts_a_turn_without_injecting() {
        let t0 = Instant::now();
        let mut b = abc(t0);
        let effects = b
            .apply(
                Event::Take {
                    pane: P2,
                    by: PassedBy::Key,
                },
                at(t0, 3),
            )
            .unwrap();
        assert_eq!(
            effects,
            vec![
                Effect::Log(LogEntry {
                    turn: 2,
                    from: Some("a".into()),
                    to: "c".into(),
                    by: PassedBy::Key,
                    note: String::new(),
                }),
                Effect::Notice("baton: given to c (turn 2)".into()),
            ]
        );
        assert_eq!((b.holder(), b.turn()), (Some(P2), 2));
        // Taking for the holder is a no-op.
        let before = b.clone();
        let again = b.apply(
            Event::Take {
                pane: P2,
                by: PassedBy::Key,
            },
            at(t0, 5),
        );
        assert_eq!(again, Ok(Vec::new()));
        assert_eq!(b, before);
    }

    #[test]
    fn take_revives_a_parked_baton() {
        let t0 = Instant::now();
        let mut b = baton(&["a", "b"], Routing::RoundRobin, Some(1), t0);
        b.apply(Event::PaneExited { pane: P0 }, t0).unwrap();
        assert_eq!(b.holder(), None);
        let effects = b
            .apply(
                Event::Take {
                    pane: P1,
                    by: PassedBy::Key,
                },
                t0,
            )
            .unwrap();
        assert!(matches!(
            &effects[0],
            Effect::Log(LogEntry { from: None, .. })
        ));
        assert_eq!((b.holder(), b.turn()), (Some(P1), 2));
    }

    #[test]
    fn end_parks_the_baton_for_good() {
        let t0 = Instant::now();
        let mut b = abc(t0);
        let effects = b.apply(Event::End, t0).unwrap();
        assert_eq!(
            effects,
            vec![Effect::Notice(
                "baton: the rally ended; baton parked".into()
            )]
        );
        assert!(b.is_ended());
        assert_eq!((b.holder(), b.time_in_turn(t0), b.turn()), (None, None, 1));
        assert_eq!(refused(&mut b, pass(P0, None), t0), Refusal::Ended);
        let take = Event::Take {
            pane: P1,
            by: PassedBy::Key,
        };
        assert_eq!(refused(&mut b, take, t0), Refusal::Ended);
        assert_eq!(refused(&mut b, Event::Pause, t0), Refusal::Ended);
        assert_eq!(refused(&mut b, Event::Resume, t0), Refusal::Ended);
        assert_eq!(
            refused(&mut b, Event::End, t0).to_string(),
            "the rally has ended"
        );
        // Panes still exit, but the baton does not move.
        let effects = b.apply(Event::PaneExited { pane: P0 }, t0).unwrap();
        assert_eq!(effects, vec![Effect::Notice("baton: a exited".into())]);
        assert_eq!((b.holder(), b.turn()), (None, 1));
    }

    #[test]
    fn a_lone_pane_may_loop_on_itself() {
        let t0 = Instant::now();
        let mut solo = baton(&["solo"], Routing::RoundRobin, None, t0).with_self_pass(true);
        let effects = solo.apply(pass(P0, None), at(t0, 5)).unwrap();
        assert!(matches!(
            &effects[0],
            Effect::Inject {
                pane: P0,
                turn: 2,
                ..
            }
        ));
        assert_eq!((solo.holder(), solo.turn()), (Some(P0), 2));
        assert_eq!(solo.time_in_turn(at(t0, 6)), Some(Duration::from_secs(1)));
        // Naming yourself is still refused, and with other live panes they come first.
        assert!(matches!(
            refused(&mut solo, pass(P0, Some(P0)), t0),
            Refusal::SelfPass { .. }
        ));
        let mut b = abc(t0).with_self_pass(true);
        b.apply(pass(P0, None), t0).unwrap();
        assert_eq!(b.holder(), Some(P1));
    }
}
