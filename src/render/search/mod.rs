//! Search: the `/search/` page and the index it queries in the browser,
//! with no server.
//!
//! 1. [`search_records`]: one record per published claim (its quote,
//!    translation, figures and body text to show as a snippet; its
//!    statement, its speakers' names with their aliases, its source's and
//!    origin's titles and outlets and its topics' titles and search terms
//!    to find it by), then one per speaker, source and topic page; metadata
//!    for the result list (`type`, `title`, `lead`, `speaker`, `date`,
//!    `topic`, `detail`) and, for claims only, filters (`speaker`, `topic`,
//!    `kind`, `status`, by id) and a date sort key.
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
//!
//! Each step has a file: [`record`] makes the records, [`index`] runs
//! Pagefind over them, [`page`] renders the search page.

pub mod index;
pub mod page;
pub mod record;

pub use index::{index_diagnostic, index_files};
pub use page::{FilterChoice, SearchView, search_page, search_view};
pub use record::{SearchRecord, claim_record, plain_text, search_records};

/// The search page, below the base path.
pub const PAGE: &str = "search/";
/// The bundle for queries in Latin script (English), below the base path.
pub const BUNDLE: &str = "pagefind/";
/// The bundle for queries with Chinese (or Japanese) characters.
pub const BUNDLE_ZH: &str = "pagefind/zh/";

#[cfg(test)]
mod fixture {
    use super::*;
    use crate::graph::{Graph, link};
    use crate::load::{FileKind, InputFile};
    use crate::parse::{PartialDate, parse_files};
    use crate::render::views::ViewContext;

    pub fn file(kind: FileKind, id: &str, text: &str) -> InputFile {
        InputFile::in_content(kind, id, text)
    }

    /// 徐立 (alias Xu Li) says one thing in Chinese, reported by one source
    /// and first said in another; 何恩培 says another thing.
    pub fn graph() -> Graph {
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
                "---\ntitle: The price war\nquestion: Will prices fall?\nsearch_terms: [pricing]\n---\n",
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

    pub fn records(graph: &Graph, language: &str) -> Vec<SearchRecord> {
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

    pub fn record<'a>(records: &'a [SearchRecord], url: &str) -> &'a SearchRecord {
        records.iter().find(|r| r.url == url).expect(url)
    }
}
