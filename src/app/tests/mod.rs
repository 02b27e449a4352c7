//! The app's behaviour in-process (see [`harness`]): modes, overlays, focus, layouts,
//! passes and copy mode, each read off a `TestBackend` buffer. What needs a real host
//! terminal (its replies, raw bytes, signals, the binary's exit) stays in `tests/`.

mod harness;
mod host;

use harness::Harness;

use crate::pane::PaneId;
use crate::ui::BorderPart;
use crate::ui::frame::{Content, FrameView, PaneView};

/// Two `cat` panes that say who they are.
fn two_panes() -> Harness {
    a_then_and_a_cat("cat")
}

/// a, which says nothing after its name, holds the baton and has the keyboard; b, a
/// `cat`, has neither: for what b's output alone does.
fn quiet_holder_and_a_cat() -> Harness {
    a_then_and_a_cat("sleep 1000")
}

/// Pane a says who it is and then runs `a_then`; pane b says who it is and runs `cat`.
fn a_then_and_a_cat(a_then: &str) -> Harness {
    let a = format!("a=echo AAA; exec {a_then}");
    let mut h = Harness::start(&["--pane", &a, "--pane", "b=echo BBB; exec cat"]);
    h.wait_for("AAA");
    h.wait_for("BBB");
    h
}

/// Side by side on the harness's 100 columns.
const LEFT: std::ops::Range<usize> = 0..50;
const RIGHT: std::ops::Range<usize> = 50..100;

fn status_line(h: &Harness) -> String {
    h.rows().last().cloned().unwrap_or_default()
}

#[test]
fn focus_and_zoom_by_keys() {
    let mut h = two_panes();
    h.keys("ctrl-] 2 ctrl-] z");
    let screen = h.wait_for_gone("AAA");
    assert!(screen.contains("zoom"), "{screen}");
    h.keys("ctrl-] z");
    h.wait_for("AAA");
    h.keys("ctrl-] o ctrl-] z");
    h.wait_for_gone("BBB");
}

#[test]
fn typing_reaches_only_the_holder_and_a_viewer_is_told_why() {
    let mut h = two_panes();
    h.type_text("hello from the keyboard");
    h.wait_in(LEFT, "hello from the keyboard");
    assert!(!h.region(RIGHT).contains("hello"), "{}", h.screen());
    h.keys("ctrl-] 2").type_text("xyz");
    let status = status_line(&h);
    assert!(
        status.contains("b is view-only: a holds the baton; ctrl-] t takes it"),
        "{status}"
    );
    assert!(!h.screen().contains("xyz"));
    // Taking the baton lets the keys through, to b and not to a.
    h.keys("ctrl-] t").type_text("now in b");
    h.wait_in(RIGHT, "now in b");
    assert!(!h.region(LEFT).contains("now in b"), "{}", h.screen());
}

#[test]
fn pass_now_and_pass_to_a_numbered_pane() {
    let mut h = Harness::start(&["--pane", "a=cat", "--pane", "b=cat", "--pane", "c=cat"]);
    h.wait_for("baton · turn 1");
    h.keys("ctrl-] N");
    h.wait_for("baton: a -> b (turn 2)");
    h.keys("ctrl-] p");
    assert!(status_line(&h).contains("pass the baton to pane number"));
    h.type_text("1");
    h.wait_for("baton: b -> a (turn 3)");
    // Passing to yourself is refused and changes nothing.
    h.keys("ctrl-] p").type_text("1");
    assert!(h.screen().contains("turn 3"), "{}", h.screen());
    // Anything but a number cancels.
    h.keys("ctrl-] p").type_text("x");
    h.wait_for("pass cancelled");
    let passes = h.passes();
    assert_eq!(passes.len(), 2, "{passes:?}");
    let last = (passes[1]["from"].as_str(), passes[1]["to"].as_str());
    assert_eq!(last, (Some("b"), Some("a")));
}

