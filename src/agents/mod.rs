//! The agent CLIs rallish-tui knows by name: `--role author=codex` expands `codex` to
//! its command, `doctor` looks for each on the PATH, and a pane whose command starts one
//! of them gets what a rally needs from it ([`integrate`]).

mod claude;
mod codex;
mod gemini;
mod opencode;

use std::path::Path;

use crate::pane::activity::Signal;
use crate::pane::osc_scan::Notice;
use crate::preset::shell_quote;

/// A known agent CLI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Agent {
    pub name: &'static str,
    /// What starts it in a pane (run through `sh -c`).
    pub command: &'static str,
    /// What continues its last conversation, for resuming a rally.
    pub resume_command: &'static str,
    /// How an agent passes the baton, for `doctor` and the README.
    pub pass_route: &'static str,
}

pub const AGENTS: &[Agent] = &[
    Agent {
        name: "claude",
        command: "claude",
        resume_command: "claude --continue",
        pass_route: claude::PASS_ROUTE,
    },
    Agent {
        name: "codex",
        command: "codex",
        resume_command: "codex resume --last",
        pass_route: codex::PASS_ROUTE,
    },
    Agent {
        name: "kimi",
        command: "kimi",
        resume_command: "kimi --continue",
        pass_route: SOCKET_ROUTE,
    },
    Agent {
        name: "gemini",
        command: "gemini",
        resume_command: "gemini --resume latest",
        pass_route: SOCKET_ROUTE,
    },
    Agent {
        name: "opencode",
        command: "opencode",
        resume_command: "opencode --continue",
        pass_route: SOCKET_ROUTE,
    },
    Agent {
        name: "aider",
        command: "aider",
        resume_command: "aider --restore-chat-history",
        pass_route: SOCKET_ROUTE,
    },
];

/// The pass route of an agent that runs commands without a sandbox of its own.
const SOCKET_ROUTE: &str = "runs the pass command, which talks to the control socket; \
    it may ask you to approve that command";

/// The known agent called `name`.
pub fn known(name: &str) -> Option<&'static Agent> {
    AGENTS.iter().find(|a| a.name == name)
}

/// Comma-separated names, for messages.
pub fn names() -> String {
    AGENTS.iter().map(|a| a.name).collect::<Vec<_>>().join(", ")
}

/// The arguments [`integrate`] gives the agent called `name`; `None` for one it leaves
/// alone.
fn flags_for(name: &str, exe: &Path) -> Option<Vec<String>> {
    match name {
        "claude" => Some(claude::flags(exe)),
        "codex" => Some(codex::flags(exe, &codex::user_config())),
        _ => None,
    }
}

/// The flags [`integrate`] gives `name` (their long names, without values), for `doctor`
/// to look for in the agent's `--help`.
pub fn added_flags(name: &str) -> Vec<String> {
    let mut flags: Vec<String> = Vec::new();
    for arg in flags_for(name, Path::new("rallish-tui")).unwrap_or_default() {
        if arg.starts_with("--") && !flags.contains(&arg) {
            flags.push(arg);
        }
    }
    flags
}

/// Whether the agent `line` starts, as [`integrate`] wires it in, reports each prompt it
/// takes through `rallish-tui hook prompt-submitted` (claude's `UserPromptSubmit`).
pub fn reports_prompts(line: &str) -> bool {
    program_name(line) == "claude"
}

/// Whether [`integrate`] wires the agent `name` in (its hooks report its state).
pub fn is_wired(name: &str) -> bool {
    matches!(name, "claude" | "codex")
}

/// The environment the agent `line` starts needs for a rally, beside its flags
/// ([`integrate`]): opencode's plugin (installed under `state_dir`).
pub fn env_for(line: &str, state_dir: &Path) -> Vec<(String, String)> {
    match program_name(line) {
        "opencode" => opencode::env(&state_dir.join("opencode")),
        _ => Vec::new(),
    }
}

