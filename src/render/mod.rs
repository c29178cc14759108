//! Stage 5: render. The linked graph and the theme become output files
//! (path and bytes), handed to a [`Sink`] as they are made. Nothing here
//! touches the disk.

pub mod archive;
pub mod chart;
pub mod data;
pub mod disputes;
pub mod feed;
pub mod i18n;
pub mod markdown;
pub mod pages;
pub mod paths;
pub mod prepared;
pub mod publish;
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

pub use prepared::Prepared;
use publish::publish_files;
pub use publish::{Publish, publish};

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

/// What the search index holds: one record per published claim, then per
/// speaker, source and topic; `None` when the site has `search = false`.
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
/// feeds, sitemap and data export too (see [`publish()`]), into `sink`; not
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
            if !config.is_multilingual() && path == "assets/languages.css" {
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
    /// The pages linked in the header, in `menu` order (then by id).
    menu: Vec<MenuItem>,
    /// The site's icon, from the host root.
    favicon: Option<String>,
    /// The site in each of its languages, when it has more than one: every
    /// page links to itself in the others.
    languages: Vec<LanguageLink>,
}

#[derive(serde::Serialize)]
struct LanguageLink {
    code: String,
    /// The language's name in itself (`中文`).
    name: &'static str,
    /// Where that language's site starts, from the host root (`/zh/`).
    url: String,
    /// The same, as a full address when `base_url` is one (for `hreflang`).
    href: String,
    /// The language of the page being rendered.
    current: bool,
}

fn language_links(config: &Config) -> Vec<LanguageLink> {
    if !config.is_multilingual() {
        return Vec::new();
    }
    config
        .site_languages()
        .into_iter()
        .map(|code| {
            let (url, absolute) = config.language_base(&code);
            LanguageLink {
                name: i18n::language_name(&code),
                href: absolute.unwrap_or_else(|| url.clone()),
                url,
                current: code == config.language,
                code,
            }
        })
        .collect()
}

#[derive(serde::Serialize)]
struct MenuItem {
    title: String,
    /// Below the base (`about/`), to compare with `page.path`.
    path: String,
    url: String,
    lang: Option<&'static str>,
}

#[derive(serde::Serialize)]
struct Counts {
    claims: usize,
    speakers: usize,
    sources: usize,
    topics: usize,
}

fn menu(config: &Config, graph: &Graph) -> Vec<MenuItem> {
    let mut pages: Vec<(i64, &crate::parse::Page)> = graph
        .pages
        .iter()
        .filter_map(|p| Some((p.menu?, p)))
        .collect();
    pages.sort_by(|a, b| (a.0, &a.1.id).cmp(&(b.0, &b.1.id)));
    let base = config.base_path();
    pages
        .into_iter()
        .map(|(_, p)| MenuItem {
            title: p.title.clone(),
            path: views::page_path(&p.id),
            url: format!("{base}{}", views::page_path(&p.id)),
            lang: i18n::script_lang(&p.title, &config.language),
        })
        .collect()
}

impl SiteView {
    fn new(config: &Config, graph: &Graph) -> Self {
        // Static files are at the whole site's root, in every language.
        let (site_root, _) = config.language_base(config.default_language());
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
            menu: menu(config, graph),
            languages: language_links(config),
            favicon: config
                .favicon
                .as_ref()
                .map(|f| format!("{}{}", site_root, f.trim_start_matches('/'))),
        }
    }
}
