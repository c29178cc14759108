//! Files replaced one at a time in a live output folder, for `watch`:
//! each atomically, with a large file's old version kept aside until the
//! save is done.

use super::*;

/// Where [`Replacer`] keeps the files it replaced until it removes them.
pub(super) const REPLACED: &str = "replaced";

/// From this size on, a replaced file is removed after the update.
const LARGE: usize = 1 << 20;

/// Replaces or removes single files of an output folder in place
/// (`watch`), each atomically: written beside its old version, then
/// renamed over it.
///
/// Renaming over a large file frees its pages and blocks, which took
/// 10-13 ms for the 12 MB `claims.json` of a 10,000-claim site. So a large
/// file's old version is hard-linked into a folder beside the output
/// first, and those links are removed on a thread of their own once the
/// replacer is dropped, after the update is written.
pub struct Replacer {
    output: PathBuf,
    replaced: PathBuf,
    old: Mutex<Vec<PathBuf>>,
}

impl Replacer {
    pub fn new(output: &Path) -> Replacer {
        Replacer {
            output: output.to_path_buf(),
            replaced: beside(output, REPLACED),
            old: Mutex::new(Vec::new()),
        }
    }

    /// Replaces the file at `path` below the output with `bytes`.
    pub fn replace(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        let target = self.output.join(path);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)?;
        }
        let file_name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let temp = target.with_file_name(format!(".{file_name}.claimbase-tmp"));
        let written = fs::write(&temp, bytes).and_then(|()| {
            if bytes.len() >= LARGE {
                self.keep_old(&target);
            }
            fs::rename(&temp, &target)
        });
        // A full disk leaves a part of the file: never in the output.
        if written.is_err() {
            let _ = fs::remove_file(&temp);
        }
        written.map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("cannot write `{}`: {e}", target.display()),
            )
        })
    }

    /// Removes the file at `path` below the output, and the folders it
    /// leaves empty (`claims/<id>/`).
    pub fn remove(&self, path: &str) {
        let target = self.output.join(path);
        let _ = fs::remove_file(&target);
        let mut dir = target.parent();
        while let Some(d) = dir {
            if d == self.output || fs::remove_dir(d).is_err() {
                break;
            }
            dir = d.parent();
        }
    }

    /// Links the file at `target` into the folder of replaced files, if it
    /// exists; a link that cannot be made only costs the time it saves.
    fn keep_old(&self, target: &Path) {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        if fs::create_dir_all(&self.replaced).is_err() {
            return;
        }
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let link = self.replaced.join(format!("{}-{n}", std::process::id()));
        if fs::hard_link(target, &link).is_ok() {
            lock(&self.old).push(link);
        }
    }
}

impl Drop for Replacer {
    fn drop(&mut self) {
        let old = std::mem::take(self.old.get_mut().unwrap_or_else(|e| e.into_inner()));
        if old.is_empty() {
            return;
        }
        let folder = self.replaced.clone();
        std::thread::spawn(move || {
            for link in old {
                let _ = fs::remove_file(link);
            }
            // Unless another replacer is using it.
            let _ = fs::remove_dir(folder);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::write::tests::tree;

    #[test]
    fn a_replaced_file_has_its_new_bytes_and_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        let large = vec![b'a'; LARGE + 1];
        write_site(
            &out,
            &[
                OutputFile::new("claims.json", large.clone()),
                OutputFile::new("a/index.html", b"one".to_vec()),
            ],
        )
        .unwrap();
        // A reader holding the old file keeps reading the old bytes.
        let held = fs::File::open(out.join("claims.json")).unwrap();
        let replacer = Replacer::new(&out);
        let larger = vec![b'b'; LARGE + 2];
        replacer.replace("claims.json", &larger).unwrap();
        replacer.replace("a/index.html", b"two").unwrap();
        replacer.replace("new/index.html", b"three").unwrap();
        assert_eq!(fs::read(out.join("claims.json")).unwrap(), larger);
        assert_eq!(fs::read(out.join("a/index.html")).unwrap(), b"two");
        assert_eq!(fs::read(out.join("new/index.html")).unwrap(), b"three");
        let mut old = Vec::new();
        io::Read::read_to_end(&mut &held, &mut old).unwrap();
        assert_eq!(old, large);
        // The old large file was kept beside the output until the
        // replacer is done, and is then removed.
        let replaced = beside(&out, REPLACED);
        assert_eq!(tree(&replaced).len(), 1);
        drop(replacer);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while replaced.exists() && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        assert!(!replaced.exists(), "{:?}", tree(&replaced));
        assert_eq!(
            tree(&out),
            [MARKER, "a/index.html", "claims.json", "new/index.html"]
        );
    }

    #[test]
    fn a_removed_page_takes_the_folders_it_leaves_empty() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        write_site(
            &out,
            &[
                OutputFile::new("claims/a/index.html", b"a".to_vec()),
                OutputFile::new("claims/b/index.html", b"b".to_vec()),
            ],
        )
        .unwrap();
        let replacer = Replacer::new(&out);
        replacer.remove("claims/a/index.html");
        assert!(!out.join("claims/a").exists());
        assert_eq!(tree(&out), [MARKER, "claims/b/index.html"]);
        replacer.remove("claims/b/index.html");
        assert!(!out.join("claims").exists());
        assert!(out.is_dir(), "the output itself stays");
    }

    #[test]
    fn a_build_removes_the_replaced_files_a_stopped_watch_left() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        write_site(&out, &[OutputFile::new("a.txt", b"one".to_vec())]).unwrap();
        let replaced = beside(&out, REPLACED);
        fs::create_dir_all(&replaced).unwrap();
        fs::write(replaced.join("1-0"), "old").unwrap();
        write_site(&out, &[OutputFile::new("a.txt", b"two".to_vec())]).unwrap();
        assert!(!replaced.exists());
    }
}
