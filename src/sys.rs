//! The few system calls std does not wrap, each behind a safe function. With the macOS
//! process table (`pane::process_tree`), this is the only place the crate may use
//! `unsafe` (`#![deny(unsafe_code)]` in lib.rs says so to the compiler).

use std::fs::File;
use std::io;
use std::mem::ManuallyDrop;
use std::os::fd::{AsRawFd as _, FromRawFd as _, RawFd};
use std::time::Duration;

/// The effective user id.
pub fn euid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

/// Sends `signal` to process group `group` (a positive id); gone groups are ignored.
pub fn signal_group(group: i32, signal: libc::c_int) {
    if group > 0 {
        // SAFETY: kill(2) on a process group; no memory is involved.
        unsafe { libc::kill(-group, signal) };
    }
}

/// Plain fsync(2), retried when a signal interrupts it (see `durable::sync` for when
/// that is used rather than `File::sync_all`).
pub fn fsync(file: &File) -> io::Result<()> {
    loop {
        // SAFETY: the descriptor belongs to `file`, which outlives the call.
        if unsafe { libc::fsync(file.as_raw_fd()) } == 0 {
            return Ok(());
        }
        let err = io::Error::last_os_error();
        if err.kind() != io::ErrorKind::Interrupted {
            return Err(err);
        }
    }
}

/// The C library's description of `signal` ("Killed", "Hangup", ...).
pub fn signal_description(signal: libc::c_int) -> Option<String> {
    // SAFETY: strsignal returns a pointer to a static (or thread-local) C string, or null.
    let text = unsafe { libc::strsignal(signal) };
    if text.is_null() {
        return None;
    }
    // SAFETY: a non-null strsignal result is a NUL-terminated string.
    Some(
        unsafe { std::ffi::CStr::from_ptr(text) }
            .to_string_lossy()
            .into_owned(),
    )
}

/// Standard output as a file, unbuffered, never closed.
pub fn stdout() -> ManuallyDrop<File> {
    // SAFETY: fd 1 stays open for the life of the process; ManuallyDrop never closes it.
    ManuallyDrop::new(unsafe { File::from_raw_fd(1) })
}

/// The size of the terminal on `fd` as (columns, rows): one ioctl, where crossterm's
/// `terminal::size` opens `/dev/tty` anew each time (three system calls and a path lookup
/// in every frame). `None` when `fd` is not a terminal.
pub fn window_size(fd: RawFd) -> Option<(u16, u16)> {
    // SAFETY: a winsize is plain data; TIOCGWINSZ only writes into it.
    let mut size: libc::winsize = unsafe { std::mem::zeroed() };
    // SAFETY: `size` is a valid, writable winsize for the duration of the call.
    let done = unsafe { libc::ioctl(fd, libc::TIOCGWINSZ, &raw mut size) };
    (done == 0 && size.ws_col > 0 && size.ws_row > 0).then_some((size.ws_col, size.ws_row))
}

/// Waits until `fd` has input or `limit` passes.
pub fn readable(fd: RawFd, limit: Duration) -> io::Result<bool> {
    ready(fd, limit, Direction::In)
}

/// Waits until `fd` takes output or `limit` passes.
pub fn writable(fd: RawFd, limit: Duration) -> io::Result<bool> {
    ready(fd, limit, Direction::Out)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    In,
    Out,
}

/// What a poll or select of one descriptor returned: whether it is ready (false when a
/// signal cut the wait short).
fn ready_from(returned: libc::c_int) -> io::Result<bool> {
    match returned {
        -1 => {
            let err = io::Error::last_os_error();
            if err.kind() == io::ErrorKind::Interrupted {
                Ok(false)
            } else {
                Err(err)
            }
        }
        0 => Ok(false),
        _ => Ok(true),
    }
}

/// poll(2): unlike select, it takes a descriptor of any number (each pane holds a few,
/// and a rally of many panes can pass select's 1024).
#[cfg(target_os = "linux")]
fn ready(fd: RawFd, limit: Duration, direction: Direction) -> io::Result<bool> {
    let events = match direction {
        Direction::In => libc::POLLIN,
        Direction::Out => libc::POLLOUT,
    };
    let mut poll = libc::pollfd {
        fd,
        events,
        revents: 0,
    };
    // Rounded up: a wait of half a millisecond must not return at once.
    let millis =
        libc::c_int::try_from(limit.as_micros().div_ceil(1000)).unwrap_or(libc::c_int::MAX);
    // SAFETY: one pollfd, valid for the duration of the call.
    ready_from(unsafe { libc::poll(&raw mut poll, 1, millis) })
}

