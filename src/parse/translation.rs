//! Translation files (`<id>.<code>.md`, beside the original): the text of
//! a record in another of the site's languages. They hold only text, the
//! fields [`text_fields`] names and the body; everything else about the
//! record (its speaker, date, relations) is set once, in the original.

use super::fields::{Fields, Spanned};
use super::links::BodyLink;
use super::node::{Node, Value};
use super::{claim, entity, page};
use crate::diagnostics::{Diagnostic, Pos};
use crate::load::FileKind;

/// A record's text in another language.
#[derive(Debug, Clone, PartialEq)]
pub struct Translation {
    pub kind: FileKind,
    /// The original's id.
    pub id: String,
    /// The language code of the file name (`zh` in `li-qiang.zh.md`).
    pub lang: String,
    pub path: String,
    /// The translated text fields, each where it was written; a field left
    /// out keeps the original's value.
    pub fields: Vec<(&'static str, Spanned<String>)>,
    /// A claim's figures' text (`about`, `unit`), in the original's order.
    pub figures: Option<Spanned<Vec<FigureText>>>,
    pub links: Vec<BodyLink>,
    pub body: String,
    pub body_line: usize,
}

impl Translation {
    /// The translated value of text field `name`, if the file gives one.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.value.as_str())
    }
}

/// The fields a translation of `kind` may hold, besides its body.
pub fn text_fields(kind: FileKind) -> &'static [&'static str] {
    match kind {
        FileKind::Claim => &["claim", "translation", "figures"],
        FileKind::Speaker => &["name", "role"],
        FileKind::Source => &["title"],
        FileKind::Topic => &["title", "question"],
        FileKind::Page => &["title", "description"],
    }
}

/// Every field of the original's kind, for telling a field that is not
/// translated apart from one that does not exist.
fn all_fields(kind: FileKind) -> &'static [&'static str] {
    match kind {
        FileKind::Claim => claim::CLAIM_FIELDS,
        FileKind::Speaker => entity::SPEAKER_FIELDS,
        FileKind::Source => entity::SOURCE_FIELDS,
        FileKind::Topic => entity::TOPIC_FIELDS,
        FileKind::Page => page::PAGE_FIELDS,
    }
}

/// The file name of the original of a translation at `path`
/// (`claims/jobs/li-qiang.zh.md` -> `li-qiang.md`).
pub fn original_name(id: &str) -> String {
    format!("{id}.md")
}

/// Parses the translation file `path` of the `kind` record `id` into
/// language `lang`; `None` when it has errors.
#[allow(clippy::too_many_arguments)]
pub fn parse_translation(
    kind: FileKind,
    id: &str,
    lang: &str,
    path: &str,
    front_matter: &Node,
    body: String,
    body_line: usize,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Translation> {
    let allowed = text_fields(kind);
    let what = format!("{} translation", kind.noun());
    // A field the original has but a translation may not: said plainly,
    // with where to set it instead. Only the text fields are read on.
    let mut text_only = front_matter.clone();
    if let Value::Map(entries) = &mut text_only.value {
        for (key, _) in entries.iter() {
            let name = key.name.as_str();
            if allowed.contains(&name) {
                continue;
            }
            let diagnostic = if all_fields(kind).contains(&name) {
                Diagnostic::error(
                    path,
                    key.pos,
                    format!(
                        "`{name}` is not translated: a translation holds only text ({}, and the body)",
                        allowed.join(", ")
                    ),
                )
                .with_help(format!(
                    "remove it here, and set it in `{}`, the original, for every language",
                    original_name(id)
                ))
            } else {
                Diagnostic::error(
                    path,
                    key.pos,
                    format!(
                        "unknown field `{name}` for a {what}{}",
                        crate::diagnostics::did_you_mean(name, allowed.iter().copied())
                    ),
                )
                .with_help(format!(
                    "a {what} holds only {}, and the body",
                    allowed.join(", ")
                ))
            };
            diagnostics.push(diagnostic);
        }
        entries.retain(|(key, _)| allowed.contains(&key.name.as_str()));
    }
    let mut f = Fields::open(path, &text_only, allowed, &what, diagnostics)?;
    let mut fields = Vec::new();
    for &name in allowed.iter().filter(|n| **n != "figures") {
        if let Some(value) = f.string(name) {
            fields.push((name, value));
        }
    }
    let figures = (kind == FileKind::Claim)
        .then(|| {
            f.node("figures")
                .map(|node| read_figures(path, node, &mut f))
        })
        .flatten()
        .flatten();
    // With other errors the record is still made, so that its links and
    // figures are checked too: every error of the file is reported at once.
    if f.broken {
        return None;
    }
    Some(Translation {
        kind,
        id: id.to_string(),
        lang: lang.to_string(),
        path: path.to_string(),
        fields,
        figures,
        links: super::links::body_links(&body, body_line),
        body,
        body_line,
    })
}

/// The text of one figure in a translation; `None` leaves the original's.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FigureText {
    pub about: Option<String>,
    pub unit: Option<String>,
}

