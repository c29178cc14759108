//! Reading again only the content files a save changed, for `serve` and
//! `watch`: a save of one claim reads one file, not the whole folder.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{InputFile, kind_of, read_file, relative};

/// The Markdown files at some paths, read again: each path (as
/// [`InputFile::path`]) with its file, or `None` where it was deleted.
pub struct Reread(BTreeMap<String, Option<InputFile>>);

impl Reread {
    /// How many paths were read again.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The files read again, and the paths deleted (`None`).
    pub fn iter(&self) -> impl Iterator<Item = (&str, Option<&InputFile>)> {
        self.0
            .iter()
            .map(|(path, file)| (path.as_str(), file.as_ref()))
    }

    /// `files` with these in place of what was at their paths, in the
    /// order of a walk.
    pub fn apply(self, files: &[InputFile]) -> Vec<InputFile> {
        let mut out: Vec<InputFile> = files
            .iter()
            .filter(|f| !self.0.contains_key(&f.path))
            .cloned()
            .collect();
        // Where a walk with sorted folders finds it.
        for file in self.0.into_values().flatten() {
            let at = out.partition_point(|f| Path::new(&f.path) < Path::new(&file.path));
            out.insert(at, file);
        }
        out
    }
}

/// Up to this many changed files are looked up by scanning the list of
/// all files; more, through a set or map made of it.
pub const FEW: usize = 8;

fn folder_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// After the Markdown files at `changed` (relative to `content`) were
/// written, created or deleted, reads those again (and only those) for
/// [`Reread::apply`] to `files`, what [`super::load_content`] last read without
/// errors. `None` when that cannot be done file by file and everything
/// must be loaded again: a path is a folder, a link or not a regular file,
/// is in a folder no known file is in, or cannot be read.
pub fn reread(
    root: &Path,
    content: &Path,
    files: &[InputFile],
    changed: &std::collections::BTreeSet<PathBuf>,
) -> Option<Reread> {
    use std::collections::{BTreeMap, HashSet};
    // For the one file a save changes, a scan that stops at the first file
    // in its folder; for a burst (a `git checkout`), a set of every folder.
    let mut folders: Option<HashSet<&str>> = None;
    let mut known = |folder: &str| {
        if changed.len() <= FEW {
            return files.iter().any(|f| folder_of(&f.path) == folder);
        }
        folders
            .get_or_insert_with(|| files.iter().map(|f| folder_of(&f.path)).collect())
            .contains(folder)
    };
    let mut by_path: BTreeMap<String, Option<InputFile>> = BTreeMap::new();
    for inner in changed {
        if inner.extension().is_none_or(|e| e != "md") {
            return None;
        }
        let path = content.join(inner);
        let rel = relative(root, &path);
        match std::fs::symlink_metadata(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                by_path.insert(rel, None);
            }
            Ok(meta) if meta.is_file() => {
                let in_root = inner.parent().is_none_or(|p| p.as_os_str().is_empty());
                if !in_root && !known(folder_of(&rel)) {
                    return None;
                }
                let Some(kind) = kind_of(inner) else { continue };
                let file = read_file(root, &path, kind).ok()?;
                by_path.insert(rel, Some(file));
            }
            _ => return None,
        }
    }
    Some(Reread(by_path))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{FileKind, load_content};

    /// Rereads `changed` and compares with loading everything again.
    fn reread_like_a_full_load(root: &Path, before: &[InputFile], changed: &[&str]) {
        let content = root.join("claims");
        let changed = changed.iter().map(PathBuf::from).collect();
        let files = reread(root, &content, before, &changed)
            .expect("read file by file")
            .apply(before);
        let (full, diagnostics) = load_content(root, &content);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let summary = |files: &[InputFile]| -> Vec<(String, FileKind, String, String)> {
            files
                .iter()
                .map(|f| (f.path.clone(), f.kind, f.id.clone(), f.text.to_string()))
                .collect()
        };
        assert_eq!(summary(&files), summary(&full));
    }

    #[test]
    fn rereading_some_files_gives_what_loading_all_gives() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let write = |rel: &str, text: &str| {
            let path = root.join("claims").join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        for rel in [
            "a.md",
            "jobs/b.md",
            "jobs/d.md",
            "_speakers/xu-li.md",
            "zeta/e.md",
        ] {
            write(rel, rel);
        }
        let content = root.join("claims");
        let (before, _) = load_content(root, &content);

        // Edited, created beside known files, and deleted, in one batch.
        write("jobs/b.md", "edited");
        write("jobs/c.md", "new");
        write("_speakers/ada.md", "new speaker");
        std::fs::remove_file(content.join("a.md")).unwrap();
        reread_like_a_full_load(
            root,
            &before,
            &["jobs/b.md", "jobs/c.md", "_speakers/ada.md", "a.md"],
        );
    }

    #[test]
    fn a_burst_is_reread_file_by_file_too() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let content = root.join("claims");
        let write = |rel: &str, text: &str| {
            let path = content.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        for n in 0..20 {
            write(&format!("jobs/c{n}.md"), "before");
        }
        write("_topics/jobs.md", "topic");
        let (before, _) = load_content(root, &content);
        // More files than are looked up one by one.
        let burst: Vec<String> = (0..FEW + 4).map(|n| format!("jobs/c{n}.md")).collect();
        for rel in &burst {
            write(rel, "after");
        }
        let rels: Vec<&str> = burst.iter().map(String::as_str).collect();
        reread_like_a_full_load(root, &before, &rels);
        // One of them in a folder no known file is in.
        write("new/x.md", "x");
        let mut changed: std::collections::BTreeSet<PathBuf> =
            burst.iter().map(PathBuf::from).collect();
        changed.insert(PathBuf::from("new/x.md"));
        assert!(reread(root, &content, &before, &changed).is_none());
    }

    #[test]
    fn folders_and_unknown_places_need_a_full_load() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let content = root.join("claims");
        std::fs::create_dir_all(content.join("jobs")).unwrap();
        std::fs::write(content.join("jobs/b.md"), "b").unwrap();
        let (before, _) = load_content(root, &content);
        let reread_one = |rel: &str| {
            let changed = [PathBuf::from(rel)].into();
            reread(root, &content, &before, &changed)
        };
        std::fs::create_dir_all(content.join("new")).unwrap();
        std::fs::write(content.join("new/c.md"), "c").unwrap();
        assert!(reread_one("new").is_none(), "a folder");
        assert!(
            reread_one("new/c.md").is_none(),
            "a file in a folder not seen"
        );
        std::fs::write(content.join("jobs/Bad Name.md"), "x").unwrap();
        assert!(
            reread_one("jobs/Bad Name.md").is_none(),
            "a file with an error"
        );
        assert!(reread_one("jobs/b.md").is_some());
    }
}
