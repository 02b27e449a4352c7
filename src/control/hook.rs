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
const MAX_STDIN: u64 = 1024 * 1024;

/// claude's `UserPromptSubmit` / `Stop` hooks: tell the app.
pub fn claude(event: HookEvent) -> i32 {
    // Drained so claude's write never meets a closed pipe; what it says is not needed.
    let _ = std::io::stdin()
        .take(MAX_STDIN)
        .read_to_end(&mut Vec::new());
    report(event);
    0
}

/// codex's `notify` program: `hook codex-notify [USER_NOTIFY...] PAYLOAD`. codex runs it
/// outside its sandbox with the JSON payload as the last argument. At the end of a turn it
/// sends the pass the agent left in the spool, then reports the turn's end. A `notify` the
/// user had configured themselves is given between, and runs too, with the same payload.
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
    let kind = serde_json::from_str::<serde_json::Value>(payload)
        .ok()
        .and_then(|v| v.get("type")?.as_str().map(str::to_string));
    if kind.as_deref() == Some("agent-turn-complete") {
        send_spooled_pass();
        report(HookEvent::TurnEnded);
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

fn report(event: HookEvent) {
    // Outside a rallish-tui pane (the user's own claude with our hooks copied in, say)
    // there is nobody to tell.
    let Ok(env) = ClientEnv::from_env() else {
        return;
    };
    let result = call(&env, Op::Hook { event });
    if !result.as_ref().is_ok_and(super::protocol::Response::is_ok) {
        eprintln!("rallish-tui: hook: {}", outcome_text(&result));
    }
}
