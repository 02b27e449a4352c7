//! Logs go to a file, never to the screen (which belongs to the panes).

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;

/// Starts logging to `dir/rallish-tui.log`; keep the guard alive until exit so the last
/// lines are written. Level from `RALLISH_LOG` (e.g. `debug`), else `level` (the
/// config's `log_level`).
pub fn init(dir: &Path, level: &str) -> Option<WorkerGuard> {
    crate::paths::private_dir(dir).ok()?;
    let appender = tracing_appender::rolling::never(dir, "rallish-tui.log");
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = EnvFilter::try_from_env("RALLISH_LOG").unwrap_or_else(|_| EnvFilter::new(level));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .try_init()
        .ok()?;
    Some(guard)
}
