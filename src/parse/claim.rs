//! A claim file's front matter into a [`Claim`].

use super::date::PartialDate;
use super::fields::{Fields, Spanned};
use super::node::{Node, Value};
use crate::diagnostics::{Diagnostic, did_you_mean};

pub const CLAIM_FIELDS: &[&str] = &[
    "claim",
    "speaker",
    "date",
    "source",
    "topics",
    "kind",
    "quote",
    "quote_lang",
    "translation",
    "quote_reported",
    "origin",
    "status",
    "resolves",
    "figures",
    "supports",
    "contradicts",
    "responds_to",
    "updated",
    "draft",
    "aliases",
];

pub const CLAIM_KINDS: &[&str] = &["opinion", "prediction", "statistic", "announcement"];
pub const STATUSES: &[&str] = &["open", "confirmed", "refuted", "mixed", "unverifiable"];

/// One sourced statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Claim {
    pub id: String,
    pub path: String,
    pub claim: String,
    pub speakers: Vec<Spanned<String>>,
    /// When it was said. A claim that gives no `date` is `reported`: it
    /// takes its source's `published` date when the graph is linked
    /// ([`crate::graph::report_date`]), and holds [`PartialDate::UNKNOWN`]
    /// until then.
    pub date: PartialDate,
    /// The claim gives no date of its own: `date` is only when its source
    /// reported it.
    pub reported: bool,
    pub source: Spanned<String>,
    pub locator: Option<String>,
    pub topics: Vec<Spanned<String>>,
    pub kind: &'static str,
    pub quote: Option<Spanned<String>>,
    pub quote_lang: Option<String>,
    pub translation: Option<String>,
    /// `quote_reported`: whether `quote` is the source's rendering of what
    /// was said rather than the speaker's own words; when left out, the
    /// render infers it from `origin` (see the user guide).
    pub quote_reported: Option<bool>,
    pub origin: Option<Spanned<String>>,
    pub status: &'static str,
    pub resolves: Option<PartialDate>,
    pub figures: Vec<Figure>,
    pub supports: Vec<Spanned<String>>,
    pub contradicts: Vec<Spanned<String>>,
    pub responds_to: Vec<Spanned<String>>,
    pub updated: Option<PartialDate>,
    pub draft: bool,
    /// Former ids, whose URLs redirect to this claim (`aliases`).
    pub old_ids: Vec<Spanned<String>>,
    /// The `@kind/id` links of the body.
    pub links: Vec<super::links::BodyLink>,
    pub body: String,
    pub body_line: usize,
    /// The language of the text, when it is not the site's: set on a record
    /// the site in another language shows untranslated.
    pub text_lang: Option<String>,
}

/// A number a claim states: one value or a `[low, high]` range.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Figure {
    pub value: FigureValue,
    pub unit: Option<String>,
    pub about: Option<String>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(untagged)]
pub enum FigureValue {
    One(f64),
    Range([f64; 2]),
}

impl FigureValue {
    /// Plain text for the value: `40`, `30–50`.
    pub fn display(&self) -> String {
        fn num(x: f64) -> String {
            if x.fract() == 0.0 && x.abs() < 1e15 {
                format!("{}", x as i64)
            } else {
                format!("{x}")
            }
        }
        match self {
            FigureValue::One(x) => num(*x),
            FigureValue::Range([a, b]) => format!("{}–{}", num(*a), num(*b)),
        }
    }
}