#[test]
fn a_note_written_in_the_editor_reaches_the_next_pane() {
    let mut h = two_panes();
    h.keys("ctrl-] n");
    h.wait_for("handoff note to b");
    h.type_text("please review the parser");
    h.keys("ctrl-s");
    h.wait_for_gone("handoff note to b");
    h.wait_for("baton: a -> b (turn 2)");
    // cat echoes the note it was given.
    h.wait_in(RIGHT, "please review the parser");
    let passes = h.passes();
    assert_eq!(passes.len(), 1, "{passes:?}");
    let pass = &passes[0];
    let route = (
        pass["from"].as_str(),
        pass["to"].as_str(),
        pass["by"].as_str(),
    );
    assert_eq!(route, (Some("a"), Some("b"), Some("key")));
    assert_eq!(pass["turn"], 2);
    let note = pass["note"].as_str().unwrap_or("");
    assert!(note.contains("please review the parser"), "{note}");
}

#[test]
fn the_note_editor_cancels_with_escape_and_passes_nothing() {
    let mut h = two_panes();
    h.keys("ctrl-] n");
    h.wait_for("handoff note to b");
    h.type_text("never mind").keys("esc");
    h.wait_for("note discarded");
    assert!(h.screen().contains("baton · turn 1"), "{}", h.screen());
}

#[test]
fn help_lists_the_keymap_and_any_key_closes_it() {
    let mut h = two_panes();
    h.keys("ctrl-] ?");
    let screen = h.wait_for("after the prefix ctrl-]");
    assert!(screen.contains("1-9         focus pane N"), "{screen}");
    h.type_text("q");
    h.wait_for_gone("after the prefix ctrl-]");
    // The key that closed help went nowhere else.
    assert!(!h.screen().contains("AAAq"), "{}", h.screen());
}

#[test]
fn quitting_while_children_run_asks_first() {
    let mut h = two_panes();
    h.keys("ctrl-] q");
    assert!(status_line(&h).contains("children are still running: quit and stop them? y/n"));
    h.type_text("n");
    h.wait_for("still here");
    assert!(!h.app.quitting);
    h.keys("ctrl-] q").type_text("y");
    assert!(h.app.quitting);
}

#[test]
fn layouts_cycle_and_the_ptys_follow() {
    let mut h = two_panes();
    let before = h.app.pane(PaneId::new(0)).size();
    h.keys("ctrl-] space");
    h.wait_for("layout: ");
    let after = h.app.pane(PaneId::new(0)).size();
    assert_ne!(before, after, "the pane kept its size across layouts");
}

#[test]
fn copy_mode_searches_the_history_and_esc_leaves() {
    // The needle is printed, not written, so the pane's title cannot show it.
    let mut h = Harness::start(&[
        "--pane",
        "a=seq 500; echo NEEDLE$((3+4)); seq 500; echo DONE$((1)); exec cat",
    ]);
    h.wait_for("DONE1");
    assert!(!h.screen().contains("NEEDLE7"));
    h.keys("ctrl-] [");
    h.wait_for("copy");
    h.type_text("?NEEDLE").keys("enter");
    h.wait_for("NEEDLE7");
    h.keys("esc");
    h.wait_for_gone("NEEDLE7");
    assert!(!h.screen().contains("· copy"), "{}", h.screen());
}

#[test]
fn an_unbound_chord_after_the_prefix_is_named() {
    let mut h = two_panes();
    h.keys("ctrl-] x");
    assert!(
        status_line(&h).contains("x is not bound after the prefix"),
        "{}",
        status_line(&h)
    );
}

#[test]
fn the_host_resizing_resizes_every_pane() {
    let mut h = two_panes();
    let before: Vec<_> = h.app.slots.iter().map(|s| s.pane.size()).collect();
    h.resize(140, 40);
    let after: Vec<_> = h.app.slots.iter().map(|s| s.pane.size()).collect();
    assert_ne!(before, after);
    assert_eq!(h.rows().len(), 40);
    assert!(h.screen().contains("AAA"));
}

