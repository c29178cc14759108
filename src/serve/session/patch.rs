//! Claims edited in place: the fast path of a rebuild, where a save's
//! claims are parsed again and put into the graph without checking or
//! linking the site again.

use super::*;

/// Claims edited in place.
pub(super) struct Patched {
    pub(super) changed: Changed,
    /// Their indexes in the graph.
    pub(super) indexes: Vec<usize>,
    /// Whether only their bodies changed.
    pub(super) bodies_only: bool,
    /// Whether the kind or status of any changed.
    pub(super) kinds_or_statuses: bool,
    /// Whether the date each last changed (`updated`) is the same.
    pub(super) updated_alike: bool,
}

/// Whether two versions of a claim differ in their body alone.
pub(super) fn same_but_body(a: &Claim, b: &Claim) -> bool {
    let without_body = |c: &Claim| Claim {
        body: String::new(),
        ..c.clone()
    };
    without_body(a) == without_body(b)
}

impl Session {
    /// The content files after `changes`, reading again only the files
    /// the events name; `None` when everything must be read again.
    pub(super) fn reread(&self, changes: &Changes) -> Option<Reread> {
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
    pub(super) fn patch_claims(&mut self, files: Reread) -> Result<Patched, Reread> {
        let Some(edited) = self.edited_claims(&files) else {
            return Err(files);
        };
        let mut versions = Vec::new();
        for &(i, _, file) in &edited {
            let Some(reparsed) = self.parsed.reparse_claim(file) else {
                return Err(files);
            };
            // Compared and kept as the graph holds them: dated.
            let dated = |claim: &Arc<Claim>| {
                let mut claim = claim.clone();
                report_date(&mut claim, &self.graph.sources, &self.graph.source_index);
                claim
            };
            let (old, new) = (dated(&reparsed.old), dated(&reparsed.new));
            // A quote is checked against its source's archived text.
            let archived = self
                .graph
                .source_index
                .get(&new.source.value)
                .is_some_and(|&k| self.graph.sources[k].archive.is_some());
            let quote = |c: &Claim| c.quote.as_ref().map(|q| q.value.clone());
            if !links_alike(&old, &new) || (archived && quote(&old) != quote(&new)) {
                return Err(files);
            }
            versions.push((i, old, new, reparsed));
        }
        let alike =
            |f: fn(&Claim, &Claim) -> bool| versions.iter().all(|(_, old, new, _)| f(old, new));
        let bodies_only = alike(same_but_body);
        let kinds_or_statuses = !alike(|a, b| (a.kind, a.status) == (b.kind, b.status));
        let updated_alike = alike(|a, b| a.updated == b.updated);
        let mut changed = Changed::new();
        let mut indexes = Vec::new();
        for (i, _, new, reparsed) in versions {
            changed.insert((FileKind::Claim, new.id.clone()));
            self.graph.claims[i] = new;
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
}
