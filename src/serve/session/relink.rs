//! The site checked and linked again, when an edit changes more than
//! claims in place.

use super::*;

/// Whether any of `files` (under `root`) is a symbolic link.
pub(super) fn any_linked(root: &Path, files: &[InputFile]) -> bool {
    files.iter().any(|f| root.join(&f.path).is_symlink())
}

impl Session {
    /// Checks and links the site again, from `files` when given, else
    /// from the disk. Returns the changed records and the graph before.
    pub(super) fn relink(
        &mut self,
        files: Option<Vec<InputFile>>,
    ) -> Result<(Changed, Graph), Failure> {
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
}
