//! Stage 1: walk the content root and read every content file. This and the
//! archive check are the only places the build reads content from disk.
//!
//! The rules for which files count ([`is_ignored`]) are shared with the
//! watcher, so that what triggers a rebuild is exactly what a build reads.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, Pos, did_you_mean};
use crate::text::normalise;

mod archive;
mod reread;
mod statics;
mod theme;

pub use archive::{ArchiveRef, Archives, read_archives};
pub use reread::{FEW, Reread, reread};
pub use statics::{StaticFile, is_litter, read_static};
pub use theme::{ThemeFile, read_theme};

/// What a content file describes, from the folder it is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FileKind {
    Claim,
    Speaker,
    Source,
    Topic,
    Page,
}

impl FileKind {
    pub fn noun(self) -> &'static str {
        match self {
            FileKind::Claim => "claim",
            FileKind::Speaker => "speaker",
            FileKind::Source => "source",
            FileKind::Topic => "topic",
            FileKind::Page => "page",
        }
    }

    /// The folder under the content root that holds this kind, if any.
    pub fn folder(self) -> Option<&'static str> {
        match self {
            FileKind::Claim => None,
            FileKind::Speaker => Some("_speakers"),
            FileKind::Source => Some("_sources"),
            FileKind::Topic => Some("_topics"),
            FileKind::Page => Some("_pages"),
        }
    }
}

const ENTITY_FOLDERS: [&str; 4] = ["_speakers", "_sources", "_topics", "_pages"];

/// One content file, read.
#[derive(Debug, Clone)]
pub struct InputFile {
    /// Relative to the site root, `/`-separated: what diagnostics print.
    pub path: String,
    pub kind: FileKind,
    /// The file stem: the record's id (for a translation, the original's).
    pub id: String,
    /// For a translation (`li-qiang.zh.md`), its language.
    pub lang: Option<String>,
    /// Shared, so that `serve` keeps a site's files without copying them.
    pub text: std::sync::Arc<str>,
}

impl InputFile {
    /// A file of `kind` at its usual place under `claims/`, as if read from
    /// disk (for tests, and for building sites in memory).
    pub fn in_content(kind: FileKind, id: &str, text: &str) -> Self {
        let folder = kind.folder().map(|f| format!("{f}/")).unwrap_or_default();
        InputFile {
            path: format!("claims/{folder}{id}.md"),
            kind,
            id: id.into(),
            lang: None,
            text: text.into(),
        }
    }

    /// A translation into `lang` of the `kind` record `id`, at its usual
    /// place under `claims/` (for tests and sites built in memory).
    pub fn translation_in_content(kind: FileKind, id: &str, lang: &str, text: &str) -> Self {
        let folder = kind.folder().map(|f| format!("{f}/")).unwrap_or_default();
        InputFile {
            path: format!("claims/{folder}{id}.{lang}.md"),
            lang: Some(lang.into()),
            ..InputFile::in_content(kind, id, text)
        }
    }
}

/// The ids of the files of `kind`, sorted, each once.
pub fn ids_of(files: &[InputFile], kind: FileKind) -> Vec<&str> {
    let mut ids: Vec<&str> = files
        .iter()
        .filter(|f| f.kind == kind && f.lang.is_none())
        .map(|f| f.id.as_str())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// Files an editor or the OS leaves beside the real ones: never content,
/// never a reason to rebuild.
pub fn is_ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with("#")
        || name.ends_with('~')
        || name == "4913"
        || name.contains("___jb_tmp___")
        || name.contains("___jb_old___")
        || [".swp", ".swo", ".swx", ".tmp", ".bak", ".orig"]
            .iter()
            .any(|ext| name.ends_with(ext))
}