/// `figures` in a translation: a list of `{about: "...", unit: "..."}`,
/// one a figure of the original, in its order.
fn read_figures(path: &str, node: &Node, f: &mut Fields<'_>) -> Option<Spanned<Vec<FigureText>>> {
    let Value::Seq(items) = &node.value else {
        f.report(Diagnostic::error(
            path,
            node.pos,
            format!("`figures` must be a list, not {}", node.value.type_name()),
        ));
        return None;
    };
    let mut texts = Vec::new();
    let mut ok = true;
    for item in items {
        let entries: &[(super::node::Key, Node)] = match &item.value {
            Value::Map(entries) => entries,
            Value::Null => &[],
            _ => {
                ok = false;
                f.report(
                    Diagnostic::error(path, item.pos, "each figure must be a table").with_help(
                        "write `- about: \"…\"`, one a figure of the original, in its order",
                    ),
                );
                continue;
            }
        };
        let mut text = FigureText::default();
        for (key, value) in entries {
            let field = match key.name.as_str() {
                "about" => &mut text.about,
                "unit" => &mut text.unit,
                name => {
                    ok = false;
                    f.report(
                        Diagnostic::error(
                            path,
                            key.pos,
                            format!("`{name}` of a figure is not translated: a translation gives only its `about` and `unit`"),
                        )
                        .with_help("remove it here; the value is set in the original"),
                    );
                    continue;
                }
            };
            match &value.value {
                Value::Str(s) => *field = Some(s.clone()),
                Value::Null => {}
                other => {
                    ok = false;
                    f.report(Diagnostic::error(
                        path,
                        value.pos,
                        format!("`{}` must be a string, not {}", key.name, other.type_name()),
                    ));
                }
            }
        }
        texts.push(text);
    }
    ok.then(|| Spanned::new(texts, node.pos))
}

/// An error for a translation file in a language the site is not built in.
pub fn unknown_language(path: &str, lang: &str, languages: &[String]) -> Diagnostic {
    let message = if languages.len() <= 1 {
        format!(
            "this is a translation into `{lang}`, but the site is built in one language, `{}`",
            languages.first().map(String::as_str).unwrap_or("en")
        )
    } else {
        format!(
            "this is a translation into `{lang}`, which is not one of the site's `languages` ({})",
            languages.join(", ")
        )
    };
    let listed: Vec<String> = languages
        .iter()
        .chain(std::iter::once(&lang.to_string()))
        .map(|l| format!("\"{l}\""))
        .collect();
    Diagnostic::error(path, Pos::START, message).with_help(format!(
        "add `{lang}` to `languages` in claimbase.toml (`languages = [{}]`), or rename or remove the file",
        listed.join(", ")
    ))
}

