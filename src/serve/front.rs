//! Where `watch` and `serve` put a rebuilt site: the output folder, or
//! the HTTP server and the browsers reloading from it.

use super::*;

/// Where `watch` and `serve` put a rebuilt site: the output folder, or
/// the HTTP server and the browsers reloading from it.
pub(super) trait Front {
    /// The pages of a rebuild are ready; `first`: the first good build.
    fn pages(&mut self, session: &Session, update: &Update, first: bool) -> Result<(), String>;
    /// The feeds and data files after them, or a search index from the
    /// background.
    fn later(&mut self, session: &Session, update: &Update) -> Result<(), String>;
    /// A rebuild failed; returns the line to print.
    fn failed(&mut self, failure: &Failure) -> &'static str;
    /// The folder the site is written to, if it is.
    fn output(&self, _session: &Session) -> Option<PathBuf> {
        None
    }
}

/// `watch`: the output folder.
#[derive(Default)]
pub(super) struct Output {
    /// A write failed (a full disk): the folder holds some files of the
    /// last version and some of the one before, so the next rebuild writes
    /// the whole site again rather than what it changed.
    unsynced: bool,
}

impl Output {
    fn write_update(&mut self, session: &Session, update: &Update) -> Result<(), String> {
        session.write_update(update).map_err(|e| {
            self.unsynced = true;
            let output = session.config.output_dir();
            let full = e.kind() == std::io::ErrorKind::StorageFull
                || e.kind() == std::io::ErrorKind::QuotaExceeded;
            let full = if full { "no space left on device: " } else { "" };
            format!(
                "cannot write the output folder `{}`: {full}{e}; the files not yet replaced keep their last version, and the next save writes the whole site again",
                output.display()
            )
        })
    }
}

impl Front for Output {
    fn pages(&mut self, session: &Session, update: &Update, first: bool) -> Result<(), String> {
        if first || self.unsynced {
            session.write_all().map_err(|f| {
                self.unsynced = true;
                f.diagnostics
                    .iter()
                    .map(|d| d.to_string())
                    .collect::<Vec<_>>()
                    .join("\n")
            })?;
            self.unsynced = false;
            Ok(())
        } else {
            self.write_update(session, update)
        }
    }

    fn later(&mut self, session: &Session, update: &Update) -> Result<(), String> {
        self.write_update(session, update)
    }

    fn failed(&mut self, _: &Failure) -> &'static str {
        "Build failed; the output folder keeps the last good site"
    }

    fn output(&self, session: &Session) -> Option<PathBuf> {
        Some(session.config.output_dir())
    }
}

/// `serve`: the site in memory and the browsers' reload events.
pub(super) struct Browser<'a> {
    pub(super) state: &'a server::ServerState,
}

pub(super) fn publish(state: &server::ServerState, session: &Session) {
    *state.files.write().expect("not poisoned") = Arc::new(session.site.clone());
}

/// Puts what `update` changed into the served site, in place: a request
/// being answered keeps the version it started with.
fn publish_update(state: &server::ServerState, session: &Session, update: &Update) {
    let mut files = state.files.write().expect("not poisoned");
    let files = Arc::make_mut(&mut files);
    for path in &update.changed {
        if let Some(bytes) = session.site.get(path) {
            files.insert(path.clone(), bytes.clone());
        }
    }
    for path in &update.removed {
        files.remove(path);
    }
}

/// The pages an update changed or removed, as URL paths under `base`
/// (`None` when there are so many that every page may as well reload).
fn changed_pages(update: &Update, base: &str) -> Option<Vec<String>> {
    const MANY: usize = 1000;
    // A theme asset (a script, an image, a stylesheet changed along with
    // templates) may be used by any page.
    if update
        .changed
        .iter()
        .chain(&update.removed)
        .any(|p| p.starts_with("assets/"))
    {
        return None;
    }
    let pages: Vec<String> = update
        .changed
        .iter()
        .chain(&update.removed)
        .filter(|p| p.ends_with(".html"))
        .map(|p| format!("{base}{}", p.strip_suffix("index.html").unwrap_or(p)))
        .collect();
    (pages.len() <= MANY).then_some(pages)
}

impl Front for Browser<'_> {
    fn pages(&mut self, session: &Session, update: &Update, _: bool) -> Result<(), String> {
        publish_update(self.state, session, update);
        let message = if update.css_only() {
            Message::Css
        } else {
            Message::Reload(changed_pages(update, &self.state.base_path))
        };
        self.state.reloader.broadcast(message);
        Ok(())
    }

    // Served from the next request on; the pages among them that are open
    // reload (the lists of a rebuild, not its search index or feeds).
    fn later(&mut self, session: &Session, update: &Update) -> Result<(), String> {
        if update.changed.is_empty() && update.removed.is_empty() {
            return Ok(());
        }
        publish_update(self.state, session, update);
        let pages = changed_pages(update, &self.state.base_path);
        if pages.as_ref().is_none_or(|p| !p.is_empty()) {
            self.state.reloader.broadcast(Message::Reload(pages));
        }
        Ok(())
    }

    fn failed(&mut self, failure: &Failure) -> &'static str {
        self.state
            .reloader
            .broadcast(Message::errors(&failure.diagnostics));
        "Build failed; still serving the last good site"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn update(changed: &[&str], removed: &[&str]) -> Update {
        Update {
            changed: changed.iter().map(|p| p.to_string()).collect(),
            removed: removed.iter().map(|p| p.to_string()).collect(),
            ..Update::default()
        }
    }

    #[test]
    fn reload_events_name_the_changed_and_removed_pages_under_the_base() {
        let pages = changed_pages(
            &update(
                &[
                    "claims/a/index.html",
                    "index.html",
                    "claims.json",
                    "feed.xml",
                ],
                &["claims/b/index.html"],
            ),
            "/ai-claims/",
        );
        assert_eq!(
            pages.unwrap(),
            [
                "/ai-claims/claims/a/",
                "/ai-claims/",
                "/ai-claims/claims/b/"
            ]
        );
    }

    #[test]
    fn a_changed_theme_asset_reloads_every_page() {
        let changed = ["assets/search.js", "claims/a/index.html"];
        assert_eq!(changed_pages(&update(&changed, &[]), "/"), None);
        assert_eq!(changed_pages(&update(&[], &["assets/logo.svg"]), "/"), None);
    }
}
