//! Stage 2: front matter and Markdown into typed records, each field with
//! the position it came from. Parsing sees one file at a time, never the
//! whole site; cross-file rules live in `validate`.

pub mod claim;
pub mod date;
pub mod entity;
pub mod fields;
pub mod front_matter;
pub mod links;
pub mod node;
pub mod page;
pub mod toml_fm;
pub mod translation;
pub mod yaml;

use rayon::prelude::*;

pub use claim::{Claim, Figure, FigureValue};
pub use date::PartialDate;
pub use entity::{Source, Speaker, Topic};
pub use fields::Spanned;
pub use links::BodyLink;
pub use page::Page;
pub use translation::Translation;

use std::collections::HashMap;
use std::sync::Arc;

use crate::diagnostics::Diagnostic;
use crate::load::{FileKind, InputFile};

/// Every record of a site, in path order.
#[derive(Debug, Clone, Default)]
pub struct Records {
    /// Shared, so that `serve` can keep them between rebuilds and link
    /// them again without copying.
    pub claims: Vec<Arc<Claim>>,
    pub speakers: Vec<Speaker>,
    pub sources: Vec<Source>,
    pub topics: Vec<Topic>,
    pub pages: Vec<Page>,
    /// The translation files (`<id>.<code>.md`), of every language.
    pub translations: Vec<Translation>,
    /// Ids named by files that have errors and so produced no record:
    /// they still count as used.
    pub unparsed_refs: Vec<(FileKind, String)>,
}

impl Records {
    /// Every record with former ids (`aliases`): its kind, id, path and
    /// those ids.
    pub fn old_ids(&self) -> impl Iterator<Item = (FileKind, &str, &str, &[Spanned<String>])> {
        let claims = self.claims.iter().map(|c| {
            (
                FileKind::Claim,
                c.id.as_str(),
                c.path.as_str(),
                c.old_ids.as_slice(),
            )
        });
        let speakers = self.speakers.iter().map(|s| {
            (
                FileKind::Speaker,
                s.id.as_str(),
                s.path.as_str(),
                s.old_ids.as_slice(),
            )
        });
        let sources = self.sources.iter().map(|s| {
            (
                FileKind::Source,
                s.id.as_str(),
                s.path.as_str(),
                s.old_ids.as_slice(),
            )
        });
        let topics = self.topics.iter().map(|t| {
            (
                FileKind::Topic,
                t.id.as_str(),
                t.path.as_str(),
                t.old_ids.as_slice(),
            )
        });
        let pages = self.pages.iter().map(|p| {
            (
                FileKind::Page,
                p.id.as_str(),
                p.path.as_str(),
                p.old_ids.as_slice(),
            )
        });
        claims
            .chain(speakers)
            .chain(sources)
            .chain(topics)
            .chain(pages)
            .filter(|(_, _, _, ids)| !ids.is_empty())
    }

    /// Every record's path with the `@` links of its body.
    pub fn body_links(&self) -> impl Iterator<Item = (&str, &[BodyLink])> {
        let claims = self
            .claims
            .iter()
            .map(|c| (c.path.as_str(), c.links.as_slice()));
        let speakers = self
            .speakers
            .iter()
            .map(|s| (s.path.as_str(), s.links.as_slice()));
        let sources = self
            .sources
            .iter()
            .map(|s| (s.path.as_str(), s.links.as_slice()));
        let topics = self
            .topics
            .iter()
            .map(|t| (t.path.as_str(), t.links.as_slice()));
        let pages = self
            .pages
            .iter()
            .map(|p| (p.path.as_str(), p.links.as_slice()));
        let translations = self
            .translations
            .iter()
            .map(|t| (t.path.as_str(), t.links.as_slice()));
        claims
            .chain(speakers)
            .chain(sources)
            .chain(topics)
            .chain(pages)
            .chain(translations)
            .filter(|(_, links)| !links.is_empty())
    }
}

#[derive(Debug, Clone)]
enum Record {
    /// A file with errors: only what it references is kept.
    Refs(Vec<(FileKind, String)>),
    Claim(Arc<Claim>),
    Speaker(Speaker),
    Source(Source),
    Topic(Topic),
    Page(Page),
    Translation(Translation),
}

/// Parses one file; `None` when it has errors that prevent a record.
fn parse_file(file: &InputFile, diagnostics: &mut Vec<Diagnostic>) -> Option<Record> {
    let doc = match front_matter::split_document(&file.path, &file.text) {
        Ok(doc) => doc,
        Err(d) => {
            diagnostics.push(d);
            return None;
        }
    };
    let (id, path, fm, body, line) = (
        file.id.as_str(),
        file.path.as_str(),
        &doc.front_matter,
        doc.body,
        doc.body_line,
    );
    if let Some(lang) = &file.lang {
        return translation::parse_translation(
            file.kind,
            id,
            lang,
            path,
            fm,
            body,
            line,
            diagnostics,
        )
        .map(Record::Translation);
    }
    Some(match file.kind {
        FileKind::Claim => match claim::parse_claim(id, path, fm, body, line, diagnostics) {
            Some(c) => Record::Claim(Arc::new(c)),
            None => Record::Refs(claim::referenced_ids(fm)),
        },
        FileKind::Speaker => Record::Speaker(entity::parse_speaker(
            id,
            path,
            fm,
            body,
            line,
            diagnostics,
        )?),
        FileKind::Source => {
            Record::Source(entity::parse_source(id, path, fm, body, line, diagnostics)?)
        }
        FileKind::Topic => {
            Record::Topic(entity::parse_topic(id, path, fm, body, line, diagnostics)?)
        }
        FileKind::Page => Record::Page(page::parse_page(id, path, fm, body, line, diagnostics)?),
    })
}

