//! Stage 5: render. The linked graph and the theme become output files
//! (path and bytes), handed to a [`Sink`] as they are made. Nothing here
//! touches the disk.

pub mod chart;
pub mod data;
pub mod disputes;
pub mod feed;
pub mod i18n;
pub mod markdown;
pub mod pages;
pub mod search;
pub mod structured;
pub mod templates;
pub mod views;
pub mod watchdog;

use std::sync::{Mutex, OnceLock};

use rayon::prelude::*;

use tera::{Context, Value};

use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::graph::Graph;
use crate::parse::PartialDate;
use crate::sync::lock;
use crate::write::OutputFile;
use templates::Theme;
use views::ViewContext;

/// Where rendered files go as they are made, from any thread: collected in
/// memory (serve) or written into a build's staging folder. An error fails
/// the render, and is reported with the others.
pub type Sink<'a> = dyn Fn(OutputFile) -> Result<(), Diagnostic> + Sync + 'a;

/// Renders every file of the site, or every error found while rendering.
pub fn render_site(
    graph: &Graph,
    config: &Config,
    theme: &mut Theme,
    today: PartialDate,
) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    collect(|sink| render_site_to(graph, config, theme, today, sink))
}

/// Renders every file of the site into `sink`. The search index is built
/// on a thread of its own while the pages render; if they fail, their
/// errors come back at once, without waiting for it.
pub fn render_site_to(
    graph: &Graph,
    config: &Config,
    theme: &mut Theme,
    today: PartialDate,
    sink: &Sink<'_>,
) -> Result<(), Vec<Diagnostic>> {
    let index = search_records(graph, config, today)
        .map(|records| std::thread::spawn(move || search_index(&records)));
    render_selected_to(graph, config, theme, today, None, true, sink)?;
    let Some(index) = index else { return Ok(()) };
    let files = index.join().unwrap_or_else(|_| {
        Err(vec![search::index_diagnostic(
            "the search indexer stopped unexpectedly".into(),
        )])
    })?;
    for file in files {
        sink(file).map_err(|d| vec![d])?;
    }
    Ok(())
}

