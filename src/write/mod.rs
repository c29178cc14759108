//! Stage 6: write, the only place the build writes to disk, atomically.
//!
//! The new site is built in a folder beside the output. A file whose bytes
//! did not change is hard-linked from the old output, so its modification
//! time stays and deploy tools upload only what changed. Only when every
//! file is in place are the two folders swapped; a failure at any point
//! leaves the previous output as it was. One process writes an output
//! folder at a time ([`OutputLock`]).

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use rayon::prelude::*;

use crate::sync::lock;

mod lock;
mod replace;

pub use lock::{Holder, OutputLock, WAIT, lock_path};
use replace::REPLACED;
pub use replace::Replacer;

/// The file that marks a folder as written by claimbase, and so safe to replace.
pub const MARKER: &str = ".claimbase-output";

/// One file of the built site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Relative to the output folder, `/`-separated.
    pub path: String,
    pub bytes: Vec<u8>,
}

impl OutputFile {
    pub fn new(path: impl Into<String>, bytes: Vec<u8>) -> Self {
        OutputFile {
            path: path.into(),
            bytes,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("refusing to write the site to `{path}`: {reason}")]
    Refused { path: String, reason: String },
    #[error("cannot write `{path}`: {source}")]
    Io { path: String, source: io::Error },
    #[error("another claimbase ({holder}) is writing this output folder")]
    Busy {
        path: String,
        holder: String,
        /// The lock file, for the help line.
        lock: String,
    },
}

impl WriteError {
    /// Whether the disk (or the user's quota) is full.
    pub fn is_disk_full(&self) -> bool {
        match self {
            WriteError::Io { source, .. } => {
                source.kind() == io::ErrorKind::StorageFull
                    || source.kind() == io::ErrorKind::QuotaExceeded
            }
            _ => false,
        }
    }
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// What a write did, for the summary line.
#[derive(Debug, Default, Clone, Copy)]
pub struct WriteStats {
    pub written: usize,
    pub unchanged: usize,
}

/// A folder the output must stay clear of.
pub struct Protected<'a> {
    pub path: &'a Path,
    /// What it is, for the message: "the content folder".
    pub what: &'a str,
    /// Whether the output may be a folder inside it (the site folder holds
    /// `output/`; the content and templates folders hold nothing built).
    pub may_hold_output: bool,
}

/// Checks that `output` is a folder claimbase may replace: never `/`, the
/// home folder, the site root or a folder holding the site's inputs, never
/// inside the content or templates folders, and never an existing folder
/// with files that claimbase did not write.
pub fn check_output_dir(output: &Path, protected: &[Protected<'_>]) -> Result<(), WriteError> {
    let refuse = |reason: String| WriteError::Refused {
        path: output.display().to_string(),
        reason,
    };
    let real = canonical_or_lexical(output);
    if real.parent().is_none() {
        return Err(refuse("it is the file system root".into()));
    }
    if let Some(home) = std::env::var_os("HOME").map(PathBuf::from)
        && canonical_or_lexical(&home) == real
    {
        return Err(refuse("it is your home folder".into()));
    }
    for p in protected {
        let path = canonical_or_lexical(p.path);
        if path == real || path.starts_with(&real) {
            return Err(refuse(format!(
                "it is or contains {}; choose another output folder",
                p.what
            )));
        }
        if !p.may_hold_output && real.starts_with(&path) {
            return Err(refuse(format!(
                "it is inside {}, where built files would be read back as input; choose a folder outside it",
                p.what
            )));
        }
    }
    if output.is_file() {
        return Err(refuse("it is a file, not a folder".into()));
    }
    if output.is_dir() && !output.join(MARKER).exists() {
        let empty = fs::read_dir(output)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !empty {
            return Err(refuse(format!(
                "it already holds files that claimbase did not write (it has no `{MARKER}` file); empty it or choose another folder"
            )));
        }
    }
    Ok(())
}

fn canonical_or_lexical(path: &Path) -> PathBuf {
    if let Ok(p) = path.canonicalize() {
        return p;
    }
    // A folder that does not exist yet: resolve its parent.
    match (path.parent(), path.file_name()) {
        (Some(parent), Some(name)) if !parent.as_os_str().is_empty() => {
            canonical_or_lexical(parent).join(name)
        }
        _ => std::env::current_dir()
            .map(|d| d.join(path))
            .unwrap_or_else(|_| path.to_path_buf()),
    }
}

/// Writes `files` as the new content of `output`, atomically.
pub fn write_site(output: &Path, files: &[OutputFile]) -> Result<WriteStats, WriteError> {
    let staging = Staging::begin(output)?;
    files.par_iter().try_for_each(|file| staging.put(file))?;
    staging.commit()
}

/// Staging folders of builds in progress, for [`abandon_all`].
static IN_PROGRESS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
static ABANDONED: AtomicBool = AtomicBool::new(false);

/// Removes the staging folder and lock file of every build in progress
/// and refuses any further file, for a process that must stop at once
/// (see `render::watchdog`): the outputs stay as they were, with nothing
/// left beside them.
pub fn abandon_all() {
    ABANDONED.store(true, Ordering::SeqCst);
    // A file that passed the check just before is written within moments:
    // let it land before its folder goes.
    std::thread::sleep(std::time::Duration::from_millis(100));
    let folders = std::mem::take(&mut *lock(&IN_PROGRESS));
    for folder in folders {
        let _ = fs::remove_dir_all(folder);
    }
    lock::remove_all();
}

fn forget(staging: &Path) {
    lock(&IN_PROGRESS).retain(|p| p != staging);
}

/// A new site being written beside the output, file by file, from any
/// number of threads. [`Staging::commit`] swaps it in; dropped without
/// that, it is removed and the output stays as it was.
#[derive(Debug)]
pub struct Staging {
    output: PathBuf,
    staging: PathBuf,
    retired: PathBuf,
    /// Folders made so far in the staging folder.
    folders: Mutex<HashSet<PathBuf>>,
    written: AtomicUsize,
    unchanged: AtomicUsize,
    committed: bool,
    /// Held until the new site is in place, or given up.
    lock: Option<OutputLock>,
}

/// A folder beside `output` for its new site, its old one or the files
/// replaced in it: `.output.claimbase-<what>` (which `watch` ignores).
fn beside(output: &Path, what: &str) -> PathBuf {
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    let parent = match output.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    parent.join(format!(".{name}.claimbase-{what}"))
}

impl Staging {
    /// Starts a new site for `output`: repairs what a killed build left,
    /// and makes the empty staging folder.
    pub fn begin(output: &Path) -> Result<Staging, WriteError> {
        let staging = beside(output, "new");
        let retired = beside(output, "old");
        let parent = staging.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(parent).map_err(io_error(parent))?;
        recover(output, &retired)?;
        for leftover in [&staging, &retired, &beside(output, REPLACED)] {
            if fs::symlink_metadata(leftover).is_ok() {
                fs::remove_dir_all(leftover).map_err(io_error(leftover))?;
            }
        }
        fs::create_dir_all(&staging).map_err(io_error(&staging))?;
        lock(&IN_PROGRESS).push(staging.clone());
        Ok(Staging {
            output: output.to_path_buf(),
            folders: Mutex::new(HashSet::from([staging.clone()])),
            staging,
            retired,
            written: AtomicUsize::new(0),
            unchanged: AtomicUsize::new(0),
            committed: false,
            lock: None,
        })
    }

    /// Keeps `lock` until the new site is swapped in or given up.
    pub fn hold(&mut self, lock: OutputLock) {
        self.lock = Some(lock);
    }

    /// The writer that held the lock before and ended without releasing
    /// it, if this build took it over.
    pub fn took_over(&self) -> Option<&Holder> {
        self.lock.as_ref()?.took_over.as_ref()
    }

    /// Puts one file in the new site: a hard link to the old output's copy
    /// when the bytes are the same, else a new file.
    pub fn put(&self, file: &OutputFile) -> Result<(), WriteError> {
        let target = self.staging.join(&file.path);
        if ABANDONED.load(Ordering::SeqCst) {
            return Err(io_error(&target)(io::Error::other("the build was stopped")));
        }
        if let Some(dir) = target.parent() {
            let known = lock(&self.folders).contains(dir);
            if !known {
                fs::create_dir_all(dir).map_err(io_error(dir))?;
                lock(&self.folders).insert(dir.to_path_buf());
            }
        }
        let old = self.output.join(&file.path);
        if same_bytes(&old, &file.bytes) && fs::hard_link(&old, &target).is_ok() {
            self.unchanged.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        }
        // Never open an existing path: it could be a hard link into the
        // previous site, which writing through would change in place.
        let mut out = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&target)
            .map_err(io_error(&target))?;
        io::Write::write_all(&mut out, &file.bytes).map_err(io_error(&target))?;
        self.written.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Marks the new site as claimbase's and swaps it in for the output.
    pub fn commit(mut self) -> Result<WriteStats, WriteError> {
        fs::write(
            self.staging.join(MARKER),
            "This folder is written by claimbase; it is replaced on every build.\n",
        )
        .map_err(io_error(&self.staging))?;
        forget(&self.staging);
        swap(&self.staging, &self.output, &self.retired)?;
        self.committed = true;
        Ok(WriteStats {
            written: self.written.load(Ordering::Relaxed),
            unchanged: self.unchanged.load(Ordering::Relaxed),
        })
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            forget(&self.staging);
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}

/// Puts back the previous site if a build was stopped between the two
/// renames of [`swap`]'s fallback: the output is gone, the old site is
/// beside it.
fn recover(output: &Path, retired: &Path) -> Result<(), WriteError> {
    if fs::symlink_metadata(output).is_err() && retired.join(MARKER).is_file() {
        fs::rename(retired, output).map_err(io_error(output))?;
    }
    Ok(())
}

/// Makes the complete `staging` folder the output. Where the system can
/// exchange two paths in one step (Linux), there is no moment at which
/// `output` is missing or mixed, so a build killed at any point leaves the
/// old site or the new one; elsewhere two renames, which [`recover`]
/// repairs if the build dies between them.
fn swap(staging: &Path, output: &Path, retired: &Path) -> Result<(), WriteError> {
    if fs::symlink_metadata(output).is_err() {
        return fs::rename(staging, output).map_err(io_error(output));
    }
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        match renameat_with(CWD, staging, CWD, output, RenameFlags::EXCHANGE) {
            Ok(()) => {
                // `staging` now holds the old site.
                let _ = fs::remove_dir_all(staging);
                return Ok(());
            }
            // A file system or kernel without the exchange: rename twice.
            Err(e)
                if e == rustix::io::Errno::INVAL
                    || e == rustix::io::Errno::NOSYS
                    || e == rustix::io::Errno::NOTSUP => {}
            Err(e) => return Err(io_error(output)(e.into())),
        }
    }
    fs::rename(output, retired).map_err(io_error(output))?;
    if let Err(e) = fs::rename(staging, output) {
        // Put the old site back before reporting.
        let _ = fs::rename(retired, output);
        return Err(io_error(output)(e));
    }
    let _ = fs::remove_dir_all(retired);
    Ok(())
}

fn same_bytes(path: &Path, bytes: &[u8]) -> bool {
    match fs::metadata(path) {
        Ok(m) if m.is_file() && m.len() == bytes.len() as u64 => {
            fs::read(path).map(|b| b == bytes).unwrap_or(false)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file below `dir`, relative, `/`-separated.
    pub(super) fn tree(dir: &Path) -> Vec<String> {
        let mut paths: Vec<String> = walkdir::WalkDir::new(dir)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let rel = e.path().strip_prefix(dir).unwrap();
                rel.to_string_lossy().replace('\\', "/")
            })
            .collect();
        paths.sort();
        paths
    }

    #[test]
    fn unchanged_files_keep_their_modification_time() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        let files = vec![
            OutputFile::new("a/index.html", b"one".to_vec()),
            OutputFile::new("b.txt", b"two".to_vec()),
        ];
        write_site(&out, &files).unwrap();
        let before = fs::metadata(out.join("a/index.html"))
            .unwrap()
            .modified()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        let files = vec![
            OutputFile::new("a/index.html", b"one".to_vec()),
            OutputFile::new("b.txt", b"changed".to_vec()),
        ];
        let stats = write_site(&out, &files).unwrap();
        assert_eq!((stats.written, stats.unchanged), (1, 1));
        assert_eq!(
            fs::metadata(out.join("a/index.html"))
                .unwrap()
                .modified()
                .unwrap(),
            before
        );
        assert_eq!(fs::read(out.join("b.txt")).unwrap(), b"changed");
    }

    /// Two files for one path (a bug upstream) are an error, never a write
    /// through the hard link to the previous site's copy.
    #[test]
    fn a_path_written_twice_never_touches_the_previous_site() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        write_site(&out, &[OutputFile::new("a.html", b"old".to_vec())]).unwrap();
        let twice = [
            OutputFile::new("a.html", b"old".to_vec()),
            OutputFile::new("a.html", b"new".to_vec()),
        ];
        assert!(write_site(&out, &twice).is_err());
        assert_eq!(fs::read(out.join("a.html")).unwrap(), b"old");
    }

