//! `watch` and `serve`: file events -> which inputs changed (`watch`) ->
//! which outputs change (`affected`) -> an incremental rebuild (`session`)
//! -> write to disk, or serve from memory (`server`) and reload the
//! browser (`reload`).

pub mod affected;
pub mod reload;
pub mod server;
pub mod session;
pub mod watch;

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use notify::RecursiveMode;
use notify_debouncer_full::{DebounceEventResult, new_debouncer, new_debouncer_opt};

use crate::build::{BuildOptions, Failure};
use crate::diagnostics::Diagnostic;
use reload::{Message, Reloader};
use session::{Session, Update};
use watch::{Changes, Layout, classify};

/// How long the watcher waits for a file's events to settle (an editor's
/// save is a few events within a millisecond or two).
const DEBOUNCE: Duration = Duration::from_millis(20);
/// How long to wait for more events after a batch, to gather the rest of a
/// burst into the same rebuild; longer once a batch shows a burst is under
/// way (a `git checkout` writing hundreds of files), so that a short stall
/// of the writer does not split it.
const GATHER: Duration = Duration::from_millis(12);
const GATHER_BURST: Duration = Duration::from_millis(60);
/// More paths than this in the batches so far is a burst.
const BURST: usize = 8;

/// What `serve` adds to a build.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub bind: IpAddr,
    pub port: u16,
    pub open: bool,
}

/// How to report: the CLI prints, tests capture.
pub trait Reporter: Send {
    fn diagnostics(&mut self, diagnostics: &[Diagnostic]);
    fn line(&mut self, text: &str);
}

/// Prints to the terminal, as `build` does.
pub struct Terminal;

impl Reporter for Terminal {
    fn diagnostics(&mut self, diagnostics: &[Diagnostic]) {
        for d in diagnostics {
            eprintln!("{d}");
        }
    }

    fn line(&mut self, text: &str) {
        println!("{text}");
    }
}

fn layout(options: &BuildOptions) -> Layout {
    let config =
        crate::config::Config::load(&options.root).unwrap_or_else(|_| crate::config::Config {
            root: options.root.clone(),
            ..Default::default()
        });
    let absolute = |p: std::path::PathBuf| std::fs::canonicalize(&p).unwrap_or(p);
    let root = absolute(options.root.clone());
    Layout {
        content: absolute(config.content_dir()),
        templates: absolute(config.templates_dir()),
        config_file: root.join(crate::config::CONFIG_FILE),
        output: absolute(
            options
                .output
                .clone()
                .map(|o| options.root.join(o))
                .unwrap_or_else(|| config.output_dir()),
        ),
        root,
    }
}

/// Starts watching a site's inputs; events arrive on the returned channel.
/// The watcher stops when the returned guard is dropped.
fn start_watcher(
    layout: &Layout,
    poll: bool,
) -> Result<(Box<dyn std::any::Any>, Receiver<DebounceEventResult>), String> {
    let (tx, rx) = channel();
    let describe = |e: notify::Error| format!("cannot watch the site for changes: {e}");
    let mut targets: Vec<(&Path, RecursiveMode)> =
        vec![(&layout.root, RecursiveMode::NonRecursive)];
    for dir in [&layout.content, &layout.templates] {
        if dir.is_dir() {
            targets.push((dir, RecursiveMode::Recursive));
        }
    }
    if poll {
        let config = notify::Config::default().with_poll_interval(Duration::from_millis(250));
        let mut debouncer = new_debouncer_opt::<
            _,
            notify::PollWatcher,
            notify_debouncer_full::NoCache,
        >(DEBOUNCE, None, tx, notify_debouncer_full::NoCache, config)
        .map_err(describe)?;
        for (path, mode) in targets {
            debouncer.watch(path, mode).map_err(describe)?;
        }
        Ok((Box::new(debouncer), rx))
    } else {
        let mut debouncer = new_debouncer(DEBOUNCE, None, tx).map_err(describe)?;
        for (path, mode) in targets {
            debouncer.watch(path, mode).map_err(describe)?;
        }
        Ok((Box::new(debouncer), rx))
    }
}

/// How often a loop looks for a search index finished in the background.
const SEARCH_POLL: Duration = Duration::from_millis(100);

/// What the watch and serve loops wake up for.
enum Wake {
    /// Changes to rebuild for, and when the first was seen.
    Changes(Changes, Instant),
    /// Nothing changed for [`SEARCH_POLL`] while a search index was being
    /// built: time to look whether it is ready.
    Poll,
}

