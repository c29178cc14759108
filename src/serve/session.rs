//! A site kept in memory between rebuilds: the last good graph, theme and
//! output files, and the incremental rebuild that updates them. After any
//! sequence of edits, once [`Session::finish_rebuild`] has run and the
//! search index it asks for ([`Session::index_for_search`]) has arrived
//! from the background ([`Session::search_update`]), the
//! files equal what a fresh full build would write.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use super::affected::{
    ALWAYS, Affected, Changed, affected_in_place, affected_pages, changed_records,
};
use super::watch::Changes;
use crate::build::{
    BuildOptions, Failure, check_cached, check_files, load_theme, today, write_output,
};
use crate::diagnostics::Diagnostic;
use crate::graph::Graph;
use crate::graph::links_alike;
use crate::load::{FEW, FileKind, InputFile, Reread, reread};
use crate::parse::Claim;
use crate::parse::ParseCache;
use crate::parse::PartialDate;
use crate::render::search::{BUNDLE, SearchRecord};
use crate::render::templates::Theme;
use crate::render::views::{
    TimelinePages, claim_path, source_path, speaker_path, timeline_path, topic_path,
};
use crate::render::{
    Input, Prepared, Publish, publish, render_prepared, search_index, search_records,
    search_records_of,
};
use crate::write::{OutputFile, Replacer};

pub struct Session {
    pub options: BuildOptions,
    pub config: crate::config::Config,
    theme: Theme,
    files: Vec<InputFile>,
    graph: Graph,
    today: PartialDate,
    /// A site with its own templates may show anything anywhere, so its
    /// rebuilds render every page.
    custom_templates: bool,
    /// The built site: output path -> bytes.
    pub site: BTreeMap<String, Arc<Vec<u8>>>,
    pub warnings: Vec<Diagnostic>,
    search: SearchIndexer,
    /// The search records of the last index asked for (`None`: the site
    /// has no search, or its records must all be made again).
    records: Option<Records>,
    /// Claims edited in place since, whose records are out of date.
    unindexed: BTreeSet<usize>,
    parsed: ParseCache,
    /// After a rebuild, until [`Session::finish_rebuild`]: what is still
    /// to make.
    unpublished: Option<Pending>,
    /// What templates see of the graph, kept up to date with it.
    prepared: Prepared,
    /// Set while `files` may not be what is on disk (a rebuild failed after
    /// files changed): the next rebuild reads every file again.
    stale: bool,
    /// Set while the graph is ahead of the site (a render failed): the
    /// next rebuild renders everything.
    unrendered: bool,
    /// Set after a config or template change failed to build: the next
    /// rebuild starts afresh.
    restart: bool,
    /// Some content file is a symbolic link, which the watcher does not
    /// report when its target changes: every rebuild reads every file.
    linked: bool,
}

/// Whether any of `files` (under `root`) is a symbolic link.
fn any_linked(root: &Path, files: &[InputFile]) -> bool {
    files.iter().any(|f| root.join(&f.path).is_symlink())
}

/// The second half of a rebuild, made after the browser has the first.
struct Pending {
    /// The pages the rebuild affects (`None`: all), whose feeds to make.
    only: Option<BTreeSet<String>>,
    /// Of those, the pages that list many claims, still to render.
    lists: BTreeSet<String>,
    /// Which of the feeds, sitemap and data files to make.
    publish: Publish,
}

/// A search record per claim, in graph order, kept between rebuilds.
type Records = Vec<Arc<SearchRecord>>;

/// Every claim's search record; `None` when the site has no search.
fn all_records(
    graph: &Graph,
    config: &crate::config::Config,
    today: PartialDate,
) -> Option<Records> {
    search_records(graph, config, today).map(|records| records.into_iter().map(Arc::new).collect())
}

