//! How much of the CPU a pane's parser may take when it has to share. A pane that floods
//! (`yes`, a build log) keeps its parser thread busy for as long as the child writes;
//! with many such panes on a small machine, each competing evenly with the UI thread,
//! the person's keystrokes wait behind all of them. So the threads that parse (the
//! parser, and the reader, which parses small pieces itself) run at a lower priority
//! than the UI thread. Among themselves they stay even: a parser that slept
//! (the holder's, waiting for the person's next key) still wins the CPU on waking, as
//! schedulers favour threads that were not running.
//!
//! (Why not only the panes in the back: on Linux an unprivileged thread may lower its
//! priority but never raise it again, so a pane moving to the front could not follow.)

/// Lowers the calling thread's priority; see the module docs. Best effort: a system that
/// refuses leaves the thread as it was.
pub fn lower_current_thread() {
    // Nice 10 (Linux) leaves a waiting nice-0 thread (the UI) about nine tenths of a core
    // it shares with one of these; macOS's utility class does the same by its own rules.
    crate::sys::lower_this_threads_priority();
}
