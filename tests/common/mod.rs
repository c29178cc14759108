//! The test harness, after mdBook's `BookTest`: copy a fixture site from
//! `tests/fixtures/` into a temporary folder, run the real `claimbase`
//! binary on it, and read what it printed and the pages it built.
//!
//! ```ignore
//! let site = fixture("full");
//! let out = site.build();
//! out.page("claims/a/").assert_links_to("/claims/b/");
//! ```

// Each test file is its own crate and uses a different part of the harness.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use scraper::{ElementRef, Html, Selector};
use tempfile::TempDir;

/// 2025-01-01T00:00:00Z: builds see the same "today" on every run, so which
/// predictions are overdue and what date `new` writes never change.
pub const TODAY_EPOCH: &str = "1735689600";

/// The folder holding the fixture sites.
pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A site in a temporary folder, deleted when dropped.
pub struct Site {
    _tmp: TempDir,
    root: PathBuf,
}

/// A copy of `tests/fixtures/<name>` (`"full"`, `"broken/unknown-field"`).
pub fn fixture(name: &str) -> Site {
    let src = fixtures_dir().join(name);
    assert!(src.is_dir(), "no fixture at {}", src.display());
    let site = empty_site();
    copy_dir(&src, &site.root);
    site
}

/// An empty folder to run commands in (for `init`).
pub fn empty_site() -> Site {
    let tmp = tempfile::tempdir().expect("create a temporary folder");
    let root = tmp.path().join("site");
    fs::create_dir(&root).expect("create the site folder");
    Site { _tmp: tmp, root }
}

/// Copies the folder `from` to `to`, recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

impl Site {
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// A path inside the site.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// A scratch folder beside the site, inside the same temporary folder.
    pub fn scratch(&self, name: &str) -> PathBuf {
        self.root.parent().unwrap().join(name)
    }

    pub fn write(&self, rel: &str, text: &str) {
        let path = self.path(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    pub fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("cannot read {rel}: {e}"))
    }

    /// Runs `claimbase --root <site> <args>` from inside the site.
    pub fn run(&self, args: &[&str]) -> Run {
        let mut all = vec!["--root", self.root.to_str().unwrap()];
        all.extend_from_slice(args);
        run_in(&self.root, &all)
    }

    /// `build <args>`, which must succeed without warnings; the site it
    /// wrote (to `--output` if given, else `output/`).
    pub fn build_with(&self, args: &[&str]) -> Output {
        let mut all = vec!["build"];
        all.extend_from_slice(args);
        let run = self.run(&all);
        run.assert_code(0).assert_no_warnings();
        let dir = match args.iter().position(|a| *a == "--output") {
            Some(i) => PathBuf::from(args[i + 1]),
            None => self.path("output"),
        };
        Output { dir }
    }

    pub fn build(&self) -> Output {
        self.build_with(&[])
    }

    /// Every file under the site with its bytes, to show that a command
    /// wrote nothing.
    pub fn snapshot(&self) -> BTreeMap<String, Vec<u8>> {
        snapshot(self.root.parent().unwrap())
    }
}

