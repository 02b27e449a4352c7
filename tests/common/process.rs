//! What the tests ask the kernel about a process: alive, resident memory, context
//! switches. Linux says it in `/proc`, macOS through `proc_pidinfo`.

/// Whether process `pid` still exists (zombies count as gone: they hold no resources but
/// their slot, and are checked separately where it matters).
#[cfg(target_os = "linux")]
pub fn process_alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => !stat
            .rsplit(')')
            .next()
            .unwrap_or("")
            .trim_start()
            .starts_with('Z'),
        Err(_) => false,
    }
}

#[cfg(target_os = "macos")]
pub fn process_alive(pid: u32) -> bool {
    pid_info::<libc::proc_bsdshortinfo>(pid, libc::PROC_PIDT_SHORTBSDINFO)
        .is_some_and(|info| info.pbsi_status != libc::SZOMB)
}

/// Resident memory of `pid` in KiB.
#[cfg(target_os = "linux")]
pub fn resident_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        .unwrap()
}

#[cfg(target_os = "macos")]
pub fn resident_kib(pid: u32) -> u64 {
    let info = pid_info::<libc::proc_taskinfo>(pid, libc::PROC_PIDTASKINFO).unwrap();
    info.pti_resident_size / 1024
}

/// Context switches of all of `pid`'s threads so far: how often it woke up.
#[cfg(target_os = "linux")]
pub fn context_switches(pid: u32) -> u64 {
    let tasks = std::fs::read_dir(format!("/proc/{pid}/task")).unwrap();
    tasks
        .flatten()
        .filter_map(|t| std::fs::read_to_string(t.path().join("status")).ok())
        .flat_map(|s| {
            s.lines()
                .filter(|l| l.contains("ctxt_switches"))
                .filter_map(|l| l.split_whitespace().last()?.parse::<u64>().ok())
                .collect::<Vec<_>>()
        })
        .sum()
}

#[cfg(target_os = "macos")]
pub fn context_switches(pid: u32) -> u64 {
    let info = pid_info::<libc::proc_taskinfo>(pid, libc::PROC_PIDTASKINFO).unwrap();
    u64::try_from(info.pti_csw).unwrap_or(0)
}

/// One `proc_pidinfo` record of type `T` (flavor `flavor`), if the process exists.
#[cfg(target_os = "macos")]
fn pid_info<T>(pid: u32, flavor: libc::c_int) -> Option<T> {
    let pid = libc::c_int::try_from(pid).ok()?;
    let mut info = std::mem::MaybeUninit::<T>::zeroed();
    let size = std::mem::size_of::<T>() as libc::c_int;
    // SAFETY: the kernel writes at most `size` bytes into `info`.
    let written = unsafe { libc::proc_pidinfo(pid, flavor, 0, info.as_mut_ptr().cast(), size) };
    // SAFETY: a whole record was written (and it was zeroed before).
    (written == size).then(|| unsafe { info.assume_init() })
}
