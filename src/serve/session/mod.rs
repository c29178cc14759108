//! A site kept in memory between rebuilds: the last good graph, theme and
//! output files, and the incremental rebuild that updates them. After any
//! sequence of edits, once [`Session::finish_rebuild`] has run and the
//! search index it asks for ([`Session::index_for_search`]) has arrived
//! from the background ([`Session::search_update`]), the
//! files equal what a fresh full build would write.
//!
//! This file holds the session's state and the rebuild's plan; the rest is
//! in parts: [`patch`] puts claims edited in place into the graph,
//! [`relink`] checks and links the site again when more changed,
//! [`search`] keeps the search index off the reload path, and [`update`]
//! says what changed and writes it to the output folder.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use super::affected::{
    ALWAYS, Affected, Changed, affected_in_place, affected_pages, changed_records,
    changed_records_in,
};
use super::watch::Changes;
use crate::build::{
    BuildOptions, Failure, check_cached, check_files, load_theme, today, write_output,
};
use crate::diagnostics::Diagnostic;
use crate::graph::Graph;
use crate::graph::{links_alike, report_date};
use crate::load::{FEW, FileKind, InputFile, Reread, reread};
use crate::parse::Claim;
use crate::parse::ParseCache;
use crate::parse::PartialDate;
use crate::render::paths::{PUBLISHED, REDIRECTS, page_paths};
use crate::render::search::{BUNDLE, SearchRecord};
use crate::render::templates::Theme;
use crate::render::views::claim_path;
use crate::render::{
    Input, Prepared, Publish, publish, render_prepared, search_index, search_records,
    search_records_of,
};
use crate::write::{OutputFile, Replacer};

mod languages;
pub mod patch;
pub mod relink;
pub mod search;
pub mod update;

use languages::{OtherLanguage, is_bundle, kept_paths, owner, split_lists, unchanged};
use patch::Patched;
use relink::any_linked;
use search::{Records, SearchIndexer, all_records};
pub use update::Update;
use update::diff;

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
    /// The paths of the static files in the site (a change to the static
    /// folder starts the session afresh).
    statics: BTreeSet<String>,
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
    /// The site in each of its other `languages`.
    others: Vec<OtherLanguage>,
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

/// Whether a page lists a large share of all claims (the home page, the
/// timeline's pages, the three indexes and the topic pages), and so takes
/// longest.
fn is_list(page: &str) -> bool {
    ALWAYS.contains(&page)
        || ["topics/", "timeline/"]
            .iter()
            .any(|list| page.starts_with(list) && page.ends_with("/index.html"))
}

/// What a rebuild found changed.
enum Edit {
    /// Claims edited in place.
    InPlace(Patched),
    /// The site checked and linked again: the changed records, and the
    /// graph before.
    Relinked(Changed, Box<Graph>),
}

impl Session {
    /// A full build, in memory; the search index follows in the background
    /// (see [`Session::search_update`]).
    pub fn start(options: BuildOptions) -> Result<Session, Failure> {
        Session::start_with(options, &mut SearchIndexer::default(), Vec::new())
    }