impl Pending {
    /// What is still to make after both `self` and `later`.
    fn and(self, later: Pending) -> Pending {
        let only = match (self.only, later.only) {
            (Some(mut a), Some(b)) => {
                a.extend(b);
                Some(a)
            }
            _ => None,
        };
        let mut lists = self.lists;
        lists.extend(later.lists);
        let publish = match (self.publish, later.publish) {
            (Publish::Nothing, p) | (p, Publish::Nothing) => p,
            (Publish::Showing(mut a), Publish::Showing(b)) => {
                a.extend(b);
                Publish::Showing(a)
            }
            _ => Publish::All,
        };
        Pending {
            only,
            lists,
            publish,
        }
    }
}

/// What a rebuild found changed.
enum Edit {
    /// Claims edited in place.
    InPlace(Patched),
    /// The site checked and linked again: the changed records, and the
    /// graph before.
    Relinked(Changed, Box<Graph>),
}

/// Claims edited in place.
struct Patched {
    changed: Changed,
    /// Their indexes in the graph.
    indexes: Vec<usize>,
    /// Whether only their bodies changed.
    bodies_only: bool,
    /// Whether the kind or status of any changed.
    kinds_or_statuses: bool,
    /// Whether the date each last changed (`updated`) is the same.
    updated_alike: bool,
}

/// Whether two versions of a claim differ in their body alone.
fn same_but_body(a: &Claim, b: &Claim) -> bool {
    let without_body = |c: &Claim| Claim {
        body: String::new(),
        ..c.clone()
    };
    without_body(a) == without_body(b)
}

/// Whether a page lists a large share of all claims (the home page, the
/// timeline's pages, the three indexes and the topic pages), and so takes
/// longest.
fn is_list(page: &str) -> bool {
    ALWAYS.contains(&page)
        || ["topics/", "timeline/"]
            .iter()
            .any(|list| page.starts_with(list) && page.ends_with("/index.html"))
}

/// Keeps the search index off the reload path. Pagefind takes seconds on a
/// large site (about 40 s at 10,000 claims), so the site is served at once
/// and indexed in the background, in a pool of two threads of low priority
/// (a bundle each, with Pagefind's own parallel work); edits made meanwhile
/// are indexed together once it is free.
#[derive(Default)]
struct SearchIndexer {
    /// The records of the newest index asked for; `None` before the first
    /// and after one that failed, so that the same records are tried again.
    records: Option<Arc<Records>>,
    running: Option<std::thread::JoinHandle<Result<Vec<OutputFile>, Vec<Diagnostic>>>>,
    /// Asked for while one was running.
    queued: bool,
    pool: Option<Arc<rayon::ThreadPool>>,
}

impl SearchIndexer {
    /// Indexes `records` unless the newest index asked for has them
    /// (`None`: the site has no search).
    fn request(&mut self, records: Option<Records>) {
        let Some(records) = records else { return };
        // Mostly the same `Arc`s as last time, compared by address.
        if self.records.as_deref() == Some(&records) {
            return;
        }
        self.records = Some(Arc::new(records));
        if self.running.is_some() {
            self.queued = true;
        } else {
            self.spawn();
        }
    }

    fn spawn(&mut self) {
        let Some(records) = self.records.clone() else {
            return;
        };
        if self.pool.is_none() {
            // Two threads, a bundle each (see `search::index_files`).
            self.pool = rayon::ThreadPoolBuilder::new()
                .num_threads(2)
                .thread_name(|_| "claimbase-search".into())
                .start_handler(|_| {
                    // On Linux a thread has its own priority: the rebuilds a
                    // person is waiting for go first.
                    #[cfg(target_os = "linux")]
                    let _ = rustix::process::nice(10);
                })
                .build()
                .ok()
                .map(Arc::new);
        }
        let pool = self.pool.clone();
        self.running = Some(std::thread::spawn(move || match pool {
            Some(pool) => pool.install(|| search_index(&records)),
            None => search_index(&records),
        }));
        self.queued = false;
    }

