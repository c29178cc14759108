//! What a rebuild changed, and its files written to the output folder.

use super::*;

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

impl Session {
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

pub(super) fn diff(
    old: &BTreeMap<String, Arc<Vec<u8>>>,
    new: &BTreeMap<String, Arc<Vec<u8>>>,
) -> Update {
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