/// select(2), not poll(2): macOS's poll does not work on terminal devices. A descriptor
/// past what an `fd_set` holds is an error rather than a panic in `FD_SET`.
#[cfg(not(target_os = "linux"))]
#[allow(clippy::cast_lossless)]
fn ready(fd: RawFd, limit: Duration, direction: Direction) -> io::Result<bool> {
    if usize::try_from(fd).map_or(true, |fd| fd >= libc::FD_SETSIZE) {
        return Err(io::Error::from_raw_os_error(libc::EINVAL));
    }
    // SAFETY: an fd_set on the stack, zeroed and filled by the FD_* helpers; select only
    // reads and writes that set and the timeout.
    ready_from(unsafe {
        let mut set: libc::fd_set = std::mem::zeroed();
        libc::FD_ZERO(&raw mut set);
        libc::FD_SET(fd, &raw mut set);
        let mut timeout = libc::timeval {
            tv_sec: limit.as_secs() as libc::time_t,
            // i64 on Linux, i32 on macOS: under a million either way.
            tv_usec: limit.subsec_micros() as libc::suseconds_t,
        };
        let (read, write) = match direction {
            Direction::In => (&raw mut set, std::ptr::null_mut()),
            Direction::Out => (std::ptr::null_mut(), &raw mut set),
        };
        libc::select(fd + 1, read, write, std::ptr::null_mut(), &raw mut timeout)
    })
}

/// Makes reads and writes of the open file behind `fd` (every descriptor of it) return
/// `WouldBlock` rather than wait.
pub fn set_nonblocking(fd: RawFd) -> io::Result<()> {
    // SAFETY: F_GETFL and F_SETFL take and return plain integers.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    // SAFETY: as above.
    if flags < 0 || unsafe { libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK) } < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// How long a Unix socket's path may be (`sun_path`, NUL included).
pub fn sun_path_len() -> usize {
    // SAFETY: a sockaddr_un is plain data; all zeroes is a valid value.
    let addr: libc::sockaddr_un = unsafe { std::mem::zeroed() };
    addr.sun_path.len()
}

/// The calling thread gives way to the app's own: nice 10 on Linux (`PRIO_PROCESS` with a
/// thread id sets that thread alone), the utility class on macOS, which schedules by
/// quality of service rather than nice values.
pub fn lower_this_threads_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: gettid and setpriority take and return plain integers.
    unsafe {
        let tid = libc::gettid();
        libc::setpriority(libc::PRIO_PROCESS, tid as libc::id_t, 10);
    }
    #[cfg(target_vendor = "apple")]
    // SAFETY: sets the calling thread's own class; no memory involved.
    unsafe {
        libc::pthread_set_qos_class_self_np(libc::qos_class_t::QOS_CLASS_UTILITY, 0);
    }
}

/// macOS's per-user temporary directory (`confstr(_CS_DARWIN_USER_TEMP_DIR)`).
#[cfg(target_os = "macos")]
pub fn darwin_user_temp_dir() -> Option<std::path::PathBuf> {
    let mut buf = vec![0u8; libc::PATH_MAX as usize];
    // SAFETY: confstr writes at most `buf.len()` bytes, NUL included, into `buf`.
    let needed = unsafe {
        libc::confstr(
            libc::_CS_DARWIN_USER_TEMP_DIR,
            buf.as_mut_ptr().cast(),
            buf.len(),
        )
    };
    // 0: no such setting; more than the buffer: cut short, so not the real path.
    if needed == 0 || needed > buf.len() {
        return None;
    }
    buf.truncate(needed - 1);
    Some(std::path::PathBuf::from(
        <std::ffi::OsString as std::os::unix::ffi::OsStringExt>::from_vec(buf),
    ))
}

/// A second descriptor for the open file behind `fd` (dup(2)), closed on exec.
pub fn dup(fd: RawFd) -> io::Result<std::os::fd::OwnedFd> {
    // SAFETY: fcntl(F_DUPFD_CLOEXEC) takes and returns plain integers; the new descriptor
    // is ours alone, so OwnedFd may close it.
    let new = unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 0) };
    if new < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `new` is a fresh descriptor nobody else owns.
    Ok(unsafe { std::os::fd::OwnedFd::from_raw_fd(new) })
}

