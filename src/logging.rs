//! Logs go to a file, never to the screen (which belongs to the panes).

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;

/// Log lines that may wait for the writer thread.
const LOG_QUEUE_LINES: usize = 1024;

/// Starts logging to `dir/rallish-tui.log`; keep the guard alive until exit so the last
/// lines are written. Level from `RALLISH_LOG` (e.g. `debug`), else `level` (the
/// config's `log_level`).
pub fn init(dir: &Path, level: &str) -> Option<WorkerGuard> {
    crate::config::paths::private_dir(dir).ok()?;
    let appender = tracing_appender::rolling::never(dir, "rallish-tui.log");
    // The default queue holds 128,000 lines, allocated and touched up front: ~4 MB of
    // RSS and ~5 ms of page faults at start-up, for a log that writes a few lines a
    // minute. A full queue drops lines rather than block the UI.
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .buffered_lines_limit(LOG_QUEUE_LINES)
        .lossy(true)
        .finish(appender);
    let filter = EnvFilter::try_from_env("RALLISH_LOG").unwrap_or_else(|_| EnvFilter::new(level));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .try_init()
        .ok()?;
    Some(guard)
}
