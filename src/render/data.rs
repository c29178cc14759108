//! The data export: `claims.json` (schema in docs/data.md) and `claims.csv`,
//! every published claim with its references resolved.

use serde::Serialize;

use super::views::{Ref, ViewContext, claim_path};
use crate::graph::Graph;
use crate::parse::Figure;

/// Bump when a field changes meaning or is removed; adding fields is compatible.
pub const DATA_VERSION: u32 = 1;

/// What `claims.json` holds before its claims.
#[derive(Serialize)]
struct Head<'a> {
    version: u32,
    site: SiteInfo<'a>,
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
    date_reported: bool,
    /// Former ids, whose pages redirect to this one.
    aliases: Vec<&'a str>,
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

/// Claim `i` of `graph` as the export has it.
fn record<'a>(
    graph: &'a Graph,
    cx: &ViewContext<'_>,
    absolute: Option<&str>,
    i: usize,
) -> ClaimRecord<'a> {
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
    let (c, l) = (&graph.claims[i], &graph.links[i]);
    ClaimRecord {
        id: &c.id,
        url: page_url(cx, absolute, &claim_path(&c.id)),
        claim: &c.claim,
        date: c.date.to_string(),
        date_reported: c.reported,
        aliases: c.old_ids.iter().map(|a| a.value.as_str()).collect(),
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
    }
}

/// Each claim's part of `claims.json` and its row of `claims.csv`, made
/// one claim at a time, so that `serve` keeps them and makes again only
/// those of the claims an edit changed.
#[derive(Debug, Clone, Default)]
pub struct Rows {
    pub json: Vec<u8>,
    pub csv: Vec<u8>,
}

impl Rows {
    pub fn new(graph: &Graph, cx: &ViewContext<'_>, absolute: Option<&str>, i: usize) -> Rows {
        let r = record(graph, cx, absolute, i);
        Rows {
            json: json_row(&r),
            csv: csv_row(&r),
        }
    }

    /// Rows in a row, as the export joins them.
    pub fn joined(rows: &[Rows]) -> Rows {
        let mut json = Vec::with_capacity(json_size(rows));
        join_json(rows, &mut json);
        Rows {
            json,
            csv: rows.iter().flat_map(|r| r.csv.iter().copied()).collect(),
        }
    }
}

/// The bytes [`join_json`] appends, about.
fn json_size(rows: &[Rows]) -> usize {
    rows.iter().map(|r| r.json.len() + 2).sum()
}

/// Appends the JSON rows of `rows` to `out`, as elements of one array.
fn join_json(rows: &[Rows], out: &mut Vec<u8>) {
    let rows = rows.iter().filter(|r| !r.json.is_empty());
    for (k, row) in rows.enumerate() {
        if k > 0 {
            out.extend_from_slice(b",\n");
        }
        out.extend_from_slice(&row.json);
    }
}

/// `<`, `>` and `&` only occur inside JSON strings: written as escapes,
/// the same data can never be read as markup, should the file be served
/// or pasted as HTML.
fn escape_markup(text: &[u8], out: &mut Vec<u8>) {
    let mut plain = 0;
    for (i, &byte) in text.iter().enumerate() {
        let escape: &[u8] = match byte {
            b'<' => b"\\u003c",
            b'>' => b"\\u003e",
            b'&' => b"\\u0026",
            _ => continue,
        };
        out.extend_from_slice(&text[plain..i]);
        out.extend_from_slice(escape);
        plain = i + 1;
    }
    out.extend_from_slice(&text[plain..]);
}

/// A claim as an element of the `claims` array: one line, indented as it
/// is there. A line a claim keeps the file greppable and its diffs small,
/// at two thirds of the size of a claim printed over many lines.
fn json_row(r: &ClaimRecord<'_>) -> Vec<u8> {
    let text = serde_json::to_vec(r).expect("serialisable");
    let mut out = Vec::with_capacity(text.len() + text.len() / 16 + 4);
    out.extend_from_slice(b"    ");
    escape_markup(&text, &mut out);
    out
}

const CSV_HEADER: [&str; 28] = [
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
    "date_reported",
];

fn csv_row(r: &ClaimRecord<'_>) -> Vec<u8> {
    let join = |v: &[&str]| v.join("; ");
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
    let mut writer = csv::Writer::from_writer(Vec::new());
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
            if r.date_reported { "true" } else { "false" },
        ])
        .expect("in memory");
    writer.into_inner().expect("in memory")
}

