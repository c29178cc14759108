//! The search records: one per published claim, and one per speaker,
//! source and topic page, each saying what the index matches and what a
//! result shows.
//!
//! A record's content is in two parts. First the words a result may show
//! as its snippet: for a claim its quote, translation, figures and body
//! (not the statement, which is the result's title); for a speaker, source
//! or topic its page's text. Then words that only find it: the statement,
//! names with their aliases, titles, outlets and topics' search terms.
//! `meta.lead` counts the first part's words (runs of characters between
//! white space), so `assets/search.js` cuts the snippet from it and never
//! shows an alias list.

use std::collections::BTreeMap;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use crate::parse::{Claim, Page, Source, Speaker, Topic};
use crate::render::i18n::tr;
use crate::render::views::{
    Ref, ViewContext, claim_path, page_path, source_path, speaker_path, topic_path,
};

/// One claim, speaker, source or topic as the index sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchRecord {
    /// The page below the base path (`claims/x/`): the browser adds the
    /// base, so the index is the same whatever `base_url` is.
    pub url: String,
    /// Everything searchable, one part per line: the snippet's words, then
    /// the words that only find the record.
    pub content: String,
    /// Shown in a result: `type` (`claim`, `speaker`, `source`, `topic`, `page`),
    /// `title`, `lead`; for a claim also `speaker`, `date`, `date_iso` and
    /// `topic`; for the others `detail` (a role, an outlet) when there is
    /// one.
    pub meta: BTreeMap<String, String>,
    /// A claim's `speaker`, `topic`, `kind` and `status`, as ids. Speakers,
    /// sources and topics have none, so any filter leaves them out: the
    /// filters choose among claims.
    pub filters: BTreeMap<String, Vec<String>>,
    /// A claim's `date`: its ISO date, then its id inverted (see
    /// [`date_sort_key`]), for listing filter-only results newest first.
    pub sort: BTreeMap<String, String>,
}

/// Every published claim as a search record, in graph order, then every
/// speaker, source, topic and page (the claims come first, so that a claim's
/// record is at its index in the graph).
pub fn search_records(cx: &ViewContext<'_>) -> Vec<SearchRecord> {
    use rayon::prelude::*;
    let g = cx.graph;
    let mut records: Vec<SearchRecord> = g
        .claims
        .par_iter()
        .map(|claim| claim_record(cx, claim))
        .collect();
    records.extend(g.speakers.iter().map(speaker_record));
    records.extend(g.sources.iter().map(source_record));
    records.extend(g.topics.iter().map(topic_record));
    records.extend(g.pages.iter().map(page_record));
    records
}

