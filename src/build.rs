//! The pipeline run as one: [`check`] (stages 1 to 4) and [`build`] (all
//! six), with the options the command line gives and the report it prints.
//! `serve` and `watch` run the same stages through these functions.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::config::{self, Config};
use crate::diagnostics::{self, Diagnostic, Pos};
use crate::load;
use crate::parse::{self, PartialDate};
use crate::render::templates::Theme;
use crate::{graph, render, validate, write};

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
    /// What the user should know that is not a problem with the content,
    /// printed once after the summary: advice on publishing the site, a
    /// lock taken over from a writer that was killed.
    pub notes: Vec<String>,
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
    pub fn new(mut diagnostics: Vec<Diagnostic>) -> Self {
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
    /// The static files, copied into the output as they are.
    pub statics: Vec<load::StaticFile>,
    pub warnings: Vec<Diagnostic>,
    /// The site in each of its other `languages`: the settings it is
    /// rendered with and its records in that language.
    pub translated: Vec<Translated>,
}

/// The site in one of its languages other than the default.
pub struct Translated {
    pub config: Config,
    pub graph: graph::Graph,
}

/// How much of the site one language shows in its own words: translated
/// and all, per kind of record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coverage {
    pub language: String,
    pub claims: (usize, usize),
    pub speakers: (usize, usize),
    pub sources: (usize, usize),
    pub topics: (usize, usize),
    pub pages: (usize, usize),
}

impl std::fmt::Display for Coverage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let part = |(done, all): (usize, usize), noun: &str| {
            let plural = if all == 1 { "" } else { "s" };
            format!("{done}/{all} {noun}{plural}")
        };
        write!(
            f,
            "{}: {}, {}, {}, {}, {} translated",
            self.language,
            part(self.claims, "claim"),
            part(self.speakers, "speaker"),
            part(self.sources, "source"),
            part(self.topics, "topic"),
            part(self.pages, "page"),
        )
    }
}

impl Checked {
    /// For each language other than the default, how much is translated.
    pub fn coverage(&self) -> Vec<Coverage> {
        self.translated
            .iter()
            .map(|t| {
                let g = &t.graph;
                fn count<'a>(
                    langs: impl ExactSizeIterator<Item = &'a Option<String>>,
                ) -> (usize, usize) {
                    let all = langs.len();
                    (all - langs.filter(|l| l.is_some()).count(), all)
                }
                Coverage {
                    language: t.config.language.clone(),
                    claims: count(g.claims.iter().map(|c| &c.text_lang)),
                    speakers: count(g.speakers.iter().map(|s| &s.text_lang)),
                    sources: count(g.sources.iter().map(|s| &s.text_lang)),
                    topics: count(g.topics.iter().map(|x| &x.text_lang)),
                    pages: count(g.pages.iter().map(|p| &p.text_lang)),
                }
            })
            .collect()
    }

    /// The site in each of its languages, the default first: its settings
    /// and graph.
    pub fn languages(&self) -> impl Iterator<Item = (&Config, &graph::Graph)> {
        std::iter::once((&self.config, &self.graph))
            .chain(self.translated.iter().map(|t| (&t.config, &t.graph)))
    }
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
    let (files, mut diagnostics) = load::load_content(&config.root, &config.content_dir());
    let (statics, static_diagnostics) = load::read_static(&config.root, &config.static_dir());
    diagnostics.extend(static_diagnostics);
    let mut checked = check_files(config, files, diagnostics, options.drafts, cache)?;
    let mut collisions =
        render::paths::static_collisions(&statics, &checked.graph, &checked.config);
    let config = &checked.config;
    if let Some(favicon) = &config.favicon
        && !statics.iter().any(|f| f.path == *favicon)
    {
        collisions.push(
            Diagnostic::error(
                config::CONFIG_FILE,
                config.favicon_pos,
                format!(
                    "`favicon` is `{favicon}`, but there is no `{}/{favicon}`",
                    config.statics.display()
                ),
            )
            .with_help("put the icon in the static folder, or give the path of the one there"),
        );
    }
    if !collisions.is_empty() {
        return Err(Failure::new(collisions));
    }
    checked.statics = statics;
    Ok(checked)
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
    let archives = load::read_archives(
        &config.root,
        records
            .sources
            .iter()
            .filter_map(parse::Source::archive_ref),
    );
    let content = load::relative(&config.root, &config.content_dir());
    diagnostics.extend(validate::validate_for(
        &files, &records, &archives, &content, drafts,
    ));
    let languages = config.site_languages();
    diagnostics.extend(validate::validate_translations(
        &files, &records, &languages,
    ));
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(Failure::new(diagnostics));
    }
    diagnostics::sort(&mut diagnostics);
    let archives: std::collections::HashMap<String, Arc<str>> = archives
        .into_iter()
        .filter_map(|(id, text)| Some((id, Arc::from(text.ok()?))))
        .collect();
    let default = config.default_language().to_string();
    let link = |mut records: parse::Records, language: &str| {
        parse::translation::localize(&mut records, language, &default);
        let mut graph = graph::link(records, drafts);
        graph.archives = archives.clone();
        graph
    };
    let translated = languages[1..]
        .iter()
        .map(|language| Translated {
            config: config.for_language(language),
            graph: link(records.clone(), language),
        })
        .collect();
    let graph = link(records, &default);
    Ok(Checked {
        config,
        files,
        graph,
        statics: Vec::new(),
        warnings: diagnostics,
        translated,
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
    let mut theme = load_theme(config)?;
    // Each file goes to disk as soon as it is rendered, so the site is
    // never held in memory whole; a failure drops the staging folder.
    let staging = begin_output(config)?;
    let pages = std::sync::atomic::AtomicUsize::new(0);
    let write_error = std::sync::atomic::AtomicBool::new(false);
    let today = today();
    // One language after the other, each into its own folder (the
    // default's is the output root), so that memory holds one at a time.
    for (language_config, graph) in checked.languages() {
        let prefix = config.language_prefix(&language_config.language);
        render::render_site_to(graph, language_config, &mut theme, today, &|mut file| {
            if file.path.ends_with(".html") {
                pages.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            if !prefix.is_empty() {
                file.path = format!("{prefix}{}", file.path);
            }
            match staging.put(&file) {
                Ok(()) => Ok(()),
                // One write error is enough to fail the build; the next
                // files would most likely fail the same way.
                Err(_) if write_error.swap(true, std::sync::atomic::Ordering::Relaxed) => Ok(()),
                Err(e) => Err(output_error(config, &e)),
            }
        })
        .map_err(Failure::new)?;
    }
    for file in &checked.statics {
        staging
            .put(&write::OutputFile::new(
                file.path.clone(),
                file.bytes.clone(),
            ))
            .map_err(|e| Failure::new(vec![output_error(config, &e)]))?;
    }
    stage("render and write");
    let mut notes: Vec<String> = staging
        .took_over()
        .map(took_over_note)
        .into_iter()
        .collect();
    notes.extend(publishing_notes(config));
    let stats = staging
        .commit()
        .map_err(|e| Failure::new(vec![output_error(config, &e)]))?;
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
        notes,
        elapsed: start.elapsed(),
        stages,
    })
}