#[test]
fn copy_mode_selects_and_copies_a_line_then_leaves() {
    let mut h = Harness::start(&["--pane", "a=printf 'alpha\\nbeta\\n'; exec cat"]);
    h.wait_for("beta");
    h.keys("ctrl-] [ k k V y");
    let status = status_line(&h);
    assert!(status.contains("copied"), "{status}");
    assert!(!h.screen().contains("· copy"), "{}", h.screen());
    // Without a selection, y only says so and copy mode stays.
    h.keys("ctrl-] [ y");
    let status = status_line(&h);
    assert!(status.contains("nothing selected"), "{status}");
    assert!(h.screen().contains("· copy"), "{}", h.screen());
}

#[test]
fn a_session_record_that_cannot_be_saved_is_told_as_the_sessions() {
    let mut h = two_panes();
    // A directory where session.toml goes: the rename of every save fails, even as root.
    let record = h.app.session.dir().join(crate::session::resume::FILE_NAME);
    let _ = std::fs::remove_file(&record);
    std::fs::create_dir_all(record.join("in-the-way")).expect("a directory in the way");
    h.keys("ctrl-] N");
    // The failed save wakes the app by itself: no other input is needed to tell it.
    h.wait_app("the failed save told", |app| {
        let prefix = app.prefs.keymap.prefix();
        (app.chrome.message(prefix)).is_some_and(|said| said.contains("session not saved"))
    });
    h.draw();
    let screen = h.screen();
    assert!(screen.contains("session not saved"), "{screen}");
    assert!(!screen.contains("scratchpad not saved"), "{screen}");
}

#[test]
fn a_background_pane_is_drawn_at_the_slower_rate_and_does_not_wake_the_app_meanwhile() {
    use super::pacing::{BACKGROUND_FRAME, FRAME};
    use std::time::{Duration, Instant};
    let mut h = quiet_holder_and_a_cat();
    h.pump();
    let last = h.app.frames.last.expect("a frame went out");
    let last_background = h.app.frames.last_background.expect("and painted b");
    h.app.pane(PaneId::new(1)).write(b"one\n".to_vec());
    // Once b has told of it, the app looks at b's output alone: other news (a save's
    // outcome, say) is set aside, as is a frame the last one may have asked for.
    h.wait_for_signal_from(PaneId::new(1));
    h.app.frames.dirty = false;
    h.app.collect_output();
    assert!(
        h.app.frames.background,
        "b's output asks for a background frame"
    );
    assert!(
        !h.app.frames.dirty,
        "b's output alone asks for no full-rate frame"
    );
    let due = (last + FRAME).max(last_background + BACKGROUND_FRAME);
    assert_eq!(h.app.next_frame(), Some(due));

    // With that frame on its way, b's output waits without a word to the app (unread,
    // where the UI thread reads), and the next look finds it.
    h.app.hush_panes();
    // (Whatever was said before the hush is set aside.)
    h.signalled_by(PaneId::new(1));
    h.app.pane(PaneId::new(1)).write(b"two\n".to_vec());
    h.wait_written_while_hushed(PaneId::new(1), "two");
    assert!(!h.signalled_by(PaneId::new(1)), "a hushed pane signalled");
    h.app.frames.background = false;
    make_the_look_due(&mut h);
    h.app.hush_panes();
    assert!(h.app.frames.background, "output under the hush was lost");

    // A frame for the holder paints the holder alone: b's output waits for its frame.
    h.app.frames.last_background = Some(Instant::now() + Duration::from_secs(60));
    h.app.pane(PaneId::new(0)).write(b"three\n".to_vec());
    h.wait_in(LEFT, "three");
    assert!(!h.region(RIGHT).contains("two"), "{}", h.screen());
    assert!(h.app.frames.background);
    h.app.frames.last_background = None;
    h.draw();
    assert!(h.region(RIGHT).contains("two"), "{}", h.screen());

    // The holder's output asks for a frame at the full rate.
    let last = h.app.frames.last.expect("a frame went out");
    h.app.hush_panes();
    h.app.pane(PaneId::new(0)).write(b"four\n".to_vec());
    h.wait_app("a's output", |app| app.frames.dirty);
    assert_eq!(h.app.next_frame(), Some(last + FRAME));
}

