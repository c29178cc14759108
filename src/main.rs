//! The command line: parses arguments, calls the library, prints
//! diagnostics and the summary, sets the exit code.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use claimbase::load::FileKind;
use claimbase::{BuildOptions, Failure, Report};

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
    /// Create a new site in DIR that builds cleanly.
    Init { dir: PathBuf },
    /// Write a skeleton file with every required field.
    New {
        #[arg(value_enum)]
        kind: NewKind,
        /// The id: lower-case letters, digits and single hyphens.
        id: String,
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
                    for note in &report.notes {
                        eprintln!("{note}");
                    }
                    if timings {
                        for (stage, time) in &report.stages {
                            println!("  {:>8.1} ms  {stage}", time.as_secs_f64() * 1000.0);
                        }
                    }
                    println!("{}", summary(&report));
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
                    ExitCode::SUCCESS
                }
                Err(failure) => fail(&failure, "check"),
            }
        }
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
        Command::New { kind, id } => {
            let kind = match kind {
                NewKind::Claim => FileKind::Claim,
                NewKind::Speaker => FileKind::Speaker,
                NewKind::Source => FileKind::Source,
                NewKind::Topic => FileKind::Topic,
            };
            let config = match claimbase::config::Config::load(&root) {
                Ok(c) => c,
                Err(diagnostics) => return fail(&Failure { diagnostics }, "new"),
            };
            let today = claimbase::today().to_string();
            match claimbase::scaffold::new_file(&config.content_dir(), kind, &id, &today) {
                Ok(path) => {
                    println!("Created {}", path.display());
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
    eprintln!(
        "{what} failed: {errors} error{}; nothing was written",
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