/// Whether `id` is a valid id: lower-case ASCII letters, digits and single
/// hyphens, at most 80 characters.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 80
        && !id.starts_with('-')
        && !id.ends_with('-')
        && !id.contains("--")
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// A valid id made from any name, for "rename it to" suggestions: Latin
/// letters lose their accents (`Café crème` → `cafe-creme`), anything
/// else becomes a hyphen.
pub fn slugify(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if let Some(plain) = unaccented(c) {
            out.extend(plain.chars().map(|c| c.to_ascii_lowercase()));
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let mut out = out.trim_end_matches('-').to_string();
    out.truncate(80);
    out.trim_end_matches('-').to_string()
}

/// An ASCII letter or digit, or the plain letters of an accented Latin one.
fn unaccented(c: char) -> Option<&'static str> {
    const LETTERS: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    if c.is_ascii_alphanumeric() {
        let i = LETTERS.find(c)?;
        return Some(&LETTERS[i..=i]);
    }
    const FOLDS: &[(&str, &str)] = &[
        ("ÀÁÂÃÄÅĀĂĄàáâãäåāăą", "a"),
        ("ÇĆĈĊČçćĉċč", "c"),
        ("ĎĐďđ", "d"),
        ("ÈÉÊËĒĔĖĘĚèéêëēĕėęě", "e"),
        ("ĜĞĠĢĝğġģ", "g"),
        ("ĤĦĥħ", "h"),
        ("ÌÍÎÏĨĪĬĮİìíîïĩīĭįı", "i"),
        ("Ĵĵ", "j"),
        ("Ķķ", "k"),
        ("ĹĻĽĿŁĺļľŀł", "l"),
        ("ÑŃŅŇñńņň", "n"),
        ("ÒÓÔÕÖØŌŎŐòóôõöøōŏő", "o"),
        ("ŔŖŘŕŗř", "r"),
        ("ŚŜŞŠśŝşš", "s"),
        ("ŢŤŦţťŧ", "t"),
        ("ÙÚÛÜŨŪŬŮŰŲùúûüũūŭůűų", "u"),
        ("Ŵŵ", "w"),
        ("ÝŸŶýÿŷ", "y"),
        ("ŹŻŽźżž", "z"),
        ("Ææ", "ae"),
        ("Œœ", "oe"),
        ("ß", "ss"),
        ("Þþ", "th"),
    ];
    FOLDS
        .iter()
        .find(|(from, _)| from.contains(c))
        .map(|(_, to)| *to)
}

/// The language a translation file's name gives (`zh` in `li-qiang.zh`),
/// and the id before it, if `stem` names one: a language code of two or
/// three letters, with optional subtags (`zh-hant`).
pub fn split_stem(stem: &str) -> Option<(&str, &str)> {
    let (id, code) = stem.rsplit_once('.')?;
    let mut parts = code.split('-');
    let first = parts.next()?;
    let valid = (2..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_lowercase())
        && parts
            .all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()));
    valid.then_some((id, code))
}

/// The rule an id must follow, for error messages.
pub const ID_RULE: &str =
    "an id is lower-case ASCII letters, digits and single hyphens (`xu-li`), at most 80 characters";

/// Reads every content file under `content`. Paths in diagnostics are
/// relative to `root`.
pub fn load_content(root: &Path, content: &Path) -> (Vec<InputFile>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let rel = |p: &Path| relative(root, p);
    if !content.is_dir() {
        diagnostics.push(
            Diagnostic::error(
                rel(content),
                Pos::START,
                "the content folder does not exist",
            )
            .with_help(
                "create it, or set `content` in claimbase.toml to the folder holding your claims",
            ),
        );
        return (Vec::new(), diagnostics);
    }
    let content_real = content
        .canonicalize()
        .unwrap_or_else(|_| content.to_path_buf());
    let mut found: Vec<(PathBuf, FileKind)> = Vec::new();
    let walker = walkdir::WalkDir::new(content)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored(&e.file_name().to_string_lossy()));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                diagnostics.push(walk_error(root, content, &e));
                continue;
            }
        };
        let path = entry.path();
        if let Some(d) = link_outside(root, &entry, &content_real, "content") {
            diagnostics.push(d);
            continue;
        }
        let Ok(inner) = path.strip_prefix(content) else {
            continue;
        };
        let top = inner
            .components()
            .next()
            .map(|c| c.as_os_str().to_string_lossy().into_owned());
        if entry.file_type().is_dir() {
            if entry.depth() == 1
                && let Some(top) = &top
                && top.starts_with('_')
                && !ENTITY_FOLDERS.contains(&top.as_str())
            {
                diagnostics.push(
                    Diagnostic::error(rel(path), Pos::START, format!(
                        "unknown folder `{top}`{}",
                        did_you_mean(top, ENTITY_FOLDERS)
                    ))
                    .with_help("speakers, sources, topics and pages live in `_speakers/`, `_sources/`, `_topics/` and `_pages/`; rename the folder, or drop the leading `_` if it holds claims"),
                );
            }
            continue;
        }
        if path.extension().and_then(|e| e.to_str()) != Some("md") {
            continue;
        }
        // A named pipe would block the read for ever, a device could be
        // endless: only regular files are content.
        if !entry.file_type().is_file() {
            diagnostics.push(
                Diagnostic::error(
                    rel(path),
                    Pos::START,
                    "not a regular file (a named pipe, socket or device)",
                )
                .with_help("content files are plain text files; remove this one"),
            );
            continue;
        }
        let Some(kind) = kind_of(inner) else {
            continue;
        };
        found.push((path.to_path_buf(), kind));
    }

    let results: Vec<Result<InputFile, Diagnostic>> = found
        .par_iter()
        .map(|(path, kind)| read_file(root, path, *kind))
        .collect();
    let mut files = Vec::with_capacity(results.len());
    for result in results {
        match result {
            Ok(file) => files.push(file),
            Err(d) => diagnostics.push(d),
        }
    }
    (files, diagnostics)
}

