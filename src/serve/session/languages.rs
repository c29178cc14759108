//! The site's other languages: each a site of its own in its folder
//! (`zh/`), kept beside the default language's. A rebuild checks and links
//! every language again together, then renders in each only the pages its
//! changes affect there: an edited translation touches its language alone,
//! an edited original every language.

use super::*;
use crate::build::Translated;
use crate::config::Config;

/// The site in one language other than the default.
pub(super) struct OtherLanguage {
    config: Config,
    /// Its folder in the output (`zh/`).
    prefix: String,
    graph: Graph,
    prepared: Prepared,
    search: SearchIndexer,
    /// The search records of the last index asked for (`None`: they must
    /// be made again).
    records: Option<Records>,
    /// After a rebuild, until [`Session::finish_rebuild`]: what is still
    /// to make.
    pending: Option<Pending>,
}

/// What a rebuild renders in one language, before its lists.
pub(super) struct Rendered {
    pub(super) files: Vec<OutputFile>,
    /// Every output path the language still has after the rebuild, but
    /// its search files (`None`: all it had).
    pub(super) keep: Option<BTreeSet<String>>,
}

impl OtherLanguage {
    /// Renders every page of `site` into `files` and asks `search` for its
    /// index.
    pub(super) fn start(
        site: Translated,
        theme: &mut Theme,
        today: PartialDate,
        search: SearchIndexer,
        files: &mut Vec<OutputFile>,
    ) -> Result<OtherLanguage, Failure> {
        let prepared = Prepared::with_rows(&site.graph, &site.config, today);
        let mut language = OtherLanguage {
            prefix: site.config.language_prefix(&site.config.language),
            config: site.config,
            graph: site.graph,
            prepared,
            search,
            records: None,
            pending: None,
        };
        let rendered =
            render_prepared(language.input(today), theme, None, true).map_err(Failure::new)?;
        files.extend(language.prefixed(rendered));
        language.index_for_search(today);
        Ok(language)
    }

    /// Its search indexer, for a session started afresh to go on with.
    pub(super) fn take_search(&mut self) -> SearchIndexer {
        std::mem::take(&mut self.search)
    }

