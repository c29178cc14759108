//! One search record per published claim: what the index matches, and
//! what a result shows.

use std::collections::BTreeMap;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use crate::parse::Claim;
use crate::render::i18n::tr;
use crate::render::views::{Ref, ViewContext, claim_path};

/// One claim as the index sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchRecord {
    /// The claim page below the base path (`claims/x/`): the browser adds
    /// the base, so the index is the same whatever `base_url` is.
    pub url: String,
    /// Everything searchable, one part per line, the statement first.
    pub content: String,
    /// Shown in a result: `title` (the statement), `speaker`, `date`,
    /// `date_iso`, `topic`.
    pub meta: BTreeMap<String, String>,
    /// `speaker`, `topic`, `kind` and `status`, as ids.
    pub filters: BTreeMap<String, Vec<String>>,
    /// `date` (ISO, at its precision), for listing filter-only results by date.
    pub sort: BTreeMap<String, String>,
}

/// Every published claim as a search record, in graph order.
pub fn search_records(cx: &ViewContext<'_>) -> Vec<SearchRecord> {
    use rayon::prelude::*;
    cx.graph
        .claims
        .par_iter()
        .map(|claim| claim_record(cx, claim))
        .collect()
}

/// One claim's record.
pub fn claim_record(cx: &ViewContext<'_>, claim: &Claim) -> SearchRecord {
    let g = cx.graph;
    let summary = cx.claim_summary(claim);
    let mut parts: Vec<String> = vec![claim.claim.clone()];
    parts.extend(claim.quote.as_ref().map(|q| q.value.clone()));
    parts.extend(claim.translation.clone());
    for figure in &claim.figures {
        let mut text = figure.value.display();
        text.extend(figure.unit.as_deref());
        if let Some(about) = &figure.about {
            text.push(' ');
            text.push_str(about);
        }
        parts.push(text);
    }
    parts.push(plain_text(&claim.body));
    for speaker in &claim.speakers {
        if let Some(&s) = g.speaker_index.get(&speaker.value) {
            let s = &g.speakers[s];
            parts.push(
                std::iter::once(&s.name)
                    .chain(&s.aliases)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(" "),
            );
        }
    }
    for source in std::iter::once(&claim.source).chain(&claim.origin) {
        if let Some(&s) = g.source_index.get(&source.value) {
            let s = &g.sources[s];
            parts.push(s.title.clone());
            parts.extend(s.outlet.clone());
        }
    }
    parts.extend(summary.topics.iter().map(|t| t.name.clone()));
    let content = parts
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n");

    let separator = tr(cx.language, "list_separator");
    let names = |refs: &[Ref]| {
        refs.iter()
            .map(|r| r.name.as_str())
            .collect::<Vec<_>>()
            .join(separator)
    };
    let ids = |refs: &[Ref]| refs.iter().map(|r| r.id.clone()).collect::<Vec<_>>();
    let meta = BTreeMap::from([
        ("title".to_string(), summary.claim.clone()),
        ("speaker".to_string(), names(&summary.speakers)),
        ("date".to_string(), reported_date(&summary, cx.language)),
        ("date_iso".to_string(), summary.date.iso.clone()),
        ("topic".to_string(), names(&summary.topics)),
    ]);
    let filters = BTreeMap::from([
        ("speaker".to_string(), ids(&summary.speakers)),
        ("topic".to_string(), ids(&summary.topics)),
        ("kind".to_string(), vec![claim.kind.to_string()]),
        ("status".to_string(), vec![claim.status.to_string()]),
    ]);
    let sort = BTreeMap::from([("date".to_string(), summary.date.iso.clone())]);
    SearchRecord {
        url: claim_path(&claim.id),
        content,
        meta,
        filters,
        sort,
    }
}

/// The date a result shows: "reported Jan 2025" for a claim that gives no
/// date of its own.
fn reported_date(summary: &crate::render::views::ClaimSummary, language: &str) -> String {
    if summary.reported {
        format!("{} {}", tr(language, "reported"), summary.date.display)
    } else {
        summary.date.display.clone()
    }
}

