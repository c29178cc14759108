//! `/sources/<id>/text/`: the archived text of a source, as much of it as
//! the site publishes, with every quote highlighted and linked to its claim.

use super::*;
use crate::render::archive::{archived_text, source_text_path};

impl PageBuilder<'_> {
    /// The text page of source `k`; none when it has no archived text or
    /// the site publishes none.
    pub(super) fn source_text(&self, k: usize) -> Option<Result<OutputFile, Diagnostic>> {
        let source = &self.graph.sources[k];
        let text = archived_text(self.graph, self.config.archive_publish, self.base(), k)?;
        let mut cx = Context::new();
        cx.insert("source", &self.views.sources[k]);
        cx.insert("text", &text);
        cx.insert(
            "complete",
            &(self.config.archive_publish == crate::config::ArchivePublish::Full),
        );
        let title = format!(
            "{}{}{}",
            self.t("archived_text"),
            self.t("colon"),
            source.title
        );
        let meta = self.meta(
            title,
            source_text_path(&source.id),
            "sources",
            self.t("archived_text_note").to_string(),
            vec![
                (self.t("sources").into(), "sources/".into()),
                (source.title.clone(), source_path(&source.id)),
            ],
        );
        Some(self.page(
            "source-text.html",
            format!("{}index.html", source_text_path(&source.id)),
            meta,
            cx,
        ))
    }
}

/// The sources whose text pages are to be rendered: those with an archive,
/// all or those named in `only` (`sources/<id>/text/index.html`).
pub(super) fn chosen_texts(only: Option<&BTreeSet<String>>, g: &Graph) -> Vec<usize> {
    (0..g.sources.len())
        .filter(|&k| g.archives.contains_key(&g.sources[k].id))
        .filter(|&k| {
            only.is_none_or(|set| {
                set.contains(&format!("{}index.html", source_text_path(&g.sources[k].id)))
            })
        })
        .collect()
}