pub fn parse_claim(
    id: &str,
    path: &str,
    front_matter: &Node,
    body: String,
    body_line: usize,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Claim> {
    let mut f = Fields::open(path, front_matter, CLAIM_FIELDS, "claim", diagnostics)?;
    let claim = f.required_string("claim", "\"AI will replace 40% of white-collar jobs.\"");
    let speakers = f.required_strings("speaker", "xu-li");
    let date = f.optional_date("date");
    let source = read_source(&mut f);
    let topics = f.required_strings("topics", "[ai-jobs]");
    let kind = f.choice("kind", CLAIM_KINDS, "opinion");
    let quote = f.string("quote");
    let quote_lang = f.language("quote_lang");
    let translation = f.string("translation").map(|s| s.value);
    let quote_reported = f.optional_boolean("quote_reported");
    let origin = f.string("origin");
    let status = f.choice("status", STATUSES, "open");
    let resolves = f.date("resolves").map(|d| d.value);
    let figures = read_figures(&mut f);
    let supports = f.strings("supports");
    let contradicts = f.strings("contradicts");
    let responds_to = f.strings("responds_to");
    let updated = f.date("updated").map(|d| d.value);
    let draft = f.boolean("draft");
    let old_ids = f.strings("aliases");
    if f.broken {
        return None;
    }
    let date = date?;
    let (source, locator) = source?;
    Some(Claim {
        id: id.to_string(),
        path: path.to_string(),
        claim: claim?.value,
        speakers,
        date: date.as_ref().map_or(PartialDate::UNKNOWN, |d| d.value),
        reported: date.is_none(),
        source,
        locator,
        topics,
        kind,
        quote,
        quote_lang,
        translation,
        quote_reported,
        origin,
        status,
        resolves,
        figures,
        supports,
        contradicts,
        responds_to,
        updated,
        draft,
        old_ids,
        links: super::links::body_links(&body, body_line),
        body,
        body_line,
        text_lang: None,
    })
}

/// `source: id` or `source: {id, locator}`.
fn read_source(f: &mut Fields<'_>) -> Option<(Spanned<String>, Option<String>)> {
    let Some(node) = f.node("source") else {
        f.required_string("source", "it-times-2025-01");
        return None;
    };
    let Value::Map(entries) = &node.value else {
        return f.string("source").map(|id| (id, None));
    };
    let path = f.path();
    let mut id = None;
    let mut locator = None;
    for (key, value) in entries {
        let text = match &value.value {
            Value::Str(s) => Some(s.clone()),
            Value::Int(i) => Some(i.to_string()),
            _ => None,
        };
        match (key.name.as_str(), text) {
            ("id", Some(t)) => id = Some(Spanned::new(t, value.pos)),
            ("locator", Some(t)) => locator = Some(t),
            ("id" | "locator", None) => f.report(Diagnostic::error(
                path,
                value.pos,
                format!("`source.{}` must be a string, not {}", key.name, value.value.type_name()),
            )),
            (other, _) => f.report(Diagnostic::error(
                path,
                key.pos,
                format!(
                    "unknown field `{other}` in `source`{}; a source reference has `id` and `locator`",
                    did_you_mean(other, ["id", "locator"])
                ),
            )),
        }
    }
    if id.is_none() {
        f.broken = true;
        f.report(
            Diagnostic::error(path, node.pos, "`source` has no `id`")
                .with_help("write `source: {id: some-source, locator: \"p. 3\"}`"),
        );
    }
    id.map(|id| (id, locator))
}

fn read_figures(f: &mut Fields<'_>) -> Vec<Figure> {
    let Some(node) = f.node("figures") else {
        return Vec::new();
    };
    let path = f.path();
    let Value::Seq(items) = &node.value else {
        f.report(Diagnostic::error(
            path,
            node.pos,
            format!("`figures` must be a list, not {}", node.value.type_name()),
        ));
        return Vec::new();
    };
    let mut figures = Vec::new();
    for item in items {
        let Value::Map(entries) = &item.value else {
            f.report(
                Diagnostic::error(path, item.pos, "each figure must be a table")
                    .with_help("write `- {value: 40, unit: \"%\", about: \"jobs at risk\"}`"),
            );
            continue;
        };
        let mut value = None;
        let mut unit = None;
        let mut about = None;
        let mut ok = true;
        for (key, v) in entries {
            match key.name.as_str() {
                "value" => match figure_value(v) {
                    Some(x) => value = Some(x),
                    None => {
                        ok = false;
                        // Point at the offending item of a [low, high] pair.
                        let bad = match &v.value {
                            Value::Seq(items) if items.len() == 2 => items
                                .iter()
                                .find(|i| !matches!(i.value, Value::Int(_) | Value::Float(_)))
                                .unwrap_or(v),
                            _ => v,
                        };
                        let message = if std::ptr::eq(bad, v) {
                            format!(
                                "a figure's `value` must be a number or a [low, high] pair of numbers, not {}",
                                v.value.type_name()
                            )
                        } else {
                            format!(
                                "a figure's `value` range `[low, high]` must hold two numbers, not {}",
                                bad.value.type_name()
                            )
                        };
                        f.report(Diagnostic::error(path, bad.pos, message));
                    }
                },
                "unit" | "about" => match &v.value {
                    Value::Str(s) => {
                        if key.name == "unit" {
                            unit = Some(s.clone());
                        } else {
                            about = Some(s.clone());
                        }
                    }
                    other => {
                        ok = false;
                        f.report(Diagnostic::error(
                            path,
                            v.pos,
                            format!(
                                "a figure's `{}` must be a string, not {}",
                                key.name,
                                other.type_name()
                            ),
                        ));
                    }
                },
                other => {
                    ok = false;
                    f.report(Diagnostic::error(
                        path,
                        key.pos,
                        format!(
                            "unknown field `{other}` in a figure{}; a figure has `value`, `unit` and `about`",
                            did_you_mean(other, ["value", "unit", "about"])
                        ),
                    ));
                }
            }
        }
        match value {
            Some(value) if ok => figures.push(Figure { value, unit, about }),
            None if ok => f.report(
                Diagnostic::error(path, item.pos, "a figure needs a `value`")
                    .with_help("write `value: 40` or `value: [30, 50]`"),
            ),
            _ => {}
        }
    }
    figures
}

/// The ids a claim's front matter names as speaker, source, origin and
/// topics, read straight from the tree: used when the claim has errors, so
/// that what it references is not reported as unused.
pub fn referenced_ids(front_matter: &Node) -> Vec<(crate::load::FileKind, String)> {
    use crate::load::FileKind;
    let Value::Map(entries) = &front_matter.value else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut push = |kind: FileKind, node: &Node| match &node.value {
        Value::Str(s) => out.push((kind, s.clone())),
        Value::Seq(items) => {
            for item in items {
                if let Value::Str(s) = &item.value {
                    out.push((kind, s.clone()));
                }
            }
        }
        Value::Map(fields) => {
            for (k, v) in fields {
                if let (true, Value::Str(s)) = (k.name == "id", &v.value) {
                    out.push((kind, s.clone()));
                }
            }
        }
        _ => {}
    };
    for (key, node) in entries {
        match key.name.as_str() {
            "speaker" => push(FileKind::Speaker, node),
            "source" | "origin" => push(FileKind::Source, node),
            "topics" => push(FileKind::Topic, node),
            _ => {}
        }
    }
    out
}

fn figure_value(node: &Node) -> Option<FigureValue> {
    fn number(node: &Node) -> Option<f64> {
        match node.value {
            Value::Int(i) => Some(i as f64),
            Value::Float(x) if x.is_finite() => Some(x),
            _ => None,
        }
    }
    match &node.value {
        Value::Seq(items) if items.len() == 2 => {
            Some(FigureValue::Range([number(&items[0])?, number(&items[1])?]))
        }
        _ => number(node).map(FigureValue::One),
    }
}
