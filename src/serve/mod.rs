//! `watch` and `serve`: file events -> which inputs changed (`watch`) ->
//! which outputs change (`affected`) -> an incremental rebuild (`session`)
//! -> write to disk, or serve from memory (`server`) and reload the
//! browser (`reload`).

pub mod affected;
mod front;
pub mod reload;
pub mod server;
pub mod session;
pub mod watch;

use front::{Browser, Front, Output, publish};

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
        statics: absolute(config.static_dir()),
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
/// A running watcher, which can be pointed at a folder again: a folder
/// deleted and made anew (`rm -r claims && git checkout claims`) is a new
/// folder to the system, no longer watched.
trait Watching {
    fn watch_folder(&mut self, path: &Path) -> notify::Result<()>;
}

impl<T: notify::Watcher, C: notify_debouncer_full::FileIdCache> Watching
    for notify_debouncer_full::Debouncer<T, C>
{
    fn watch_folder(&mut self, path: &Path) -> notify::Result<()> {
        self.watch(path, RecursiveMode::Recursive)
    }
}

/// Watches the site's input folders again after one of them was made
/// anew; stops watching nothing, since a watch of a deleted folder ends by
/// itself.
fn watch_again(watcher: &mut dyn Watching, layout: &Layout, reporter: &mut dyn Reporter) {
    for dir in [&layout.content, &layout.templates, &layout.statics] {
        if dir.is_dir()
            && let Err(e) = watcher.watch_folder(dir)
        {
            reporter.line(&format!("watch error: cannot watch {}: {e}", dir.display()));
        }
    }
}

fn start_watcher(
    layout: &Layout,
    poll: bool,
) -> Result<(Box<dyn Watching>, Receiver<DebounceEventResult>), String> {
    let (tx, rx) = channel();
    let describe = |e: notify::Error| format!("cannot watch the site for changes: {e}");
    let mut targets: Vec<(&Path, RecursiveMode)> =
        vec![(&layout.root, RecursiveMode::NonRecursive)];
    for dir in [&layout.content, &layout.templates, &layout.statics] {
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

/// Rebuilds on every batch of changes and puts each result in `front`,
/// until the watcher stops: the pages first, then the feeds and data
/// files, then, from the background, the search index.
fn rebuild_loop(
    rx: &Receiver<DebounceEventResult>,
    watcher: &mut dyn Watching,
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
            Wake::Changes(changes, detected) => {
                if changes.folders {
                    watch_again(watcher, layout, reporter);
                }
                (changes, detected)
            }
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
                    Err(e) => reporter.line(&e),
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
    let _lock = lock_output(&options, &layout, reporter)?;
    // Watch before the first build, so an edit made during it is not lost.
    let (mut watcher, rx) = start_watcher(&layout, poll)?;
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
    let mut output = Output::default();
    rebuild_loop(
        &rx,
        &mut *watcher,
        &layout,
        &options,
        &mut session,
        reporter,
        &mut output,
    );
    Ok(())
}

/// `watch` holds its output folder's lock for as long as it runs: one
/// writer at a time, and a `build` meanwhile says who is writing.
fn lock_output(
    options: &BuildOptions,
    layout: &Layout,
    reporter: &mut dyn Reporter,
) -> Result<crate::write::OutputLock, String> {
    let refused = |f: Failure, reporter: &mut dyn Reporter| {
        reporter.diagnostics(&f.diagnostics);
        "cannot write the output folder".to_string()
    };
    // A broken config is reported by the first build, and watched for a fix.
    let config = crate::build::load_config(options);
    if let Ok(config) = &config {
        crate::build::check_output(config).map_err(|f| refused(f, reporter))?;
    }
    let config = config.unwrap_or_else(|_| crate::config::Config {
        root: options.root.clone(),
        ..Default::default()
    });
    let lock = crate::build::lock_output(&config, &layout.output, "claimbase watch")
        .map_err(|f| refused(f, reporter))?;
    if let Some(holder) = &lock.took_over {
        reporter.line(&format!("note: {}", crate::build::took_over_note(holder)));
    }
    Ok(lock)
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

    let (mut watcher, rx) = start_watcher(&layout, poll)?;
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
    rebuild_loop(
        &rx,
        &mut *watcher,
        &layout,
        &options,
        &mut session,
        reporter,
        &mut browser,
    );
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
