//! Stage 2: front matter and Markdown into typed records, each field with
//! the position it came from. Parsing sees one file at a time, never the
//! whole site; cross-file rules live in `validate`.

pub mod claim;
pub mod date;
pub mod entity;
pub mod fields;
pub mod front_matter;
pub mod node;
pub mod toml_fm;
pub mod yaml;

use rayon::prelude::*;

pub use claim::{Claim, Figure, FigureValue};
pub use date::PartialDate;
pub use entity::{Source, Speaker, Topic};
pub use fields::Spanned;

use std::collections::HashMap;

use crate::diagnostics::Diagnostic;
use crate::load::{FileKind, InputFile};

/// Every record of a site, in path order.
#[derive(Debug, Clone, Default)]
pub struct Records {
    pub claims: Vec<Claim>,
    pub speakers: Vec<Speaker>,
    pub sources: Vec<Source>,
    pub topics: Vec<Topic>,
    /// Ids named by files that have errors and so produced no record:
    /// they still count as used.
    pub unparsed_refs: Vec<(FileKind, String)>,
}

#[derive(Debug, Clone)]
enum Record {
    /// A file with errors: only what it references is kept.
    Refs(Vec<(FileKind, String)>),
    Claim(Box<Claim>),
    Speaker(Speaker),
    Source(Source),
    Topic(Topic),
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
    Some(match file.kind {
        FileKind::Claim => match claim::parse_claim(id, path, fm, body, line, diagnostics) {
            Some(c) => Record::Claim(Box::new(c)),
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
    text: String,
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
    let parsed: Vec<Parsed> = files
        .par_iter()
        .map(|file| match cache.entries.get(&file.path) {
            Some(p) if p.kind == file.kind && p.id == file.id && p.text == file.text => p.clone(),
            _ => {
                let mut diagnostics = Vec::new();
                let record = parse_file(file, &mut diagnostics);
                Parsed {
                    kind: file.kind,
                    id: file.id.clone(),
                    text: file.text.clone(),
                    record,
                    diagnostics,
                }
            }
        })
        .collect();
    let results: Vec<(Option<Record>, Vec<Diagnostic>)> = parsed
        .iter()
        .map(|p| (p.record.clone(), p.diagnostics.clone()))
        .collect();
    cache.entries = files
        .iter()
        .zip(parsed)
        .map(|(file, p)| (file.path.clone(), p))
        .collect();
    collect(results)
}

fn collect(results: Vec<(Option<Record>, Vec<Diagnostic>)>) -> (Records, Vec<Diagnostic>) {
    let mut records = Records::default();
    let mut diagnostics = Vec::new();
    for (record, mut diags) in results {
        diagnostics.append(&mut diags);
        match record {
            Some(Record::Claim(c)) => records.claims.push(*c),
            Some(Record::Speaker(s)) => records.speakers.push(s),
            Some(Record::Source(s)) => records.sources.push(s),
            Some(Record::Topic(t)) => records.topics.push(t),
            Some(Record::Refs(mut refs)) => records.unparsed_refs.append(&mut refs),
            None => {}
        }
    }
    (records, diagnostics)
}