/// How many bytes a read of `fd` returns now without waiting (FIONREAD).
pub fn bytes_waiting(fd: RawFd) -> io::Result<usize> {
    let mut count: libc::c_int = 0;
    // SAFETY: FIONREAD writes one int, into `count`.
    if unsafe { libc::ioctl(fd, libc::FIONREAD, &raw mut count) } < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(usize::try_from(count).unwrap_or(0))
}

/// `fd`, a descriptor just made (or -1 and errno), owned and watched by tokio for input.
#[cfg(target_os = "linux")]
fn readable_in_tokio(
    fd: libc::c_int,
) -> io::Result<tokio::io::unix::AsyncFd<std::os::fd::OwnedFd>> {
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `fd` is fresh and owned by nobody else.
    let owned = unsafe { std::os::fd::OwnedFd::from_raw_fd(fd) };
    // SAFETY: the OwnedFd is open and stays so, the same descriptor, for as long as the
    // AsyncFd owns it.
    unsafe {
        tokio::io::unix::AsyncFd::register_with_interest(owned, tokio::io::Interest::READABLE)
    }
    .map_err(io::Error::from)
}

/// An epoll set (Linux): the few calls [`crate::pane::watch`] makes.
#[cfg(target_os = "linux")]
pub mod epoll {
    use std::io;
    use std::os::fd::{OwnedFd, RawFd};

    use tokio::io::unix::AsyncFd;

    /// A new set, which tokio tells the app has something ready.
    pub fn create() -> io::Result<AsyncFd<OwnedFd>> {
        // SAFETY: epoll_create1 takes a flag and returns a new descriptor, ours alone.
        super::readable_in_tokio(unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) })
    }

    /// Adds `fd` to `set` (or, with `added`, changes it) to report input once, as `token`.
    pub fn listen_once(set: RawFd, fd: RawFd, token: u64, added: bool) -> io::Result<()> {
        let op = if added {
            libc::EPOLL_CTL_MOD
        } else {
            libc::EPOLL_CTL_ADD
        };
        control(set, op, fd, libc::EPOLLIN | libc::EPOLLONESHOT, token)
    }

    /// Keeps `fd` in `set` but reports nothing of it until [`listen_once`].
    pub fn ignore(set: RawFd, fd: RawFd, token: u64) -> io::Result<()> {
        control(set, libc::EPOLL_CTL_MOD, fd, libc::EPOLLONESHOT, token)
    }

    fn control(
        set: RawFd,
        op: libc::c_int,
        fd: RawFd,
        events: libc::c_int,
        token: u64,
    ) -> io::Result<()> {
        let mut event = libc::epoll_event {
            events: events as u32,
            u64: token,
        };
        // SAFETY: `event` is a valid epoll_event for the duration of the call.
        if unsafe { libc::epoll_ctl(set, op, fd, &raw mut event) } < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }

    pub fn remove(set: RawFd, fd: RawFd) {
        // SAFETY: EPOLL_CTL_DEL ignores the event pointer.
        unsafe { libc::epoll_ctl(set, libc::EPOLL_CTL_DEL, fd, std::ptr::null_mut()) };
    }

    /// The tokens of what is ready now, without waiting, into `tokens`; true when
    /// that is everything (one look, if it had room for more).
    pub fn ready_now(set: RawFd, tokens: &mut Vec<u64>) -> io::Result<bool> {
        const AT_ONCE: usize = 64;
        let mut events = [libc::epoll_event { events: 0, u64: 0 }; AT_ONCE];
        loop {
            // SAFETY: epoll_wait writes at most AT_ONCE events into `events`.
            let n = unsafe { libc::epoll_wait(set, events.as_mut_ptr(), AT_ONCE as i32, 0) };
            let Ok(n) = usize::try_from(n) else {
                let err = io::Error::last_os_error();
                if err.kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                return Err(err);
            };
            tokens.extend(events[..n].iter().map(|event| event.u64));
            if n < AT_ONCE {
                return Ok(true);
            }
        }
    }
}

/// A timer the kernel keeps (Linux's timerfd): readable once its time has come.
#[cfg(target_os = "linux")]
pub mod timerfd {
    use std::io;
    use std::os::fd::{OwnedFd, RawFd};
    use std::time::Duration;

    use tokio::io::unix::AsyncFd;