/// What parsing each file gave, kept between rebuilds (`serve`, `watch`):
/// a file whose path, kind, id and text did not change is not parsed again.
#[derive(Debug, Default)]
pub struct ParseCache {
    entries: HashMap<String, Parsed>,
}

#[derive(Debug, Clone)]
struct Parsed {
    kind: FileKind,
    id: String,
    lang: Option<String>,
    text: Arc<str>,
    record: Option<Record>,
    diagnostics: Vec<Diagnostic>,
}

/// Parses every file in parallel; the records keep the files' order.
pub fn parse_files(files: &[InputFile]) -> (Records, Vec<Diagnostic>) {
    let results: Vec<(Option<Record>, Vec<Diagnostic>)> = files
        .par_iter()
        .map(|file| {
            let mut diagnostics = Vec::new();
            let record = parse_file(file, &mut diagnostics);
            (record, diagnostics)
        })
        .collect();
    collect(results)
}

/// [`parse_files`], reusing what `cache` holds for unchanged files; the
/// cache then holds exactly these files.
pub fn parse_files_cached(
    files: &[InputFile],
    cache: &mut ParseCache,
) -> (Records, Vec<Diagnostic>) {
    let unchanged = |file: &InputFile| {
        cache.entries.get(&file.path).is_some_and(|p| {
            p.kind == file.kind
                && p.id == file.id
                && p.lang == file.lang
                && (Arc::ptr_eq(&p.text, &file.text) || p.text == file.text)
        })
    };
    let fresh: Vec<Option<Parsed>> = files
        .par_iter()
        .map(|file| {
            if unchanged(file) {
                return None;
            }
            let mut diagnostics = Vec::new();
            let record = parse_file(file, &mut diagnostics);
            Some(Parsed {
                kind: file.kind,
                id: file.id.clone(),
                lang: file.lang.clone(),
                text: file.text.clone(),
                record,
                diagnostics,
            })
        })
        .collect();
    let mut old = std::mem::take(&mut cache.entries);
    cache.entries.reserve(files.len());
    for (file, fresh) in files.iter().zip(fresh) {
        let parsed = match fresh {
            Some(p) => p,
            None => old.remove(&file.path).expect("an unchanged file is cached"),
        };
        cache.entries.insert(file.path.clone(), parsed);
    }
    // Records share claims with the cache; diagnostics are few.
    let results = files
        .iter()
        .map(|file| {
            let p = &cache.entries[&file.path];
            (p.record.clone(), p.diagnostics.clone())
        })
        .collect();
    collect(results)
}

/// A claim file parsed again by [`ParseCache::reparse_claim`]: its cached
/// and its new version, both without a diagnostic.
pub struct Reparsed {
    pub old: Arc<Claim>,
    pub new: Arc<Claim>,
    path: String,
    entry: Parsed,
}

impl ParseCache {
    /// Parses a changed claim file again (same path and id), when both the
    /// cached and the new version are claims without a single diagnostic.
    pub fn reparse_claim(&self, file: &InputFile) -> Option<Reparsed> {
        let cached = self.entries.get(&file.path)?;
        let Some(Record::Claim(old)) = &cached.record else {
            return None;
        };
        if file.kind != FileKind::Claim
            || file.lang.is_some()
            || cached.id != file.id
            || !cached.diagnostics.is_empty()
        {
            return None;
        }
        let mut diagnostics = Vec::new();
        let record = parse_file(file, &mut diagnostics);
        let Some(Record::Claim(new)) = &record else {
            return None;
        };
        if !diagnostics.is_empty() {
            return None;
        }
        Some(Reparsed {
            old: old.clone(),
            new: new.clone(),
            path: file.path.clone(),
            entry: Parsed {
                kind: file.kind,
                id: file.id.clone(),
                lang: None,
                text: file.text.clone(),
                record,
                diagnostics,
            },
        })
    }

    /// Keeps a version made by [`ParseCache::reparse_claim`].
    pub fn keep(&mut self, reparsed: Reparsed) {
        self.entries.insert(reparsed.path, reparsed.entry);
    }
}

fn collect(results: Vec<(Option<Record>, Vec<Diagnostic>)>) -> (Records, Vec<Diagnostic>) {
    let mut records = Records::default();
    let mut diagnostics = Vec::new();
    for (record, mut diags) in results {
        diagnostics.append(&mut diags);
        match record {
            Some(Record::Claim(c)) => records.claims.push(c),
            Some(Record::Speaker(s)) => records.speakers.push(s),
            Some(Record::Source(s)) => records.sources.push(s),
            Some(Record::Topic(t)) => records.topics.push(t),
            Some(Record::Page(p)) => records.pages.push(p),
            Some(Record::Translation(t)) => records.translations.push(t),
            Some(Record::Refs(mut refs)) => records.unparsed_refs.append(&mut refs),
            None => {}
        }
    }
    (records, diagnostics)
}
