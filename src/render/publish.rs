//! The files beside the pages: the feeds, the sitemap, robots.txt and the
//! data export, made with the pages or alone after an edit.

use super::*;

/// Which of the feeds, sitemap, robots.txt and data files a rebuild makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Publish {
    /// All of them (the feeds of the pages it renders).
    All,
    /// None: nothing they show changed.
    Nothing,
    /// After claims were edited in place, with the same dates: the data
    /// files, and the feeds listing any of these claims (by index). The
    /// sitemap, whose pages and dates are the same, is left as it was.
    Showing(Vec<usize>),
}

/// The feeds, sitemap, robots.txt and data export alone, for a rebuild
/// that rendered its pages without them (`only` as given to it).
pub fn publish(
    input: Input<'_>,
    only: Option<&std::collections::BTreeSet<String>>,
    what: &Publish,
) -> Vec<OutputFile> {
    if *what == Publish::Nothing {
        return Vec::new();
    }
    let (graph, config, rows) = (input.graph, input.config, input.prepared.rows.as_deref());
    with_view_context(graph, config, input.today, |cx| {
        publish_files(graph, config, cx, only, rows, what)
    })
}

/// The data export's rows of every claim, each [`data::Rows`] holding a
/// chunk of claims' rows joined, which the export joins the same way.
fn data_rows_in_chunks(
    graph: &Graph,
    cx: &ViewContext<'_>,
    absolute: Option<&str>,
) -> Vec<data::Rows> {
    const CHUNK: usize = 256;
    let indexes: Vec<usize> = (0..graph.claims.len()).collect();
    indexes
        .par_chunks(CHUNK)
        .map(|chunk| {
            let rows: Vec<data::Rows> = chunk
                .iter()
                .map(|&i| data::Rows::new(graph, cx, absolute, i))
                .collect();
            data::Rows::joined(&rows)
        })
        .collect()
}