    /// The finished index for the newest records, if there is one (waiting
    /// for it when `wait`).
    fn finished(&mut self, wait: bool) -> Option<Result<Vec<OutputFile>, Vec<Diagnostic>>> {
        loop {
            let running = self.running.as_ref()?;
            if !wait && !running.is_finished() {
                return None;
            }
            let result = self.running.take()?.join().unwrap_or_else(|_| {
                Err(vec![crate::render::search::index_diagnostic(
                    "the search indexer stopped unexpectedly".into(),
                )])
            });
            if !self.queued {
                if result.is_err() {
                    self.records = None;
                }
                return Some(result);
            }
            // Outdated: index the newest records instead.
            self.spawn();
        }
    }
}

/// What a rebuild changed in the built site.
#[derive(Debug, Clone, Default)]
pub struct Update {
    /// Output paths whose bytes changed or that are new.
    pub changed: Vec<String>,
    /// Output paths that no longer exist.
    pub removed: Vec<String>,
    /// HTML pages rendered for this update.
    pub rendered: usize,
    /// Claims were edited in place: only they were read and parsed again,
    /// and nothing was checked or linked again.
    pub in_place: bool,
    /// Of `changed`, the files [`Session::finish_rebuild`] wrote already.
    pub written: Vec<String>,
    pub elapsed: Duration,
    pub warnings: Vec<Diagnostic>,
}

impl Update {
    /// Only stylesheets changed: the browser can swap them without a reload.
    pub fn css_only(&self) -> bool {
        !self.changed.is_empty()
            && self.removed.is_empty()
            && self.changed.iter().all(|p| p.ends_with(".css"))
    }
}

/// The files every site has besides its pages (the feeds of topics and
/// speakers are in [`page_paths`]).
const PUBLISHED: [&str; 5] = [
    "feed.xml",
    "sitemap.xml",
    "robots.txt",
    "claims.json",
    "claims.csv",
];

/// The HTML pages a graph makes, and the feeds that go with its topic and
/// speaker pages.
fn page_paths(graph: &Graph, config: &crate::config::Config) -> BTreeSet<String> {
    let mut pages: BTreeSet<String> = ALWAYS
        .iter()
        .chain(&["404.html"])
        .filter(|p| config.search || !p.starts_with(crate::render::search::PAGE))
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
    pages.extend(graph.topics.iter().map(|t| page(topic_path(&t.id))));
    let feed = |path: String| format!("{path}feed.xml");
    pages.extend(graph.speakers.iter().map(|s| feed(speaker_path(&s.id))));
    pages.extend(graph.topics.iter().map(|t| feed(topic_path(&t.id))));
    pages
}

impl Session {
    /// A full build, in memory; the search index follows in the background
    /// (see [`Session::search_update`]).
    pub fn start(options: BuildOptions) -> Result<Session, Failure> {
        Session::start_with(options, &mut SearchIndexer::default())
    }

    /// [`Session::start`], going on with `search` (and taking it) when the
    /// build succeeds.
    fn start_with(options: BuildOptions, search: &mut SearchIndexer) -> Result<Session, Failure> {
        let mut parsed = ParseCache::default();
        let checked = check_cached(&options, &mut parsed)?;
        let config = checked.config;
        let mut theme = load_theme(&config)?;
        let today = today();
        let prepared = Prepared::with_rows(&checked.graph, &config, today);
        let input = Input {
            graph: &checked.graph,
            config: &config,
            today,
            prepared: &prepared,
        };
        let files = render_prepared(input, &mut theme, None, true).map_err(Failure::new)?;
        let mut search = std::mem::take(search);
        let records = all_records(&checked.graph, &config, today);
        search.request(records.clone());
        Ok(Session {
            search,
            records,
            unindexed: BTreeSet::new(),
            parsed,
            prepared,
            stale: false,
            unrendered: false,
            restart: false,
            linked: any_linked(&config.root, &checked.files),
            unpublished: None,
            custom_templates: theme.any_changed(),
            options,
            config,
            theme,
            files: checked.files,
            graph: checked.graph,
            today,
            site: files
                .into_iter()
                .map(|f| (f.path, Arc::new(f.bytes)))
                .collect(),
            warnings: checked.warnings,
        })
    }