/// Every file under `dir` (relative path → bytes).
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            if entry.file_type().unwrap().is_dir() {
                walk(base, &path, out);
            } else {
                let rel = path
                    .strip_prefix(base)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.insert(rel, fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Runs the binary with `args` in `dir`.
pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_claimbase"))
        .args(args)
        .current_dir(dir)
        .env("SOURCE_DATE_EPOCH", TODAY_EPOCH)
        .env("NO_COLOR", "1")
        .output()
        .expect("run claimbase");
    Run {
        command: format!("claimbase {}", args.join(" ")),
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// What one run of the binary did.
pub struct Run {
    pub command: String,
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn describe(&self) -> String {
        format!(
            "`{}` exited with {:?}\n--- stdout ---\n{}--- stderr ---\n{}",
            self.command, self.code, self.stdout, self.stderr
        )
    }

    pub fn assert_code(&self, code: i32) -> &Self {
        assert_eq!(self.code, Some(code), "{}", self.describe());
        self
    }

    pub fn assert_no_warnings(&self) -> &Self {
        assert!(
            !self.stderr.contains("warning:"),
            "expected no warnings; {}",
            self.describe()
        );
        self
    }

    pub fn assert_stderr_contains(&self, text: &str) -> &Self {
        assert!(
            self.stderr.contains(text),
            "expected stderr to contain {text:?}; {}",
            self.describe()
        );
        self
    }

    /// The diagnostics of a given severity: their first lines
    /// (`path:line:col: error: message`), in the order printed.
    fn lines_of(&self, severity: &str) -> Vec<&str> {
        let marker = format!(": {severity}: ");
        self.stderr
            .lines()
            .filter(|l| !l.starts_with(' ') && l.contains(&marker))
            .collect()
    }

    pub fn errors(&self) -> Vec<&str> {
        self.lines_of("error")
    }

    pub fn warnings(&self) -> Vec<&str> {
        self.lines_of("warning")
    }

    /// The errors printed are exactly these, in this order.
    pub fn assert_errors(&self, expected: &[&str]) -> &Self {
        assert_eq!(self.errors(), expected, "{}", self.describe());
        self
    }

    pub fn assert_warnings(&self, expected: &[&str]) -> &Self {
        assert_eq!(self.warnings(), expected, "{}", self.describe());
        self
    }

    /// The `help:` line printed right after the diagnostic `first_line`.
    pub fn help_for(&self, first_line: &str) -> Option<&str> {
        let mut lines = self.stderr.lines();
        lines.find(|l| *l == first_line)?;
        lines.next()?.strip_prefix("  help: ")
    }
}

/// A built site on disk.
pub struct Output {
    pub dir: PathBuf,
}

impl Output {
    /// The file a URL path is served from: `claims/a/` → `claims/a/index.html`.
    pub fn file_of(&self, url: &str) -> PathBuf {
        let url = url.trim_start_matches('/');
        if url.is_empty() || url.ends_with('/') {
            self.dir.join(url).join("index.html")
        } else {
            self.dir.join(url)
        }
    }

    pub fn has_page(&self, url: &str) -> bool {
        self.file_of(url).is_file()
    }

    /// The page at a URL path relative to the site (`claims/a/`), parsed.
    pub fn page(&self, url: &str) -> Page {
        let file = self.file_of(url);
        let text = fs::read_to_string(&file)
            .unwrap_or_else(|e| panic!("no page {url} at {}: {e}", file.display()));
        Page {
            url: url.to_string(),
            html: Html::parse_document(&text),
        }
    }

    /// Every HTML file of the site, relative to the output folder.
    pub fn html_files(&self) -> Vec<String> {
        snapshot(&self.dir)
            .into_keys()
            .filter(|p| p.ends_with(".html"))
            .collect()
    }

    /// Every link of every page (`href` and `src`) that points inside the
    /// site and does not resolve to a file, as `page: link (why)`.
    ///
    /// `base_url` is what the site was built with (`/` or
    /// `https://example.org/ai-claims/`): every internal link must start
    /// with its path, which is stripped before looking for the file. Links
    /// to the same site's absolute address count as internal.
    pub fn broken_links(&self, base_url: &str) -> Vec<String> {
        let (origin, base_path) = split_url(base_url);
        let mut problems = Vec::new();
        let mut checked = 0;
        for file in self.html_files() {
            let text = fs::read_to_string(self.dir.join(&file)).unwrap();
            let html = Html::parse_document(&text);
            let page_dir = match file.rfind('/') {
                Some(i) => format!("{base_path}{}", &file[..=i]),
                None => base_path.clone(),
            };
            for (attr, link) in attr_values(&html, &["href", "src"]) {
                let Some(path) = internal_path(&link, origin.as_deref(), &page_dir) else {
                    continue;
                };
                checked += 1;
                let Some(rel) = path.strip_prefix(&base_path) else {
                    problems.push(format!(
                        "{file}: {attr}=\"{link}\" (does not start with `{base_path}`)"
                    ));
                    continue;
                };
                if !self.file_of(rel).is_file() {
                    problems.push(format!("{file}: {attr}=\"{link}\" (no such file)"));
                }
            }
        }
        assert!(
            checked > 0,
            "no internal links found in {}",
            self.dir.display()
        );
        problems
    }

    pub fn assert_links_resolve(&self, base_url: &str) {
        let broken = self.broken_links(base_url);
        let mut report = String::new();
        for b in &broken {
            let _ = writeln!(report, "  {b}");
        }
        assert!(broken.is_empty(), "broken internal links:\n{report}");
    }
}

/// `https://example.org/ai-claims/` → (`Some("https://example.org")`,
/// `/ai-claims/`); `/` → (`None`, `/`).
fn split_url(url: &str) -> (Option<String>, String) {
    let (origin, path) = match url.split_once("://") {
        Some((scheme, rest)) => {
            let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
            (Some(format!("{scheme}://{host}")), path.to_string())
        }
        None => (None, url.to_string()),
    };
    let trimmed = path.trim_matches('/');
    let path = if trimmed.is_empty() {
        "/".to_string()
    } else {
        format!("/{trimmed}/")
    };
    (origin, path)
}

/// Every value of the given attributes in a document.
fn attr_values(html: &Html, attrs: &[&str]) -> Vec<(String, String)> {
    let all = Selector::parse("*").unwrap();
    let mut out = Vec::new();
    for element in html.select(&all) {
        for attr in attrs {
            if let Some(v) = element.value().attr(attr) {
                out.push((attr.to_string(), v.to_string()));
            }
        }
    }
    out
}

/// The path from the host root a link points at, if it points inside the
/// site; `None` for fragments and other sites. Query and fragment dropped.
fn internal_path(link: &str, origin: Option<&str>, page_dir: &str) -> Option<String> {
    let link = link.trim();
    let link = link.split(['#', '?']).next().unwrap_or("");
    if link.is_empty() {
        return None;
    }
    if let Some(origin) = origin
        && let Some(rest) = link.strip_prefix(origin)
        && (rest.is_empty() || rest.starts_with('/'))
    {
        return Some(if rest.is_empty() {
            "/".into()
        } else {
            rest.into()
        });
    }
    if link.starts_with("//") || link.contains(':') {
        return None;
    }
    if link.starts_with('/') {
        return Some(link.to_string());
    }
    // A relative link: resolve it against the page's folder.
    let mut parts: Vec<&str> = page_dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in link.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    let mut path = format!("/{}", parts.join("/"));
    if link.ends_with('/') && !path.ends_with('/') {
        path.push('/');
    }
    Some(path)
}

/// One built page, parsed.
pub struct Page {
    pub url: String,
    pub html: Html,
}

fn selector(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|e| panic!("bad selector {css:?}: {e:?}"))
}

fn text_of(element: ElementRef<'_>) -> String {
    element
        .text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

impl Page {
    /// The `href` of every link matching `css` (e.g. `main a`).
    pub fn links_in(&self, css: &str) -> Vec<String> {
        self.attrs(css, "href")
    }

    /// The `href` of every link in the page's main content (not the header,
    /// navigation or breadcrumbs).
    pub fn main_links(&self) -> Vec<String> {
        self.links_in("main a[href]")
    }

    /// The value of `attr` on every element matching `css`.
    pub fn attrs(&self, css: &str, attr: &str) -> Vec<String> {
        self.html
            .select(&selector(css))
            .filter_map(|e| e.value().attr(attr).map(str::to_string))
            .collect()
    }

    /// The text of every element matching `css`, white space collapsed.
    pub fn texts(&self, css: &str) -> Vec<String> {
        self.html.select(&selector(css)).map(text_of).collect()
    }

    /// The text of the main content, white space collapsed.
    pub fn main_text(&self) -> String {
        self.texts("main").join(" ")
    }

    pub fn assert_links_to(&self, href: &str) -> &Self {
        let links = self.main_links();
        assert!(
            links.iter().any(|l| l == href),
            "{} does not link to {href} in its main content; it links to {links:#?}",
            self.url
        );
        self
    }

    pub fn assert_not_links_to(&self, href: &str) -> &Self {
        let links = self.main_links();
        assert!(
            !links.iter().any(|l| l == href),
            "{} links to {href} but should not",
            self.url
        );
        self
    }

    pub fn assert_text(&self, text: &str) -> &Self {
        let main = self.main_text();
        assert!(
            main.contains(text),
            "{} does not show {text:?}; its main text is:\n{main}",
            self.url
        );
        self
    }

    pub fn assert_not_text(&self, text: &str) -> &Self {
        let main = self.main_text();
        assert!(
            !main.contains(text),
            "{} shows {text:?}; its main text is:\n{main}",
            self.url
        );
        self
    }

    /// The links in the block that follows the heading reading `heading`
    /// (e.g. the list under "Contradicted by").
    pub fn links_under(&self, heading: &str) -> Vec<String> {
        let headings = selector("main h2, main h3");
        let Some(h) = self.html.select(&headings).find(|h| text_of(*h) == heading) else {
            let all = self.texts("main h2, main h3");
            panic!("{} has no heading {heading:?}; it has {all:?}", self.url);
        };
        let Some(block) = h.next_siblings().find_map(ElementRef::wrap) else {
            panic!("{}: nothing follows the heading {heading:?}", self.url);
        };
        let links = selector("a[href]");
        block
            .select(&links)
            .filter_map(|a| a.value().attr("href").map(str::to_string))
            .collect()
    }

    /// The visible text of every `<time>` with the given `datetime`.
    pub fn times(&self, datetime: &str) -> Vec<String> {
        self.texts(&format!("main time[datetime=\"{datetime}\"]"))
    }
}