/// Waits for the next batch of changes that matter, gathering a burst into
/// one; while a search index is being built, wakes every [`SEARCH_POLL`].
fn next_changes(
    rx: &Receiver<DebounceEventResult>,
    layout: &Layout,
    reporter: &mut dyn Reporter,
    indexing: bool,
) -> Option<Wake> {
    loop {
        let first = if indexing {
            match rx.recv_timeout(SEARCH_POLL) {
                Ok(first) => first,
                Err(RecvTimeoutError::Timeout) => return Some(Wake::Poll),
                Err(RecvTimeoutError::Disconnected) => return None,
            }
        } else {
            rx.recv().ok()?
        };
        let detected = Instant::now();
        let mut changes = Changes::default();
        let absorb = |changes: &mut Changes,
                      result: DebounceEventResult,
                      reporter: &mut dyn Reporter| match result {
            Ok(events) => {
                // Reading a file is not changing it: the build's own reads
                // must not start another build.
                let paths = events
                    .iter()
                    .filter(|e| !matches!(e.kind, notify::EventKind::Access(_)))
                    .flat_map(|e| e.paths.iter().map(|p| p.as_path()));
                changes.merge(&classify(layout, paths, |p| p.is_dir()));
            }
            Err(errors) => {
                for e in errors {
                    reporter.line(&format!("watch error: {e}"));
                }
            }
        };
        absorb(&mut changes, first, reporter);
        loop {
            let burst = changes.content_paths.len() > BURST;
            match rx.recv_timeout(if burst { GATHER_BURST } else { GATHER }) {
                Ok(more) => absorb(&mut changes, more, reporter),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return None,
            }
        }
        if changes.any() {
            return Some(Wake::Changes(changes, detected));
        }
    }
}

/// The line for a rebuild whose first pages were served or written
/// `first` after the change was seen, and the rest (the lists of many
/// claims, feeds and data files) `all` after it; the search index follows.
fn summary(update: &Update, first: Duration, all: Duration, session: &Option<Session>) -> String {
    let indexing = if session.as_ref().is_some_and(Session::indexing) {
        "; updating the search index"
    } else {
        ""
    };
    format!(
        "Rebuilt: {} page{} rendered, {} file{} changed, {} removed in {} ms (all files in {} ms){indexing}",
        update.rendered,
        if update.rendered == 1 { "" } else { "s" },
        update.changed.len(),
        if update.changed.len() == 1 { "" } else { "s" },
        update.removed.len(),
        first.as_millis(),
        all.as_millis()
    )
}

fn search_summary(update: &Update) -> String {
    format!(
        "Search index updated: {} file{} changed, {} removed",
        update.changed.len(),
        if update.changed.len() == 1 { "" } else { "s" },
        update.removed.len(),
    )
}

/// Where `watch` and `serve` put a rebuilt site: the output folder, or
/// the HTTP server and the browsers reloading from it.
trait Front {
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
struct Output;

impl Front for Output {
    fn pages(&mut self, session: &Session, update: &Update, first: bool) -> Result<(), String> {
        if first {
            session
                .write_all()
                .map_err(|f| f.diagnostics.iter().map(|d| d.to_string()).collect())
        } else {
            session.write_update(update).map_err(|e| e.to_string())
        }
    }

    fn later(&mut self, session: &Session, update: &Update) -> Result<(), String> {
        session.write_update(update).map_err(|e| e.to_string())
    }

    fn failed(&mut self, _: &Failure) -> &'static str {
        "Build failed; the output folder keeps the last good site"
    }

    fn output(&self, session: &Session) -> Option<PathBuf> {
        Some(session.config.output_dir())
    }
}

/// `serve`: the site in memory and the browsers' reload events.
struct Browser<'a> {
    state: &'a server::ServerState,
}