/// What a built site will lack where it is published: without an absolute
/// `base_url` there is no sitemap (its addresses must be absolute), no
/// sitemap line in robots.txt and no canonical links or `og:url`.
fn publishing_notes(config: &Config) -> Vec<String> {
    if config.absolute_base().is_some() {
        return Vec::new();
    }
    vec![format!(
        "base_url `{}` is not a full address, so the site has no sitemap.xml, no sitemap in robots.txt and no canonical links; set base_url (or pass --base-url) to the address it is published at, such as `https://example.org/ai-claims/`",
        config.base_url
    )]
}

/// The built-in theme with the site's own templates in place.
pub fn load_theme(config: &Config) -> Result<Theme, Failure> {
    let files = load::read_theme(&config.root, &config.templates_dir(), Theme::wants)
        .map_err(Failure::new)?;
    Theme::new(files).map_err(Failure::new)
}

/// Writes a rendered site to the configured output folder, atomically,
/// after checking that the folder is one claimbase may replace.
pub fn write_output(
    config: &Config,
    files: &[write::OutputFile],
) -> Result<write::WriteStats, Failure> {
    use rayon::prelude::*;
    let staging = begin_output(config)?;
    let fail = |e: write::WriteError| Failure::new(vec![output_error(config, &e)]);
    files
        .par_iter()
        .try_for_each(|file| staging.put(file))
        .map_err(fail)?;
    staging.commit().map_err(fail)
}

/// An error about the output folder, reported at its path, with what to
/// do about it.
fn output_error(config: &Config, error: &write::WriteError) -> Diagnostic {
    let at = load::relative(&config.root, &config.output_dir());
    let diagnostic = |message: String| Diagnostic::error(at.clone(), Pos::START, message);
    match error {
        write::WriteError::Busy { lock, .. } => diagnostic(error.to_string()).with_help(format!(
            "wait for it to finish, or stop it, and build again; it holds `{lock}`"
        )),
        write::WriteError::Io { path, .. } if error.is_disk_full() => diagnostic(format!(
            "no space left on device: the new site does not fit beside the output folder (writing `{path}`); the previous site is unchanged"
        ))
        .with_help("free some space on that drive, or build to a folder on another with --output"),
        write::WriteError::Io { source, .. }
            if matches!(
                source.kind(),
                std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem
            ) =>
        {
            diagnostic(error.to_string()).with_help(
                "claimbase writes the new site beside the output folder, then swaps the two: make the folder holding it writable, or choose another with --output",
            )
        }
        _ => diagnostic(error.to_string()),
    }
}

/// The note for a lock taken over from a writer that ended without
/// releasing it.
pub fn took_over_note(holder: &write::Holder) -> String {
    format!(
        "the output folder was locked by claimbase ({}), which has stopped without releasing it; took the lock over",
        holder.describe()
    )
}

/// Takes the lock of `output` for `command`, waiting a few seconds for a
/// writer holding it to finish; the error names the holder.
pub fn lock_output(
    config: &Config,
    output: &std::path::Path,
    command: &str,
) -> Result<write::OutputLock, Failure> {
    write::OutputLock::acquire(output, command, write::WAIT)
        .map_err(|e| Failure::new(vec![output_error(config, &e)]))
}

/// Checks that the configured output folder is one claimbase may replace,
/// takes its lock (one writer at a time) and starts a new site beside it.
pub fn begin_output(config: &Config) -> Result<write::Staging, Failure> {
    check_output(config)?;
    let output = config.output_dir();
    let fail = |e: write::WriteError| Failure::new(vec![output_error(config, &e)]);
    let lock = lock_output(config, &output, "claimbase build")?;
    let mut staging = write::Staging::begin(&output).map_err(fail)?;
    staging.hold(lock);
    Ok(staging)
}

/// Checks that the configured output folder is one claimbase may replace:
/// not a folder holding the site's inputs, nor one with others' files.
pub fn check_output(config: &Config) -> Result<(), Failure> {
    let output = config.output_dir();
    let fail = |e: write::WriteError| Failure::new(vec![output_error(config, &e)]);
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
    write::check_output_dir(&output, &protected).map_err(fail)
}

fn same_folder(a: &std::path::Path, b: &std::path::Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
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
