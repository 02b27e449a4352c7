//! What passes between the app and its agents outside their panes' screens: the notes
//! typed into them and the socket they answer on.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::review::Review;
use crate::pane::PaneId;
use crate::rally::note;

/// How the app and its agents reach each other. The notes go one way (what a note says,
/// and in a review the diff it waits for), the control socket the other (passes, hooks,
/// scratchpad requests); a note tells the agent how to answer, so both are set up
/// together, as the panes start, and then only used.
pub(super) struct AgentLink {
    pub(super) notes: NoteSetup,
    /// A pair review: notes carry each turn's diff.
    pub(super) review: Option<Review>,
    pub(super) control: ControlSetup,
}

/// What the handoff notes say and carry.
pub(super) struct NoteSetup {
    /// The template every note is written from.
    pub(super) template: String,
    /// The opening note, until the first holder has it.
    pub(super) kickoff: Option<String>,
    /// What a note tells an agent to run to pass the baton.
    pub(super) pass_command: String,
    /// The preset's task, `{task}` in the template.
    pub(super) task: String,
    /// Where a pass that names no target goes, by pane.
    pub(super) next: HashMap<PaneId, PaneId>,
}

impl NoteSetup {
    /// A note from the template: `vars` are this handoff's (from, to, turn, note, diff),
    /// to which the rally's own are added (task, pass command, the scratchpad's path).
    pub(super) fn render(&self, vars: &[(&str, &str)], scratchpad: &Path) -> String {
        let scratchpad = crate::preset::shell_quote(&scratchpad.display().to_string());
        let mut all = vars.to_vec();
        all.extend([
            ("task", self.task.as_str()),
            ("scratchpad_path", &scratchpad),
            ("pass_command", &self.pass_command),
        ]);
        note::render_template(&self.template, &all)
    }
}

/// How agents reach the app.
pub(super) struct ControlSetup {
    /// The control socket.
    pub(super) socket_path: PathBuf,
    /// Where passes from sandboxed agents wait (see [`crate::control::spool`]).
    pub(super) spool_dir: Option<PathBuf>,
    /// Control-socket tokens by pane name.
    pub(super) tokens: HashMap<String, String>,
}

impl ControlSetup {
    /// What pane `name`'s child needs to reach the socket as itself: its path, the
    /// pane's name and a token made for it now, and the spool when there is one.
    pub(super) fn env_for(&mut self, name: &str) -> Vec<(String, String)> {
        let token = crate::control::token::new_token();
        self.tokens.insert(name.to_string(), token.clone());
        let mut env = vec![
            (
                "RALLISH_SOCKET".into(),
                self.socket_path.display().to_string(),
            ),
            ("RALLISH_PANE".into(), name.to_string()),
            ("RALLISH_TOKEN".into(), token),
        ];
        if let Some(dir) = &self.spool_dir {
            env.push((
                crate::control::spool::ENV_SPOOL.to_string(),
                dir.display().to_string(),
            ));
        }
        env
    }

    /// Removes the socket and the spool once nobody can use them.
    pub(super) fn remove(&self) {
        let _ = std::fs::remove_file(&self.socket_path);
        if let Some(spool) = &self.spool_dir {
            let _ = std::fs::remove_dir_all(spool);
        }
    }
}
