//! The site checked and linked again, when an edit changes more than
//! claims in place.

use super::*;

/// Whether any of `files` (under `root`) is a symbolic link.
pub(super) fn any_linked(root: &Path, files: &[InputFile]) -> bool {
    files.iter().any(|f| root.join(&f.path).is_symlink())
}

/// What checking and linking again found: the records changed, the graph
/// before, and for each other language the records changed there and its
/// new graph.
pub(super) type Relinked = (Changed, Graph, Vec<(Changed, Graph)>);

impl Session {
    /// Checks and links the site again, from `files` when given, else
    /// from the disk.
    pub(super) fn relink(&mut self, files: Option<Vec<InputFile>>) -> Result<Relinked, Failure> {
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
        let others = checked
            .translated
            .into_iter()
            .map(|site| {
                let language = Some(site.config.language.as_str());
                let changed = changed_records_in(&self.files, &checked.files, language);
                (changed, site.graph)
            })
            .collect();
        if !unchanged(&changed, &self.graph, &checked.graph) {
            self.prepared = Prepared::with_rows(&checked.graph, &self.config, self.today);
            self.records = None;
            self.unindexed.clear();
        }
        self.files = checked.files;
        self.warnings = checked.warnings;
        Ok((
            changed,
            std::mem::replace(&mut self.graph, checked.graph),
            others,
        ))
    }
}
