//! Search: the `/search/` page and the index it queries in the browser,
//! with no server.
//!
//! 1. [`search_records`]: one record per published claim: its statement,
//!    quote, translation, figures and body text, its speakers' names with
//!    their aliases, its source's and origin's titles and outlets and its
//!    topics' titles; metadata for the result list (`title`, `speaker`,
//!    `date`, `topic`) and filters (`speaker`, `topic`, `kind`, `status`, by
//!    id).
//! 2. [`index_files`]: [Pagefind](https://pagefind.app) indexes the records
//!    twice, because it has one tokenizer per language: `pagefind/` as
//!    English (case folding and Snowball stemming, so `price wars` and
//!    `price war` meet) and `pagefind/zh/` as Chinese (dictionary word
//!    segmentation, so `预训练` is looked up as the words 预 and 训练, never
//!    as loose characters). `assets/search.js` sends a query with Han or
//!    kana characters to the second and any other query to the first.
//! 3. [`search_page`]: `search.html`, with the filters' choices.
//!
//! Pagefind's Rust API is async; it runs on a small runtime that lives only
//! inside [`index_files`]. Its files come back as values, so rendering still
//! never touches the disk.

use std::borrow::Borrow;
use std::collections::BTreeMap;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use serde::Serialize;
use tera::Context;

use super::i18n::{script_lang, tr};
use super::pages::{Crumb, PageMeta};
use super::templates::Theme;
use super::views::{Ref, ViewContext, claim_path};
use crate::config::Config;
use crate::diagnostics::{Diagnostic, Pos};
use crate::parse::Claim;
use crate::write::OutputFile;

/// The search page, below the base path.
pub const PAGE: &str = "search/";
/// The bundle for queries in Latin script (English), below the base path.
pub const BUNDLE: &str = "pagefind/";
/// The bundle for queries with Chinese (or Japanese) characters.
pub const BUNDLE_ZH: &str = "pagefind/zh/";

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
        ("date".to_string(), summary.date.display.clone()),
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

/// The two Pagefind bundles for `records`, as output files.
pub fn index_files<R>(records: &[R]) -> Result<Vec<OutputFile>, String>
where
    R: Borrow<SearchRecord> + Sync,
{
    // Side by side: Pagefind indexes one record at a time under a lock, so
    // each bundle keeps one core busy. At 10,000 claims both together took
    // 28 s against 43 s one after the other, for 15% more peak memory
    // (3.1 GB against 2.6 GB: each index is held whole while it is built).
    let en = || index_bundle(records, "en", BUNDLE, true);
    let zh = || index_bundle(records, "zh", BUNDLE_ZH, false);
    let (en, zh) = if rayon::current_thread_index().is_some() {
        // In a thread pool (`serve` indexes in one of low priority): in
        // it, so that Pagefind's own parallel work stays there too.
        rayon::join(en, zh)
    } else {
        std::thread::scope(|scope| {
            let zh = scope.spawn(zh);
            let en = en();
            let zh = zh
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (en, zh)
        })
    };
    let mut files = en?;
    files.extend(zh?);
    Ok(files)
}

/// One bundle: the records indexed as `language`, written below `dir`.
/// Only what `assets/search.js` loads is kept: the index, its WebAssembly
/// and Pagefind's search API (from the first bundle only; the second is
/// queried through it). Pagefind's web worker (unused, see
/// `assets/search.js`) and ready-made UIs are left out.
fn index_bundle<R: Borrow<SearchRecord>>(
    records: &[R],
    language: &str,
    dir: &str,
    with_api: bool,
) -> Result<Vec<OutputFile>, String> {
    use pagefind::api::PagefindIndex;
    use pagefind::options::PagefindServiceConfig;

    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| format!("cannot start the search indexer: {e}"))?;
    let files = runtime.block_on(async {
        let options = PagefindServiceConfig::builder()
            .force_language(language.to_string())
            .keep_index_url(true)
            .build();
        let mut index = PagefindIndex::new(Some(options)).map_err(|e| e.to_string())?;
        for record in records {
            let record = record.borrow();
            index
                .add_custom_record(
                    record.url.clone(),
                    record.content.clone(),
                    language.to_string(),
                    Some(record.meta.clone()),
                    Some(record.filters.clone()),
                    Some(record.sort.clone()),
                )
                .await
                .map_err(|e| format!("{}: {e}", record.url))?;
        }
        index.get_files().await.map_err(|e| e.to_string())
    })?;
    Ok(files
        .into_iter()
        .filter_map(|file| {
            let name = file.filename.to_string_lossy().replace('\\', "/");
            let keep = name.starts_with("index/")
                || name.starts_with("fragment/")
                || name.starts_with("filter/")
                || name.ends_with(".pf_meta")
                || name == "pagefind-entry.json"
                || name.starts_with("wasm.")
                || (with_api && name == "pagefind.js");
            keep.then(|| OutputFile::new(format!("{dir}{name}"), file.contents))
        })
        .collect())
}

