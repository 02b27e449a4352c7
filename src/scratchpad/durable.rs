//! Flushing a file (or a directory) to stable storage, on every volume that takes it.
//!
//! On Apple systems `File::sync_all` is `fcntl(F_FULLFSYNC)`, which also flushes the
//! drive's own cache. SMB shares and some FUSE volumes refuse it (ENOTSUP, EINVAL); plain
//! fsync(2) is then the most they offer, so it is what a save gets, rather than
//! reporting every save as failed. Elsewhere `sync_all` already is fsync(2).

use std::fs::File;
use std::io;
use std::os::fd::AsRawFd as _;

/// Flushes `file` as durably as its volume allows.
pub fn sync(file: &File) -> io::Result<()> {
    match file.sync_all() {
        Err(err) if cfg!(target_vendor = "apple") && full_sync_unsupported(&err) => fsync(file),
        other => other,
    }
}

/// Whether `err`, from `F_FULLFSYNC`, means "not on this volume" rather than a failure.
fn full_sync_unsupported(err: &io::Error) -> bool {
    err.raw_os_error()
        .is_some_and(|code| [libc::ENOTSUP, libc::EOPNOTSUPP, libc::EINVAL].contains(&code))
}

fn fsync(file: &File) -> io::Result<()> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_not_supported_falls_back() {
        for code in [libc::ENOTSUP, libc::EOPNOTSUPP, libc::EINVAL] {
            assert!(full_sync_unsupported(&io::Error::from_raw_os_error(code)));
        }
        for code in [libc::EIO, libc::ENOSPC, libc::EBADF] {
            assert!(!full_sync_unsupported(&io::Error::from_raw_os_error(code)));
        }
        assert!(!full_sync_unsupported(&io::Error::other("no errno")));
    }

    #[test]
    fn files_and_directories_sync() {
        let dir = std::env::temp_dir();
        sync(&File::open(&dir).unwrap()).unwrap();
        let path = dir.join(format!("rallish-durable-{}", std::process::id()));
        let file = File::create(&path).unwrap();
        sync(&file).unwrap();
        fsync(&file).unwrap();
        std::fs::remove_file(path).unwrap();
    }
}
