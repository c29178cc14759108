//! One writer per output folder at a time. `build` and `watch` hold a
//! lock file beside the output (`.output.claimbase-lock`) while they write
//! it; a second writer waits a few seconds for it, then says who holds it.
//!
//! The lock is the operating system's advisory lock on that file, which
//! the kernel releases when its process ends, however it ends: a writer
//! killed with SIGKILL leaves the file but not the lock, and the next one
//! takes it over. The file also names its holder (pid, command, host,
//! start time) for the message a waiting writer prints.

use std::collections::HashMap;
use std::fs::{self, File, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::{WriteError, beside, io_error};
use crate::sync::lock;

/// How long a second writer waits for the first to finish.
pub const WAIT: Duration = Duration::from_secs(3);

/// The lock file's name beside the output: `.output.claimbase-lock`.
pub fn lock_path(output: &Path) -> PathBuf {
    beside(output, "lock")
}

/// Lock files this process holds, with how many holders share each: a
/// `watch` holds its output's lock and writes through `build`'s functions,
/// which take it again.
static HELD: Mutex<Vec<(PathBuf, usize)>> = Mutex::new(Vec::new());

/// The writer named in a lock file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub pid: u32,
    pub command: String,
    pub host: String,
    /// Seconds since the Unix epoch.
    pub started: u64,
}

impl Holder {
    fn me(command: &str) -> Holder {
        Holder {
            pid: std::process::id(),
            command: command.to_string(),
            host: host_name(),
            started: now(),
        }
    }

    fn to_text(&self) -> String {
        format!(
            "pid = {}\ncommand = {}\nhost = {}\nstarted = {}\n",
            self.pid, self.command, self.host, self.started
        )
    }

    fn parse(text: &str) -> Option<Holder> {
        let fields: HashMap<&str, &str> =
            text.lines().filter_map(|l| l.split_once(" = ")).collect();
        Some(Holder {
            pid: fields.get("pid")?.parse().ok()?,
            command: fields.get("command").unwrap_or(&"claimbase").to_string(),
            host: fields.get("host").unwrap_or(&"").to_string(),
            started: fields
                .get("started")
                .and_then(|s| s.parse().ok())
                .unwrap_or(0),
        })
    }

    /// "pid 4242, `claimbase watch`, started 12 s ago", with the host when
    /// it is another machine's (an output on a shared drive).
    pub fn describe(&self) -> String {
        let ago = now().saturating_sub(self.started);
        let host = if self.host.is_empty() || self.host == host_name() {
            String::new()
        } else {
            format!(" on {}", self.host)
        };
        format!(
            "pid {}{host}, `{}`, started {ago} s ago",
            self.pid, self.command
        )
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn host_name() -> String {
    fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| fs::read_to_string("/etc/hostname"))
        .map(|h| h.trim().to_string())
        .or_else(|_| std::env::var("HOSTNAME"))
        .unwrap_or_default()
}

/// The right to write one output folder, until dropped.
#[derive(Debug)]
pub struct OutputLock {
    path: PathBuf,
    /// The locked file; `None` when this process held the lock already.
    file: Option<File>,
    /// A holder that ended without releasing the lock, which this one took
    /// over.
    pub took_over: Option<Holder>,
}

impl OutputLock {
    /// Takes the lock of `output` for `command` ("claimbase build"),
    /// waiting up to `wait` for another writer to finish.
    pub fn acquire(output: &Path, command: &str, wait: Duration) -> Result<OutputLock, WriteError> {
        let path = lock_path(output);
        let parent = path.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(parent).map_err(io_error(parent))?;
        // One name for one file, however the output was spelled.
        let path = match (parent.canonicalize(), path.file_name()) {
            (Ok(parent), Some(name)) => parent.join(name),
            _ => path,
        };
        {
            let mut held = lock(&HELD);
            if let Some((_, count)) = held.iter_mut().find(|(p, _)| *p == path) {
                *count += 1;
                return Ok(OutputLock {
                    path,
                    file: None,
                    took_over: None,
                });
            }
        }
        let start = Instant::now();
        loop {
            let mut file = fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(io_error(&path))?;
            match file.try_lock() {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => {
                    if start.elapsed() >= wait {
                        let holder = read_holder(&mut file);
                        return Err(WriteError::Busy {
                            path: output.display().to_string(),
                            holder: holder.map(|h| h.describe()).unwrap_or_else(|| {
                                "a process that has not yet said who it is".into()
                            }),
                            lock: path.display().to_string(),
                        });
                    }
                    std::thread::sleep(Duration::from_millis(50));
                    continue;
                }
                Err(TryLockError::Error(e)) => return Err(io_error(&path)(e)),
            }
            // The holder before removes the file before it unlocks it: a
            // lock taken on a file no longer at `path` locks nothing.
            if !is_at(&file, &path) {
                continue;
            }
            let took_over = read_holder(&mut file);
            let me = Holder::me(command);
            file.set_len(0)
                .and_then(|()| file.rewind())
                .and_then(|()| file.write_all(me.to_text().as_bytes()))
                .map_err(io_error(&path))?;
            lock(&HELD).push((path.clone(), 1));
            return Ok(OutputLock {
                path,
                file: Some(file),
                took_over,
            });
        }
    }
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        let mut held = lock(&HELD);
        if let Some(i) = held.iter().position(|(p, _)| *p == self.path) {
            held[i].1 -= 1;
            if held[i].1 > 0 {
                return;
            }
            held.remove(i);
        }
        if let Some(file) = self.file.take() {
            // Removed while still locked, so that no one locks it after.
            let _ = fs::remove_file(&self.path);
            drop(file);
        }
    }
}

/// Removes the lock files this process holds, for a process about to exit
/// at once (see [`super::abandon_all`]); the system releases the locks.
pub(super) fn remove_all() {
    for (path, _) in std::mem::take(&mut *lock(&HELD)) {
        let _ = fs::remove_file(path);
    }
}

fn read_holder(file: &mut File) -> Option<Holder> {
    let mut text = String::new();
    file.rewind().ok()?;
    file.read_to_string(&mut text).ok()?;
    Holder::parse(&text)
}

#[cfg(unix)]
fn is_at(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn is_at(_: &File, path: &Path) -> bool {
    path.exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_holder_reads_back_as_written() {
        let me = Holder::me("claimbase watch");
        assert_eq!(Holder::parse(&me.to_text()), Some(me));
        assert_eq!(Holder::parse("garbage"), None);
    }

    #[test]
    fn the_lock_is_taken_again_in_the_same_process_and_removed_after() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        let first = OutputLock::acquire(&out, "claimbase watch", WAIT).unwrap();
        let again = OutputLock::acquire(&out, "claimbase build", Duration::ZERO).unwrap();
        drop(again);
        assert!(lock_path(&out).exists(), "the first holder still holds it");
        drop(first);
        assert!(!lock_path(&out).exists());
    }

    #[test]
    fn a_lock_file_left_behind_is_taken_over_and_its_holder_named() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        fs::write(
            lock_path(&out),
            "pid = 999999\ncommand = claimbase build\nhost = \nstarted = 0\n",
        )
        .unwrap();
        let taken = OutputLock::acquire(&out, "claimbase build", Duration::ZERO).unwrap();
        assert_eq!(taken.took_over.as_ref().map(|h| h.pid), Some(999999));
    }
}