/// One choice of a filter on the search page.
#[derive(Debug, Clone, Serialize)]
pub struct FilterChoice {
    /// The value in the index (an id, a kind, a status).
    pub value: String,
    pub label: String,
    /// The label's language when its script is not the interface's.
    pub lang: Option<&'static str>,
    pub count: usize,
}

/// `search` in `search.html`.
#[derive(Debug, Clone, Serialize)]
pub struct SearchView {
    /// URLs of the two bundles, from the host root.
    pub bundle: String,
    pub bundle_zh: String,
    pub speakers: Vec<FilterChoice>,
    pub topics: Vec<FilterChoice>,
    pub kinds: Vec<FilterChoice>,
    pub statuses: Vec<FilterChoice>,
}

/// What the search page offers to filter by: every speaker and topic with
/// claims, every kind and status, with how many claims each has.
pub fn search_view(cx: &ViewContext<'_>) -> SearchView {
    let g = cx.graph;
    let speakers = g
        .speakers
        .iter()
        .zip(&g.by_speaker)
        .filter(|(_, claims)| !claims.is_empty())
        .map(|(s, claims)| FilterChoice {
            value: s.id.clone(),
            label: s.name.clone(),
            lang: script_lang(&s.name, cx.language),
            count: claims.len(),
        })
        .collect();
    let topics = g
        .topics
        .iter()
        .zip(&g.by_topic)
        .filter(|(_, claims)| !claims.is_empty())
        .map(|(t, claims)| FilterChoice {
            value: t.id.clone(),
            label: t.title.clone(),
            lang: None,
            count: claims.len(),
        })
        .collect();
    let count = |f: &dyn Fn(&Claim) -> bool| g.claims.iter().filter(|c| f(c)).count();
    let choices = |prefix: &str, values: &[&str], field: fn(&Claim) -> &str| {
        values
            .iter()
            .map(|v| FilterChoice {
                value: v.to_string(),
                label: tr(cx.language, &format!("{prefix}_{v}")).to_string(),
                lang: None,
                count: count(&|c| field(c) == *v),
            })
            .filter(|c| c.count > 0)
            .collect()
    };
    SearchView {
        bundle: format!("{}{BUNDLE}", cx.base),
        bundle_zh: format!("{}{BUNDLE_ZH}", cx.base),
        speakers,
        topics,
        kinds: choices(
            "kind",
            &["opinion", "prediction", "statistic", "announcement"],
            |c| c.kind,
        ),
        statuses: choices(
            "status",
            &["open", "confirmed", "refuted", "mixed", "unverifiable"],
            |c| c.status,
        ),
    }
}

/// `/search/` from `search.html`.
pub fn search_page(
    theme: &Theme,
    config: &Config,
    cx: &ViewContext<'_>,
) -> Result<OutputFile, Diagnostic> {
    let title = tr(cx.language, "search").to_string();
    let url = format!("{}{PAGE}", cx.base);
    let absolute = config.absolute_base().map(|b| format!("{b}{PAGE}"));
    let jsonld = super::structured::web_page(
        "SearchResultsPage",
        &title,
        absolute.as_deref().unwrap_or(&url),
        cx.language,
    );
    let meta = PageMeta {
        title,
        path: PAGE.to_string(),
        url,
        canonical: absolute,
        description: config.description.clone(),
        section: "search",
        breadcrumbs: vec![Crumb {
            name: tr(cx.language, "home").to_string(),
            url: cx.base.to_string(),
        }],
        jsonld: super::structured::to_script_json(&jsonld),
        feed: None,
    };
    let mut context = Context::new();
    context.insert("page", &meta);
    context.insert("search", &search_view(cx));
    let html = theme.render("search.html", &context)?;
    Ok(OutputFile::new(
        format!("{PAGE}index.html"),
        html.into_bytes(),
    ))
}