/// A folder walk that could not go on: a link loop, or a file or folder
/// that cannot be read. `dir` is the folder walked.
fn walk_error(root: &Path, dir: &Path, e: &walkdir::Error) -> Diagnostic {
    let path = relative(root, e.path().unwrap_or(dir));
    let message = if e.loop_ancestor().is_some() {
        "symbolic link loop: this link points back at a folder that contains it".to_string()
    } else {
        format!(
            "cannot read: {}",
            e.io_error().map(|e| e.to_string()).unwrap_or_default()
        )
    };
    Diagnostic::error(path, Pos::START, message)
}

/// An error for a symbolic link that leads out of the folder `real_dir`
/// (the `what` folder), where files must stay; `None` for anything else.
fn link_outside(
    root: &Path,
    entry: &walkdir::DirEntry,
    real_dir: &Path,
    what: &str,
) -> Option<Diagnostic> {
    let path = entry.path();
    let inside = || {
        path.canonicalize()
            .is_ok_and(|real| real.starts_with(real_dir))
    };
    (entry.path_is_symlink() && !inside()).then(|| {
        Diagnostic::error(
            relative(root, path),
            Pos::START,
            format!("symbolic link points outside the {what} folder"),
        )
        .with_help(format!(
            "copy the file into the {what} folder, or remove the link"
        ))
    })
}

/// What a Markdown file at `inner` (relative to the content folder) holds,
/// by the folder it is in; `None` for a file in an unknown `_` folder, which
/// is reported as a folder and not read.
fn kind_of(inner: &Path) -> Option<FileKind> {
    let mut components = inner.components();
    let top = components.next()?.as_os_str().to_string_lossy();
    let nested = components.next().is_some();
    Some(match &*top {
        "_speakers" if nested => FileKind::Speaker,
        "_sources" if nested => FileKind::Source,
        "_topics" if nested => FileKind::Topic,
        "_pages" if nested => FileKind::Page,
        t if t.starts_with('_') && nested => return None,
        _ => FileKind::Claim,
    })
}

fn read_file(root: &Path, path: &Path, kind: FileKind) -> Result<InputFile, Diagnostic> {
    let rel_path = relative(root, path);
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    // `li-qiang.zh.md` is the translation of `li-qiang.md` into `zh`.
    let (stem, lang) = match split_stem(&stem) {
        Some((id, lang)) if is_valid_id(id) => (id.to_string(), Some(lang.to_string())),
        _ => (stem, None),
    };
    if !is_valid_id(&stem) {
        let suggestion = slugify(&stem);
        let help = if suggestion.is_empty() {
            format!("{ID_RULE}; Chinese names get a pinyin or English id, such as `xu-li.md`")
        } else {
            format!("{ID_RULE}; rename the file to `{suggestion}.md`")
        };
        return Err(Diagnostic::error(
            rel_path,
            Pos::START,
            format!("`{stem}` is not a valid {} id", kind.noun()),
        )
        .with_help(help));
    }
    let bytes = read_bounded(path).map_err(|e| {
        let denied = e.contains("ermission denied");
        let d = Diagnostic::error(rel_path.clone(), Pos::START, e);
        if denied {
            d.with_help("let the user who builds the site read the file (`chmod a+r`), or move it out of the content folder")
        } else {
            d
        }
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let valid = std::str::from_utf8(valid).expect("valid prefix");
        // Lines and columns as every other diagnostic counts them.
        let valid = normalise(valid);
        let line = valid.matches('\n').count() + 1;
        let col = valid.rsplit('\n').next().unwrap_or("").chars().count() + 1;
        Diagnostic::error(
            rel_path.clone(),
            Pos::new(line, col),
            "the file is not valid UTF-8 text",
        )
        .with_help("save the file with UTF-8 encoding")
    })?;
    Ok(InputFile {
        path: rel_path,
        kind,
        id: stem,
        lang,
        text: text.into(),
    })
}

