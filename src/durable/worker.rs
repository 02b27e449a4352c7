//! The thread that saves: jobs are written in order, replacements of one file queued
//! while it was busy collapse into the newest, appends are never merged or skipped.

use std::path::PathBuf;
use std::sync::mpsc;

use super::{FileMeta, append_durable, replace_unless_changed};

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
    /// Starts the thread called `name`; `report` is called from it for every job's
    /// outcome.
    pub fn start(name: &str, report: impl Fn(Done) + Send + 'static) -> Worker {
        let (tx, rx) = mpsc::channel::<Job>();
        let thread = std::thread::Builder::new()
            .name(name.into())
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
    use std::fs;

    use super::super::tests::temp_dir;
    use super::super::write_atomic;
    use super::*;

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
        let mut worker = Worker::start("test-save", move |done| {
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
