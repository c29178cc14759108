//! The plain-text archives of sources, read so that `validate` can check
//! every quote against the text it comes from.

use std::collections::HashMap;
use std::path::Path;

use super::read_bounded;
use crate::diagnostics::{Diagnostic, Pos};

/// Source id -> the archived text, or why it could not be read.
pub type Archives = HashMap<String, Result<String, Diagnostic>>;

/// A source's `archive` field: where the source names its archive, so that
/// a problem with the file is reported there.
#[derive(Debug, Clone, Copy)]
pub struct ArchiveRef<'a> {
    /// The source's id.
    pub source: &'a str,
    /// The source's file, as diagnostics print it.
    pub file: &'a str,
    /// The archive's path as written, relative to the site folder.
    pub archive: &'a str,
    /// Where the path is written in the source's file.
    pub pos: Pos,
}

/// Reads the plain-text archive of every source that names one. Paths are
/// relative to the site root and must stay inside it.
pub fn read_archives<'a>(
    root: &Path,
    archives: impl IntoIterator<Item = ArchiveRef<'a>>,
) -> Archives {
    let root_real = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    archives
        .into_iter()
        .map(|at| {
            let fail = |message: String, help: &str| {
                Err(Diagnostic::error(at.file, at.pos, message).with_help(help.to_string()))
            };
            let result = match root.join(at.archive).canonicalize() {
                Err(_) => fail(
                    format!("archive `{}` does not exist", at.archive),
                    "give the path of a plain-text copy of the source, relative to the site folder",
                ),
                Ok(real) if !real.starts_with(&root_real) => fail(
                    format!("archive `{}` is outside the site folder", at.archive),
                    "copy the text into the site folder and point at the copy",
                ),
                Ok(real) => match read_bounded(&real).map(String::from_utf8) {
                    Ok(Ok(text)) => Ok(text),
                    _ => fail(
                        format!("archive `{}` is not a readable UTF-8 text file", at.archive),
                        "save the archived copy as plain UTF-8 text",
                    ),
                },
            };
            (at.source.to_string(), result)
        })
        .collect()
}