/// `claims.json`: the site, then every claim's row.
pub fn claims_json(cx: &ViewContext<'_>, title: &str, base_url: &str, rows: &[Rows]) -> Vec<u8> {
    let head = Head {
        version: DATA_VERSION,
        site: SiteInfo {
            title,
            base_url,
            language: cx.language,
        },
    };
    let head = serde_json::to_vec_pretty(&head).expect("serialisable");
    let mut out = Vec::with_capacity(head.len() + json_size(rows) + 32);
    // The head without its closing brace, then the claims.
    escape_markup(&head[..head.len() - 2], &mut out);
    if rows.is_empty() {
        out.extend_from_slice(b",\n  \"claims\": []\n}\n");
        return out;
    }
    out.extend_from_slice(b",\n  \"claims\": [\n");
    join_json(rows, &mut out);
    out.extend_from_slice(b"\n  ]\n}\n");
    out
}

/// `claims.csv`: a header, then every claim's row.
pub fn claims_csv(rows: &[Rows]) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(CSV_HEADER).expect("in memory");
    let mut out = writer.into_inner().expect("in memory");
    for row in rows {
        out.extend_from_slice(&row.csv);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{FileKind, InputFile};
    use crate::parse::{PartialDate, parse_files};

    fn graph(claims: usize) -> Graph {
        let mut files = vec![
            InputFile::in_content(
                FileKind::Speaker,
                "xu-li",
                "---\nname: 徐立 <Xu & Li>\n---\n",
            ),
            InputFile::in_content(
                FileKind::Source,
                "it-times",
                "---\ntitle: AI \"lifelines\"\n---\n",
            ),
            InputFile::in_content(FileKind::Topic, "compute", "---\ntitle: Compute\n---\n"),
        ];
        for k in 0..claims {
            let relation = if k > 0 {
                format!("supports: [c{}]\n", k - 1)
            } else {
                String::new()
            };
            files.push(InputFile::in_content(
                FileKind::Claim,
                &format!("c{k}"),
                &format!(
                    "---\nclaim: \"Claim {k}: <b>prices</b> & costs,\\nfall.\"\nspeaker: xu-li\n\
                     date: 2025-0{}\nsource: it-times\ntopics: [compute]\nkind: statistic\n\
                     figures:\n  - {{value: [3, 4.5], unit: \"%\"}}\n{relation}---\nBody.\n",
                    1 + k % 9
                ),
            ));
        }
        let (records, diagnostics) = parse_files(&files);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        crate::graph::link(records, false)
    }

    /// The export as one serialisation of the whole would write it.
    fn whole(graph: &Graph, cx: &ViewContext<'_>) -> Vec<u8> {
        #[derive(Serialize)]
        struct Export<'a> {
            version: u32,
            site: SiteInfo<'a>,
            claims: Vec<ClaimRecord<'a>>,
        }
        let export = Export {
            version: DATA_VERSION,
            site: SiteInfo {
                title: "T",
                base_url: "https://example.org/",
                language: cx.language,
            },
            claims: (0..graph.claims.len())
                .map(|i| record(graph, cx, Some("https://example.org/"), i))
                .collect(),
        };
        serde_json::to_vec(&export).unwrap()
    }

    #[test]
    fn the_export_joined_from_rows_is_the_export_made_whole() {
        for claims in [0, 1, 3, 12] {
            let graph = graph(claims);
            let cx = ViewContext {
                graph: &graph,
                base: "/",
                language: "en",
                today: PartialDate {
                    year: 2026,
                    month: Some(1),
                    day: Some(1),
                },
            };
            let rows: Vec<Rows> = (0..claims)
                .map(|i| Rows::new(&graph, &cx, Some("https://example.org/"), i))
                .collect();
            let json = claims_json(&cx, "T", "https://example.org/", &rows);
            let value: serde_json::Value = serde_json::from_slice(&json).unwrap();
            let made_whole: serde_json::Value =
                serde_json::from_slice(&whole(&graph, &cx)).unwrap();
            assert_eq!(value, made_whole);
            // A line a claim.
            let text = String::from_utf8(json.clone()).unwrap();
            let lines: Vec<&str> = text
                .lines()
                .filter(|l| l.starts_with("    {\"id\":"))
                .collect();
            assert_eq!(lines.len(), claims);
            for (i, line) in lines.iter().enumerate() {
                let row: serde_json::Value =
                    serde_json::from_str(line.trim().trim_end_matches(',')).unwrap();
                assert_eq!(row, value["claims"][i]);
            }
            assert_eq!(value["claims"].as_array().unwrap().len(), claims);
            assert!(!json.contains(&b'<') && !json.contains(&b'&'));
            // Joined in chunks, as a build does.
            let chunks: Vec<Rows> = rows.chunks(5).map(Rows::joined).collect();
            assert_eq!(claims_json(&cx, "T", "https://example.org/", &chunks), json);
            assert_eq!(claims_csv(&chunks), claims_csv(&rows));
            let csv = String::from_utf8(claims_csv(&rows)).unwrap();
            let mut reader = csv::Reader::from_reader(csv.as_bytes());
            assert_eq!(reader.records().count(), claims);
        }
    }
}
