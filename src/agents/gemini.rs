//! What gemini-cli says about itself, read from its terminal notifications. gemini-cli
//! 0.61 sends them (OSC 777 on a terminal such as ours) when the user has switched them
//! on (`general.enableNotifications`), which rallish-tui cannot do for them: gemini-cli
//! takes settings and hooks only from files (the user's, the project's, or root-owned
//! system files), and rallish-tui writes none of those.

use crate::pane::activity::Signal;

/// What a notification from gemini-cli says: it waits on the person (a command, a
/// permission or another confirmation), or its run finished. Its titles are its own,
/// fixed in its source (`buildRunEventNotificationContent`).
pub fn notice_signal(title: &str) -> Option<Signal> {
    match title {
        "Gemini CLI needs your attention" => Some(Signal::NeedsPermission),
        "Gemini CLI session complete" => Some(Signal::TurnEnded),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gemini_clis_notifications_are_read_by_title() {
        assert_eq!(
            notice_signal("Gemini CLI needs your attention"),
            Some(Signal::NeedsPermission)
        );
        assert_eq!(
            notice_signal("Gemini CLI session complete"),
            Some(Signal::TurnEnded)
        );
        assert_eq!(notice_signal("build"), None);
    }
}