    /// [`Session::start`], going on with `search` (and taking it) when the
    /// build succeeds, and with `others`, the other languages' indexers.
    fn start_with(
        options: BuildOptions,
        search: &mut SearchIndexer,
        others: Vec<SearchIndexer>,
    ) -> Result<Session, Failure> {
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
        let mut files = render_prepared(input, &mut theme, None, true).map_err(Failure::new)?;
        let mut others = others.into_iter();
        let others = checked
            .translated
            .into_iter()
            .map(|site| {
                let search = others.next().unwrap_or_default();
                OtherLanguage::start(site, &mut theme, today, search, &mut files)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let statics: BTreeSet<String> = checked.statics.iter().map(|f| f.path.clone()).collect();
        files.extend(
            checked
                .statics
                .into_iter()
                .map(|f| OutputFile::new(f.path, f.bytes)),
        );
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
            others,
            unpublished: None,
            custom_templates: theme.any_changed(),
            statics,
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
        if changes.config
            || changes.templates
            || changes.statics
            || self.restart
            || today() != self.today
        {
            self.restart = true;
            let others = self.others.iter_mut().map(OtherLanguage::take_search);
            let others = others.collect();
            let mut fresh = Session::start_with(self.options.clone(), &mut self.search, others)?;
            // The last index is served until the new one is ready, unless
            // the site has no search any more.
            if fresh.config.search {
                for (path, bytes) in &self.site {
                    if is_bundle(&fresh.others, path) {
                        fresh.site.insert(path.clone(), bytes.clone());
                    }
                }
            }
            let mut update = diff(&self.site, &fresh.site);
            update.rendered = page_paths(&fresh.graph, &fresh.config)
                .iter()
                .filter(|p| p.ends_with(".html"))
                .count()
                + fresh
                    .others
                    .iter()
                    .map(OtherLanguage::page_count)
                    .sum::<usize>();
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
        // In a site of several languages, any edit may change what another
        // language shows: the site is checked and linked again.
        let patched = match files {
            Some(files) if !unrendered && self.others.is_empty() => {
                self.patch_claims(files).map_err(Some)
            }
            files => Err(files),
        };
        let (edit, others) = match patched {
            Ok(patched) => (Edit::InPlace(patched), Vec::new()),
            Err(files) => {
                let files = files.map(|reread| reread.apply(&self.files));
                let (changed, before, others) = self.relink(files)?;
                (Edit::Relinked(changed, Box::new(before)), others)
            }
        };
        let in_place = matches!(edit, Edit::InPlace(_));
        self.unrendered = true;
        let everything = self.custom_templates || unrendered;
        // Nothing the default language shows changed (a translation was
        // edited): its pages stay.
        let untouched = !everything
            && matches!(&edit, Edit::Relinked(changed, before)
                if unchanged(changed, before, &self.graph));
        let mut publish = Publish::All;
        let affected = match &edit {
            _ if everything => Affected::Everything,
            _ if untouched => {
                publish = Publish::Nothing;
                Affected::Pages(BTreeSet::new())
            }
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
        let (only, first, lists) = split_lists(affected);
        let input = Input {
            graph: &self.graph,
            config: &self.config,
            today: self.today,
            prepared: &self.prepared,
        };
        let mut files = if untouched {
            Vec::new()
        } else {
            render_prepared(input, &mut self.theme, first.as_ref(), false).map_err(Failure::new)?
        };
        let mut keeps = Vec::new();
        for (other, (changed, graph)) in self.others.iter_mut().zip(others) {
            let rendered =
                other.rebuild(graph, &changed, everything, &mut self.theme, self.today)?;
            files.extend(rendered.files);
            keeps.push(rendered.keep);
        }
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
            let keep = (!untouched).then(|| {
                let mut keep = kept_paths(&self.graph, &self.config, &files, &lists);
                keep.extend(self.statics.iter().cloned());
                if !self.graph.redirects().is_empty() {
                    keep.insert(REDIRECTS.to_string());
                }
                keep
            });
            let others = &self.others;
            self.site.retain(|path, _| {
                let keep = match owner(others, path) {
                    Some(i) => &keeps[i],
                    None => &keep,
                };
                let kept =
                    is_bundle(others, path) || keep.as_ref().is_none_or(|k| k.contains(path));
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
        let mut files = Vec::new();
        for other in &mut self.others {
            match other.finish(&mut self.theme, self.today) {
                Ok(finished) => files.extend(finished),
                Err(failure) => {
                    self.unrendered = true;
                    return Err(failure);
                }
            }
        }
        update.rendered += files.iter().filter(|f| f.path.ends_with(".html")).count();
        update.changed.extend(self.put(files));
        update.elapsed = start.elapsed();
        Ok(update)
    }
}
