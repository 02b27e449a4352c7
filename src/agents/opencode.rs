//! What a rally needs from opencode: a plugin that tells rallish-tui what it does
//! (`assets/opencode_plugin.js`: a prompt taken, a permission asked, the session idle
//! again with the model's last message), through the same `rallish-tui hook` commands
//! claude's hooks run. opencode loads plugins named in any of its configs and adds them
//! up, so ours goes in through `OPENCODE_CONFIG_CONTENT` (an inline config opencode
//! merges over the files) and the user's plugins, config files and permissions stay as
//! they are. A user's own `OPENCODE_CONFIG_CONTENT` is kept, with ours added to its
//! `plugin` list; one that is not a JSON object stands alone and opencode is not wired.

use std::io;
use std::path::{Path, PathBuf};

/// The plugin's source.
const PLUGIN: &str = include_str!("../../assets/opencode_plugin.js");

/// The environment variable opencode reads an inline config from.
pub const CONFIG_CONTENT: &str = "OPENCODE_CONFIG_CONTENT";

/// Writes the plugin into `dir` (unless it is there as it is) and returns its path.
pub fn install_plugin(dir: &Path) -> io::Result<PathBuf> {
    crate::paths::private_dir(dir)?;
    let path = dir.join("rallish-tui-plugin.js");
    if std::fs::read_to_string(&path).ok().as_deref() != Some(PLUGIN) {
        let tmp = dir.join(format!(".rallish-tui-plugin.js.{}", std::process::id()));
        std::fs::write(&tmp, PLUGIN)?;
        std::fs::rename(&tmp, &path)?;
    }
    Ok(path)
}

/// The inline config that loads `plugin`, added to the user's own (`theirs`, their
/// `OPENCODE_CONFIG_CONTENT`); `None` when theirs is not a JSON object.
pub fn config_content(theirs: Option<&str>, plugin: &Path) -> Option<String> {
    let mut config = match theirs.filter(|t| !t.trim().is_empty()) {
        Some(text) => serde_json::from_str::<serde_json::Value>(text).ok()?,
        None => serde_json::json!({}),
    };
    let spec = format!("file://{}", plugin.display());
    let object = config.as_object_mut()?;
    let plugins = object
        .entry("plugin")
        .or_insert_with(|| serde_json::json!([]));
    plugins.as_array_mut()?.push(spec.into());
    Some(config.to_string())
}

/// The environment opencode gets in a pane: the plugin, installed under `dir`. Nothing
/// when it cannot be (opencode then runs unwired, and silence tells its state).
pub fn env(dir: &Path) -> Vec<(String, String)> {
    let theirs = std::env::var(CONFIG_CONTENT).ok();
    let plugin = match install_plugin(dir) {
        Ok(path) => path,
        Err(err) => {
            tracing::warn!(%err, dir = %dir.display(), "installing the opencode plugin failed");
            return Vec::new();
        }
    };
    if let Some(content) = config_content(theirs.as_deref(), &plugin) {
        vec![(CONFIG_CONTENT.to_string(), content)]
    } else {
        tracing::warn!("OPENCODE_CONFIG_CONTENT is not a JSON object: opencode is not wired");
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_plugin_is_added_to_the_users_inline_config() {
        let plugin = Path::new("/state/opencode/rallish-tui-plugin.js");
        let ours: serde_json::Value =
            serde_json::from_str(&config_content(None, plugin).unwrap()).unwrap();
        assert_eq!(
            ours["plugin"],
            serde_json::json!(["file:///state/opencode/rallish-tui-plugin.js"])
        );
        let theirs = r#"{"plugin": ["opencode-wakatime"], "permission": {"bash": "ask"}}"#;
        let both: serde_json::Value =
            serde_json::from_str(&config_content(Some(theirs), plugin).unwrap()).unwrap();
        assert_eq!(
            both["plugin"],
            serde_json::json!([
                "opencode-wakatime",
                "file:///state/opencode/rallish-tui-plugin.js"
            ])
        );
        assert_eq!(both["permission"]["bash"], "ask", "theirs stands");
        assert_eq!(config_content(Some("// jsonc {"), plugin), None);
        assert_eq!(config_content(Some(r#"{"plugin": "x"}"#), plugin), None);
    }

    #[test]
    fn the_plugin_is_written_once_and_kept() {
        let dir = std::env::temp_dir().join(format!("rallish-opencode-{}", std::process::id()));
        let path = install_plugin(&dir).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), PLUGIN);
        let before = std::fs::metadata(&path).unwrap().modified().unwrap();
        assert_eq!(install_plugin(&dir).unwrap(), path);
        assert_eq!(
            std::fs::metadata(&path).unwrap().modified().unwrap(),
            before
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
