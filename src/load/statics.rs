//! The site's static files (`static/`): copied into the output as they
//! are, paths kept, read here so that nothing else touches the disk.

use std::path::Path;

use super::{link_outside, relative, walk_error};
use crate::diagnostics::{Diagnostic, Pos};

/// One file of the static folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaticFile {
    /// Relative to the static folder, `/`-separated: its path in the output.
    pub path: String,
    /// Relative to the site folder: what diagnostics print.
    pub shown: String,
    pub bytes: Vec<u8>,
}

/// Names never copied: version control and the litter of editors and
/// file managers. Other dot files (`.nojekyll`, `.well-known/`) are
/// copied, since hosts read them.
pub fn is_litter(name: &str) -> bool {
    matches!(
        name,
        ".git" | ".hg" | ".svn" | ".DS_Store" | "Thumbs.db" | "desktop.ini"
    ) || name.ends_with('~')
        || name.starts_with(".#")
        || [".swp", ".swo", ".swx", ".tmp"]
            .iter()
            .any(|ext| name.ends_with(ext))
}

/// Reads every file below `dir` (nothing when it does not exist), in path
/// order. A symbolic link is followed only inside the folder.
pub fn read_static(root: &Path, dir: &Path) -> (Vec<StaticFile>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut diagnostics = Vec::new();
    if !dir.is_dir() {
        return (files, diagnostics);
    }
    let real_dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_litter(&e.file_name().to_string_lossy()));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                diagnostics.push(walk_error(root, dir, &e));
                continue;
            }
        };
        let path = entry.path();
        let shown = relative(root, path);
        if let Some(d) = link_outside(root, &entry, &real_dir, "static") {
            diagnostics.push(d);
            continue;
        }
        if entry.file_type().is_dir() {
            continue;
        }
        if !entry.file_type().is_file() {
            diagnostics.push(
                Diagnostic::error(
                    shown,
                    Pos::START,
                    "not a regular file (a named pipe, socket or device)",
                )
                .with_help("static files are copied as they are; remove this one"),
            );
            continue;
        }
        match std::fs::read(path) {
            Ok(bytes) => files.push(StaticFile {
                path: relative(dir, path),
                shown,
                bytes,
            }),
            Err(e) => diagnostics.push(Diagnostic::error(
                shown,
                Pos::START,
                format!("cannot read the file: {e}"),
            )),
        }
    }
    (files, diagnostics)
}
