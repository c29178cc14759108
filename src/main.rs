//! The command line: parses arguments, calls the library, prints
//! diagnostics and the summary, sets the exit code.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use claimbase::load::FileKind;
use claimbase::{BuildOptions, Failure, Report};

/// A build makes millions of small allocations (parsed fields, rendered
/// pages, the search index's words). mimalloc serves them from per-thread
/// pages, which made the default build 1.5× faster and leaner at 10,000
/// claims (docs/benchmarks.md, "Search index").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "claimbase",
    version,
    about = "Build a cross-linked static site of sourced claims"
)]
struct Cli {
    /// The site's folder (holding claimbase.toml); default: the current folder.
    #[arg(long, global = true, value_name = "DIR")]
    root: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check the content, then write the site to the output folder.
    Build {
        #[command(flatten)]
        site: SiteArgs,
        /// Write here instead of the configured output folder.
        #[arg(long, value_name = "DIR")]
        output: Option<PathBuf>,
        /// Print how long each stage took.
        #[arg(long)]
        timings: bool,
    },
    /// Run every check of a build and write nothing.
    Check {
        /// Check with the drafts included.
        #[arg(long)]
        drafts: bool,
    },
    /// Build, then rebuild the output folder whenever the content, templates or config change.
    Watch {
        #[command(flatten)]
        site: SiteArgs,
        /// Write here instead of the configured output folder.
        #[arg(long, value_name = "DIR")]
        output: Option<PathBuf>,
        /// Poll for changes instead of using file-system events (network drives, WSL).
        #[arg(long)]
        poll: bool,
    },
    /// Build in memory, serve the site over HTTP, rebuild and reload the browser on every change.
    Serve {
        #[command(flatten)]
        site: SiteArgs,
        /// The port to listen on.
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// The address to listen on; anything but loopback must be asked for.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
        /// Poll for changes instead of using file-system events (network drives, WSL).
        #[arg(long)]
        poll: bool,
    },
    /// Build, then publish the output to a `[[deploy]]` target, sending only what changed.
    Deploy {
        /// The `[[deploy]]` table's name; needed when there are several.
        name: Option<String>,
        /// Print what would be sent and deleted, and change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Leave files the site no longer has in place.
        #[arg(long)]
        no_delete: bool,
    },
    /// Create a new site in DIR that builds cleanly.
    Init { dir: PathBuf },
    /// Write a skeleton file with every required field.
    New {
        #[arg(value_enum)]
        kind: NewKind,
        /// The id: lower-case letters, digits and single hyphens.
        id: String,
        /// A new claim's speaker (the site's only speaker when left out).
        #[arg(long, value_name = "ID")]
        speaker: Option<String>,
        /// A new claim's source (the site's only source when left out).
        #[arg(long, value_name = "ID")]
        source: Option<String>,
        /// A new claim's topic (the site's only topic when left out).
        #[arg(long, value_name = "ID")]
        topic: Option<String>,
    },
}

/// What build, watch and serve share.
#[derive(Args)]
struct SiteArgs {
    /// Build for this address instead of the configured base_url.
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Include claims marked `draft: true`.
    #[arg(long)]
    drafts: bool,
}