/// The largest content or archive file read, so that one stray file (a
/// disk image renamed `.md`, a sparse file) cannot exhaust memory.
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// Reads a regular file of at most [`MAX_FILE_BYTES`], or says why not.
fn read_bounded(path: &Path) -> Result<Vec<u8>, String> {
    use std::io::Read;
    // Before opening: opening a named pipe blocks until someone writes.
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read the file: {e}"))?;
    if !meta.is_file() {
        return Err("not a regular file (a named pipe, socket or device)".into());
    }
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read the file: {e}"))?;
    let too_big = || {
        format!(
            "the file is larger than {} MB, the most a content file may hold; move it out of the content folder",
            MAX_FILE_BYTES / (1024 * 1024)
        )
    };
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_big());
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // The length may change under us: never read more than the limit.
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read the file: {e}"))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_big());
    }
    Ok(bytes)
}

/// `path` relative to `root`, `/`-separated, for messages.
pub fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    if rel.has_root() {
        // Outside the site (an `--output` elsewhere): the path as given.
        return rel.to_string_lossy().into_owned();
    }
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.is_empty() {
        ".".into()
    } else {
        parts.join("/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn translation_file_names_give_the_id_and_the_language() {
        assert_eq!(split_stem("li-qiang.zh"), Some(("li-qiang", "zh")));
        assert_eq!(
            split_stem("li-qiang.zh-hant"),
            Some(("li-qiang", "zh-hant"))
        );
        assert_eq!(split_stem("li-qiang"), None);
        assert_eq!(split_stem("li-qiang.Zh"), None);
        assert_eq!(split_stem("li-qiang.draft1"), None);
    }

    #[test]
    fn ids_follow_the_rule() {
        assert!(is_valid_id("xu-li"));
        assert!(is_valid_id("gpt4"));
        assert!(!is_valid_id("Xu-Li"));
        assert!(!is_valid_id("xu--li"));
        assert!(!is_valid_id("-xu"));
        assert!(!is_valid_id("徐立"));
        assert!(!is_valid_id(&"a".repeat(81)));
    }

    #[test]
    fn slugify_suggests_a_valid_id() {
        assert_eq!(slugify("Xu Li"), "xu-li");
        assert_eq!(slugify("  AI__jobs! "), "ai-jobs");
        assert!(is_valid_id(&slugify("Some Claim (2024)")));
        assert_eq!(slugify("Café crème"), "cafe-creme");
        assert_eq!(slugify("Straße Œuvre"), "strasse-oeuvre");
        assert_eq!(slugify("徐立"), "");
    }

    #[test]
    fn paths_outside_the_root_are_shown_whole() {
        let root = Path::new("/site");
        assert_eq!(
            relative(root, Path::new("/site/claims/a.md")),
            "claims/a.md"
        );
        assert_eq!(relative(root, Path::new("/site")), ".");
        assert_eq!(
            relative(root, Path::new("/elsewhere/out")),
            "/elsewhere/out"
        );
        assert_eq!(relative(root, Path::new("/")), "/");
    }

    #[test]
    fn editor_temp_files_are_ignored() {
        for name in [
            ".x.md.swp",
            "x.md~",
            ".#x.md",
            "4913",
            "x.md___jb_tmp___",
            ".git",
        ] {
            assert!(is_ignored(name), "{name}");
        }
        assert!(!is_ignored("x.md"));
    }
}
