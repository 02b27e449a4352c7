//! What a rally needs from claude (Claude Code), added to its command line:
//!
//! - `--allowedTools 'Bash(<rallish-tui> pass:*)'`: in its default permission mode claude
//!   asks before every shell command, so without this a rally stops for a person at every
//!   turn. The rule allows the pass command and nothing else; every other command still
//!   asks as the user configured.
//! - `--settings` with hooks that call `rallish-tui hook`: `UserPromptSubmit` says a
//!   prompt was taken (so a note that went in is known to have arrived, see
//!   [`crate::rally::delivery`]), `Stop` that the turn ended (with the last message, which
//!   `on_turn_end = "pass"` hands on), `PermissionRequest` that it shows a permission
//!   prompt (at once; its `Notification` for one comes seconds later) and `Notification`
//!   that it waits on a dialog or has waited for input (see [`crate::pane::activity`]). Ours
//!   decide nothing: claude asks the person as it would without them. claude merges these
//!   with the user's own settings and hooks; it does not replace them.

use std::path::Path;

use crate::preset::shell_quote;

pub const PASS_ROUTE: &str = "runs the pass command, allowed by --allowedTools (that command only)";

/// The arguments claude gets in a pane, `exe` being this binary.
pub fn flags(exe: &Path) -> Vec<String> {
    let exe = shell_quote(&exe.display().to_string());
    let hook = |event: &str| serde_json::json!([{ "hooks": [{ "type": "command", "command": format!("{exe} hook {event}") }] }]);
    let settings = serde_json::json!({
        "hooks": {
            "UserPromptSubmit": hook("prompt-submitted"),
            "Stop": hook("turn-ended"),
            "PermissionRequest": hook("permission-request"),
            "Notification": hook("notification"),
        }
    });
    vec![
        "--allowedTools".into(),
        format!("Bash({exe} pass:*)"),
        "--settings".into(),
        settings.to_string(),
    ]
}