/// Feeds, sitemap, robots.txt and the data export (from `rows`, every
/// claim's, when kept). A topic's or speaker's feed shows what its page
/// shows, so it is made only when its page is in `only` (or when `only` is
/// `None`).
pub(super) fn publish_files(
    graph: &Graph,
    config: &Config,
    cx: &ViewContext<'_>,
    only: Option<&std::collections::BTreeSet<String>>,
    rows: Option<&[data::Rows]>,
    what: &Publish,
) -> Vec<OutputFile> {
    use feed::{FeedSpec, SitemapEntry, atom_feed};
    use views::{claim_path, source_path, speaker_path, topic_path};
    let mut files = Vec::new();
    let all: Vec<usize> = (0..graph.claims.len()).collect();
    let mut feeds = vec![FeedSpec {
        path: "feed.xml".into(),
        title: config.title.clone(),
        page: String::new(),
        claims: &all,
    }];
    let wanted = |page: &str| only.is_none_or(|set| set.contains(&format!("{page}index.html")));
    for (t, topic) in graph.topics.iter().enumerate() {
        if !wanted(&topic_path(&topic.id)) {
            continue;
        }
        feeds.push(FeedSpec {
            path: format!("{}feed.xml", topic_path(&topic.id)),
            title: format!("{} · {}", topic.title, config.title),
            page: topic_path(&topic.id),
            claims: &graph.by_topic[t],
        });
    }
    for (s, speaker) in graph.speakers.iter().enumerate() {
        if !wanted(&speaker_path(&speaker.id)) {
            continue;
        }
        feeds.push(FeedSpec {
            path: format!("{}feed.xml", speaker_path(&speaker.id)),
            title: format!("{} · {}", speaker.name, config.title),
            page: speaker_path(&speaker.id),
            claims: &graph.by_speaker[s],
        });
    }
    let mut feeds: Vec<(FeedSpec, Vec<usize>)> = feeds
        .into_par_iter()
        .map(|spec| {
            let entries = spec.entries(graph);
            (spec, entries)
        })
        .collect();
    if let Publish::Showing(edited) = what {
        feeds.retain(|(_, entries)| entries.iter().any(|i| edited.contains(i)));
    }
    let absolute = config.absolute_base();
    let (feeds, (json, csv)) = rayon::join(
        || {
            feeds
                .par_iter()
                .map(|(spec, entries)| {
                    let xml = atom_feed(graph, cx, config, spec, entries);
                    OutputFile::new(spec.path.clone(), xml)
                })
                .collect::<Vec<_>>()
        },
        || {
            // Kept rows, or made now in parallel, a chunk of claims at a time.
            let made;
            let rows = match rows {
                Some(rows) => rows,
                None => {
                    made = data_rows_in_chunks(graph, cx, absolute.as_deref());
                    &made
                }
            };
            rayon::join(
                || data::claims_json(cx, &config.title, &config.base_url, rows),
                || data::claims_csv(rows),
            )
        },
    );
    files.extend(feeds);
    files.push(OutputFile::new("claims.json", json));
    files.push(OutputFile::new("claims.csv", csv));
    // One robots.txt and one `_redirects`, at the host's root, serve the
    // site in every language.
    let site_root = config.language == config.default_language();
    if site_root {
        files.push(OutputFile::new("robots.txt", feed::robots(config)));
    }
    if let Publish::Showing(_) = what {
        return files;
    }

    let changed = |i: usize| feed::changed(graph, i);
    let newest = |list: &[usize]| list.iter().map(|&i| changed(i)).max();
    let site_newest = newest(&all);
    let mut entries = vec![SitemapEntry {
        path: String::new(),
        lastmod: site_newest,
    }];
    let lists = ["topics/", "speakers/", "sources/", "timeline/"];
    let search_page = config.search.then_some(search::PAGE);
    for list in lists.into_iter().chain(search_page) {
        entries.push(SitemapEntry {
            path: list.into(),
            lastmod: site_newest,
        });
    }
    let timeline = views::TimelinePages {
        size: config.timeline_page_size,
        claims: graph.claims.len(),
    };
    for n in 2..=timeline.count() {
        entries.push(SitemapEntry {
            path: views::timeline_path(n),
            lastmod: newest(&timeline.claims_on(n).collect::<Vec<_>>()),
        });
    }
    for (i, c) in graph.claims.iter().enumerate() {
        entries.push(SitemapEntry {
            path: claim_path(&c.id),
            lastmod: Some(changed(i)),
        });
    }
    // A list split over pages: each page, dated by its own claims.
    let mut lists = |path: String, claims: &[usize]| {
        let pages = views::TimelinePages {
            size: config.list_page_size,
            claims: claims.len(),
        };
        for n in 1..=pages.count() {
            entries.push(SitemapEntry {
                path: views::list_path(&path, n),
                lastmod: newest(&claims[pages.claims_on(n)]),
            });
        }
    };
    for (k, s) in graph.speakers.iter().enumerate() {
        lists(speaker_path(&s.id), &graph.by_speaker[k]);
    }
    for (k, s) in graph.sources.iter().enumerate() {
        lists(source_path(&s.id), &graph.by_source[k]);
    }
    for (k, t) in graph.topics.iter().enumerate() {
        lists(topic_path(&t.id), &graph.by_topic[k]);
    }
    if config.archive_publish != crate::config::ArchivePublish::None {
        for (k, s) in graph.sources.iter().enumerate() {
            if graph.archives.contains_key(&s.id) {
                entries.push(SitemapEntry {
                    path: crate::render::archive::source_text_path(&s.id),
                    lastmod: newest(&graph.by_source[k]),
                });
            }
        }
    }
    let redirects = graph.redirects();
    if !redirects.is_empty() && site_root {
        let mut lines = String::new();
        for language in config.site_languages() {
            let (base, _) = config.language_base(&language);
            for (kind, old, id) in &redirects {
                lines.push_str(&format!(
                    "{base}{} {base}{} 301\n",
                    views::record_path(*kind, old),
                    views::record_path(*kind, id)
                ));
            }
        }
        files.push(OutputFile::new(super::paths::REDIRECTS, lines.into_bytes()));
    }
    for p in &graph.pages {
        entries.push(SitemapEntry {
            path: views::page_path(&p.id),
            lastmod: None,
        });
    }
    if let Some(sitemap) = feed::sitemap(config, &entries) {
        files.push(OutputFile::new("sitemap.xml", sitemap));
    }
    files
}