/// `records` as the site in `lang` shows them: each record translated into
/// `lang` takes the translation's text (and the `@` links of its body), and
/// each that is not is marked with `default`, the language its text is in.
/// The translations are used up. `lang == default` leaves the records as
/// they are, without their translations.
pub fn localize(records: &mut super::Records, lang: &str, default: &str) {
    let translations = std::mem::take(&mut records.translations);
    if lang == default {
        return;
    }
    let mut by_record: std::collections::HashMap<(FileKind, String), &Translation> = translations
        .iter()
        .filter(|t| t.lang == lang)
        .map(|t| ((t.kind, t.id.clone()), t))
        .collect();
    let mut take = |kind: FileKind, id: &str| by_record.remove(&(kind, id.to_string()));
    let untranslated = || Some(default.to_string());
    // A quote is in its own `quote_lang`, else in its source's language.
    let source_lang: std::collections::HashMap<&str, &str> = records
        .sources
        .iter()
        .filter_map(|s| Some((s.id.as_str(), s.lang.as_deref()?)))
        .collect();
    for claim in &mut records.claims {
        let quote_lang = claim
            .quote_lang
            .as_deref()
            .or_else(|| source_lang.get(claim.source.value.as_str()).copied());
        // The quote is already in this language: no translation to show,
        // unless the translation file gives one.
        let quote_in_lang =
            claim.quote.is_some() && quote_lang.is_some_and(|q| same_language(q, lang));
        if quote_in_lang && claim.translation.is_some() {
            std::sync::Arc::make_mut(claim).translation = None;
        }
        let Some(t) = take(FileKind::Claim, &claim.id) else {
            std::sync::Arc::make_mut(claim).text_lang = untranslated();
            continue;
        };
        let claim = std::sync::Arc::make_mut(claim);
        set(&mut claim.claim, t.field("claim"));
        if let Some(text) = t.field("translation") {
            claim.translation = Some(text.to_string());
        }
        if let Some(texts) = &t.figures {
            for (figure, text) in claim.figures.iter_mut().zip(&texts.value) {
                if let Some(unit) = &text.unit {
                    figure.unit = Some(unit.clone());
                }
                if let Some(about) = &text.about {
                    figure.about = Some(about.clone());
                }
            }
        }
        set_body(&mut claim.body, &mut claim.body_line, &mut claim.links, t);
    }
    for speaker in &mut records.speakers {
        let Some(t) = take(FileKind::Speaker, &speaker.id) else {
            speaker.text_lang = untranslated();
            continue;
        };
        set(&mut speaker.name, t.field("name"));
        set_some(&mut speaker.role, t.field("role"));
        set_body(
            &mut speaker.body,
            &mut speaker.body_line,
            &mut speaker.links,
            t,
        );
    }
    for source in &mut records.sources {
        let Some(t) = take(FileKind::Source, &source.id) else {
            source.text_lang = untranslated();
            continue;
        };
        set(&mut source.title, t.field("title"));
        set_body(
            &mut source.body,
            &mut source.body_line,
            &mut source.links,
            t,
        );
    }
    for topic in &mut records.topics {
        let Some(t) = take(FileKind::Topic, &topic.id) else {
            topic.text_lang = untranslated();
            continue;
        };
        set(&mut topic.title, t.field("title"));
        set_some(&mut topic.question, t.field("question"));
        set_body(&mut topic.body, &mut topic.body_line, &mut topic.links, t);
    }
    for page in &mut records.pages {
        let Some(t) = take(FileKind::Page, &page.id) else {
            page.text_lang = untranslated();
            continue;
        };
        set(&mut page.title, t.field("title"));
        set_some(&mut page.description, t.field("description"));
        set_body(&mut page.body, &mut page.body_line, &mut page.links, t);
    }
}

/// Whether two language tags name the same language (`zh` and `zh-Hans`).
pub fn same_language(a: &str, b: &str) -> bool {
    let primary = |t: &str| t.split('-').next().unwrap_or("").to_ascii_lowercase();
    primary(a) == primary(b)
}

fn set(field: &mut String, value: Option<&str>) {
    if let Some(value) = value {
        *field = value.to_string();
    }
}

fn set_some(field: &mut Option<String>, value: Option<&str>) {
    if let Some(value) = value {
        *field = Some(value.to_string());
    }
}

/// The translation's body, when it has one; else the original's stays.
fn set_body(body: &mut String, line: &mut usize, links: &mut Vec<BodyLink>, t: &Translation) {
    if !t.body.trim().is_empty() {
        *body = t.body.clone();
        *line = t.body_line;
        *links = t.links.clone();
    }
}
