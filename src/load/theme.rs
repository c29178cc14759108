//! The files of a site's own theme: its `templates/` folder, read here so
//! that rendering never touches the disk.

use std::path::Path;

use super::{is_ignored, relative};
use crate::diagnostics::{Diagnostic, Pos};

/// One file of the site's templates folder.
#[derive(Debug, Clone)]
pub struct ThemeFile {
    /// Relative to the templates folder, `/`-separated: the template's name.
    pub name: String,
    /// Relative to the site folder: what diagnostics print.
    pub shown: String,
    pub bytes: Vec<u8>,
}

/// Reads the files below `dir` whose names `wanted` accepts, in the order
/// of their names; nothing when the folder does not exist. Paths in
/// diagnostics are relative to `root`.
pub fn read_theme(
    root: &Path,
    dir: &Path,
    wanted: impl Fn(&str) -> bool,
) -> Result<Vec<ThemeFile>, Vec<Diagnostic>> {
    let mut files = Vec::new();
    let mut diagnostics = Vec::new();
    if !dir.is_dir() {
        return Ok(files);
    }
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let Ok(entry) = entry else { continue };
        if !entry.file_type().is_file() || is_ignored(&entry.file_name().to_string_lossy()) {
            continue;
        }
        let name = relative(dir, entry.path());
        if !wanted(&name) {
            continue;
        }
        let shown = relative(root, entry.path());
        match std::fs::read(entry.path()) {
            Ok(bytes) => files.push(ThemeFile { name, shown, bytes }),
            Err(e) => diagnostics.push(Diagnostic::error(
                shown,
                Pos::START,
                format!("cannot read: {e}"),
            )),
        }
    }
    if diagnostics.is_empty() {
        Ok(files)
    } else {
        Err(diagnostics)
    }
}