/// Two cats, a and b, with b painted a moment ago: it is hushed until its next look, and
/// `text`, which it then prints, waits unread.
fn two_cats_and_bs_output_unread(text: &str) -> Harness {
    use std::time::{Duration, Instant};
    let mut h = a_then_and_a_cat("cat");
    h.pump();
    h.app.frames.dirty = false;
    h.app.frames.background = false;
    h.app.frames.last_background = Some(Instant::now() + Duration::from_secs(60));
    h.app.hush_panes();
    let b = PaneId::new(1);
    h.app.pane(b).write(format!("{text}\n").into_bytes());
    h.wait_written_while_hushed(b, text);
    h
}

#[test]
fn a_frame_for_the_holder_takes_the_background_panes_output_along() {
    use super::pacing::BACKGROUND_ALONG;
    use std::time::Instant;
    let a = PaneId::new(0);
    let mut h = two_cats_and_bs_output_unread("along");

    // Too soon after b's last frame: the holder's frame paints the holder alone.
    h.app.pane(a).write(b"first\n".to_vec());
    h.wait_app("a's output", |app| app.frames.dirty);
    h.app.frames.last = None;
    h.render_if_due();
    assert!(h.region(LEFT).contains("first"), "{}", h.screen());
    assert!(!h.region(RIGHT).contains("along"), "{}", h.screen());

    // Once BACKGROUND_ALONG has passed, the holder's next frame looks at b and paints
    // it too, with no timer and no wake-up of b's own.
    h.app.frames.last_background = Instant::now().checked_sub(BACKGROUND_ALONG);
    h.app.pane(a).write(b"second\n".to_vec());
    h.wait_app("a's output", |app| app.frames.dirty);
    h.app.frames.last = None;
    h.render_if_due();
    assert!(h.region(LEFT).contains("second"), "{}", h.screen());
    assert!(h.region(RIGHT).contains("along"), "{}", h.screen());
    let painted = h.app.frames.last_background.expect("b was painted");
    assert!(
        painted + BACKGROUND_ALONG > Instant::now(),
        "b's frame was not this one"
    );
}

#[test]
fn a_keystrokes_echo_goes_out_at_once_and_leaves_the_background_panes_for_their_frame() {
    use super::pacing::BACKGROUND_ALONG;
    use std::time::{Duration, Instant};
    let (a, b) = (PaneId::new(0), PaneId::new(1));
    let mut h = two_cats_and_bs_output_unread("along");

    // The person typed into a, and a frame went out a moment ago: the echo is drawn at
    // once, alone, though b's last frame was long enough ago for a frame for a to take
    // its output along (b's own frame is not due yet).
    h.app.pane(a).write(b"typed\n".to_vec());
    wait_for_output(&mut h, a, "typed");
    let now = Instant::now();
    h.app.frames.last_background = now.checked_sub(BACKGROUND_ALONG + Duration::from_millis(10));
    h.app.frames.last = Some(now);
    h.app.frames.last_keystroke = Some((a, now));
    h.render_if_due();
    assert!(h.region(LEFT).contains("typed"), "{}", h.screen());
    assert!(!h.region(RIGHT).contains("along"), "{}", h.screen());
    assert_eq!(h.app.frames.along_after, super::pacing::BACKGROUND_ALONG);

    // The next frame that is not an echo takes b's output along, as before.
    h.app.frames.last_keystroke = None;
    h.app.pane(a).write(b"later\n".to_vec());
    wait_for_output(&mut h, a, "later");
    h.app.frames.last = None;
    h.render_if_due();
    assert!(h.region(LEFT).contains("later"), "{}", h.screen());
    assert!(h.region(RIGHT).contains("along"), "{}", h.screen());

    // Once b's own frame is due, an echo takes it along: a person typing into a pane
    // that streams output does not hold the others back.
    h.app.pane(b).write(b"overdue\n".to_vec());
    h.wait_written_while_hushed(b, "overdue");
    make_the_look_due(&mut h);
    h.app.hush_panes();
    assert!(h.app.frames.background, "b's output was not found");
    h.app.pane(a).write(b"echoed\n".to_vec());
    wait_for_output(&mut h, a, "echoed");
    h.app.frames.last = Some(Instant::now());
    h.app.frames.last_keystroke = Some((a, Instant::now()));
    h.render_if_due();
    assert!(h.region(LEFT).contains("echoed"), "{}", h.screen());
    assert!(h.region(RIGHT).contains("overdue"), "{}", h.screen());
}