fn publish(state: &server::ServerState, session: &Session) {
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

/// Rebuilds on every batch of changes and puts each result in `front`,
/// until the watcher stops: the pages first, then the feeds and data
/// files, then, from the background, the search index.
fn rebuild_loop(
    rx: &Receiver<DebounceEventResult>,
    layout: &Layout,
    options: &BuildOptions,
    session: &mut Option<Session>,
    reporter: &mut dyn Reporter,
    front: &mut dyn Front,
) {
    loop {
        let indexing = session.as_ref().is_some_and(Session::indexing);
        let Some(wake) = next_changes(rx, layout, reporter, indexing) else {
            return;
        };
        let (changes, detected) = match wake {
            Wake::Changes(changes, detected) => (changes, detected),
            Wake::Poll => {
                if let Some(s) = session.as_mut()
                    && let Some(result) = s.search_update(false)
                {
                    let shown = result.map_err(|f| f.diagnostics).and_then(|update| {
                        front.later(s, &update).map(|()| update).map_err(|e| {
                            vec![Diagnostic::error(
                                "output",
                                crate::diagnostics::Pos::START,
                                e,
                            )]
                        })
                    });
                    match shown {
                        Ok(update) => reporter.line(&search_summary(&update)),
                        Err(diagnostics) => reporter.diagnostics(&diagnostics),
                    }
                }
                continue;
            }
        };
        let first = session.is_none();
        match step(session, options, &changes) {
            Ok(mut update) => {
                reporter.diagnostics(&update.warnings);
                let Some(s) = session.as_mut() else { continue };
                let mut shown = front.pages(s, &update, first);
                let took = detected.elapsed();
                let derived = match s.finish_rebuild(front.output(s).as_deref()) {
                    Ok(derived) => derived,
                    Err(f) => {
                        reporter.diagnostics(&f.diagnostics);
                        let line = front.failed(&f);
                        reporter.line(line);
                        continue;
                    }
                };
                let later = front.later(s, &derived);
                if shown.is_ok() {
                    shown = later;
                }
                s.index_for_search();
                update.rendered += derived.rendered;
                update.changed.extend(derived.changed);
                match shown {
                    Ok(()) => reporter.line(&summary(&update, took, detected.elapsed(), session)),
                    Err(e) => reporter.line(&format!("cannot write the output folder: {e}")),
                }
            }
            Err(f) => {
                reporter.diagnostics(&f.diagnostics);
                let line = front.failed(&f);
                reporter.line(line);
            }
        }
    }
}

/// One step of the loop: the first build, or a rebuild of the last good one.
fn step(
    session: &mut Option<Session>,
    options: &BuildOptions,
    changes: &Changes,
) -> Result<Update, Failure> {
    match session {
        Some(s) => s.rebuild(changes),
        None => {
            let fresh = Session::start(options.clone())?;
            let update = Update {
                changed: fresh.site.keys().cloned().collect(),
                rendered: fresh.site.keys().filter(|p| p.ends_with(".html")).count(),
                warnings: fresh.warnings.clone(),
                ..Update::default()
            };
            *session = Some(fresh);
            Ok(update)
        }
    }
}

/// `claimbase watch`: build to disk, then rebuild on every change.
pub fn watch(options: BuildOptions, poll: bool, reporter: &mut dyn Reporter) -> Result<(), String> {
    let layout = layout(&options);
    // Watch before the first build, so an edit made during it is not lost.
    let (_guard, rx) = start_watcher(&layout, poll)?;
    let mut session = None;
    let first = Instant::now();
    match step(&mut session, &options, &Changes::default()) {
        Ok(update) => {
            reporter.diagnostics(&update.warnings);
            if let Some(s) = &session
                && let Err(f) = s.write_all()
            {
                reporter.diagnostics(&f.diagnostics);
                return Err("cannot write the output folder".into());
            }
            reporter.line(&format!(
                "Built {} pages in {} ms; watching for changes (Ctrl-C to stop)",
                update.rendered,
                first.elapsed().as_millis()
            ));
        }
        Err(f) => {
            reporter.diagnostics(&f.diagnostics);
            reporter.line("Build failed; watching for changes (Ctrl-C to stop)");
        }
    }
    let mut output = Output;
    rebuild_loop(&rx, &layout, &options, &mut session, reporter, &mut output);
    Ok(())
}

/// `claimbase serve`: build in memory, serve over HTTP, rebuild and reload.
pub fn serve(
    options: BuildOptions,
    serve: ServeOptions,
    poll: bool,
    reporter: &mut dyn Reporter,
) -> Result<(), String> {
    let layout = layout(&options);
    let address = SocketAddr::new(serve.bind, serve.port);
    let server = tiny_http::Server::http(address).map_err(|e| {
        let busy = e.to_string().to_lowercase().contains("in use");
        if busy {
            format!(
                "port {} on {} is already in use; choose another with --port",
                serve.port, serve.bind
            )
        } else {
            format!("cannot listen on {address}: {e}")
        }
    })?;
    let base_path = crate::config::Config::load(&options.root)
        .map(|mut c| {
            if let Some(b) = &options.base_url {
                c.base_url = b.clone();
            }
            c.base_path()
        })
        .unwrap_or_else(|_| "/".into());
    let state = Arc::new(server::ServerState {
        files: RwLock::new(Arc::default()),
        base_path: base_path.clone(),
        reloader: Reloader::default(),
    });

    let (_guard, rx) = start_watcher(&layout, poll)?;
    let mut session = None;
    let first = Instant::now();
    match step(&mut session, &options, &Changes::default()) {
        Ok(update) => {
            reporter.diagnostics(&update.warnings);
            if let Some(s) = &session {
                publish(&state, s);
            }
            reporter.line(&format!(
                "Built {} pages in {} ms",
                update.rendered,
                first.elapsed().as_millis()
            ));
        }
        Err(f) => {
            reporter.diagnostics(&f.diagnostics);
            state.reloader.broadcast(Message::errors(&f.diagnostics));
            reporter.line("Build failed; fix the errors and save to rebuild");
        }
    }
    let url = format!("http://{}{}", address, base_path);
    reporter.line(&format!("Serving the site at {url} (Ctrl-C to stop)"));
    let handler_state = state.clone();
    std::thread::spawn(move || {
        for request in server.incoming_requests() {
            let state = handler_state.clone();
            std::thread::spawn(move || server::handle(request, &state));
        }
    });
    if serve.open {
        open_browser(&url);
    }
    let mut browser = Browser { state: &state };
    rebuild_loop(&rx, &layout, &options, &mut session, reporter, &mut browser);
    Ok(())
}

fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(target_os = "windows") {
        "explorer"
    } else {
        "xdg-open"
    };
    let _ = std::process::Command::new(opener)
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
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
