//! claimbase turns a folder of Markdown claim files into a cross-linked
//! static website of claims: who said what, when, and where it is recorded.
//!
//! A build is one pipeline, a module per stage, each taking values and
//! returning values:
//!
//! 1. [`load`]: walk the content root and read the files (the only reads).
//! 2. [`parse`]: front matter and Markdown into typed records with positions.
//! 3. [`validate`]: every rule of the format, all problems at once.
//! 4. [`graph`]: resolve ids, relations both ways, per-entity claim lists.
//! 5. [`render`]: graph and templates into output files, each handed on as
//!    soon as it is made; the search index is built beside the pages.
//! 6. [`write`](mod@write): the files onto disk, atomically (the only
//!    writes). A build renders straight into the staging folder, so the
//!    site is never held in memory whole; `serve` keeps it in memory.
//!
//! [`config`] reads `claimbase.toml`; [`diagnostics`] is the one error type
//! every stage reports with; [`scaffold`] writes new sites and files.
//! [`deploy`] stands apart: it reads a built output folder and publishes it.

pub mod config;
pub mod deploy;
pub mod diagnostics;
pub mod graph;
pub mod load;
pub mod parse;
pub mod render;
pub mod scaffold;
pub mod serve;
pub mod validate;
pub mod write;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use config::Config;
use diagnostics::{Diagnostic, Pos};
use parse::PartialDate;

/// What to build, as the command line says it.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The site's folder (holding `claimbase.toml`).
    pub root: PathBuf,
    /// Overrides `output` in the config.
    pub output: Option<PathBuf>,
    /// Overrides `base_url` in the config.
    pub base_url: Option<String>,
    /// Include claims marked `draft: true`.
    pub drafts: bool,
}

/// A build or check that succeeded (warnings allowed).
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub claims: usize,
    pub speakers: usize,
    pub sources: usize,
    pub topics: usize,
    /// HTML pages rendered.
    pub pages: usize,
    /// Files rewritten and files left as they were (build only).
    pub written: usize,
    pub unchanged: usize,
    pub warnings: Vec<Diagnostic>,
    pub elapsed: Duration,
    /// Time per stage, for `build --timings`.
    pub stages: Vec<(&'static str, Duration)>,
}

/// A build or check that failed: every diagnostic, sorted, warnings included.
#[derive(Debug, Clone)]
pub struct Failure {
    pub diagnostics: Vec<Diagnostic>,
}

impl Failure {
    fn new(mut diagnostics: Vec<Diagnostic>) -> Self {
        diagnostics::sort(&mut diagnostics);
        Failure { diagnostics }
    }

    pub fn error_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }
}

/// A site that passed every check, ready to render.
pub struct Checked {
    pub config: Config,
    /// The content files the graph was built from.
    pub files: Vec<load::InputFile>,
    pub graph: graph::Graph,
    pub warnings: Vec<Diagnostic>,
}

/// Stages 1 to 4: load, parse, validate and link, without writing anything.
pub fn check(options: &BuildOptions) -> Result<Checked, Failure> {
    check_with(options, None)
}

/// [`check`], parsing only the files that changed since `cache` was last
/// used (`serve` and `watch` keep one between rebuilds).
pub fn check_cached(
    options: &BuildOptions,
    cache: &mut parse::ParseCache,
) -> Result<Checked, Failure> {
    check_with(options, Some(cache))
}

fn check_with(
    options: &BuildOptions,
    cache: Option<&mut parse::ParseCache>,
) -> Result<Checked, Failure> {
    let config = load_config(options)?;
    let (files, diagnostics) = load::load_content(&config.root, &config.content_dir());
    check_files(config, files, diagnostics, options.drafts, cache)
}

/// `claimbase.toml`, with the command line's overrides.
pub fn load_config(options: &BuildOptions) -> Result<Config, Failure> {
    let mut config = Config::load(&options.root).map_err(Failure::new)?;
    if let Some(base_url) = &options.base_url {
        config::check_base_url(base_url)
            .map_err(|m| Failure::new(vec![Diagnostic::error("--base-url", Pos::START, m)]))?;
        config.base_url = base_url.clone();
    }
    if let Some(output) = &options.output {
        config.output = output.clone();
    }
    Ok(config)
}

/// Stages 2 to 4 on content files already read (with what reading them
/// reported), parsing only what changed since `cache` was last used.
pub fn check_files(
    config: Config,
    files: Vec<load::InputFile>,
    mut diagnostics: Vec<Diagnostic>,
    drafts: bool,
    cache: Option<&mut parse::ParseCache>,
) -> Result<Checked, Failure> {
    let (records, parse_diagnostics) = match cache {
        Some(cache) => parse::parse_files_cached(&files, cache),
        None => parse::parse_files(&files),
    };
    diagnostics.extend(parse_diagnostics);
    let archives = load::read_archives(&config.root, &records.sources);
    let content = load::relative(&config.root, &config.content_dir());
    diagnostics.extend(validate::validate(&files, &records, &archives, &content));
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(Failure::new(diagnostics));
    }
    diagnostics::sort(&mut diagnostics);
    let graph = graph::link(records, drafts);
    Ok(Checked {
        config,
        files,
        graph,
        warnings: diagnostics,
    })
}