/// Waits until `text` is in pane `id`'s emulator and the app wants a frame for it. (The
/// flag alone may be left from output before: `cat` prints a line after the terminal's
/// echo of it.)
fn wait_for_output(h: &mut Harness, id: PaneId, text: &str) {
    h.wait_in_emulator(id, text);
    h.app.collect_output();
    assert!(h.app.frames.dirty, "{text:?} asked for no frame");
}

/// The time for the look at the background panes has come: a background frame's time
/// has passed since the last, and a frame may go out.
fn make_the_look_due(h: &mut Harness) {
    use super::pacing::{BACKGROUND_FRAME, FRAME};
    let now = std::time::Instant::now();
    h.app.frames.last_background = now.checked_sub(BACKGROUND_FRAME);
    h.app.frames.last = now.checked_sub(FRAME);
}

#[test]
fn a_look_waits_for_the_time_a_frame_may_go_out() {
    // A frame for the holder just went out when the background panes' time came: the
    // look waits until the next frame may go out, so that the output it finds is drawn
    // in the same wake-up.
    use super::pacing::{BACKGROUND_FRAME, FRAME};
    use std::time::{Duration, Instant};
    let mut h = quiet_holder_and_a_cat();
    h.pump();
    let painted = Instant::now();
    let now = painted + BACKGROUND_FRAME.saturating_sub(Duration::from_millis(2));
    h.app.frames.last_background = Some(painted);
    h.app.frames.last = Some(now);
    assert_eq!(h.app.background_look(now), Some(now + FRAME));
    // Long after the holder's frame, the background panes' own time decides.
    h.app.frames.last = Some(painted);
    assert_eq!(
        h.app.background_look(now),
        Some(now + Duration::from_millis(2))
    );
    // Once that time has passed there is nothing to look for: the panes are heard again,
    // and a frame that just went out plans no look (that would wake the app at the full
    // frame rate for nothing).
    let later = painted + BACKGROUND_FRAME + Duration::from_millis(1);
    h.app.frames.last = Some(later);
    assert_eq!(h.app.background_look(later), None);
}

#[test]
fn after_a_background_frame_the_app_looks_for_background_output_rather_than_being_told() {
    use super::pacing::BACKGROUND_FRAME;
    use std::time::{Duration, Instant};
    let mut h = quiet_holder_and_a_cat();
    h.pump();
    // Just after b was painted, no frame is on its way, yet b stays hushed: the app
    // will look when the next background frame may go out.
    h.app.frames.dirty = false;
    h.app.frames.background = false;
    let painted = Instant::now();
    h.app.frames.last_background = Some(painted);
    let look = h.app.background_look(painted).expect("a look is planned");
    assert_eq!(look, painted + BACKGROUND_FRAME);
    assert!(h.app.next_wakeup().is_some_and(|at| at <= look));
    // (b painted "in a minute", so that the hush outlasts a slow machine's pauses.)
    h.app.frames.last_background = Some(painted + Duration::from_secs(60));
    h.app.hush_panes();
    // (Whatever was said before the hush is set aside.)
    h.signalled_by(PaneId::new(1));
    h.app.pane(PaneId::new(1)).write(b"quietly\n".to_vec());
    // Where the UI thread reads, b's output is not even read before the look.
    let unread = h.wait_written_while_hushed(PaneId::new(1), "quietly");
    assert!(
        !h.signalled_by(PaneId::new(1)),
        "b's output woke the app before the look"
    );
    if unread {
        let b = h.app.pane(PaneId::new(1)).emulator().contents();
        assert!(!b.contains("quietly"), "b was read while hushed: {b}");
    }
    // The look (a timer, then the loop's turn) finds it, and the background frame
    // paints it.
    make_the_look_due(&mut h);
    h.app.handle(super::Input::Timer);
    h.app.hush_panes();
    assert!(h.app.frames.background, "the look missed b's output");
    h.draw();
    assert!(h.region(RIGHT).contains("quietly"), "{}", h.screen());
    // With nothing to look for, b is heard again as soon as the look is over.
    make_the_look_due(&mut h);
    assert_eq!(h.app.background_look(Instant::now()), None);
    h.app.hush_panes();
    h.app.pane(PaneId::new(1)).write(b"aloud\n".to_vec());
    h.wait_app("b's signal", |app| app.frames.background);
}