/// The files `render` hands to its sink, in path order.
fn collect(
    render: impl FnOnce(&Sink<'_>) -> Result<(), Vec<Diagnostic>>,
) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    let files = Mutex::new(Vec::new());
    render(&|file| {
        lock(&files).push(file);
        Ok(())
    })?;
    let mut files = files.into_inner().unwrap_or_else(|e| e.into_inner());
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// Runs `f` with the view context of `config`'s site.
fn with_view_context<R>(
    graph: &Graph,
    config: &Config,
    today: PartialDate,
    f: impl FnOnce(&ViewContext<'_>) -> R,
) -> R {
    let base = config.base_path();
    f(&ViewContext {
        graph,
        base: &base,
        language: &config.language,
        today,
    })
}

/// What the search index holds: one record per published claim; `None`
/// when the site has `search = false`.
pub fn search_records(
    graph: &Graph,
    config: &Config,
    today: PartialDate,
) -> Option<Vec<search::SearchRecord>> {
    if !config.search {
        return None;
    }
    Some(with_view_context(
        graph,
        config,
        today,
        search::search_records,
    ))
}

/// The search records of the claims at `indexes`, in that order.
pub fn search_records_of(
    graph: &Graph,
    config: &Config,
    today: PartialDate,
    indexes: &[usize],
) -> Vec<search::SearchRecord> {
    with_view_context(graph, config, today, |cx| {
        indexes
            .iter()
            .map(|&i| search::claim_record(cx, &graph.claims[i]))
            .collect()
    })
}

/// The search bundles for `records` (a site with no claims still gets
/// them, so its search page works and finds nothing).
pub fn search_index<R>(records: &[R]) -> Result<Vec<OutputFile>, Vec<Diagnostic>>
where
    R: std::borrow::Borrow<search::SearchRecord> + Sync,
{
    search::index_files(records).map_err(|e| vec![search::index_diagnostic(e)])
}

/// Renders the HTML pages whose output paths are in `only` (all when
/// `None`), the search page and the assets, and when `with_publish` the
/// feeds, sitemap and data export too (see [`publish`]), into `sink`; not
/// the search index (see [`search_index`]).
pub fn render_selected_to(
    graph: &Graph,
    config: &Config,
    theme: &mut Theme,
    today: PartialDate,
    only: Option<&std::collections::BTreeSet<String>>,
    with_publish: bool,
    sink: &Sink<'_>,
) -> Result<(), Vec<Diagnostic>> {
    let prepared = Prepared::new(graph, config, today);
    let input = Input {
        graph,
        config,
        today,
        prepared: &prepared,
    };
    render_prepared_to(input, theme, only, with_publish, sink)
}

/// What templates see of the records, worked out once and shared by the
/// pages; `serve` keeps it between rebuilds and updates only the claims an
/// edit changed.
pub struct Prepared {
    views: views::Views,
    /// Each claim's summary as a template value.
    summary_values: Vec<Value>,
    /// Each claim as `item` in lists: its summary with `html`, the summary
    /// rendered by `partials/claim-item.html`; made on the first render
    /// that needs it (see [`Prepared::items`]).
    items: Vec<OnceLock<Value>>,
    /// Each claim's rows of the data export, when kept (`serve`).
    rows: Option<Vec<data::Rows>>,
    /// The timeline chart, small (home page) and full (timeline): it
    /// counts claims by month and first topic, which an edit in place
    /// leaves as they were.
    charts: [chart::Chart; 2],
}

impl Prepared {
    pub fn new(graph: &Graph, config: &Config, today: PartialDate) -> Self {
        let views = with_view_context(graph, config, today, |cx| cx.build());
        let summary_values = views
            .claims
            .par_iter()
            .map(Value::from_serializable)
            .collect();
        let chart = |small| chart::timeline_chart(graph, &config.language, small);
        Prepared {
            items: (0..graph.claims.len()).map(|_| OnceLock::new()).collect(),
            views,
            summary_values,
            rows: None,
            charts: [chart(true), chart(false)],
        }
    }

    /// [`Prepared::new`], keeping each claim's rows of the data export
    /// too, for a site rebuilt claim by claim.
    pub fn with_rows(graph: &Graph, config: &Config, today: PartialDate) -> Self {
        let absolute = config.absolute_base();
        let rows = with_view_context(graph, config, today, |cx| {
            (0..graph.claims.len())
                .into_par_iter()
                .map(|i| data::Rows::new(graph, cx, absolute.as_deref(), i))
                .collect()
        });
        Prepared {
            rows: Some(rows),
            ..Prepared::new(graph, config, today)
        }
    }

    /// After the claims at `changed` were replaced by new versions that
    /// link the same way (same date, speakers, source, topics and
    /// relations), so that nothing else a template sees changed.
    pub fn update_claims(
        &mut self,
        graph: &Graph,
        config: &Config,
        today: PartialDate,
        changed: &[usize],
    ) {
        let absolute = config.absolute_base();
        with_view_context(graph, config, today, |cx| {
            for &i in changed {
                let summary = cx.claim_summary(&graph.claims[i]);
                self.summary_values[i] = Value::from_serializable(&summary);
                self.items[i] = OnceLock::new();
                self.views.claims[i] = summary;
                if let Some(rows) = &mut self.rows {
                    rows[i] = data::Rows::new(graph, cx, absolute.as_deref(), i);
                }
            }
        });
    }
}

impl Prepared {
    /// Every claim as `item` in lists, rendering the items not made yet
    /// with `theme`: a claim is rendered once, not once per list showing
    /// it, by the built-in `partials/claim-item.html`, which uses `item`
    /// and `t` alone. A site's own version of it may use the variables of
    /// the page it is in, so `html` is none and each list includes it.
    fn items(&self, theme: &Theme) -> Result<Vec<Value>, Vec<Diagnostic>> {
        const PARTIAL: &str = "partials/claim-item.html";
        let own = theme.is_changed(PARTIAL);
        let made: Vec<Result<Value, Diagnostic>> = self
            .items
            .par_iter()
            .zip(self.summary_values.par_iter())
            .map(|(cell, summary)| {
                if let Some(item) = cell.get() {
                    return Ok(item.clone());
                }
                let html = if own {
                    Value::from(())
                } else {
                    let mut cx = Context::new();
                    cx.insert_value("item", summary.clone());
                    Value::safe_string(&theme.render(PARTIAL, &cx)?)
                };
                let mut map = summary.clone().into_map().unwrap_or_default();
                map.insert("html".into(), html);
                Ok(cell.get_or_init(|| Value::from(map)).clone())
            })
            .collect();
        let (items, errors): (Vec<_>, Vec<_>) = made.into_iter().partition(Result::is_ok);
        if errors.is_empty() {
            Ok(items.into_iter().flatten().collect())
        } else {
            Err(once_each(
                errors.into_iter().filter_map(Result::err).collect(),
            ))
        }
    }
}

/// What a render reads: the linked site, its settings, the day it is
/// built on, and the views prepared from these.
#[derive(Clone, Copy)]
pub struct Input<'a> {
    pub graph: &'a Graph,
    pub config: &'a Config,
    pub today: PartialDate,
    pub prepared: &'a Prepared,
}

/// [`render_selected_to`] from views already prepared, collected.
pub fn render_prepared(
    input: Input<'_>,
    theme: &mut Theme,
    only: Option<&std::collections::BTreeSet<String>>,
    with_publish: bool,
) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    collect(|sink| render_prepared_to(input, theme, only, with_publish, sink))
}

