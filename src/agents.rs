//! The agent CLIs rallish-tui knows by name, one line each: `--role author=codex` expands
//! `codex` to its command, and `doctor` looks for each on the PATH.

/// A known agent CLI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Agent {
    pub name: &'static str,
    /// What starts it in a pane (run through `sh -c`).
    pub command: &'static str,
    /// What continues its last conversation, for resuming a rally.
    pub resume_command: &'static str,
}

pub const AGENTS: &[Agent] = &[
    agent("claude", "claude", "claude --continue"),
    agent("codex", "codex", "codex resume --last"),
    agent("kimi", "kimi", "kimi --continue"),
    agent("gemini", "gemini", "gemini --resume latest"),
    agent("opencode", "opencode", "opencode --continue"),
    agent("aider", "aider", "aider --restore-chat-history"),
];

const fn agent(name: &'static str, command: &'static str, resume: &'static str) -> Agent {
    Agent {
        name,
        command,
        resume_command: resume,
    }
}

/// The known agent called `name`.
pub fn known(name: &str) -> Option<&'static Agent> {
    AGENTS.iter().find(|a| a.name == name)
}

/// Comma-separated names, for messages.
pub fn names() -> String {
    AGENTS.iter().map(|a| a.name).collect::<Vec<_>>().join(", ")
}