#[test]
fn a_flood_is_read_by_the_panes_thread_until_it_stops() {
    // b prints far more than one look takes, then falls silent.
    let mut h = Harness::start(&[
        "--pane",
        "a=exec sleep 100",
        "--pane",
        "b=head -c 2000000 /dev/zero | tr '\\0' x; echo; echo flood-over; exec sleep 100",
    ]);
    let b = PaneId::new(1);
    if h.app.pane(b).unread().is_none() {
        eprintln!("SKIPPED: the UI thread does not read panes on this system");
        return;
    }
    // Each look goes as a turn of the loop does (see `Harness::turn`).
    let read_by = |h: &mut Harness, ui: bool| {
        h.poll(
            if ui {
                "the UI thread to read b"
            } else {
                "b's thread to read"
            },
            |h| {
                h.turn();
                match h.app.pane(b).unread() {
                    Some((_, by_ui)) if by_ui == ui => Ok(()),
                    seen => Err(format!(": {seen:?}")),
                }
            },
        );
    };
    let shown = |h: &mut Harness, text: &str| {
        h.poll(text, |h| {
            h.turn();
            let right = h.region(RIGHT);
            if right.contains(text) {
                Ok(())
            } else {
                Err(format!(":\n{right}"))
            }
        });
    };
    read_by(&mut h, false);
    shown(&mut h, "flood-over");
    // Once quiet, the UI thread reads b again, and b's next output reaches the screen.
    read_by(&mut h, true);
    h.app.pane(b).write(b"again".to_vec());
    shown(&mut h, "again");
}

#[test]
fn output_the_ui_thread_reads_wakes_the_loop_once() {
    // The watch's report wakes the loop, which reads the output and looks at it. A signal
    // on top, sent by the read to the loop's own queue, would wake it a second time for
    // nothing (on a thinking agent, that was every frame).
    let mut h = two_panes();
    let a = PaneId::new(0);
    if h.app.pane(a).unread().is_none() {
        eprintln!("SKIPPED: the UI thread does not read panes on this system");
        return;
    }
    h.turn();
    h.app.frames.dirty = false;
    h.app.pane(a).write(b"ping\n".to_vec());
    let mut signalled = Vec::new();
    h.poll("a's echo, read and looked at", |h| {
        signalled.extend(h.handle_queued_signals());
        if h.app.frames.dirty && h.app.pane(a).emulator().contents().contains("ping") {
            Ok(())
        } else {
            Err(String::new())
        }
    });
    signalled.extend(h.handle_queued_signals());
    assert!(!signalled.contains(&a), "a's read signalled the loop");
}

#[test]
fn a_whole_frame_waits_for_a_busy_pane_rather_than_showing_it_blank() {
    let mut h = two_panes();
    // b's reader is busy (here: the test holds b's emulator) when a frame that starts
    // from a blank picture goes out, as after a resize.
    let held = h.hold_emulator(PaneId::new(1), std::time::Duration::from_millis(100));
    h.app.frames.painted.canvas.invalidate();
    h.draw();
    drop(held);
    assert!(h.region(RIGHT).contains("BBB"), "{}", h.screen());
}