/// The words of a Markdown body without its markup: text, code and
/// alternative text, one block per line. Raw HTML is left out (the page
/// shows it sanitised, if at all), and so are link targets.
pub fn plain_text(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES;
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Text(text) | Event::Code(text) => out.push_str(&text),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::Start(Tag::Item | Tag::TableCell) => out.push(' '),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::CodeBlock
                | TagEnd::TableRow
                | TagEnd::TableHead
                | TagEnd::FootnoteDefinition,
            ) => out.push('\n'),
            _ => {}
        }
    }
    let lines: Vec<&str> = out
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::search::fixture::{graph, record, records};

    #[test]
    fn one_record_per_claim_at_its_page_below_the_base() {
        let g = graph();
        let records = records(&g, "en");
        let mut urls: Vec<&str> = records.iter().map(|r| r.url.as_str()).collect();
        urls.sort_unstable();
        assert_eq!(urls, ["claims/cheap/", "claims/data/"]);
    }

    #[test]
    fn content_has_every_searchable_part_statement_first() {
        let g = graph();
        let records = records(&g, "en");
        let content = &record(&records, "claims/cheap/").content;
        let lines: Vec<&str> = content.lines().collect();
        assert_eq!(lines[0], "Price wars will go on.");
        for part in [
            "价格战还会继续",
            "The price war will go on",
            "97% price cut",
            "Said in 2025, see the talk.",
            "one item",
            "徐立 Xu Li Li Xu",
            "AI lifelines",
            "IT时报",
            "A talk",
            "The price war",
            "Compute",
        ] {
            assert!(lines.contains(&part), "{part:?} missing from {lines:#?}");
        }
    }

    #[test]
    fn content_leaves_out_markup_link_targets_and_raw_html() {
        let g = graph();
        let records = records(&g, "en");
        let content = &record(&records, "claims/cheap/").content;
        for absent in ["**", "](", "example.org", "<script", "alert", "`"] {
            assert!(!content.contains(absent), "{absent:?} in {content}");
        }
    }

    #[test]
    fn meta_is_what_a_result_shows_in_the_interface_language() {
        let g = graph();
        let en = records(&g, "en");
        let meta = &record(&en, "claims/cheap/").meta;
        assert_eq!(meta["title"], "Price wars will go on.");
        assert_eq!(meta["speaker"], "徐立");
        assert_eq!(meta["date"], "Jan 2025");
        assert_eq!(meta["date_iso"], "2025-01");
        assert_eq!(meta["topic"], "The price war, Compute");
        assert_eq!(meta.len(), 5);
        let zh = records(&g, "zh");
        let meta = &record(&zh, "claims/cheap/").meta;
        assert_eq!(meta["date"], "2025年1月");
        assert_eq!(meta["topic"], "The price war、Compute");
    }

    #[test]
    fn filters_are_ids_and_enum_values() {
        let g = graph();
        let records = records(&g, "zh");
        let filters = &record(&records, "claims/cheap/").filters;
        assert_eq!(filters["speaker"], ["xu-li"]);
        assert_eq!(filters["topic"], ["price-war", "compute"]);
        assert_eq!(filters["kind"], ["prediction"]);
        assert_eq!(filters["status"], ["open"]);
        let filters = &record(&records, "claims/data/").filters;
        assert_eq!(filters["kind"], ["opinion"]);
        assert_eq!(filters["status"], ["confirmed"]);
        assert_eq!(record(&records, "claims/data/").sort["date"], "2024");
    }

    #[test]
    fn plain_text_keeps_words_one_block_per_line() {
        let text = plain_text(
            "# Title {#t}\n\nA *b* [c](http://x) `d`.\n\n| h1 | h2 |\n|---|---|\n| x | y |\n\n\
             1. one\n2. two\n\n<div>raw</div>\n\n```\ncode\n```\n",
        );
        assert_eq!(text, "Title\nA b c d.\nh1 h2\nx y\none\ntwo\ncode");
    }
}
