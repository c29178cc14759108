//! The data export: `claims.json` (schema in docs/data.md) and `claims.csv`,
//! every published claim with its references resolved.

use serde::Serialize;

use super::views::{Ref, ViewContext, claim_path};
use crate::graph::Graph;
use crate::parse::Figure;

/// Bump when a field changes meaning or is removed; adding fields is compatible.
pub const DATA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Export<'a> {
    version: u32,
    site: SiteInfo<'a>,
    claims: Vec<ClaimRecord<'a>>,
}

#[derive(Serialize)]
struct SiteInfo<'a> {
    title: &'a str,
    base_url: &'a str,
    language: &'a str,
}

#[derive(Serialize)]
struct SourceRecord<'a> {
    id: &'a str,
    title: &'a str,
    kind: &'a str,
    outlet: Option<&'a str>,
    url: Option<&'a str>,
    page: String,
}

#[derive(Serialize)]
struct ClaimRecord<'a> {
    id: &'a str,
    url: String,
    claim: &'a str,
    date: String,
    kind: &'a str,
    status: &'a str,
    overdue: bool,
    speakers: Vec<Ref>,
    source: SourceRecord<'a>,
    locator: Option<&'a str>,
    origin: Option<SourceRecord<'a>>,
    topics: Vec<Ref>,
    quote: Option<&'a str>,
    quote_lang: Option<&'a str>,
    translation: Option<&'a str>,
    resolves: Option<String>,
    updated: Option<String>,
    figures: &'a [Figure],
    supports: Vec<&'a str>,
    supported_by: Vec<&'a str>,
    contradicts: Vec<&'a str>,
    contradicted_by: Vec<&'a str>,
    responds_to: Vec<&'a str>,
    responded_by: Vec<&'a str>,
}

/// Page URLs in the export are absolute when `base_url` is, else paths.
fn page_url(cx: &ViewContext<'_>, absolute: Option<&str>, path: &str) -> String {
    match absolute {
        Some(base) => format!("{base}{path}"),
        None => format!("{}{path}", cx.base),
    }
}

fn records<'a>(
    graph: &'a Graph,
    cx: &ViewContext<'_>,
    absolute: Option<&str>,
) -> Vec<ClaimRecord<'a>> {
    let source = |id: &str| -> Option<SourceRecord<'a>> {
        let s = &graph.sources[*graph.source_index.get(id)?];
        Some(SourceRecord {
            id: &s.id,
            title: &s.title,
            kind: s.kind,
            outlet: s.outlet.as_deref(),
            url: s.url.as_deref(),
            page: page_url(cx, absolute, &super::views::source_path(&s.id)),
        })
    };
    let ids = |list: &[usize]| {
        list.iter()
            .map(|&j| graph.claims[j].id.as_str())
            .collect::<Vec<_>>()
    };
    let absolutise = |mut r: Ref| {
        if let Some(base) = absolute {
            r.url = format!("{base}{}", &r.url[cx.base.len()..]);
        }
        r
    };
    graph
        .claims
        .iter()
        .zip(&graph.links)
        .map(|(c, l)| ClaimRecord {
            id: &c.id,
            url: page_url(cx, absolute, &claim_path(&c.id)),
            claim: &c.claim,
            date: c.date.to_string(),
            kind: c.kind,
            status: c.status,
            overdue: cx.is_overdue(c),
            speakers: c
                .speakers
                .iter()
                .map(|s| absolutise(cx.speaker_ref(&s.value)))
                .collect(),
            source: source(&c.source.value).expect("validated source"),
            locator: c.locator.as_deref(),
            origin: c.origin.as_ref().and_then(|o| source(&o.value)),
            topics: c
                .topics
                .iter()
                .map(|t| absolutise(cx.topic_ref(&t.value)))
                .collect(),
            quote: c.quote.as_ref().map(|q| q.value.as_str()),
            quote_lang: c.quote_lang.as_deref(),
            translation: c.translation.as_deref(),
            resolves: c.resolves.map(|d| d.to_string()),
            updated: c.updated.map(|d| d.to_string()),
            figures: &c.figures,
            supports: ids(&l.supports),
            supported_by: ids(&l.supported_by),
            contradicts: ids(&l.contradicts),
            contradicted_by: ids(&l.contradicted_by),
            responds_to: ids(&l.responds_to),
            responded_by: ids(&l.responded_by),
        })
        .collect()
}

