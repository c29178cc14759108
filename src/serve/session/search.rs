//! The search index, kept off the reload path: records kept between
//! rebuilds and indexed in the background.

use super::*;

/// A search record per claim, in graph order (so claim `i`'s record is
/// at `i`), then per speaker, source and topic, kept between rebuilds.
pub(super) type Records = Vec<Arc<SearchRecord>>;

/// Every search record; `None` when the site has no search.
pub(super) fn all_records(
    graph: &Graph,
    config: &crate::config::Config,
    today: PartialDate,
) -> Option<Records> {
    search_records(graph, config, today).map(|records| records.into_iter().map(Arc::new).collect())
}

/// Keeps the search index off the reload path. Pagefind takes seconds on a
/// large site (about 40 s at 10,000 claims), so the site is served at once
/// and indexed in the background, in a pool of two threads of low priority
/// (a bundle each, with Pagefind's own parallel work); edits made meanwhile
/// are indexed together once it is free.
#[derive(Default)]
pub(super) struct SearchIndexer {
    /// The records of the newest index asked for; `None` before the first
    /// and after one that failed, so that the same records are tried again.
    pub(super) records: Option<Arc<Records>>,
    pub(super) running: Option<std::thread::JoinHandle<Result<Vec<OutputFile>, Vec<Diagnostic>>>>,
    /// Asked for while one was running.
    queued: bool,
    pool: Option<Arc<rayon::ThreadPool>>,
}

impl SearchIndexer {
    /// Indexes `records` unless the newest index asked for has them
    /// (`None`: the site has no search).
    pub(super) fn request(&mut self, records: Option<Records>) {
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
    pub(super) fn finished(
        &mut self,
        wait: bool,
    ) -> Option<Result<Vec<OutputFile>, Vec<Diagnostic>>> {
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

impl Session {
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
        for other in &mut self.others {
            other.index_for_search(self.today);
        }
    }

    /// Whether a search index is being built in the background.
    pub fn indexing(&self) -> bool {
        self.search.running.is_some() || self.others.iter().any(OtherLanguage::indexing)
    }

    /// Puts the search indexes finished in the background into the site,
    /// if there are any (waiting for every language's when `wait`), and
    /// says what changed.
    pub fn search_update(&mut self, wait: bool) -> Option<Result<Update, Failure>> {
        let start = Instant::now();
        let mut finished = Vec::new();
        if let Some(result) = self.search.finished(wait) {
            finished.push((None, result));
        }
        for (i, other) in self.others.iter_mut().enumerate() {
            if let Some(result) = other.finished_index(wait) {
                finished.push((Some(i), result));
            }
        }
        if finished.is_empty() {
            return None;
        }
        // Should one fail, none is served, and the others are made again
        // with it on the next request, so that the site stays one whole.
        let failed: Vec<Diagnostic> = finished
            .iter()
            .filter_map(|(_, result)| result.as_ref().err())
            .flatten()
            .cloned()
            .collect();
        if !failed.is_empty() {
            self.search.records = None;
            for other in &mut self.others {
                other.forget_index();
            }
            return Some(Err(Failure::new(failed)));
        }
        let mut update = Update::default();
        for (language, result) in finished {
            let Ok(files) = result else { continue };
            let fresh: BTreeSet<String> = files.iter().map(|f| f.path.clone()).collect();
            let others = &self.others;
            let ours = |path: &str| owner(others, path) == language && is_bundle(others, path);
            self.site.retain(|path, _| {
                let kept = !ours(path) || fresh.contains(path);
                if !kept {
                    update.removed.push(path.clone());
                }
                kept
            });
            update.changed.extend(self.put(files));
        }
        update.elapsed = start.elapsed();
        Some(Ok(update))
    }
}