#[test]
fn taking_a_panes_output_never_waits_for_its_reader() {
    use std::time::{Duration, Instant};
    let mut h = two_panes();
    h.pump();
    // b has output the app has not looked at yet...
    h.app.pane(PaneId::new(1)).write(b"one\n".to_vec());
    h.wait_in_emulator(PaneId::new(1), "one");
    // ...and its reader is busy with more (here: the test holds b's emulator), as under
    // a flood whose parser the scheduler has just put aside.
    // The lock is held until the app has looked, or for 2 s.
    let held = h.hold_emulator(PaneId::new(1), Duration::from_secs(2));
    let started = Instant::now();
    h.app.collect_output();
    let took = started.elapsed();
    drop(held);
    assert!(
        took < Duration::from_secs(1),
        "waited {took:?} for b's reader"
    );
}

#[test]
fn a_frame_with_nothing_new_is_not_sent() {
    // `sleep` says nothing, so nothing on screen moves by itself.
    let mut h = Harness::start(&["--pane", "quiet=exec sleep 100"]);
    h.wait_for("quiet");
    h.draw();
    let sent = h.frames_sent();
    // A timer's frame (here with nothing due) changes nothing the host shows.
    h.app.handle(super::Input::Timer);
    h.draw();
    assert_eq!(h.frames_sent(), sent, "an empty frame went out");
    // What does change is sent: the terminal's echo of a key.
    h.type_text("QZQ");
    h.wait_for("QZQ");
    assert!(h.frames_sent() > sent);
}

/// Pane `id`'s place in a frame.
fn pane_in<'v, 'a>(view: &'v FrameView<'a>, id: usize) -> &'v PaneView<'a> {
    view.panes
        .iter()
        .find(|pane| pane.rect.x == if id == 0 { 0 } else { 50 })
        .expect("the pane is in the frame")
}

#[test]
fn a_spinner_tick_repaints_its_glyph_alone_and_the_rest_is_left() {
    use std::time::{Duration, Instant};
    // b prints nothing, so nothing on its border moves.
    let mut h = Harness::start(&["--pane", "a=cat", "--pane", "b=exec sleep 100"]);
    h.wait_for("baton · turn 1");
    // a just printed: it is busy, with a spinner that moves every 200 ms.
    h.type_text("tick");
    h.wait_in(LEFT, "tick");
    let now = Instant::now();
    h.frame_at(now, |_| ());
    h.frame_at(now + Duration::from_millis(200), |view| {
        assert!(!view.whole);
        let a = pane_in(view, 0);
        let (border, part) = a.border.as_ref().expect("a's spinner moved");
        assert_eq!(border.state, "busy", "{border:?}");
        assert!(border.spinner.is_some(), "{border:?}");
        // Only its glyph's cell is painted again.
        assert!(matches!(part, BorderPart::Spinner(_)), "{border:?}");
        assert!(
            pane_in(view, 1).border.is_none(),
            "b's border did not change"
        );
        assert!(view.status.is_none(), "the status line did not change");
    });
}

#[test]
fn the_status_line_is_built_again_when_what_it_says_changes_and_only_then() {
    use crate::pane::activity::Attention;
    let mut h = two_panes();
    h.wait_for("baton · turn 1");
    let now = std::time::Instant::now();
    let message = |view: &FrameView| view.status.as_ref().map(|(_, line)| line.message.clone());
    h.frame_at(now, |_| ());
    assert_eq!(h.frame_at(now, message), None, "nothing changed");
    // b calls for the person: nothing else changes, and the line says so.
    h.app.slots[1].activity.raise(Attention::Bell);
    let said = h.frame_at(now, message);
    assert_eq!(said, Some(Some("needs you: b rang the bell".to_string())));
    // A notice, then another of the same length at the same moment: each is said.
    h.app.chrome.say("first".to_string(), now);
    assert_eq!(h.frame_at(now, message), Some(Some("first".to_string())));
    h.app.chrome.say("again".to_string(), now);
    assert_eq!(h.frame_at(now, message), Some(Some("again".to_string())));
    assert_eq!(h.frame_at(now, message), None, "nothing changed since");
}