pub fn claims_json(
    graph: &Graph,
    cx: &ViewContext<'_>,
    title: &str,
    base_url: &str,
    absolute: Option<&str>,
) -> Vec<u8> {
    let export = Export {
        version: DATA_VERSION,
        site: SiteInfo {
            title,
            base_url,
            language: cx.language,
        },
        claims: records(graph, cx, absolute),
    };
    let text = serde_json::to_vec_pretty(&export).expect("serialisable");
    // `<`, `>` and `&` only occur inside strings: written as escapes, the
    // same data can never be read as markup, should the file be served or
    // pasted as HTML.
    let mut out = Vec::with_capacity(text.len() + text.len() / 64 + 1);
    for &byte in &text {
        match byte {
            b'<' => out.extend_from_slice(b"\\u003c"),
            b'>' => out.extend_from_slice(b"\\u003e"),
            b'&' => out.extend_from_slice(b"\\u0026"),
            _ => out.push(byte),
        }
    }
    out.push(b'\n');
    out
}

pub fn claims_csv(graph: &Graph, cx: &ViewContext<'_>, absolute: Option<&str>) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let header = [
        "id",
        "url",
        "claim",
        "speakers",
        "speaker_ids",
        "date",
        "kind",
        "status",
        "overdue",
        "source",
        "source_id",
        "locator",
        "origin_id",
        "topics",
        "topic_ids",
        "quote",
        "quote_lang",
        "translation",
        "resolves",
        "updated",
        "figures",
        "supports",
        "contradicts",
        "responds_to",
        "supported_by",
        "contradicted_by",
        "responded_by",
    ];
    writer.write_record(header).expect("in memory");
    let join = |v: &[&str]| v.join("; ");
    for r in records(graph, cx, absolute) {
        let names: Vec<&str> = r.speakers.iter().map(|s| s.name.as_str()).collect();
        let speaker_ids: Vec<&str> = r.speakers.iter().map(|s| s.id.as_str()).collect();
        let topics: Vec<&str> = r.topics.iter().map(|t| t.name.as_str()).collect();
        let topic_ids: Vec<&str> = r.topics.iter().map(|t| t.id.as_str()).collect();
        let figures: Vec<String> = r
            .figures
            .iter()
            .map(|f| {
                let mut s = f.value.display();
                if let Some(u) = &f.unit {
                    s.push(' ');
                    s.push_str(u);
                }
                if let Some(a) = &f.about {
                    s.push_str(&format!(" ({a})"));
                }
                s
            })
            .collect();
        writer
            .write_record([
                r.id,
                &r.url,
                r.claim,
                &join(&names),
                &join(&speaker_ids),
                &r.date,
                r.kind,
                r.status,
                if r.overdue { "true" } else { "false" },
                r.source.title,
                r.source.id,
                r.locator.unwrap_or(""),
                r.origin.as_ref().map(|o| o.id).unwrap_or(""),
                &join(&topics),
                &join(&topic_ids),
                r.quote.unwrap_or(""),
                r.quote_lang.unwrap_or(""),
                r.translation.unwrap_or(""),
                r.resolves.as_deref().unwrap_or(""),
                r.updated.as_deref().unwrap_or(""),
                &figures.join("; "),
                &join(&r.supports),
                &join(&r.contradicts),
                &join(&r.responds_to),
                &join(&r.supported_by),
                &join(&r.contradicted_by),
                &join(&r.responded_by),
            ])
            .expect("in memory");
    }
    writer.into_inner().expect("in memory")
}