/// [`render_prepared`], into `sink`.
fn render_prepared_to(
    input: Input<'_>,
    theme: &mut Theme,
    only: Option<&std::collections::BTreeSet<String>>,
    with_publish: bool,
    sink: &Sink<'_>,
) -> Result<(), Vec<Diagnostic>> {
    let Input {
        graph,
        config,
        today,
        prepared,
    } = input;
    with_view_context(graph, config, today, |view_cx| {
        let globals = theme.tera.global_context();
        *globals = Context::new();
        globals.insert("site", &SiteView::new(config, graph));
        globals.insert("t", &i18n::translations(&config.language));

        let items = prepared.items(theme)?;
        let builder = pages::PageBuilder {
            graph,
            config,
            theme,
            views: &prepared.views,
            view_cx,
            items: &items,
            charts: &prepared.charts,
        };
        let errors = Mutex::new(Vec::new());
        let emit = |result: Result<OutputFile, Diagnostic>| {
            if let Err(d) = result.and_then(sink) {
                lock(&errors).push(d);
            }
        };
        // The pages, and beside them the feeds, sitemap and data export.
        let (_, published) = rayon::join(
            || builder.render_all(only, &emit),
            || {
                if with_publish {
                    let rows = prepared.rows.as_deref();
                    publish_files(graph, config, view_cx, only, rows, &Publish::All)
                } else {
                    Vec::new()
                }
            },
        );
        // The search page lists every speaker and topic with its claim count.
        let search_page = format!("{}index.html", search::PAGE);
        if config.search && only.is_none_or(|pages| pages.contains(&search_page)) {
            emit(search::search_page(theme, config, view_cx));
        }
        let errors = errors.into_inner().unwrap_or_else(|e| e.into_inner());
        if !errors.is_empty() {
            return Err(once_each(errors));
        }
        let mut files = published;
        for (path, bytes) in &theme.assets {
            if !config.search && path.starts_with("assets/search.") {
                continue;
            }
            files.push(OutputFile::new(path.clone(), bytes.clone()));
        }
        files
            .into_par_iter()
            .try_for_each(sink)
            .map_err(|d| vec![d])
    })
}

/// Template errors in order, each once: one broken template fails every
/// page (or item) that uses it.
fn once_each(mut errors: Vec<Diagnostic>) -> Vec<Diagnostic> {
    crate::diagnostics::sort(&mut errors);
    errors.dedup();
    errors
}

/// `site` in every template.
#[derive(serde::Serialize)]
struct SiteView {
    title: String,
    description: String,
    base_url: String,
    /// Every internal link starts with this (`/` or `/ai-claims/`).
    base_path: String,
    language: String,
    /// Whether the site has a search page (`search` in the config).
    search: bool,
    counts: Counts,
}

#[derive(serde::Serialize)]
struct Counts {
    claims: usize,
    speakers: usize,
    sources: usize,
    topics: usize,
}

impl SiteView {
    fn new(config: &Config, graph: &Graph) -> Self {
        SiteView {
            title: config.title.clone(),
            description: config.description.clone(),
            base_url: config.base_url.clone(),
            base_path: config.base_path(),
            language: config.language.clone(),
            search: config.search,
            counts: Counts {
                claims: graph.claims.len(),
                speakers: graph.speakers.len(),
                sources: graph.sources.len(),
                topics: graph.topics.len(),
            },
        }
    }
}

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
fn publish_files(
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
    files.push(OutputFile::new("robots.txt", feed::robots(config)));
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
    for (k, s) in graph.speakers.iter().enumerate() {
        entries.push(SitemapEntry {
            path: speaker_path(&s.id),
            lastmod: newest(&graph.by_speaker[k]),
        });
    }
    for (k, s) in graph.sources.iter().enumerate() {
        entries.push(SitemapEntry {
            path: source_path(&s.id),
            lastmod: newest(&graph.by_source[k]),
        });
    }
    for (k, t) in graph.topics.iter().enumerate() {
        entries.push(SitemapEntry {
            path: topic_path(&t.id),
            lastmod: newest(&graph.by_topic[k]),
        });
    }
    files.push(OutputFile::new(
        "sitemap.xml",
        feed::sitemap(config, &entries),
    ));
    files
}