    /// A new timer, not set, which tokio tells the app has gone off.
    pub fn create() -> io::Result<AsyncFd<OwnedFd>> {
        // SAFETY: timerfd_create takes a clock and flags and returns a new descriptor,
        // ours alone.
        super::readable_in_tokio(unsafe {
            libc::timerfd_create(
                libc::CLOCK_MONOTONIC,
                libc::TFD_NONBLOCK | libc::TFD_CLOEXEC,
            )
        })
    }

    /// Sets the timer to go off once, `after` from now (at once for zero), or unsets it.
    /// Setting it forgets that it went off before.
    pub fn set(fd: RawFd, after: Option<Duration>) -> io::Result<()> {
        // A zero time unsets a timer: the soonest it can be set to is a nanosecond.
        let after = after.map(|after| after.max(Duration::from_nanos(1)));
        let value = after.map_or(
            libc::timespec {
                tv_sec: 0,
                tv_nsec: 0,
            },
            |after| libc::timespec {
                tv_sec: libc::time_t::try_from(after.as_secs()).unwrap_or(libc::time_t::MAX),
                tv_nsec: libc::c_long::from(after.subsec_nanos().cast_signed()),
            },
        );
        let spec = libc::itimerspec {
            it_interval: libc::timespec {
                tv_sec: 0,
                tv_nsec: 0,
            },
            it_value: value,
        };
        // SAFETY: `spec` is a valid itimerspec for the duration of the call; the old
        // value is not asked for.
        if unsafe { libc::timerfd_settime(fd, 0, &raw const spec, std::ptr::null_mut()) } < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }

    /// Takes the news that the timer went off; `WouldBlock` if it has not.
    pub fn take(fd: RawFd) -> io::Result<()> {
        let mut count = 0u64;
        // SAFETY: reads at most 8 bytes into `count`, which has room for them.
        let read = unsafe { libc::read(fd, (&raw mut count).cast(), 8) };
        if read < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;
    use std::os::fd::{AsRawFd as _, FromRawFd as _, OwnedFd};
    use std::time::Duration;

    /// A descriptor for `fd`'s open file numbered `at` or above, or `None` where the
    /// process may not open that many.
    fn numbered_at_least(fd: &impl std::os::fd::AsRawFd, at: i32) -> Option<OwnedFd> {
        // The soft limit may be 1024 (select's own): up to the hard limit, for this test.
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit and setrlimit read and write one rlimit, ours.
        unsafe {
            if libc::getrlimit(libc::RLIMIT_NOFILE, &raw mut limit) == 0 {
                limit.rlim_cur = limit.rlim_cur.max(limit.rlim_max.min(4096));
                libc::setrlimit(libc::RLIMIT_NOFILE, &raw const limit);
            }
        }
        // SAFETY: fcntl(F_DUPFD_CLOEXEC) takes and returns plain integers.
        let new = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_DUPFD_CLOEXEC, at) };
        // SAFETY: `new` is a fresh descriptor nobody else owns.
        (new >= 0).then(|| unsafe { OwnedFd::from_raw_fd(new) })
    }

    #[test]
    fn a_wait_takes_a_descriptor_past_what_select_could() {
        let (read, mut write) = std::io::pipe().unwrap();
        let Some(high) = numbered_at_least(&read, 1500) else {
            eprintln!("SKIPPED: this process may not open descriptor 1500 (ulimit -n)");
            return;
        };
        if cfg!(not(target_os = "linux")) {
            // select(2) there: an error, not a panic.
            assert!(super::readable(high.as_raw_fd(), Duration::ZERO).is_err());
            return;
        }
        assert!(!super::readable(high.as_raw_fd(), Duration::ZERO).unwrap());
        write.write_all(b"x").unwrap();
        assert!(super::readable(high.as_raw_fd(), Duration::from_secs(10)).unwrap());
        let high_write = numbered_at_least(&write, 1500).unwrap();
        assert!(super::writable(high_write.as_raw_fd(), Duration::from_secs(10)).unwrap());
    }

    #[test]
    fn a_wait_under_a_millisecond_still_waits() {
        let (read, _write) = std::io::pipe().unwrap();
        let start = std::time::Instant::now();
        assert!(!super::readable(read.as_raw_fd(), Duration::from_micros(500)).unwrap());
        assert!(start.elapsed() >= Duration::from_micros(500));
    }
}
