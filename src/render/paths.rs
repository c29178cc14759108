//! The paths a site's output holds, known before anything is rendered:
//! `serve` keeps only these after a rebuild, and a static file may take
//! none of them.

use std::collections::BTreeSet;

use super::search;
use super::templates::ASSETS;
use super::views::{
    TimelinePages, claim_path, list_path, page_path, record_path, source_path, speaker_path,
    timeline_path, topic_path,
};

/// The file of redirects hosts such as Netlify and Cloudflare Pages read.
pub const REDIRECTS: &str = "_redirects";
use crate::config::Config;
use crate::diagnostics::{Diagnostic, Pos};
use crate::graph::Graph;
use crate::load::StaticFile;

/// Pages always rendered after any content change (the search page, which
/// counts the claims of every speaker, topic, kind and status, is made
/// only when the site has search).
pub const ALWAYS: [&str; 6] = [
    "index.html",
    "timeline/index.html",
    "speakers/index.html",
    "sources/index.html",
    "topics/index.html",
    "search/index.html",
];

/// The files every site has besides its pages (the feeds of topics and
/// speakers are in [`page_paths`]).
pub const PUBLISHED: [&str; 5] = [
    "feed.xml",
    "sitemap.xml",
    "robots.txt",
    "claims.json",
    "claims.csv",
];

/// The HTML pages a graph makes, and the feeds that go with its topic and
/// speaker pages.
pub fn page_paths(graph: &Graph, config: &Config) -> BTreeSet<String> {
    let mut pages: BTreeSet<String> = ALWAYS
        .iter()
        .chain(&["404.html"])
        .filter(|p| config.search || !p.starts_with(search::PAGE))
        .map(|p| p.to_string())
        .collect();
    let page = |path: String| format!("{path}index.html");
    let timeline = TimelinePages {
        size: config.timeline_page_size,
        claims: graph.claims.len(),
    };
    pages.extend((1..=timeline.count()).map(|n| page(timeline_path(n))));
    pages.extend(graph.claims.iter().map(|c| page(claim_path(&c.id))));
    pages.extend(graph.speakers.iter().map(|s| page(speaker_path(&s.id))));
    pages.extend(graph.sources.iter().map(|s| page(source_path(&s.id))));
    if config.archive_publish != crate::config::ArchivePublish::None {
        let text = |id: &str| page(crate::render::archive::source_text_path(id));
        pages.extend(graph.archives.keys().map(|id| text(id)));
    }
    pages.extend(graph.topics.iter().map(|t| page(topic_path(&t.id))));
    pages.extend(graph.pages.iter().map(|p| page(page_path(&p.id))));
    // The later pages of lists split over pages.
    let lists = graph
        .speakers
        .iter()
        .zip(&graph.by_speaker)
        .map(|(s, c)| (speaker_path(&s.id), c.len()))
        .chain(
            graph
                .sources
                .iter()
                .zip(&graph.by_source)
                .map(|(s, c)| (source_path(&s.id), c.len())),
        )
        .chain(
            graph
                .topics
                .iter()
                .zip(&graph.by_topic)
                .map(|(t, c)| (topic_path(&t.id), c.len())),
        );
    for (path, claims) in lists {
        let count = TimelinePages {
            size: config.list_page_size,
            claims,
        }
        .count();
        pages.extend((2..=count).map(|n| page(list_path(&path, n))));
    }
    pages.extend(
        graph
            .redirects()
            .into_iter()
            .map(|(kind, old, _)| page(record_path(kind, old))),
    );
    let feed = |path: String| format!("{path}feed.xml");
    pages.extend(graph.speakers.iter().map(|s| feed(speaker_path(&s.id))));
    pages.extend(graph.topics.iter().map(|t| feed(topic_path(&t.id))));
    pages
}

/// Every path the site generates: its pages and feeds, the files beside
/// them and the theme's assets (the search bundle, under `pagefind/`,
/// aside).
pub fn generated_paths(graph: &Graph, config: &Config) -> BTreeSet<String> {
    let mut paths = page_paths(graph, config);
    paths.extend(PUBLISHED.iter().map(|p| p.to_string()));
    paths.extend(ASSETS.iter().map(|(p, _)| p.to_string()));
    if !graph.redirects().is_empty() {
        paths.insert(REDIRECTS.to_string());
    }
    paths
}

/// A static file may not take the place of a file the site makes: one
/// error for each that would.
pub fn static_collisions(
    statics: &[StaticFile],
    graph: &Graph,
    config: &Config,
) -> Vec<Diagnostic> {
    let generated = generated_paths(graph, config);
    let output = config.output.display().to_string();
    statics
        .iter()
        .filter(|f| {
            generated.contains(&f.path) || (config.search && f.path.starts_with(search::BUNDLE))
        })
        .map(|f| {
            Diagnostic::error(
                &f.shown,
                Pos::START,
                format!(
                    "`{}` would replace `{output}/{}`, a file the site makes",
                    f.shown, f.path
                ),
            )
            .with_help("rename or move the static file; the site writes that path itself")
        })
        .collect()
}