    #[test]
    fn stale_files_disappear() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        write_site(&out, &[OutputFile::new("old.html", b"x".to_vec())]).unwrap();
        write_site(&out, &[OutputFile::new("new.html", b"y".to_vec())]).unwrap();
        assert!(!out.join("old.html").exists());
        assert!(out.join("new.html").exists());
    }

    /// A build stopped between the two renames of the fallback swap left
    /// the old site beside a missing output: the next write puts it back
    /// first, so it is replaced like any other, and nothing is left over.
    #[test]
    fn a_site_left_between_two_renames_is_recovered() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        write_site(&out, &[OutputFile::new("a.html", b"old".to_vec())]).unwrap();
        let retired = dir.path().join(".output.claimbase-old");
        fs::rename(&out, &retired).unwrap();
        recover(&out, &retired).unwrap();
        assert_eq!(fs::read(out.join("a.html")).unwrap(), b"old");
        assert!(!retired.exists());

        fs::rename(&out, &retired).unwrap();
        fs::create_dir(dir.path().join(".output.claimbase-new")).unwrap();
        write_site(&out, &[OutputFile::new("a.html", b"new".to_vec())]).unwrap();
        assert_eq!(fs::read(out.join("a.html")).unwrap(), b"new");
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["output"]);
    }

    /// The swap exchanges the two folders: the old one is whole until the
    /// moment the new one is.
    #[test]
    fn the_swap_leaves_no_moment_without_an_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        let staging = dir.path().join(".output.claimbase-new");
        let retired = dir.path().join(".output.claimbase-old");
        fs::create_dir(&out).unwrap();
        fs::write(out.join("a"), "old").unwrap();
        fs::create_dir(&staging).unwrap();
        fs::write(staging.join("a"), "new").unwrap();
        swap(&staging, &out, &retired).unwrap();
        assert_eq!(fs::read_to_string(out.join("a")).unwrap(), "new");
        assert!(!staging.exists() && !retired.exists());
    }

    #[test]
    fn foreign_folders_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("precious.txt"), "keep").unwrap();
        let err = check_output_dir(dir.path(), &[]).unwrap_err();
        assert!(err.to_string().contains("did not write"), "{err}");
        assert!(check_output_dir(Path::new("/"), &[]).is_err());
    }
}
