//! Files that survive a crash: a replacement lands whole or not at all, an append is
//! on disk when it returns, and [`Worker`] does either on a thread of its own so the
//! render loop never waits on a disk. The scratchpad and `session.toml` are saved this
//! way.
//!
//! A replacement goes to a temporary file in the same directory, is fsynced, renamed
//! over the old file, and the directory is fsynced, so a kill -9 at any moment leaves
//! the previous or the new whole file (`tests/atomic_save.rs`); a killed save's temporary
//! file is removed by [`remove_stale_temps`] on the next start.
//!
//! Every fsync goes through [`sync`]. On Apple systems `File::sync_all` is
//! `fcntl(F_FULLFSYNC)`, which also flushes the drive's own cache. SMB shares and some
//! FUSE volumes refuse it (ENOTSUP, EINVAL); plain fsync(2) is then the most they offer,
//! so it is what a save gets, rather than reporting every save as failed. Elsewhere
//! `sync_all` already is fsync(2).

mod worker;

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

pub use worker::{Done, Job, Worker, run_batch};

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
    crate::sys::fsync(file)
}

/// What identifies one version of a file cheaply: a save replaces the inode, an edit in
/// place changes the size or the modification time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileMeta {
    pub ino: u64,
    pub len: u64,
    pub mtime_ns: i128,
}

impl FileMeta {
    /// The file's identity now; `None` when it does not exist (or cannot be read).
    pub fn of(path: &Path) -> Option<FileMeta> {
        fs::metadata(path).ok().as_ref().map(FileMeta::from)
    }
}

impl From<&fs::Metadata> for FileMeta {
    fn from(meta: &fs::Metadata) -> FileMeta {
        FileMeta {
            ino: meta.ino(),
            len: meta.len(),
            mtime_ns: i128::from(meta.mtime()) * 1_000_000_000 + i128::from(meta.mtime_nsec()),
        }
    }
}

/// Replaces `path` with `bytes` atomically (temp file, fsync, rename, fsync of the
/// directory). The file is private to the user (0600).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    replace_unless_changed(path, bytes, None).map(drop)
}

/// [`write_atomic`], unless the file is no longer `expect` (someone else wrote it) when
/// the new text is ready to go in: then nothing changes and the answer is `None`. The
/// check is made just before the rename, so an edit racing the save is lost only in
/// that instant, not while our text is written and synced. Otherwise the answer is the
/// identity of the file as we wrote it, read from the temp file before it is renamed
/// (a rename keeps it), so a write that lands right after ours still shows as a change.
pub fn replace_unless_changed(
    path: &Path,
    bytes: &[u8],
    expect: Option<&Option<FileMeta>>,
) -> io::Result<Option<FileMeta>> {
    let dir = parent(path);
    let tmp = temp_path(path);
    let result = (|| -> io::Result<Option<FileMeta>> {
        let mut file = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&tmp)?;
        file.write_all(bytes)?;
        sync(&file)?;
        if expect.is_some_and(|expect| FileMeta::of(path) != *expect) {
            fs::remove_file(&tmp)?;
            return Ok(None);
        }
        let ours = FileMeta::from(&file.metadata()?);
        fs::rename(&tmp, path)?;
        sync(&File::open(dir)?)?;
        Ok(Some(ours))
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map_err(|e| io::Error::new(e.kind(), format!("saving {}: {e}", path.display())))
}

/// Appends `bytes` to `path` in one write and fsyncs it.
pub fn append_durable(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let at =
        |e: io::Error| io::Error::new(e.kind(), format!("appending to {}: {e}", path.display()));
    let mut file = OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path)
        .map_err(at)?;
    file.write_all(bytes).map_err(at)?;
    sync(&file).map_err(at)
}

/// Removes temporary files a killed save left next to `path`.
pub fn remove_stale_temps(path: &Path) {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return;
    };
    let prefix = format!(".{name}.tmp-");
    let Ok(entries) = fs::read_dir(parent(path)) else {
        return;
    };
    for entry in entries.flatten() {
        if entry
            .file_name()
            .to_str()
            .is_some_and(|n| n.starts_with(&prefix))
        {
            let _ = fs::remove_file(entry.path());
        }
    }
}

fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned());
    parent(path).join(format!(".{name}.tmp-{}", std::process::id()))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn temp_dir(tag: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("rallish-durable-{tag}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

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

    #[test]
    fn a_save_knows_its_own_file_and_refuses_one_changed_under_it() {
        let dir = temp_dir("unless");
        let path = dir.join("scratchpad.md");
        let ours = replace_unless_changed(&path, b"one", Some(&None)).unwrap();
        assert!(ours.is_some(), "no file was expected and none was there");
        assert_eq!(ours, FileMeta::of(&path), "the rename keeps the identity");
        append_durable(&path, b" and theirs").unwrap();
        let refused = replace_unless_changed(&path, b"two", Some(&ours)).unwrap();
        assert_eq!(refused, None);
        assert_eq!(fs::read_to_string(&path).unwrap(), "one and theirs");
        assert_eq!(
            fs::read_dir(&dir).unwrap().count(),
            1,
            "no temp left behind"
        );
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp() {
        let dir = temp_dir("atomic");
        let path = dir.join("scratchpad.md");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "two");
        let names: Vec<_> = fs::read_dir(&dir).unwrap().flatten().collect();
        assert_eq!(names.len(), 1);
        fs::write(temp_path(&path), b"torn").unwrap();
        remove_stale_temps(&path);
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 1);
        fs::remove_dir_all(dir).unwrap();
    }
}
