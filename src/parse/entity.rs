//! Speaker, source and topic files into their records.

use super::date::PartialDate;
use super::fields::{Fields, Spanned};
use super::node::Node;
use crate::diagnostics::Diagnostic;
use crate::load::{ArchiveRef, is_valid_id};

pub const SPEAKER_FIELDS: &[&str] = &["name", "aliases", "kind", "role", "org", "url"];
pub const SOURCE_FIELDS: &[&str] = &[
    "title",
    "kind",
    "outlet",
    "authors",
    "published",
    "url",
    "lang",
    "archive",
    "aliases",
];
pub const TOPIC_FIELDS: &[&str] = &["title", "question", "aliases", "search_terms"];
pub const SPEAKER_KINDS: &[&str] = &["person", "organisation"];
pub const SOURCE_KINDS: &[&str] = &[
    "article",
    "talk",
    "report",
    "interview",
    "post",
    "dataset",
    "book",
];

/// A person or organisation who makes claims.
#[derive(Debug, Clone)]
pub struct Speaker {
    pub id: String,
    pub path: String,
    pub name: String,
    pub aliases: Vec<String>,
    pub kind: &'static str,
    pub role: Option<String>,
    pub org: Option<Spanned<String>>,
    pub url: Option<String>,
    /// Former ids, whose URLs redirect here (`aliases`; for a speaker,
    /// those of its aliases that are ids).
    pub old_ids: Vec<Spanned<String>>,
    /// The `@kind/id` links of the body.
    pub links: Vec<super::links::BodyLink>,
    pub body: String,
    pub body_line: usize,
    /// The language of the text, when it is not the site's: set on a record
    /// the site in another language shows untranslated.
    pub text_lang: Option<String>,
}

/// Where claims are recorded.
#[derive(Debug, Clone)]
pub struct Source {
    pub id: String,
    pub path: String,
    pub title: String,
    pub kind: &'static str,
    pub outlet: Option<String>,
    pub authors: Vec<String>,
    pub published: Option<PartialDate>,
    pub url: Option<String>,
    pub lang: Option<String>,
    /// A plain-text copy of the source, relative to the site root, that
    /// quotes are checked against.
    pub archive: Option<Spanned<String>>,
    /// Former ids, whose URLs redirect here (`aliases`; for a speaker,
    /// those of its aliases that are ids).
    pub old_ids: Vec<Spanned<String>>,
    /// The `@kind/id` links of the body.
    pub links: Vec<super::links::BodyLink>,
    pub body: String,
    pub body_line: usize,
    /// The language of the text, when it is not the site's: set on a record
    /// the site in another language shows untranslated.
    pub text_lang: Option<String>,
}

impl Source {
    /// Where this source names its archive, for [`crate::load::read_archives`].
    pub fn archive_ref(&self) -> Option<ArchiveRef<'_>> {
        let archive = self.archive.as_ref()?;
        Some(ArchiveRef {
            source: &self.id,
            file: &self.path,
            archive: &archive.value,
            pos: archive.pos,
        })
    }
}

/// What claims are about.
#[derive(Debug, Clone)]
pub struct Topic {
    pub id: String,
    pub path: String,
    pub title: String,
    pub question: Option<String>,
    /// Words that find the topic and its claims in search though they say
    /// neither (`预训练` for "The end of pretraining").
    pub search_terms: Vec<String>,
    /// Former ids, whose URLs redirect here (`aliases`; for a speaker,
    /// those of its aliases that are ids).
    pub old_ids: Vec<Spanned<String>>,
    /// The `@kind/id` links of the body.
    pub links: Vec<super::links::BodyLink>,
    pub body: String,
    pub body_line: usize,
    /// The language of the text, when it is not the site's: set on a record
    /// the site in another language shows untranslated.
    pub text_lang: Option<String>,
}

fn values(list: Vec<Spanned<String>>) -> Vec<String> {
    list.into_iter().map(|s| s.value).collect()
}

pub fn parse_speaker(
    id: &str,
    path: &str,
    front_matter: &Node,
    body: String,
    body_line: usize,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Speaker> {
    let mut f = Fields::open(path, front_matter, SPEAKER_FIELDS, "speaker", diagnostics)?;
    let name = f.required_string("name", "徐立");
    let spellings = f.strings("aliases");
    let old_ids: Vec<Spanned<String>> = spellings
        .iter()
        .filter(|a| is_valid_id(&a.value) && a.value != id)
        .cloned()
        .collect();
    let aliases = values(spellings);
    let kind = f.choice("kind", SPEAKER_KINDS, "person");
    let role = f.string("role").map(|s| s.value);
    let org = f.string("org");
    let url = f.url("url");
    if f.broken {
        return None;
    }
    Some(Speaker {
        id: id.to_string(),
        path: path.to_string(),
        name: name?.value,
        aliases,
        kind,
        role,
        org,
        url,
        old_ids,
        links: super::links::body_links(&body, body_line),
        body,
        body_line,
        text_lang: None,
    })
}

pub fn parse_source(
    id: &str,
    path: &str,
    front_matter: &Node,
    body: String,
    body_line: usize,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Source> {
    let mut f = Fields::open(path, front_matter, SOURCE_FIELDS, "source", diagnostics)?;
    let title = f.required_string("title", "\"AI行业的两条生死线\"");
    let kind = f.choice("kind", SOURCE_KINDS, "article");
    let outlet = f.string("outlet").map(|s| s.value);
    let authors = values(f.strings("authors"));
    let published = f.date("published").map(|d| d.value);
    let url = f.url("url");
    let lang = f.language("lang");
    let archive = f.string("archive");
    let old_ids = f.strings("aliases");
    if f.broken {
        return None;
    }
    Some(Source {
        id: id.to_string(),
        path: path.to_string(),
        title: title?.value,
        kind,
        outlet,
        authors,
        published,
        url,
        lang,
        archive,
        old_ids,
        links: super::links::body_links(&body, body_line),
        body,
        body_line,
        text_lang: None,
    })
}

pub fn parse_topic(
    id: &str,
    path: &str,
    front_matter: &Node,
    body: String,
    body_line: usize,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Topic> {
    let mut f = Fields::open(path, front_matter, TOPIC_FIELDS, "topic", diagnostics)?;
    let title = f.required_string("title", "\"AI and jobs\"");
    let question = f.string("question").map(|s| s.value);
    let search_terms = values(f.strings("search_terms"));
    let old_ids = f.strings("aliases");
    if f.broken {
        return None;
    }
    Some(Topic {
        id: id.to_string(),
        path: path.to_string(),
        title: title?.value,
        question,
        search_terms,
        old_ids,
        links: super::links::body_links(&body, body_line),
        body,
        body_line,
        text_lang: None,
    })
}
