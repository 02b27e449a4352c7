//! `rallish-tui hook ...`: what agent CLIs run from their own hook mechanisms, wired in by
//! the built-in agent entries ([`crate::agents`]). A hook must never get in the agent's
//! way, so every one of these exits 0 and prints nothing on standard output (claude adds a
//! `UserPromptSubmit` hook's output to the prompt); trouble goes to standard error.

use std::io::Read as _;
use std::path::Path;
use std::process::{Command, Stdio};

use super::client::{ClientEnv, call, outcome_text};
use super::protocol::{HookEvent, Op};
use super::spool;

/// The most of a hook's standard input read (claude sends a JSON object about the event).
/// A longer last message is cut by the JSON failing to parse: the turn's end is still
/// reported, without it.
const MAX_STDIN: u64 = 1024 * 1024;

/// claude's hooks: tell the app what the agent did. `UserPromptSubmit` and `Stop` arrive
/// as `PromptSubmitted` and `TurnEnded`; `Notification` as `None`, decided by what it says
/// (see [`claude_notification`]).
pub fn claude(event: Option<HookEvent>) -> i32 {
    // Read whole so claude's write never meets a closed pipe.
    let mut input = Vec::new();
    let _ = std::io::stdin().take(MAX_STDIN).read_to_end(&mut input);
    let payload = serde_json::from_slice::<serde_json::Value>(&input).unwrap_or_default();
    let text = |key: &str| {
        payload
            .get(key)
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    match event {
        Some(HookEvent::TurnEnded) => {
            report(HookEvent::TurnEnded, text("last_assistant_message"), None);
        }
        Some(HookEvent::NeedsPermission) => {
            report(HookEvent::NeedsPermission, text("tool_name"), None);
        }
        Some(event) => report(event, None, None),
        None => {
            if let Some(event) = claude_notification(&payload) {
                report(event, text("message"), None);
            }
        }
    }
    0
}

/// What a claude `Notification` hook's payload means: a prompt or dialog that waits for
/// the person, or an idle prompt (its `notification_type`; older versions say it only in
/// `message`). Others (a finished login, say) mean nothing here.
pub fn claude_notification(payload: &serde_json::Value) -> Option<HookEvent> {
    let kind = payload.get("notification_type").and_then(|v| v.as_str());
    let message = payload
        .get("message")
        .and_then(|v| v.as_str())
        .unwrap_or("");
    match kind {
        Some(
            "permission_prompt"
            | "worker_permission_prompt"
            | "elicitation_dialog"
            | "elicitation_url_dialog",
        ) => Some(HookEvent::NeedsPermission),
        Some("idle_prompt" | "agent_needs_input") => Some(HookEvent::WaitingForInput),
        None if message.contains("permission") => Some(HookEvent::NeedsPermission),
        None if message.contains("waiting for your input") => Some(HookEvent::WaitingForInput),
        Some(_) | None => None,
    }
}

/// codex's `notify` program: `hook codex-notify [USER_NOTIFY...] PAYLOAD`. codex runs it
/// outside its sandbox with the JSON payload as the last argument. At the end of a turn it
/// sends the pass the agent left in the spool, then reports the turn's end with the
/// agent's last message. A `notify` the user had configured themselves is given
/// between, and runs too, with the same payload.
pub fn codex_notify(args: &[String]) -> i32 {
    let Some((payload, user_notify)) = args.split_last() else {
        eprintln!("rallish-tui: hook codex-notify: no payload");
        return 0;
    };
    if let Some((program, rest)) = user_notify.split_first() {
        let spawned = Command::new(program)
            .args(rest)
            .arg(payload)
            .stdin(Stdio::null())
            .spawn();
        if let Err(e) = spawned {
            eprintln!("rallish-tui: running your notify program {program}: {e}");
        }
    }
    let payload = serde_json::from_str::<serde_json::Value>(payload).unwrap_or_default();
    let text = |key: &str| {
        payload
            .get(key)
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    if text("type").as_deref() == Some("agent-turn-complete") {
        send_spooled_pass();
        // codex also ends hidden turns of its own (the thread's title, made from the
        // first prompt) through notify; what each turn answered tells them apart. Its
        // input messages are the thread's so far: the last one is this turn's.
        let input = payload
            .get("input-messages")
            .and_then(|v| v.as_array()?.last()?.as_str())
            .map(str::to_string);
        report(HookEvent::TurnEnded, text("last-assistant-message"), input);
    }
    0
}

fn send_spooled_pass() {
    let Ok(env) = ClientEnv::from_env() else {
        return;
    };
    let Some(dir) = std::env::var_os(spool::ENV_SPOOL).filter(|d| !d.is_empty()) else {
        return;
    };
    match spool::take_pass(Path::new(&dir), &env.pane, &env.token) {
        Ok(Some(op)) => {
            let result = call(&env, op);
            if !result.as_ref().is_ok_and(super::protocol::Response::is_ok) {
                eprintln!("rallish-tui: the queued pass: {}", outcome_text(&result));
            }
        }
        Ok(None) => {}
        Err(e) => eprintln!("rallish-tui: the queued pass: {e}"),
    }
}

/// The most of an agent's last message sent on (a note needs no more).
const MAX_MESSAGE: usize = 32 * 1024;
/// The most of what a turn answered sent on; a note is far shorter. Both together stay
/// under the request line's limit even when JSON escaping triples them.
const MAX_INPUT: usize = 256 * 1024;
const _: () = assert!(3 * (MAX_MESSAGE + MAX_INPUT) < super::protocol::MAX_REQUEST_LINE);

/// `text` cut to at most `max` bytes, at a character boundary.
fn clip(mut text: String, max: usize) -> String {
    if text.len() > max {
        let mut end = max;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    text
}

fn report(event: HookEvent, message: Option<String>, input: Option<String>) {
    // Outside a rallish-tui pane (the user's own claude with our hooks copied in, say)
    // there is nobody to tell.
    let Ok(env) = ClientEnv::from_env() else {
        return;
    };
    // Within the request line's limit, whatever the agent wrote: a turn's end must
    // never be lost to a long last message.
    let op = Op::Hook {
        event,
        message: message.map(|m| clip(m, MAX_MESSAGE)),
        input: input.map(|i| clip(i, MAX_INPUT)),
    };
    let result = call(&env, op);
    if !result.as_ref().is_ok_and(super::protocol::Response::is_ok) {
        eprintln!("rallish-tui: hook: {}", outcome_text(&result));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn long_text_is_clipped_at_a_character_boundary() {
        assert_eq!(
            clip("héllo".into(), 2),
            "h",
            "é is two bytes: not cut in half"
        );
        assert_eq!(clip("héllo".into(), 3), "hé");
        assert_eq!(clip("short".into(), 64), "short");
    }

    #[test]
    fn claude_notifications_are_read_by_their_type() {
        let of = |v: serde_json::Value| claude_notification(&v);
        assert_eq!(
            of(
                json!({"notification_type": "permission_prompt", "message": "Claude needs your permission to use Bash"})
            ),
            Some(HookEvent::NeedsPermission)
        );
        assert_eq!(
            of(
                json!({"notification_type": "idle_prompt", "message": "Claude is waiting for your input"})
            ),
            Some(HookEvent::WaitingForInput)
        );
        assert_eq!(
            of(json!({"notification_type": "auth_success", "message": "permission granted"})),
            None,
            "the type decides when there is one"
        );
        assert_eq!(
            of(json!({"message": "Claude needs your permission to use Bash"})),
            Some(HookEvent::NeedsPermission)
        );
        assert_eq!(
            of(json!({"message": "Claude is waiting for your input"})),
            Some(HookEvent::WaitingForInput)
        );
        assert_eq!(of(json!({})), None);
    }
}