#[test]
fn a_frame_waits_a_moment_for_the_reader_of_a_pane_the_person_works_with_only() {
    use std::time::{Duration, Instant};
    let mut h = two_panes();
    let (a, b) = (PaneId::new(0), PaneId::new(1));
    h.app.frames.background = true;
    h.app.frames.last_background = None;
    // a (focused, holding the baton) is being parsed for 50 ms more: the frame waits
    // for it, where it used to keep a's last picture whenever its reader held it.
    h.app.frames.reader_wait = Duration::from_secs(10);
    let held = h.hold_emulator(a, Duration::from_millis(50));
    h.frame_at(Instant::now(), |view| {
        assert!(!matches!(pane_in(view, 0).content, Content::Busy));
    });
    drop(held);
    // b, in the background, is not waited for, however long the frame may wait.
    let held = h.hold_emulator(b, Duration::from_secs(60));
    let started = Instant::now();
    h.frame_at(Instant::now(), |view| {
        assert!(matches!(pane_in(view, 1).content, Content::Busy));
    });
    assert!(started.elapsed() < Duration::from_secs(5), "waited for b");
    drop(held);
    // Nor is a reader that holds a for longer than the wait: a keeps its last picture.
    h.app.frames.reader_wait = Duration::from_millis(20);
    let held = h.hold_emulator(a, Duration::from_secs(60));
    let started = Instant::now();
    h.frame_at(Instant::now(), |view| {
        assert!(matches!(pane_in(view, 0).content, Content::Busy));
    });
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "waited past the limit"
    );
    drop(held);
}

#[test]
fn a_busy_pane_is_left_out_of_the_frame_and_drawn_in_the_next() {
    let mut h = two_panes();
    // A frame that paints the background panes, b among them.
    h.app.frames.background = true;
    h.app.frames.last_background = None;
    let held = h.hold_emulator(PaneId::new(1), std::time::Duration::from_secs(60));
    h.frame_at(std::time::Instant::now(), |view| {
        assert!(!view.whole);
        assert!(matches!(pane_in(view, 0).content, Content::Rows { .. }));
        let b = pane_in(view, 1);
        assert!(matches!(b.content, Content::Busy));
        assert!(b.border.is_none(), "b's border kept its last picture");
        assert!(view.skipped());
    });
    h.draw();
    assert!(h.app.frames.dirty, "no frame asked for to draw b");
    drop(held);
    h.frame_at(std::time::Instant::now(), |view| {
        assert!(!matches!(pane_in(view, 1).content, Content::Busy));
        assert!(!view.skipped());
    });
}

#[test]
fn a_background_panes_output_waits_in_its_emulator_for_a_background_frame() {
    use std::time::{Duration, Instant};
    let mut h = two_panes();
    h.app.pane(PaneId::new(1)).write(b"later\n".to_vec());
    // The terminal's echo and cat's copy.
    h.wait_app("b's output", |app| {
        let contents = app.pane(PaneId::new(1)).emulator().contents();
        contents.matches("later").count() == 2
    });
    h.app.frames.background = true;
    h.app.frames.last_background = Some(Instant::now() + Duration::from_secs(60));
    h.frame_at(Instant::now(), |view| {
        assert!(!view.background);
        assert!(matches!(pane_in(view, 1).content, Content::Paced));
    });
    h.app.frames.last_background = None;
    h.frame_at(Instant::now(), |view| {
        assert!(view.background);
        assert!(matches!(
            pane_in(view, 1).content,
            Content::Rows { .. } | Content::Whole { .. }
        ));
    });
    h.draw();
    let right = h.region(RIGHT);
    assert_eq!(right.matches("later").count(), 2, "{right}");
}