/// The known agent the command `line` starts, if any.
pub fn started_by(line: &str) -> Option<&'static Agent> {
    known(program_name(line))
}

/// What a notification or progress report in the output of the agent `name` says about
/// it, when the agent's own word can be read from it (codex's approval prompts, see
/// [`codex::notice_signal`]; gemini-cli's, see [`gemini::notice_signal`]); `None` leaves
/// it a hint (see [`crate::pane::activity::Hint`]).
pub fn notice_signal(name: &str, notice: &Notice) -> Option<Signal> {
    match (name, notice) {
        ("codex", Notice::Notify { body, .. }) => codex::notice_signal(body),
        ("gemini", Notice::Notify { title, .. }) => gemini::notice_signal(title),
        _ => None,
    }
}

/// The file name of the program a command line starts.
fn program_name(line: &str) -> &str {
    let program = line.split_whitespace().next().unwrap_or("");
    program.rsplit('/').next().unwrap_or(program)
}

/// A pane's command line with what a rally needs from the agent it starts, if it starts
/// one rallish-tui knows how to wire in (claude, codex): the flags go right after the
/// program's name, before the person's own arguments and any subcommand. `exe` is this
/// binary, which the agent's hooks and its pass command call.
///
/// Nothing here weakens an agent's sandbox or approvals: claude is allowed to run the
/// pass command and nothing more, and codex keeps its sandbox (see each module).
pub fn integrate(line: &str, exe: &Path) -> String {
    let trimmed = line.trim_start();
    let (program, rest) = trimmed
        .split_once(char::is_whitespace)
        .unwrap_or((trimmed, ""));
    let Some(flags) = flags_for(program_name(program), exe) else {
        return line.to_string();
    };
    let flags: Vec<String> = flags.iter().map(|f| shell_quote(f)).collect();
    let mut out = format!("{program} {}", flags.join(" "));
    if !rest.trim().is_empty() {
        out.push(' ');
        out.push_str(rest.trim_start());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claude_and_codex_get_their_flags_before_the_persons_arguments() {
        let exe = Path::new("/opt/r t/rallish-tui");
        let claude = integrate("claude --continue", exe);
        assert!(claude.starts_with("claude --allowedTools "), "{claude}");
        assert!(claude.ends_with(" --continue"), "{claude}");
        let codex = integrate("/usr/bin/codex resume --last", exe);
        assert!(
            codex.starts_with("/usr/bin/codex --no-daemon --config "),
            "{codex}"
        );
        assert!(codex.ends_with(" resume --last"), "{codex}");
    }

    #[test]
    fn doctor_looks_for_the_flags_integrate_adds() {
        assert_eq!(added_flags("claude"), ["--allowedTools", "--settings"]);
        assert_eq!(added_flags("codex"), ["--no-daemon", "--config"]);
        assert!(added_flags("aider").is_empty());
    }

    #[test]
    fn other_commands_are_left_alone() {
        for agent in AGENTS {
            let wired = !added_flags(agent.name).is_empty();
            assert_eq!(is_wired(agent.name), wired, "{}", agent.name);
        }
        let exe = Path::new("/bin/rallish-tui");
        for line in ["bash", "aider --model x", "claudette", "env X=1 claude", ""] {
            assert_eq!(integrate(line, exe), line);
        }
    }

    #[test]
    fn the_flags_survive_the_shell() {
        let exe = Path::new("/opt/it's here/rallish-tui");
        let line = integrate("claude", exe);
        assert!(line.contains("'\\''"), "{line}");
        let out = std::process::Command::new("sh")
            .args([
                "-c",
                &format!("printf '%s\\n' {}", &line["claude ".len()..]),
            ])
            .output()
            .unwrap();
        let args = String::from_utf8(out.stdout).unwrap();
        let args: Vec<&str> = args.lines().collect();
        assert_eq!(args, claude::flags(exe));
    }
}
