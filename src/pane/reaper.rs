//! Every child's process group, so a dying app can take its children with it. Normal
//! exits stop children politely (SIGHUP, then SIGKILL); this is for the paths that skip
//! that: a panic, or an error that unwinds out of the event loop.

use std::sync::Mutex;

static GROUPS: Mutex<Vec<libc::pid_t>> = Mutex::new(Vec::new());

/// Remembers a child that leads its own process group.
pub fn register(pid: u32) {
    if let (Ok(pid), Ok(mut groups)) = (libc::pid_t::try_from(pid), GROUPS.lock()) {
        groups.push(pid);
    }
}

/// Forgets a child that has been reaped (its pid may be reused).
pub fn forget(pid: u32) {
    if let (Ok(pid), Ok(mut groups)) = (libc::pid_t::try_from(pid), GROUPS.lock()) {
        groups.retain(|&g| g != pid);
    }
}

/// SIGKILLs every remembered process group. Safe to call from a panic hook: it never
/// blocks on a poisoned or held lock.
pub fn kill_all() {
    let groups = match GROUPS.try_lock() {
        Ok(groups) => groups.clone(),
        Err(std::sync::TryLockError::Poisoned(poisoned)) => poisoned.into_inner().clone(),
        Err(std::sync::TryLockError::WouldBlock) => return,
    };
    for group in groups {
        crate::sys::signal_group(group, libc::SIGKILL);
    }
}