    /// Rebuilds after `changes`, rendering only the pages they affect,
    /// except the pages that list many claims, which follow in
    /// [`Session::finish_rebuild`]. On failure the session keeps its last
    /// good site.
    pub fn rebuild(&mut self, changes: &Changes) -> Result<Update, Failure> {
        let start = Instant::now();
        // A config or template change rebuilds everything, and so does any
        // change after one that failed: until one succeeds, the session's
        // config and theme are not what is on disk. So does the first
        // change of a new day, which may make predictions overdue.
        if changes.config || changes.templates || self.restart || today() != self.today {
            self.restart = true;
            let mut fresh = Session::start_with(self.options.clone(), &mut self.search)?;
            // The last index is served until the new one is ready, unless
            // the site has no search any more.
            if fresh.config.search {
                for (path, bytes) in &self.site {
                    if path.starts_with(BUNDLE) {
                        fresh.site.insert(path.clone(), bytes.clone());
                    }
                }
            }
            let mut update = diff(&self.site, &fresh.site);
            update.rendered = page_paths(&fresh.graph, &fresh.config)
                .iter()
                .filter(|p| p.ends_with(".html"))
                .count();
            update.elapsed = start.elapsed();
            update.warnings = fresh.warnings.clone();
            std::mem::swap(self, &mut fresh);
            return Ok(update);
        }
        // Until this rebuild succeeds, `files` may not be what is on disk;
        // after a render failed, the graph is ahead of the site.
        let stale = std::mem::replace(&mut self.stale, true);
        let unrendered = self.unrendered;
        let files = if stale { None } else { self.reread(changes) };
        let patched = match files {
            Some(files) if !unrendered => self.patch_claims(files).map_err(Some),
            files => Err(files),
        };
        let edit = match patched {
            Ok(patched) => Edit::InPlace(patched),
            Err(files) => {
                let files = files.map(|reread| reread.apply(&self.files));
                let (changed, before) = self.relink(files)?;
                Edit::Relinked(changed, Box::new(before))
            }
        };
        let in_place = matches!(edit, Edit::InPlace(_));
        self.unrendered = true;
        let mut publish = Publish::All;
        let affected = match &edit {
            _ if self.custom_templates || unrendered => Affected::Everything,
            Edit::Relinked(changed, before) => {
                affected_pages(before, &self.graph, changed, self.config.timeline_page_size)
            }
            // A claim's body is shown on its own page only: not in lists,
            // feeds, the sitemap or the data export.
            Edit::InPlace(patched) if patched.bodies_only => {
                publish = Publish::Nothing;
                Affected::Pages(
                    patched
                        .changed
                        .iter()
                        .map(|(_, id)| format!("{}index.html", claim_path(id)))
                        .collect(),
                )
            }
            Edit::InPlace(patched) => {
                if patched.updated_alike {
                    publish = Publish::Showing(patched.indexes.clone());
                }
                Affected::Pages(affected_in_place(
                    &self.graph,
                    &patched.indexes,
                    patched.kinds_or_statuses,
                    self.config.timeline_page_size,
                ))
            }
        };
        // The pages first, and of those the lists of many claims last: they
        // follow in `finish_rebuild`, after the browser has the change.
        let (only, first, lists) = match affected {
            Affected::Everything => (None, None, BTreeSet::new()),
            Affected::Pages(pages) => {
                let (lists, first) = pages.iter().cloned().partition(|p| is_list(p));
                (Some(pages), Some(first), lists)
            }
        };
        let input = Input {
            graph: &self.graph,
            config: &self.config,
            today: self.today,
            prepared: &self.prepared,
        };
        let files =
            render_prepared(input, &mut self.theme, first.as_ref(), false).map_err(Failure::new)?;
        let mut update = Update {
            rendered: files.iter().filter(|f| f.path.ends_with(".html")).count(),
            in_place,
            warnings: self.warnings.clone(),
            ..Update::default()
        };
        // What this render wrote is current by definition; of the rest, only
        // the pages the new graph still makes are kept (an edit in place
        // removes none). The search index is replaced when the indexer has
        // the new one, the lists, feeds and data files by `finish_rebuild`.
        if !in_place {
            let mut keep = page_paths(&self.graph, &self.config);
            keep.extend(PUBLISHED.iter().map(|p| p.to_string()));
            keep.extend(files.iter().map(|f| f.path.clone()));
            keep.extend(lists.iter().cloned());
            self.site.retain(|path, _| {
                let kept = keep.contains(path) || path.starts_with(BUNDLE);
                if !kept {
                    update.removed.push(path.clone());
                }
                kept
            });
        }
        update.changed = self.put(files);
        let pending = Pending {
            only,
            lists,
            publish,
        };
        // Normally `finish_rebuild` took the last one; if not, both are due.
        self.unpublished = Some(match self.unpublished.take() {
            Some(earlier) => earlier.and(pending),
            None => pending,
        });
        self.stale = false;
        self.unrendered = false;
        update.elapsed = start.elapsed();
        Ok(update)
    }

