//! File events into input changes: which kind of input changed, with the
//! editor temp files and the output folder filtered out. Pure, so it is
//! tested without a file system or timers.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::load::{is_ignored, is_litter};

/// Where a site's inputs and output live.
#[derive(Debug, Clone)]
pub struct Layout {
    pub root: PathBuf,
    pub content: PathBuf,
    pub templates: PathBuf,
    /// The static folder, copied into the output as it is.
    pub statics: PathBuf,
    pub config_file: PathBuf,
    pub output: PathBuf,
}

/// What a batch of file events changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// A content file (or folder) was written, created, renamed or deleted.
    pub content: bool,
    /// Where, relative to the content folder: the Markdown files and the
    /// folders (paths without an extension) the events named.
    pub content_paths: BTreeSet<PathBuf>,
    /// A template or theme asset changed.
    pub templates: bool,
    /// A static file was written, created, renamed or deleted.
    pub statics: bool,
    /// The content, templates or static folder itself was made, removed or
    /// renamed: it must be watched again.
    pub folders: bool,
    /// `claimbase.toml` changed.
    pub config: bool,
}

impl Changes {
    pub fn any(&self) -> bool {
        self.content || self.templates || self.statics || self.config
    }

    pub fn merge(&mut self, other: &Changes) {
        self.content |= other.content;
        self.content_paths
            .extend(other.content_paths.iter().cloned());
        self.templates |= other.templates;
        self.statics |= other.statics;
        self.folders |= other.folders;
        self.config |= other.config;
    }
}

/// Classifies the paths of a batch of events; `is_dir` says whether a path
/// is a folder now (a folder's name may have a dot, as in `2024.q3`).
pub fn classify<'a>(
    layout: &Layout,
    paths: impl IntoIterator<Item = &'a Path>,
    is_dir: impl Fn(&Path) -> bool,
) -> Changes {
    let mut changes = Changes::default();
    for path in paths {
        if path.starts_with(&layout.output) || is_staging(layout, path) {
            continue;
        }
        if path == layout.config_file {
            changes.config = true;
            continue;
        }
        if [&layout.content, &layout.templates, &layout.statics].contains(&&path.to_path_buf()) {
            changes.folders = true;
        }
        if let Ok(inner) = path.strip_prefix(&layout.statics) {
            // Dot files are static files too (`.nojekyll`); editor litter is not.
            let litter = inner
                .components()
                .any(|c| is_litter(&c.as_os_str().to_string_lossy()));
            if !litter {
                changes.statics = true;
            }
            continue;
        }
        let (base, is_templates) = if path.starts_with(&layout.templates) {
            (&layout.templates, true)
        } else if path.starts_with(&layout.content) {
            (&layout.content, false)
        } else {
            continue;
        };
        let Ok(inner) = path.strip_prefix(base) else {
            continue;
        };
        let ignored = inner
            .components()
            .any(|c| is_ignored(&c.as_os_str().to_string_lossy()));
        if ignored {
            continue;
        }
        if is_templates {
            changes.templates = true;
        } else {
            // A Markdown file, or a folder (renamed or deleted with its files).
            let is_markdown = path.extension().is_some_and(|e| e == "md");
            let is_folder_like = path.extension().is_none() || is_dir(path);
            if is_markdown || is_folder_like {
                changes.content = true;
                changes.content_paths.insert(inner.to_path_buf());
            }
        }
    }
    changes
}

/// The folders `write` builds beside the output (`.output.claimbase-new`).
fn is_staging(layout: &Layout, path: &Path) -> bool {
    let Some(name) = layout.output.file_name() else {
        return false;
    };
    let prefix = format!(".{}.claimbase-", name.to_string_lossy());
    path.strip_prefix(layout.output.parent().unwrap_or(Path::new("")))
        .ok()
        .and_then(|p| p.components().next())
        .is_some_and(|c| c.as_os_str().to_string_lossy().starts_with(&prefix))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout() -> Layout {
        Layout {
            root: "/site".into(),
            content: "/site/claims".into(),
            templates: "/site/templates".into(),
            statics: "/site/static".into(),
            config_file: "/site/claimbase.toml".into(),
            output: "/site/output".into(),
        }
    }

    fn classify_all(paths: &[&str]) -> Changes {
        classify(&layout(), paths.iter().map(Path::new), |_| false)
    }

    #[test]
    fn a_saved_claim_is_a_content_change() {
        assert_eq!(
            classify_all(&["/site/claims/jobs/a.md"]),
            Changes {
                content: true,
                content_paths: [PathBuf::from("jobs/a.md")].into(),
                ..Default::default()
            }
        );
    }

    #[test]
    fn static_files_dot_files_included_are_a_static_change() {
        for path in [
            "/site/static/CNAME",
            "/site/static/.nojekyll",
            "/site/static/img/a.png",
        ] {
            assert_eq!(
                classify_all(&[path]),
                Changes {
                    statics: true,
                    ..Default::default()
                },
                "{path}"
            );
        }
        assert!(!classify_all(&["/site/static/a.png.swp", "/site/static/.DS_Store"]).any());
    }

    #[test]
    fn editor_temp_files_never_trigger() {
        let temp = [
            "/site/claims/.a.md.swp",
            "/site/claims/.a.md.swx",
            "/site/claims/a.md~",
            "/site/claims/.#a.md",
            "/site/claims/4913",
            "/site/claims/a.md___jb_tmp___",
            "/site/claims/a.md___jb_old___",
            "/site/claims/.git/index",
        ];
        assert!(!classify_all(&temp).any());
    }

    #[test]
    fn the_output_and_its_staging_folders_never_trigger() {
        assert!(
            !classify_all(&[
                "/site/output/index.html",
                "/site/.output.claimbase-new/x.html"
            ])
            .any()
        );
    }

    #[test]
    fn a_deleted_or_renamed_folder_is_a_content_change() {
        let changes = classify_all(&["/site/claims/new-folder"]);
        assert!(changes.content);
        assert_eq!(changes.content_paths, [PathBuf::from("new-folder")].into());
    }

    #[test]
    fn a_folder_with_a_dot_in_its_name_is_a_folder() {
        let paths = [Path::new("/site/claims/2024.q3")];
        let is_dir = |p: &Path| p == Path::new("/site/claims/2024.q3");
        let changes = classify(&layout(), paths, is_dir);
        assert_eq!(changes.content_paths, [PathBuf::from("2024.q3")].into());
        assert!(
            !classify(&layout(), paths, |_| false).content,
            "a file that is not Markdown"
        );
    }

    #[test]
    fn templates_and_config_are_told_apart() {
        let c = classify_all(&["/site/templates/claim.html", "/site/claimbase.toml"]);
        assert!(c.templates && c.config && !c.content);
    }

    #[test]
    fn unrelated_files_are_ignored() {
        assert!(
            !classify_all(&[
                "/site/claims/image.png",
                "/site/README.md",
                "/elsewhere/x.md"
            ])
            .any()
        );
    }
}