/// One claim's record.
pub fn claim_record(cx: &ViewContext<'_>, claim: &Claim) -> SearchRecord {
    let g = cx.graph;
    let summary = cx.claim_summary(claim);
    let same = |text: &str| text.trim().eq_ignore_ascii_case(claim.claim.trim());
    let mut lead: Vec<String> = Vec::new();
    lead.extend(claim.quote.as_ref().map(|q| q.value.clone()));
    lead.extend(claim.translation.clone().filter(|t| !same(t)));
    for figure in &claim.figures {
        let mut text = figure.value.display();
        text.extend(figure.unit.as_deref());
        if let Some(about) = &figure.about {
            text.push(' ');
            text.push_str(about);
        }
        lead.push(text);
    }
    lead.push(plain_text(&claim.body));

    let mut finders: Vec<String> = vec![claim.claim.clone()];
    for speaker in &claim.speakers {
        if let Some(&s) = g.speaker_index.get(&speaker.value) {
            finders.push(names(&g.speakers[s]));
        }
    }
    for source in std::iter::once(&claim.source).chain(&claim.origin) {
        if let Some(&s) = g.source_index.get(&source.value) {
            let s = &g.sources[s];
            finders.push(s.title.clone());
            finders.extend(s.outlet.clone());
        }
    }
    for topic in &claim.topics {
        if let Some(&t) = g.topic_index.get(&topic.value) {
            let t = &g.topics[t];
            finders.push(t.title.clone());
            finders.extend(t.search_terms.iter().cloned());
        }
    }
    let (content, lead) = content(&lead, &finders);

    let separator = tr(cx.language, "list_separator");
    let names = |refs: &[Ref]| {
        refs.iter()
            .map(|r| r.name.as_str())
            .collect::<Vec<_>>()
            .join(separator)
    };
    let ids = |refs: &[Ref]| refs.iter().map(|r| r.id.clone()).collect::<Vec<_>>();
    let meta = BTreeMap::from([
        ("type".to_string(), "claim".to_string()),
        ("title".to_string(), summary.claim.clone()),
        ("lead".to_string(), lead.to_string()),
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
    let sort = BTreeMap::from([(
        "date".to_string(),
        date_sort_key(&summary.date.iso, &claim.id),
    )]);
    SearchRecord {
        url: claim_path(&claim.id),
        content,
        meta,
        filters,
        sort,
    }
}

/// A speaker's page as a record: its biography to show, its name and
/// aliases, role and organisation to find it by.
pub fn speaker_record(speaker: &Speaker) -> SearchRecord {
    let lead = [plain_text(&speaker.body)];
    let mut finders = vec![names(speaker)];
    finders.extend(speaker.role.clone());
    entity_record(
        speaker_path(&speaker.id),
        "speaker",
        &speaker.name,
        speaker.role.as_deref(),
        &lead,
        &finders,
    )
}

/// A source's page as a record: its notes to show, its title, outlet and
/// authors to find it by.
pub fn source_record(source: &Source) -> SearchRecord {
    let lead = [plain_text(&source.body)];
    let mut finders = vec![source.title.clone()];
    finders.extend(source.outlet.clone());
    finders.extend(source.authors.iter().cloned());
    entity_record(
        source_path(&source.id),
        "source",
        &source.title,
        source.outlet.as_deref(),
        &lead,
        &finders,
    )
}

/// A topic's page as a record: its question and text to show, its title
/// and search terms to find it by.
pub fn topic_record(topic: &Topic) -> SearchRecord {
    let mut lead: Vec<String> = topic.question.iter().cloned().collect();
    lead.push(plain_text(&topic.body));
    let mut finders = vec![topic.title.clone()];
    finders.extend(topic.search_terms.iter().cloned());
    entity_record(
        topic_path(&topic.id),
        "topic",
        &topic.title,
        None,
        &lead,
        &finders,
    )
}

/// A free page as a record: its text to show, its title and description
/// to find it by.
pub fn page_record(page: &Page) -> SearchRecord {
    let lead = [plain_text(&page.body)];
    let mut finders = vec![page.title.clone()];
    finders.extend(page.description.clone());
    entity_record(
        page_path(&page.id),
        "page",
        &page.title,
        None,
        &lead,
        &finders,
    )
}

fn entity_record(
    url: String,
    kind: &str,
    title: &str,
    detail: Option<&str>,
    lead: &[String],
    finders: &[String],
) -> SearchRecord {
    let (content, lead) = content(lead, finders);
    let mut meta = BTreeMap::from([
        ("type".to_string(), kind.to_string()),
        ("title".to_string(), title.to_string()),
        ("lead".to_string(), lead.to_string()),
    ]);
    if let Some(detail) = detail.filter(|d| !d.trim().is_empty()) {
        meta.insert("detail".to_string(), detail.to_string());
    }
    SearchRecord {
        url,
        content,
        meta,
        filters: BTreeMap::new(),
        sort: BTreeMap::new(),
    }
}

/// A speaker's name and aliases, on one line.
fn names(speaker: &Speaker) -> String {
    std::iter::once(&speaker.name)
        .chain(&speaker.aliases)
        .cloned()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The content of a record, the snippet's parts first, one part per line
/// and each once; and how many words (runs between white space) the
/// snippet's parts have.
fn content(lead: &[String], finders: &[String]) -> (String, usize) {
    let mut seen = std::collections::HashSet::new();
    let mut keep = |parts: &[String]| -> Vec<String> {
        parts
            .iter()
            .map(|p| p.trim())
            .filter(|p| !p.is_empty() && seen.insert(p.to_lowercase()))
            .map(str::to_string)
            .collect()
    };
    let lead = keep(lead);
    let finders = keep(finders);
    let words = lead.iter().map(|p| p.split_whitespace().count()).sum();
    let content = lead
        .into_iter()
        .chain(finders)
        .collect::<Vec<_>>()
        .join("\n");
    (content, words)
}

/// A claim's sort key: its ISO date, then its id with every byte inverted
/// and a closing `~`. Pagefind sorts by one key, so the id goes into it: in
/// a list newest first, claims of one date then come in id order, as they
/// do on every page, and not in its reverse. (Ids are lower-case letters,
/// digits and hyphens: inverted they stay below `~`, so a shorter id, a
/// prefix of a longer one, sorts after it, and newest first before it.)
pub fn date_sort_key(date_iso: &str, id: &str) -> String {
    let inverted: String = id
        .bytes()
        .map(|b| char::from(b'~' - 1 - (b.saturating_sub(b' '))))
        .collect();
    format!("{date_iso} {inverted}~")
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
    fn a_free_page_is_found_by_its_title_and_description_and_shows_its_text() {
        use crate::load::{FileKind, InputFile};
        let file = InputFile::in_content(
            FileKind::Page,
            "about",
            "---\ntitle: About and method\ndescription: How quotes are checked.\n---\nEvery quote is checked against the archive.\n",
        );
        let (parsed, diagnostics) = crate::parse::parse_files(&[file]);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let record = page_record(&parsed.pages[0]);
        assert_eq!(record.url, "about/");
        assert_eq!(record.meta["type"], "page");
        assert_eq!(record.meta["title"], "About and method");
        assert_eq!(
            record.content,
            "Every quote is checked against the archive.\nAbout and method\nHow quotes are checked."
        );
        assert!(record.filters.is_empty(), "a filter lists claims only");
    }

    #[test]
    fn one_record_per_claim_then_per_speaker_source_and_topic() {
        let g = graph();
        let records = records(&g, "en");
        let urls: Vec<(&str, &str)> = records
            .iter()
            .map(|r| (r.url.as_str(), r.meta["type"].as_str()))
            .collect();
        assert_eq!(
            urls,
            [
                ("claims/data/", "claim"),
                ("claims/cheap/", "claim"),
                ("speakers/he-enpei/", "speaker"),
                ("speakers/xu-li/", "speaker"),
                ("sources/it-times/", "source"),
                ("sources/talk/", "source"),
                ("topics/compute/", "topic"),
                ("topics/price-war/", "topic"),
            ]
        );
    }

    #[test]
    fn content_has_the_snippet_words_first_then_what_only_finds_the_claim() {
        let g = graph();
        let records = records(&g, "en");
        let record = record(&records, "claims/cheap/");
        let lines: Vec<&str> = record.content.lines().collect();
        assert_eq!(
            lines,
            [
                "价格战还会继续",
                "The price war will go on",
                "97% price cut",
                "Said in 2025, see the talk.",
                "one item",
                "Price wars will go on.",
                "徐立 Xu Li Li Xu",
                "AI lifelines",
                "IT时报",
                "A talk",
                "The price war",
                "pricing",
                "Compute",
            ]
        );
        // 价格战还会继续 | The price war will go on | 97% price cut | Said in
        // 2025, see the talk. | one item: 1 + 6 + 3 + 6 + 2 words.
        assert_eq!(record.meta["lead"], "18");
    }

    #[test]
    fn a_part_is_indexed_once_and_the_lead_counts_its_words() {
        let parts = |list: &[&str]| list.iter().map(|p| p.to_string()).collect::<Vec<_>>();
        let (content, lead) = content(
            &parts(&["Prices fall.", " ", "two  words\there"]),
            &parts(&["prices fall.", "A source", "A source"]),
        );
        assert_eq!(content, "Prices fall.\ntwo  words\there\nA source");
        assert_eq!(lead, 5);
        assert_eq!(
            record(&records(&graph(), "en"), "claims/data/").meta["lead"],
            "0"
        );
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
        assert_eq!(meta["type"], "claim");
        assert_eq!(meta["title"], "Price wars will go on.");
        assert_eq!(meta["speaker"], "徐立");
        assert_eq!(meta["date"], "Jan 2025");
        assert_eq!(meta["date_iso"], "2025-01");
        assert_eq!(meta["topic"], "The price war, Compute");
        assert_eq!(meta.len(), 7);
        let zh = records(&g, "zh");
        let meta = &record(&zh, "claims/cheap/").meta;
        assert_eq!(meta["date"], "2025年1月");
        assert_eq!(meta["topic"], "The price war、Compute");
    }

    #[test]
    fn speakers_sources_and_topics_show_their_text_and_are_found_by_their_names() {
        let g = graph();
        let records = records(&g, "en");
        let xu = record(&records, "speakers/xu-li/");
        assert_eq!(xu.content, "CEO.\n徐立 Xu Li Li Xu");
        assert_eq!(xu.meta["title"], "徐立");
        assert_eq!(xu.meta["lead"], "1");
        assert!(xu.filters.is_empty() && xu.sort.is_empty());
        let source = record(&records, "sources/it-times/");
        assert_eq!(source.content, "AI lifelines\nIT时报");
        assert_eq!(source.meta["detail"], "IT时报");
        assert_eq!(source.meta["lead"], "0");
        let topic = record(&records, "topics/price-war/");
        assert_eq!(topic.content, "Will prices fall?\nThe price war\npricing");
        assert_eq!(topic.meta["type"], "topic");
        assert!(!topic.meta.contains_key("detail"));
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
    }

    #[test]
    fn the_sort_key_orders_by_date_then_newest_first_by_id() {
        let g = graph();
        let records = records(&g, "zh");
        assert!(record(&records, "claims/data/").sort["date"].starts_with("2024 "));
        // Newest first is the keys from largest to smallest.
        let mut keys = [
            date_sort_key("2025-01", "b"),
            date_sort_key("2025-01", "a-2"),
            date_sort_key("2025-01-05", "z"),
            date_sort_key("2025-01", "a"),
            date_sort_key("2025", "y"),
            date_sort_key("2025-02", "c"),
        ];
        keys.sort_unstable_by(|a, b| b.cmp(a));
        let ids: Vec<&str> = keys.iter().map(|k| k.split(' ').next().unwrap()).collect();
        assert_eq!(
            ids,
            [
                "2025-02",
                "2025-01-05",
                "2025-01",
                "2025-01",
                "2025-01",
                "2025"
            ]
        );
        let month: Vec<String> = [
            date_sort_key("2025-01", "a"),
            date_sort_key("2025-01", "a-2"),
            date_sort_key("2025-01", "b"),
        ]
        .into_iter()
        .collect();
        let mut newest_first = month.clone();
        newest_first.sort_unstable_by(|a, b| b.cmp(a));
        assert_eq!(newest_first, month, "one month's claims come in id order");
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