    /// The content files after `changes`, reading again only the files
    /// the events name; `None` when everything must be read again.
    fn reread(&self, changes: &Changes) -> Option<Reread> {
        if changes.content_paths.is_empty() || self.linked {
            return None;
        }
        let content = self.config.content_dir();
        reread(
            &self.config.root,
            &content,
            &self.files,
            &changes.content_paths,
        )
    }

    /// The fast path for the most common edit, a claim's text: when every
    /// file that differs from the last build is a claim edited in place
    /// that still parses without a diagnostic and links as before, its new
    /// version replaces the old in the graph, and nothing is checked or
    /// linked again. Returns the changed claims, or gives the files back
    /// (having changed nothing) when the site must be checked again.
    fn patch_claims(&mut self, files: Reread) -> Result<Patched, Reread> {
        let Some(edited) = self.edited_claims(&files) else {
            return Err(files);
        };
        let mut versions = Vec::new();
        for &(i, _, file) in &edited {
            let Some(reparsed) = self.parsed.reparse_claim(file) else {
                return Err(files);
            };
            let (old, new) = (&reparsed.old, &reparsed.new);
            // A quote is checked against its source's archived text.
            let archived = self
                .graph
                .source_index
                .get(&new.source.value)
                .is_some_and(|&k| self.graph.sources[k].archive.is_some());
            let quote = |c: &Claim| c.quote.as_ref().map(|q| q.value.clone());
            if !links_alike(old, new) || (archived && quote(old) != quote(new)) {
                return Err(files);
            }
            versions.push((i, reparsed));
        }
        let alike = |f: fn(&Claim, &Claim) -> bool| versions.iter().all(|(_, r)| f(&r.old, &r.new));
        let bodies_only = alike(same_but_body);
        let kinds_or_statuses = !alike(|a, b| (a.kind, a.status) == (b.kind, b.status));
        let updated_alike = alike(|a, b| a.updated == b.updated);
        let mut changed = Changed::new();
        let mut indexes = Vec::new();
        for (i, reparsed) in versions {
            changed.insert((FileKind::Claim, reparsed.new.id.clone()));
            self.graph.claims[i] = reparsed.new.clone();
            self.parsed.keep(reparsed);
            indexes.push(i);
        }
        self.prepared
            .update_claims(&self.graph, &self.config, self.today, &indexes);
        self.unindexed.extend(&indexes);
        for (_, at, file) in edited {
            self.files[at] = file.clone();
        }
        Ok(Patched {
            changed,
            indexes,
            bodies_only,
            kinds_or_statuses,
            updated_alike,
        })
    }