    fn input(&self, today: PartialDate) -> Input<'_> {
        Input {
            graph: &self.graph,
            config: &self.config,
            today,
            prepared: &self.prepared,
        }
    }

    fn prefixed(&self, files: Vec<OutputFile>) -> impl Iterator<Item = OutputFile> + '_ {
        files.into_iter().map(|mut f| {
            f.path.insert_str(0, &self.prefix);
            f
        })
    }

    /// The number of HTML pages the language has.
    pub(super) fn page_count(&self) -> usize {
        let pages = page_paths(&self.graph, &self.config);
        pages.iter().filter(|p| p.ends_with(".html")).count()
    }

    /// After the site was checked and linked again: takes the language's
    /// new `graph`, in which `changed` are the records that differ, and
    /// renders the pages they affect, except the lists of many claims,
    /// which [`OtherLanguage::finish`] renders. With `everything`, every
    /// page is rendered.
    pub(super) fn rebuild(
        &mut self,
        graph: Graph,
        changed: &Changed,
        everything: bool,
        theme: &mut Theme,
        today: PartialDate,
    ) -> Result<Rendered, Failure> {
        let before = std::mem::replace(&mut self.graph, graph);
        if !everything && unchanged(changed, &before, &self.graph) {
            // Nothing this language shows changed: its pages, feeds and
            // search index stay.
            return Ok(Rendered {
                files: Vec::new(),
                keep: None,
            });
        }
        self.prepared = Prepared::with_rows(&self.graph, &self.config, today);
        self.records = None;
        let affected = if everything {
            Affected::Everything
        } else {
            affected_pages(
                &before,
                &self.graph,
                changed,
                self.config.timeline_page_size,
            )
        };
        let (only, first, lists) = split_lists(affected);
        let files = render_prepared(self.input(today), theme, first.as_ref(), false)
            .map_err(Failure::new)?;
        let keep = kept_paths(&self.graph, &self.config, &files, &lists);
        let keep = keep.into_iter().map(|p| format!("{}{p}", self.prefix));
        let pending = Pending {
            only,
            lists,
            publish: Publish::All,
        };
        self.pending = Some(match self.pending.take() {
            Some(earlier) => earlier.and(pending),
            None => pending,
        });
        Ok(Rendered {
            keep: Some(keep.collect()),
            files: self.prefixed(files).collect(),
        })
    }

    /// The second half of a rebuild: the lists of many claims, and the
    /// feeds, sitemap and data export.
    pub(super) fn finish(
        &mut self,
        theme: &mut Theme,
        today: PartialDate,
    ) -> Result<Vec<OutputFile>, Failure> {
        let Some(Pending {
            only,
            lists,
            publish: what,
        }) = self.pending.take()
        else {
            return Ok(Vec::new());
        };
        let input = self.input(today);
        let mut files = if lists.is_empty() {
            Vec::new()
        } else {
            render_prepared(input, theme, Some(&lists), false).map_err(Failure::new)?
        };
        files.extend(publish(input, only.as_ref(), &what));
        Ok(self.prefixed(files).collect())
    }

    /// Asks for the language's search index, unless the last one asked
    /// for has its records.
    pub(super) fn index_for_search(&mut self, today: PartialDate) {
        if self.records.is_none() {
            self.records = all_records(&self.graph, &self.config, today);
        }
        self.search.request(self.records.clone());
    }

    /// Makes the next request index the language again.
    pub(super) fn forget_index(&mut self) {
        self.search.records = None;
    }

    pub(super) fn indexing(&self) -> bool {
        self.search.running.is_some()
    }

    /// The finished search index, in the language's folder, if there is
    /// one (waiting for it when `wait`).
    pub(super) fn finished_index(
        &mut self,
        wait: bool,
    ) -> Option<Result<Vec<OutputFile>, Vec<Diagnostic>>> {
        let finished = self.search.finished(wait)?;
        Some(finished.map(|files| self.prefixed(files).collect()))
    }
}

/// Which of `others` has `path` in its folder (`None`: the default
/// language).
pub(super) fn owner(others: &[OtherLanguage], path: &str) -> Option<usize> {
    others.iter().position(|o| path.starts_with(&o.prefix))
}

/// Whether `path` is a search file, of whichever language has it.
pub(super) fn is_bundle(others: &[OtherLanguage], path: &str) -> bool {
    let folder = owner(others, path).map_or("", |i| &others[i].prefix);
    path[folder.len()..].starts_with(BUNDLE)
}

/// Whether a language's records changed in nothing it shows: no record
/// changed, nor any archived source text.
pub(super) fn unchanged(changed: &Changed, before: &Graph, after: &Graph) -> bool {
    changed.is_empty() && before.archives == after.archives
}

/// The output paths of a language (in its own folder's terms) that a
/// rebuild keeps: the pages and feeds of its graph, the files every site
/// has, what it rendered, and the lists still to render.
pub(super) fn kept_paths(
    graph: &Graph,
    config: &Config,
    files: &[OutputFile],
    lists: &BTreeSet<String>,
) -> BTreeSet<String> {
    let mut keep = page_paths(graph, config);
    keep.extend(PUBLISHED.iter().map(|p| p.to_string()));
    keep.extend(files.iter().map(|f| f.path.clone()));
    keep.extend(lists.iter().cloned());
    keep
}

/// The pages to render (`None`: all), those of them to render first, and
/// the lists of many claims, which follow once the browser has the rest.
pub(super) fn split_lists(
    affected: Affected,
) -> (
    Option<BTreeSet<String>>,
    Option<BTreeSet<String>>,
    BTreeSet<String>,
) {
    match affected {
        Affected::Everything => (None, None, BTreeSet::new()),
        Affected::Pages(pages) => {
            let (lists, first) = pages.iter().cloned().partition(|p| is_list(p));
            (Some(pages), Some(first), lists)
        }
    }
}