/// An indexing failure as a diagnostic (Pagefind reports no position).
pub fn index_diagnostic(message: String) -> Diagnostic {
    Diagnostic::error("(search index)", Pos::START, message)
        .with_help("this is a bug in claimbase or Pagefind; please report it")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{Graph, link};
    use crate::load::{FileKind, InputFile};
    use crate::parse::{PartialDate, parse_files};

    fn file(kind: FileKind, id: &str, text: &str) -> InputFile {
        InputFile::in_content(kind, id, text)
    }

    /// 徐立 (alias Xu Li) says one thing in Chinese, reported by one source
    /// and first said in another; 何恩培 says another thing.
    fn graph() -> Graph {
        let files = [
            file(
                FileKind::Speaker,
                "xu-li",
                "---\nname: 徐立\naliases: [Xu Li, Li Xu]\n---\nCEO.\n",
            ),
            file(FileKind::Speaker, "he-enpei", "---\nname: 何恩培\n---\n"),
            file(
                FileKind::Source,
                "it-times",
                "---\ntitle: AI lifelines\noutlet: IT时报\nlang: zh\n---\n",
            ),
            file(
                FileKind::Source,
                "talk",
                "---\ntitle: A talk\nkind: talk\n---\n",
            ),
            file(
                FileKind::Topic,
                "price-war",
                "---\ntitle: The price war\n---\n",
            ),
            file(FileKind::Topic, "compute", "---\ntitle: Compute\n---\n"),
            file(
                FileKind::Claim,
                "cheap",
                "---\nclaim: Price wars will go on.\nspeaker: xu-li\ndate: 2025-01\n\
                 source: {id: it-times, locator: 二}\norigin: talk\n\
                 topics: [price-war, compute]\nkind: prediction\n\
                 quote: 价格战还会继续\ntranslation: The price war will go on\n\
                 figures:\n  - {value: 97, unit: \"%\", about: price cut}\n---\n\
                 Said in **2025**, see [the talk](https://example.org/t).\n\n\
                 - one `item`\n\n<script>alert(1)</script>\n",
            ),
            file(
                FileKind::Claim,
                "data",
                "---\nclaim: 数推分离 is a path to data.\nspeaker: he-enpei\ndate: 2024\n\
                 source: it-times\ntopics: [compute]\nstatus: confirmed\n---\n",
            ),
        ];
        let (records, diagnostics) = parse_files(&files);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        link(records, false)
    }

    fn records(graph: &Graph, language: &str) -> Vec<SearchRecord> {
        let cx = ViewContext {
            graph,
            base: "/ai-claims/",
            language,
            today: PartialDate {
                year: 2025,
                month: Some(1),
                day: Some(1),
            },
        };
        search_records(&cx)
    }

    fn record<'a>(records: &'a [SearchRecord], url: &str) -> &'a SearchRecord {
        records.iter().find(|r| r.url == url).expect(url)
    }

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

    #[test]
    fn search_view_offers_used_speakers_and_topics_and_present_values() {
        let g = graph();
        let cx = ViewContext {
            graph: &g,
            base: "/",
            language: "en",
            today: PartialDate {
                year: 2025,
                month: None,
                day: None,
            },
        };
        let view = search_view(&cx);
        assert_eq!(view.bundle, "/pagefind/");
        assert_eq!(view.bundle_zh, "/pagefind/zh/");
        let speakers: Vec<_> = view
            .speakers
            .iter()
            .map(|c| (c.value.as_str(), c.lang, c.count))
            .collect();
        assert_eq!(
            speakers,
            [("he-enpei", Some("zh"), 1), ("xu-li", Some("zh"), 1)]
        );
        let kinds: Vec<_> = view
            .kinds
            .iter()
            .map(|c| (c.label.as_str(), c.count))
            .collect();
        assert_eq!(kinds, [("Opinion", 1), ("Prediction", 1)]);
        let statuses: Vec<_> = view.statuses.iter().map(|c| c.value.as_str()).collect();
        assert_eq!(statuses, ["open", "confirmed"]);
        assert_eq!(view.topics.len(), 2);
    }

    #[test]
    fn index_files_make_two_bundles_the_same_on_every_build() {
        let g = graph();
        let records = records(&g, "en");
        let files = index_files(&records).unwrap();
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        for path in [
            "pagefind/pagefind.js",
            "pagefind/pagefind-entry.json",
            "pagefind/wasm.en.pagefind",
            "pagefind/zh/pagefind-entry.json",
            "pagefind/zh/wasm.unknown.pagefind",
        ] {
            assert!(paths.contains(&path), "{path} missing from {paths:?}");
        }
        assert!(!paths.iter().any(|p| p.contains("-ui")), "{paths:?}");
        assert!(!paths.contains(&"pagefind/zh/pagefind.js"));
        assert!(!paths.iter().any(|p| p.ends_with("pagefind-worker.js")));
        for (entry, language) in [
            ("pagefind/pagefind-entry.json", "en"),
            ("pagefind/zh/pagefind-entry.json", "zh"),
        ] {
            let bytes = &files.iter().find(|f| f.path == entry).unwrap().bytes;
            let json: serde_json::Value = serde_json::from_slice(bytes).unwrap();
            let languages = json["languages"].as_object().unwrap();
            assert_eq!(languages.keys().collect::<Vec<_>>(), [language]);
            assert_eq!(languages[language]["page_count"], 2);
        }
        let mut files = files;
        let mut again = index_files(&records).unwrap();
        files.sort_by(|a, b| a.path.cmp(&b.path));
        again.sort_by(|a, b| a.path.cmp(&b.path));
        let differ: Vec<&str> = files
            .iter()
            .zip(&again)
            .filter(|(a, b)| a != b)
            .map(|(a, _)| a.path.as_str())
            .collect();
        assert_eq!(files.len(), again.len());
        assert!(differ.is_empty(), "not reproducible: {differ:?}");
    }
}