    /// The files read again whose text differs from the last build's, each
    /// with the index of its claim in the graph and its place in `files`,
    /// when they are all published claims at the same paths as before.
    fn edited_claims<'f>(&self, files: &'f Reread) -> Option<Vec<(usize, usize, &'f InputFile)>> {
        let places: Option<HashMap<&str, usize>> = (files.len() > FEW).then(|| {
            let paths = self.files.iter().enumerate();
            paths.map(|(at, f)| (f.path.as_str(), at)).collect()
        });
        let place = |path: &str| match &places {
            Some(places) => places.get(path).copied(),
            None => self.files.iter().position(|f| f.path == path),
        };
        files
            .iter()
            .filter_map(|(path, new)| {
                // Deleted, or created.
                let Some(new) = new else { return Some(None) };
                let Some(at) = place(path) else {
                    return Some(None);
                };
                let old = &self.files[at];
                if (new.kind, &new.id) != (FileKind::Claim, &old.id) || old.kind != FileKind::Claim
                {
                    return Some(None);
                }
                // Read again but saved unchanged.
                if new.text == old.text {
                    return None;
                }
                Some(self.graph.claim_index.get(&new.id).map(|&i| (i, at, new)))
            })
            .collect()
    }

    /// Checks and links the site again, from `files` when given, else
    /// from the disk. Returns the changed records and the graph before.
    fn relink(&mut self, files: Option<Vec<InputFile>>) -> Result<(Changed, Graph), Failure> {
        let checked = match files {
            Some(files) => {
                let (config, drafts) = (self.config.clone(), self.options.drafts);
                check_files(config, files, Vec::new(), drafts, Some(&mut self.parsed))?
            }
            None => {
                let checked = check_cached(&self.options, &mut self.parsed)?;
                self.linked = any_linked(&self.config.root, &checked.files);
                checked
            }
        };
        let changed = changed_records(&self.files, &checked.files);
        self.prepared = Prepared::with_rows(&checked.graph, &self.config, self.today);
        self.records = None;
        self.unindexed.clear();
        self.files = checked.files;
        self.warnings = checked.warnings;
        Ok((changed, std::mem::replace(&mut self.graph, checked.graph)))
    }

    /// Puts rendered files into the site; returns the paths whose bytes
    /// changed.
    fn put(&mut self, files: Vec<OutputFile>) -> Vec<String> {
        let mut changed = Vec::new();
        for OutputFile { path, bytes } in files {
            if self.site.get(&path).map(|b| b.as_slice()) != Some(bytes.as_slice()) {
                changed.push(path.clone());
                self.site.insert(path, Arc::new(bytes));
            }
        }
        changed
    }

    /// Completes a rebuild after its pages are served: renders the pages
    /// that list many claims and makes the feeds, sitemap and data export
    /// (then [`Session::index_for_search`]). Returns what changed.
    ///
    /// With `early`, an output folder, the feeds and data files that
    /// changed are written to it as soon as they are made, while the lists
    /// still render (the data export is the largest write of a rebuild);
    /// they are named in [`Update::written`].
    pub fn finish_rebuild(&mut self, early: Option<&Path>) -> Result<Update, Failure> {
        let start = Instant::now();
        let mut update = Update::default();
        if let Some(Pending {
            only,
            lists,
            publish: what,
        }) = self.unpublished.take()
        {
            let input = Input {
                graph: &self.graph,
                config: &self.config,
                today: self.today,
                prepared: &self.prepared,
            };
            let (theme, site) = (&mut self.theme, &self.site);
            let (pages, (published, written)) = rayon::join(
                || {
                    if lists.is_empty() {
                        return Ok(Vec::new());
                    }
                    render_prepared(input, theme, Some(&lists), false)
                },
                || {
                    let files = publish(input, only.as_ref(), &what);
                    let Some(output) = early else {
                        return (files, Vec::new());
                    };
                    let replacer = Replacer::new(output);
                    // A file that fails to be written here is written
                    // again, and its error reported, with the others.
                    let written = files
                        .par_iter()
                        .filter(|f| site.get(&f.path).map(|b| b.as_slice()) != Some(&f.bytes))
                        .filter(|f| replacer.replace(&f.path, &f.bytes).is_ok())
                        .map(|f| f.path.clone())
                        .collect();
                    (files, written)
                },
            );
            let pages = match pages {
                Ok(pages) => pages,
                Err(diagnostics) => {
                    self.unrendered = true;
                    // What reached the disk is the site now, so that a
                    // later rebuild compares with it.
                    let written: BTreeSet<&String> = written.iter().collect();
                    let on_disk = published.into_iter().filter(|f| written.contains(&f.path));
                    self.put(on_disk.collect());
                    return Err(Failure::new(diagnostics));
                }
            };
            update.rendered = pages.iter().filter(|f| f.path.ends_with(".html")).count();
            update.changed = self.put(pages);
            update.changed.extend(self.put(published));
            update.written = written;
        }
        update.elapsed = start.elapsed();
        Ok(update)
    }

    /// Starts indexing the site for search in the background, unless the
    /// index already has its records (see [`Session::search_update`]).
    pub fn index_for_search(&mut self) {
        let (graph, config, today) = (&self.graph, &self.config, self.today);
        let unindexed = std::mem::take(&mut self.unindexed);
        self.records = match self.records.take() {
            // Only the claims edited in place since are made again.
            Some(mut records) => {
                let indexes: Vec<usize> = unindexed.into_iter().collect();
                let fresh = search_records_of(graph, config, today, &indexes);
                for (i, record) in indexes.into_iter().zip(fresh) {
                    records[i] = Arc::new(record);
                }
                Some(records)
            }
            None => all_records(graph, config, today),
        };
        self.search.request(self.records.clone());
    }

    /// Whether a search index is being built in the background.
    pub fn indexing(&self) -> bool {
        self.search.running.is_some()
    }

    /// Puts a search index finished in the background into the site, if
    /// there is one (waiting for it when `wait`), and says what changed.
    pub fn search_update(&mut self, wait: bool) -> Option<Result<Update, Failure>> {
        let start = Instant::now();
        let files = match self.search.finished(wait)? {
            Ok(files) => files,
            Err(diagnostics) => return Some(Err(Failure::new(diagnostics))),
        };
        let fresh: BTreeSet<String> = files.iter().map(|f| f.path.clone()).collect();
        let mut update = Update::default();
        self.site.retain(|path, _| {
            let kept = !path.starts_with(BUNDLE) || fresh.contains(path);
            if !kept {
                update.removed.push(path.clone());
            }
            kept
        });
        update.changed = self.put(files);
        update.elapsed = start.elapsed();
        Some(Ok(update))
    }

    /// Writes the whole site to the output folder, atomically.
    pub fn write_all(&self) -> Result<(), Failure> {
        let files: Vec<OutputFile> = self
            .site
            .iter()
            .map(|(p, b)| OutputFile::new(p.clone(), b.to_vec()))
            .collect();
        write_output(&self.config, &files).map(|_| ())
    }

    /// Writes only what an update changed (but did not write already),
    /// each file replaced atomically; Pagefind's entry file last, so that
    /// it never names a file not yet written.
    pub fn write_update(&self, update: &Update) -> std::io::Result<()> {
        let replacer = Replacer::new(&self.config.output_dir());
        let written: BTreeSet<&String> = update.written.iter().collect();
        let (entries, changed): (Vec<&String>, Vec<&String>) = update
            .changed
            .iter()
            .filter(|p| !written.contains(p))
            .partition(|p| p.ends_with("pagefind-entry.json"));
        // Side by side: copying a large data file into the page cache keeps
        // a core busy for milliseconds.
        changed
            .par_iter()
            .try_for_each(|path| replacer.replace(path, &self.site[*path]))?;
        for path in entries {
            replacer.replace(path, &self.site[path])?;
        }
        for path in &update.removed {
            replacer.remove(path);
        }
        Ok(())
    }
}

fn diff(old: &BTreeMap<String, Arc<Vec<u8>>>, new: &BTreeMap<String, Arc<Vec<u8>>>) -> Update {
    let mut update = Update::default();
    for (path, bytes) in new {
        if old.get(path) != Some(bytes) {
            update.changed.push(path.clone());
        }
    }
    update.removed = old
        .keys()
        .filter(|p| !new.contains_key(*p))
        .cloned()
        .collect();
    update
}