impl SiteArgs {
    fn options(self, root: PathBuf, output: Option<PathBuf>) -> BuildOptions {
        BuildOptions {
            root,
            output,
            base_url: self.base_url,
            drafts: self.drafts,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum NewKind {
    Claim,
    Speaker,
    Source,
    Topic,
    Page,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let root = cli.root.clone().unwrap_or_else(|| PathBuf::from("."));
    match cli.command {
        Command::Build {
            site,
            output,
            timings,
        } => {
            let options = site.options(root, output);
            let spinner = Spinner::start("Building");
            let result = claimbase::build(&options);
            spinner.stop();
            match result {
                Ok(report) => {
                    print_warnings(&report);
                    if timings {
                        for (stage, time) in &report.stages {
                            println!("  {:>8.1} ms  {stage}", time.as_secs_f64() * 1000.0);
                        }
                    }
                    println!("{}", summary(&report));
                    for note in &report.notes {
                        eprintln!("note: {note}");
                    }
                    ExitCode::SUCCESS
                }
                Err(failure) => fail(&failure, "build"),
            }
        }
        Command::Watch { site, output, poll } => {
            let options = site.options(root, output);
            finish(claimbase::serve::watch(
                options,
                poll,
                &mut claimbase::serve::Terminal,
            ))
        }
        Command::Serve {
            site,
            port,
            bind,
            open,
            poll,
        } => {
            let options = site.options(root, None);
            let serve = claimbase::serve::ServeOptions { bind, port, open };
            finish(claimbase::serve::serve(
                options,
                serve,
                poll,
                &mut claimbase::serve::Terminal,
            ))
        }
        Command::Check { drafts } => {
            let options = BuildOptions {
                root,
                drafts,
                ..Default::default()
            };
            match claimbase::check(&options) {
                Ok(checked) => {
                    for w in &checked.warnings {
                        eprintln!("{w}");
                    }
                    let g = &checked.graph;
                    println!(
                        "Checked {} claims, {} speakers, {} sources, {} topics: no errors{}",
                        g.claims.len(),
                        g.speakers.len(),
                        g.sources.len(),
                        g.topics.len(),
                        match checked.warnings.len() {
                            0 => String::new(),
                            n => format!(", {n} warning{}", if n == 1 { "" } else { "s" }),
                        }
                    );
                    if !checked.translated.is_empty() {
                        println!("{}: the default language", checked.config.language);
                    }
                    for coverage in checked.coverage() {
                        println!("{coverage}");
                    }
                    ExitCode::SUCCESS
                }
                Err(failure) => fail(&failure, "check"),
            }
        }
        Command::Deploy {
            name,
            dry_run,
            no_delete,
        } => deploy(
            root,
            name.as_deref(),
            claimbase::deploy::DeployOptions { dry_run, no_delete },
        ),
        Command::Init { dir } => {
            let dir = if dir.is_absolute() {
                dir
            } else {
                root.join(dir)
            };
            match claimbase::scaffold::init_site(&dir) {
                Ok(()) => {
                    println!(
                        "Created a new site in {}; build it with: claimbase --root {} build",
                        dir.display(),
                        dir.display()
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::New {
            kind,
            id,
            speaker,
            source,
            topic,
        } => {
            let kind = match kind {
                NewKind::Claim => FileKind::Claim,
                NewKind::Speaker => FileKind::Speaker,
                NewKind::Source => FileKind::Source,
                NewKind::Topic => FileKind::Topic,
                NewKind::Page => FileKind::Page,
            };
            let config = match claimbase::config::Config::load(&root) {
                Ok(c) => c,
                Err(diagnostics) => return fail(&Failure { diagnostics }, "new"),
            };
            let today = claimbase::today().to_string();
            let given = claimbase::scaffold::ClaimRefs {
                speaker,
                source,
                topic,
            };
            if kind != FileKind::Claim && given.any() {
                eprintln!("error: --speaker, --source and --topic are for `new claim` only");
                return ExitCode::from(2);
            }
            let (files, _) = claimbase::load::load_content(&config.root, &config.content_dir());
            let refs = match given.resolve(&files) {
                Ok(refs) => refs,
                Err(message) => {
                    eprintln!("error: {message}");
                    return ExitCode::from(2);
                }
            };
            match claimbase::scaffold::new_file(&config.content_dir(), kind, &id, &today, &refs) {
                Ok(path) => {
                    println!("Created {}", path.display());
                    if kind == FileKind::Claim && !refs.missing().is_empty() {
                        println!(
                            "It is a draft until you fill in {}: the site has several to choose from, or none yet. \
                             Then remove `draft: true`.",
                            refs.missing().join(", ")
                        );
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    match e {
                        claimbase::scaffold::ScaffoldError::InvalidId(..) => ExitCode::from(2),
                        _ => ExitCode::FAILURE,
                    }
                }
            }
        }
    }
}

/// `claimbase deploy`: picks the target, builds (a failed build sends
/// nothing), then publishes the output.
fn deploy(
    root: PathBuf,
    name: Option<&str>,
    options: claimbase::deploy::DeployOptions,
) -> ExitCode {
    let build = BuildOptions {
        root,
        ..Default::default()
    };
    let config = match claimbase::build::load_config(&build) {
        Ok(config) => config,
        Err(failure) => return fail(&failure, "deploy"),
    };
    let target = match claimbase::deploy::target(&config, name) {
        Ok(target) => target,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let spinner = Spinner::start("Building");
    let built = claimbase::build(&build);
    spinner.stop();
    match built {
        Ok(report) => {
            print_warnings(&report);
            println!("{}", summary(&report));
        }
        Err(failure) => return fail(&failure, "build"),
    }
    let progress = DeployProgress::new(options.dry_run);
    let result = claimbase::deploy::deploy(&target, &config.output_dir(), options, &progress);
    progress.finish();
    match result {
        Ok(done) => {
            println!("{}", done.line(&target.url));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: deploy to {} failed: {e}", target.url);
            ExitCode::FAILURE
        }
    }
}

/// Prints a deploy's plan, then shows a progress bar on a terminal while
/// the files are sent.
struct DeployProgress {
    dry_run: bool,
    bar: std::sync::OnceLock<indicatif::ProgressBar>,
}

impl DeployProgress {
    fn new(dry_run: bool) -> Self {
        DeployProgress {
            dry_run,
            bar: std::sync::OnceLock::new(),
        }
    }

    fn finish(&self) {
        if let Some(bar) = self.bar.get() {
            bar.finish_and_clear();
        }
    }
}

impl claimbase::deploy::Progress for DeployProgress {
    fn planned(&self, plan: &claimbase::deploy::plan::Plan) {
        let (send, delete) = if self.dry_run {
            ("would send", "would delete")
        } else {
            ("send", "delete")
        };
        for upload in &plan.uploads {
            let why = if upload.new { "new" } else { "changed" };
            println!("  {send:<12} {} ({why})", upload.key);
        }
        for key in &plan.deletes {
            println!("  {delete:<12} {key}");
        }
        for key in &plan.kept {
            println!("  {:<12} {key} (gone from the site; --no-delete)", "leave");
        }
        println!(
            "  {:<12} {} files unchanged",
            "leave",
            claimbase::deploy::thousands(plan.unchanged)
        );
        let steps = plan.uploads.len() + plan.deletes.len();
        if !self.dry_run && steps > 0 && std::io::stderr().is_terminal() {
            let bar = indicatif::ProgressBar::new(steps as u64);
            if let Ok(style) =
                indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} files, {eta} left")
            {
                bar.set_style(style);
            }
            let _ = self.bar.set(bar);
        }
    }

    fn done(&self, _key: &str) {
        if let Some(bar) = self.bar.get() {
            bar.inc(1);
        }
    }
}

fn finish(result: Result<(), String>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn print_warnings(report: &Report) {
    for w in &report.warnings {
        eprintln!("{w}");
    }
}

fn summary(r: &Report) -> String {
    format!(
        "Built {} claims, {} speakers, {} sources, {} topics: {} pages in {} ms ({} files written, {} unchanged)",
        r.claims,
        r.speakers,
        r.sources,
        r.topics,
        r.pages,
        r.elapsed.as_millis(),
        r.written,
        r.unchanged
    )
}

fn fail(failure: &Failure, what: &str) -> ExitCode {
    for d in &failure.diagnostics {
        eprintln!("{d}");
    }
    let errors = failure.error_count();
    // `check` never writes; a failed build leaves the output as it was.
    let kept = if what == "check" {
        ""
    } else {
        "; nothing was written"
    };
    eprintln!(
        "{what} failed: {errors} error{}{kept}",
        if errors == 1 { "" } else { "s" }
    );
    ExitCode::FAILURE
}

/// A spinner on stderr that appears only when a build takes longer than a
/// second and stderr is a terminal.
struct Spinner {
    done: std::sync::Arc<std::sync::atomic::AtomicBool>,
    handle: Option<std::thread::JoinHandle<()>>,
}

impl Spinner {
    fn start(message: &'static str) -> Spinner {
        let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        if !std::io::stderr().is_terminal() {
            return Spinner { done, handle: None };
        }
        let flag = done.clone();
        let handle = std::thread::spawn(move || {
            let waited = std::time::Instant::now();
            while waited.elapsed() < Duration::from_secs(1) {
                if flag.load(std::sync::atomic::Ordering::Relaxed) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let bar = indicatif::ProgressBar::new_spinner().with_message(message);
            bar.enable_steady_tick(Duration::from_millis(100));
            while !flag.load(std::sync::atomic::Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(20));
            }
            bar.finish_and_clear();
        });
        Spinner {
            done,
            handle: Some(handle),
        }
    }

    fn stop(self) {
        self.done.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(h) = self.handle {
            let _ = h.join();
        }
    }
}
