//! The scratchpad's files on disk. Saves are atomic: the new text goes to a temporary
//! file in the same directory, is fsynced, renamed over the old file, and the directory is
//! fsynced, so a kill -9 at any moment leaves the previous or the new whole file. The
//! archive only grows: compacted text is appended and fsynced before the scratchpad that
//! no longer holds it is saved, so a crash in between duplicates text, never loses it.
//!
//! Every fsync goes through [`durable::sync`], which copes with volumes that refuse
//! macOS's full sync. [`Worker`] does all of this on its own thread, so the render loop never waits on a disk.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use super::durable;

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
        durable::sync(&file)?;
        if expect.is_some_and(|expect| FileMeta::of(path) != *expect) {
            fs::remove_file(&tmp)?;
            return Ok(None);
        }
        let ours = FileMeta::from(&file.metadata()?);
        fs::rename(&tmp, path)?;
        durable::sync(&File::open(dir)?)?;
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
    durable::sync(&file).map_err(at)
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

/// One thing for the worker to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Job {
    /// Replace `path` with `text`, unless the file is no longer `expect` (someone else
    /// changed it since we last looked): then nothing is written and [`Done::Changed`]
    /// comes back. `expect: None` writes whatever is there. `tag` comes back in the
    /// answer so the caller knows which version landed.
    Replace {
        path: PathBuf,
        text: String,
        expect: Option<Option<FileMeta>>,
        tag: u64,
    },
    /// Append `text` to `path` (the archive). Appends are never merged or skipped.
    Append { path: PathBuf, text: String },
}

/// What the worker reports back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Done {
    /// The version `tag` is on disk; `meta` is the file as we left it.
    Saved { tag: u64, meta: Option<FileMeta> },
    /// The file changed under us; `tag` was not written.
    Changed { tag: u64 },
    /// Writing failed; the message names the file.
    Failed { tag: Option<u64>, error: String },
}

/// A thread that writes jobs in order. Jobs queued while it was busy are taken together,
/// and of several replacements of one file only the newest is written.
pub struct Worker {
    tx: Option<mpsc::Sender<Job>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Worker {
    /// Starts the thread; `report` is called from it for every job's outcome.
    pub fn start(report: impl Fn(Done) + Send + 'static) -> Worker {
        let (tx, rx) = mpsc::channel::<Job>();
        let thread = std::thread::Builder::new()
            .name("scratchpad-save".into())
            .spawn(move || {
                while let Ok(first) = rx.recv() {
                    let mut batch = vec![first];
                    batch.extend(rx.try_iter());
                    for done in run_batch(batch) {
                        report(done);
                    }
                }
            })
            .ok();
        Worker {
            tx: thread.as_ref().map(|_| tx),
            thread,
        }
    }

    /// Queues a job; `false` when the thread is gone (the caller should write itself).
    pub fn send(&self, job: Job) -> bool {
        self.tx.as_ref().is_some_and(|tx| tx.send(job).is_ok())
    }

    /// Writes everything queued, then stops the thread.
    pub fn finish(&mut self) {
        self.tx = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.finish();
    }
}

/// Runs a batch in order, skipping replacements a later one in the batch supersedes.
pub fn run_batch(batch: Vec<Job>) -> Vec<Done> {
    let mut out = Vec::new();
    for (i, job) in batch.iter().enumerate() {
        match job {
            Job::Append { path, text } => {
                if let Err(e) = append_durable(path, text.as_bytes()) {
                    out.push(Done::Failed {
                        tag: None,
                        error: e.to_string(),
                    });
                }
            }
            Job::Replace {
                path,
                text,
                expect,
                tag,
            } => {
                let superseded = batch[i + 1..]
                    .iter()
                    .any(|later| matches!(later, Job::Replace { path: p, .. } if p == path));
                if superseded {
                    continue;
                }
                out.push(
                    match replace_unless_changed(path, text.as_bytes(), expect.as_ref()) {
                        Ok(None) => Done::Changed { tag: *tag },
                        Ok(Some(meta)) => Done::Saved {
                            tag: *tag,
                            meta: Some(meta),
                        },
                        Err(e) => Done::Failed {
                            tag: Some(*tag),
                            error: e.to_string(),
                        },
                    },
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("rallish-store-{tag}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
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

    #[test]
    fn batches_keep_the_newest_replacement_and_every_append() {
        let dir = temp_dir("batch");
        let (pad, archive) = (dir.join("p.md"), dir.join("a.md"));
        let replace = |text: &str, tag| Job::Replace {
            path: pad.clone(),
            text: text.into(),
            expect: None,
            tag,
        };
        let append = |text: &str| Job::Append {
            path: archive.clone(),
            text: text.into(),
        };
        let done = run_batch(vec![
            replace("v1", 1),
            append("a"),
            replace("v2", 2),
            append("b"),
        ]);
        assert!(matches!(done[..], [Done::Saved { tag: 2, .. }]), "{done:?}");
        assert_eq!(fs::read_to_string(&pad).unwrap(), "v2");
        assert_eq!(fs::read_to_string(&archive).unwrap(), "ab");
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_file_changed_since_we_looked_is_not_overwritten() {
        let dir = temp_dir("expect");
        let path = dir.join("p.md");
        write_atomic(&path, b"ours").unwrap();
        let seen = FileMeta::of(&path);
        fs::write(&path, b"an agent's edit").unwrap();
        let job = Job::Replace {
            path: path.clone(),
            text: "ours again".into(),
            expect: Some(seen),
            tag: 7,
        };
        assert_eq!(run_batch(vec![job]), [Done::Changed { tag: 7 }]);
        assert_eq!(fs::read_to_string(&path).unwrap(), "an agent's edit");
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn worker_reports_from_its_thread() {
        let dir = temp_dir("worker");
        let path = dir.join("p.md");
        let (tx, rx) = mpsc::channel();
        let mut worker = Worker::start(move |done| {
            let _ = tx.send(done);
        });
        assert!(worker.send(Job::Replace {
            path: path.clone(),
            text: "hello".into(),
            expect: Some(None),
            tag: 1,
        }));
        worker.finish();
        assert!(matches!(
            rx.recv().unwrap(),
            Done::Saved {
                tag: 1,
                meta: Some(_)
            }
        ));
        assert_eq!(fs::read_to_string(&path).unwrap(), "hello");
        fs::remove_dir_all(dir).unwrap();
    }
}
