//! Who is whose child. Each kernel says it its own way: Linux in `/proc/<pid>/stat`,
//! macOS through `proc_pidinfo`, FreeBSD through the `kern.proc.pid` sysctl.

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

/// The parent of process `pid`, or `None` if there is no such process (or this platform
/// cannot say, in which case no control request is ever taken as coming from a pane).
#[cfg(any(target_os = "linux", target_os = "android"))]
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

#[cfg(target_os = "macos")]
fn parent_of(pid: i32) -> Option<i32> {
    let mut info = std::mem::MaybeUninit::<libc::proc_bsdshortinfo>::zeroed();
    let size = std::mem::size_of::<libc::proc_bsdshortinfo>() as libc::c_int;
    // SAFETY: the kernel writes at most `size` bytes into `info`, which has room for them.
    let written = unsafe {
        libc::proc_pidinfo(
            pid,
            libc::PROC_PIDT_SHORTBSDINFO,
            0,
            info.as_mut_ptr().cast(),
            size,
        )
    };
    // Anything short of the whole record means no such process (or no right to see it).
    if written != size {
        return None;
    }
    // SAFETY: the kernel filled the whole record, and it was zeroed before anyway.
    let info = unsafe { info.assume_init() };
    i32::try_from(info.pbsi_ppid).ok()
}

#[cfg(target_os = "freebsd")]
fn parent_of(pid: i32) -> Option<i32> {
    let mib = [libc::CTL_KERN, libc::KERN_PROC, libc::KERN_PROC_PID, pid];
    let mut info = std::mem::MaybeUninit::<libc::kinfo_proc>::zeroed();
    let mut len = std::mem::size_of::<libc::kinfo_proc>();
    // SAFETY: `len` tells the kernel how much room `info` has; it writes no more.
    let failed = unsafe {
        libc::sysctl(
            mib.as_ptr(),
            mib.len() as libc::c_uint,
            info.as_mut_ptr().cast(),
            &mut len,
            std::ptr::null(),
            0,
        )
    } != 0;
    // A vanished process is no error to sysctl: it just returns nothing.
    if failed || len != std::mem::size_of::<libc::kinfo_proc>() {
        return None;
    }
    // SAFETY: the kernel filled the whole record.
    Some(unsafe { info.assume_init() }.ki_ppid)
}

#[cfg(not(any(
    target_os = "linux",
    target_os = "android",
    target_os = "macos",
    target_os = "freebsd"
)))]
fn parent_of(_pid: i32) -> Option<i32> {
    None
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
    fn the_parent_is_the_one_the_kernel_gives_the_process_itself() {
        let mut child = std::process::Command::new("sleep")
            .arg("5")
            .spawn()
            .unwrap();
        let me = std::process::id() as i32;
        assert_eq!(parent_of(child.id() as i32), Some(me));
        // SAFETY: getppid has no preconditions.
        assert_eq!(parent_of(me), Some(unsafe { libc::getppid() }));
        child.kill().unwrap();
        child.wait().unwrap();
    }

    #[test]
    fn unknown_processes_descend_from_nobody() {
        assert!(parent_of(i32::MAX).is_none());
        assert!(!descends_from(i32::MAX, std::process::id()));
    }
}