/// The whole pipeline: check, render and write the site.
pub fn build(options: &BuildOptions) -> Result<Report, Failure> {
    let start = Instant::now();
    let mut stages = Vec::new();
    let mut lap = Instant::now();
    let mut stage = |name: &'static str| {
        stages.push((name, lap.elapsed()));
        lap = Instant::now();
    };
    let checked = check(options)?;
    stage("load, parse, validate, link");
    let config = &checked.config;
    let mut theme = render::templates::Theme::load(&config.root, &config.templates_dir())
        .map_err(Failure::new)?;
    // Each file goes to disk as soon as it is rendered, so the site is
    // never held in memory whole; a failure drops the staging folder.
    let staging = begin_output(config)?;
    let pages = std::sync::atomic::AtomicUsize::new(0);
    let write_error = std::sync::atomic::AtomicBool::new(false);
    render::render_site_to(&checked.graph, config, &mut theme, today(), &|file| {
        if file.path.ends_with(".html") {
            pages.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        match staging.put(&file) {
            Ok(()) => Ok(()),
            // One write error is enough to fail the build; the next files
            // would most likely fail the same way.
            Err(_) if write_error.swap(true, std::sync::atomic::Ordering::Relaxed) => Ok(()),
            Err(e) => Err(output_error(config, e.to_string())),
        }
    })
    .map_err(Failure::new)?;
    stage("render and write");
    let stats = staging
        .commit()
        .map_err(|e| Failure::new(vec![output_error(config, e.to_string())]))?;
    stage("swap");
    let pages = pages.into_inner();
    let g = &checked.graph;
    Ok(Report {
        claims: g.claims.len(),
        speakers: g.speakers.len(),
        sources: g.sources.len(),
        topics: g.topics.len(),
        pages,
        written: stats.written,
        unchanged: stats.unchanged,
        warnings: checked.warnings,
        elapsed: start.elapsed(),
        stages,
    })
}

/// Writes a rendered site to the configured output folder, atomically,
/// after checking that the folder is one claimbase may replace.
pub fn write_output(
    config: &Config,
    files: &[render::OutputFile],
) -> Result<write::WriteStats, Failure> {
    use rayon::prelude::*;
    let staging = begin_output(config)?;
    let fail = |e: write::WriteError| Failure::new(vec![output_error(config, e.to_string())]);
    files
        .par_iter()
        .try_for_each(|file| staging.put(file))
        .map_err(fail)?;
    staging.commit().map_err(fail)
}

/// An error about the output folder, reported at its path.
fn output_error(config: &Config, message: String) -> Diagnostic {
    Diagnostic::error(
        load::relative(&config.root, &config.output_dir()),
        Pos::START,
        message,
    )
}

/// Checks that the configured output folder is one claimbase may replace,
/// and starts a new site beside it.
pub fn begin_output(config: &Config) -> Result<write::Staging, Failure> {
    let output = config.output_dir();
    let fail = |message: String| Failure::new(vec![output_error(config, message)]);
    let (content, templates) = (config.content_dir(), config.templates_dir());
    let protected = [
        write::Protected {
            path: &config.root,
            what: "the site folder",
            may_hold_output: true,
        },
        write::Protected {
            path: &content,
            what: "the content folder",
            // A site whose content root is the site folder itself keeps its
            // output there too; only `.md` files are read as content.
            may_hold_output: same_folder(&content, &config.root),
        },
        write::Protected {
            path: &templates,
            what: "the templates folder",
            may_hold_output: false,
        },
    ];
    write::check_output_dir(&output, &protected).map_err(|e| fail(e.to_string()))?;
    write::Staging::begin(&output).map_err(|e| fail(e.to_string()))
}

fn same_folder(a: &std::path::Path, b: &std::path::Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// The value behind a mutex, also after a thread panicked holding it: what
/// it guards (lists of files and errors) stays usable.
pub(crate) fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Today's date, or the one `SOURCE_DATE_EPOCH` names, for reproducible
/// builds. It decides which open predictions are overdue.
pub fn today() -> PartialDate {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0)
        });
    civil_date(secs.div_euclid(86_400))
}

/// Days since 1970-01-01 to a calendar date (Howard Hinnant's algorithm).
fn civil_date(days: i64) -> PartialDate {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
    PartialDate {
        year,
        month: Some(month),
        day: Some(day),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_date(0).to_string(), "1970-01-01");
        assert_eq!(civil_date(20_454).to_string(), "2026-01-01");
        assert_eq!(civil_date(19_782).to_string(), "2024-02-29");
    }
}
