//! Who is whose child, read from /proc.

/// Whether `pid` is `ancestor` or one of its descendants (walking parent links; a
/// process reparented away from the tree, e.g. a daemon, no longer counts).
pub fn descends_from(pid: i32, ancestor: u32) -> bool {
    let Ok(ancestor) = i32::try_from(ancestor) else {
        return false;
    };
    let mut current = pid;
    // Deep enough for any real shell nesting; guards against a cycle in a racy read.
    for _ in 0..64 {
        if current == ancestor {
            return true;
        }
        match parent_of(current) {
            Some(parent) if parent > 1 => current = parent,
            _ => return false,
        }
    }
    false
}

fn parent_of(pid: i32) -> Option<i32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may contain spaces and parentheses: fields resume after the last ')'.
    stat.rsplit_once(')')?
        .1
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_child_descends_from_us_and_we_do_not_descend_from_it() {
        let mut child = std::process::Command::new("sleep")
            .arg("5")
            .spawn()
            .unwrap();
        let me = std::process::id();
        let child_pid = child.id() as i32;
        assert!(descends_from(child_pid, me));
        assert!(descends_from(me as i32, me));
        assert!(!descends_from(me as i32, child.id()));
        child.kill().unwrap();
        child.wait().unwrap();
    }

    #[test]
    fn unknown_processes_descend_from_nobody() {
        assert!(!descends_from(i32::MAX, std::process::id()));
    }
}
