//! Broken and hostile content files: each gives a clear error naming the
//! file and the place, or builds correctly, in bounded time and memory,
//! and a failed build leaves the earlier `output/` exactly as it was.
//!
//! Time is bounded by a watchdog that kills the build and fails the test,
//! never by comparing elapsed times. The limits are generous, for a debug
//! binary on a busy machine: a hang, not a slow run, is what they catch.
//!
//! The case of 100,000 claim files is slow in a debug build; it runs with
//! `CLAIMBASE_SLOW_TESTS=1` (best with `cargo test --release`). By
//! default a folder of 100,000 other files beside the claims is built.

mod common;
mod guard;

use std::collections::BTreeMap;
use std::fs;
use std::time::Duration;

use common::{Run, Site, fixture};
use guard::{Entry, assert_same_tree, run_bounded, snapshot_with_times};

const LIMIT: Duration = Duration::from_secs(60);

/// The `full` fixture, built once: the earlier output a failed build must
/// leave alone.
fn site_with_output() -> (Site, BTreeMap<String, Entry>) {
    let site = fixture("full");
    site.build();
    let before = snapshot_with_times(&site.path("output"));
    (site, before)
}

/// `build` fails within the watchdog's limit with exactly `errors`, and the
/// earlier output is as it was.
fn assert_fails(site: &Site, before: &BTreeMap<String, Entry>, errors: &[&str]) -> Run {
    let run = run_bounded(site.root(), &["build"], LIMIT);
    run.assert_code(1)
        .assert_errors(errors)
        .assert_stderr_contains("nothing was written");
    assert_same_tree(
        before,
        &snapshot_with_times(&site.path("output")),
        "a failed build changed the earlier output",
    );
    run
}

/// `build` succeeds within the limit, without warnings.
fn assert_builds(site: &Site) -> common::Output {
    run_bounded(site.root(), &["build"], LIMIT)
        .assert_code(0)
        .assert_no_warnings();
    common::Output {
        dir: site.path("output"),
    }
}

/// The start of a valid claim of the `full` fixture, fields closed.
const CLAIM_FIELDS: &str = "claim: A hostile claim.\nspeaker: bo-chen\ndate: 2023\nsource: labour-blog\ntopics: [ai-and-jobs]\n";

fn claim_with_body(body: &str) -> String {
    format!("---\n{CLAIM_FIELDS}---\n{body}")
}

fn help(run: &Run, diagnostic: &str) -> String {
    run.help_for(diagnostic)
        .unwrap_or_else(|| panic!("no help after {diagnostic:?}:\n{}", run.stderr))
        .to_string()
}

// --- YAML bombs and nesting ------------------------------------------------

/// "Billion laughs": ten levels of ten aliases each would expand to 10^10
/// values; the expansion stops at the budget, at the alias that exceeds it.
#[test]
fn a_yaml_alias_bomb() {
    let (site, before) = site_with_output();
    let mut yaml = String::from("---\na: &a [x, x, x, x, x, x, x, x, x, x]\n");
    let mut prev = 'a';
    for c in 'b'..='j' {
        let refs = vec![format!("*{prev}"); 10].join(", ");
        yaml.push_str(&format!("{c}: &{c} [{refs}]\n"));
        prev = c;
    }
    yaml.push_str("---\n");
    site.write("claims/laughs.md", &yaml);
    let run = assert_fails(
        &site,
        &before,
        &[
            "claims/laughs.md:6:36: error: front matter holds more than 100000 values; shorten it (or check for aliases that expand without end)",
        ],
    );
    assert!(run.stderr.len() < 10_000, "one short error, not a flood");
}

#[test]
fn deep_nesting_in_yaml_and_toml() {
    let (site, before) = site_with_output();
    let n = 100_000;
    site.write(
        "claims/deep-flow.md",
        &format!("---\na: {}{}\n---\n", "[".repeat(n), "]".repeat(n)),
    );
    site.write(
        "claims/deep-map.md",
        &format!("---\na: {}x{}\n---\n", "{b: ".repeat(n), "}".repeat(n)),
    );
    let block: String = (0..1_000)
        .map(|i| format!("{}a:\n", " ".repeat(i)))
        .collect();
    site.write("claims/deep-block.md", &format!("---\n{block}---\n"));
    site.write(
        "claims/deep-toml.md",
        &format!("+++\na = {}{}\n+++\n", "[".repeat(n), "]".repeat(n)),
    );
    site.write(
        "claims/deep-toml-table.md",
        &format!("+++\na = {}1{}\n+++\n", "{b = ".repeat(n), "}".repeat(n)),
    );
    assert_fails(
        &site,
        &before,
        &[
            "claims/deep-block.md:66:65: error: front matter is nested more than 64 levels deep",
            "claims/deep-flow.md:2:259: error: invalid YAML: recursion limit exceeded",
            "claims/deep-map.md:2:257: error: front matter is nested more than 64 levels deep",
            "claims/deep-toml-table.md:2:405: error: invalid TOML: cannot recurse further; max recursion depth met",
            "claims/deep-toml.md:2:85: error: invalid TOML: cannot recurse further; max recursion depth met",
        ],
    );
}

/// Markdown and raw HTML nested 100,000 deep build: the body keeps its
/// text, and the sanitiser is not fed a tree it takes minutes over.
#[test]
fn deep_nesting_in_a_body_builds() {
    let site = fixture("full");
    let n = 100_000;
    site.write(
        "claims/deep-quote.md",
        &claim_with_body(&format!("{} quoted deep down\n", ">".repeat(n))),
    );
    site.write(
        "claims/deep-divs.md",
        &claim_with_body(&format!("{}divided deep down\n", "<div>".repeat(n))),
    );
    site.write(
        "claims/deep-list.md",
        &claim_with_body(
            &(0..5_000)
                .map(|i| format!("{}- listed deep down\n", "  ".repeat(i)))
                .collect::<String>(),
        ),
    );
    site.write(
        "claims/deep-emphasis.md",
        &claim_with_body(&format!("{}stressed{}\n", "*".repeat(n), "*".repeat(n))),
    );
    let out = assert_builds(&site);
    out.page("claims/deep-quote/")
        .assert_text("quoted deep down");
    out.page("claims/deep-divs/")
        .assert_text("divided deep down");
    out.page("claims/deep-list/")
        .assert_text("listed deep down");
    out.page("claims/deep-emphasis/").assert_text("stressed");
}

// --- Size -----------------------------------------------------------------

/// A body of `megabytes` MB: mostly long plain paragraphs, with markup
/// at the start, every 2,000 lines and at the end.
fn huge_body(megabytes: usize) -> String {
    let mut body = String::from("# The first heading\n\nThe *first* paragraph.\n\n");
    let line = "A long line of plain text that goes on and on about automation.\n";
    let mut n = 0;
    while body.len() < megabytes * 1024 * 1024 {
        body.push_str(line);
        n += 1;
        if n % 2_000 == 0 {
            body.push_str("\nA [link](https://example.com/) in a *new* paragraph.\n\n");
        }
    }
    body.push_str("\nThe last paragraph.\n");
    body
}

/// A 10 MB body is read, parsed and checked; a 1 MB one builds, start to
/// end on the page. The 10 MB build itself runs with
/// `CLAIMBASE_SLOW_TESTS=1`: it takes ~15 s in release and ~45 s in a
/// debug build, nearly all of it the search index taking in the body
/// (src/render/search.rs indexes the whole body; reported).
#[test]
fn a_ten_megabyte_body_builds() {
    let site = fixture("full");
    site.write("claims/huge-body.md", &claim_with_body(&huge_body(10)));
    run_bounded(site.root(), &["check"], LIMIT)
        .assert_code(0)
        .assert_no_warnings();
    let megabytes = if std::env::var_os("CLAIMBASE_SLOW_TESTS").is_some() {
        10
    } else {
        site.write("claims/huge-body.md", &claim_with_body(&huge_body(1)));
        1
    };
    let out = run_bounded(site.root(), &["build"], Duration::from_secs(300));
    out.assert_code(0).assert_no_warnings();
    let out = common::Output {
        dir: site.path("output"),
    };
    let page = out.page("claims/huge-body/");
    page.assert_text("The first heading")
        .assert_text("The last paragraph.");
    let size = fs::metadata(out.file_of("claims/huge-body/"))
        .unwrap()
        .len();
    assert!(
        size > (megabytes * 1024 * 1024) as u64,
        "the whole body is on the page"
    );
}

/// A million lines of front matter: a million keys stops at the value
/// budget (one error, at the value past it), and so do TOML's; a million
/// comment lines around valid fields build.
#[test]
fn a_million_line_front_matter() {
    let (site, before) = site_with_output();
    let keys: String = (0..1_000_000).map(|i| format!("k{i}: v\n")).collect();
    site.write("claims/million-keys.md", &format!("---\n{keys}---\n"));
    // TOML's parser reads the whole table before the budget is counted:
    // 200,000 lines show the same bound at a fifth of a debug build's time.
    let keys: String = (0..200_000).map(|i| format!("k{i} = 1\n")).collect();
    site.write("claims/million-toml.md", &format!("+++\n{keys}+++\n"));
    let run = assert_fails(
        &site,
        &before,
        &[
            "claims/million-keys.md:50001:9: error: front matter holds more than 100000 values; shorten it (or check for aliases that expand without end)",
            "claims/million-toml.md:50002:1: error: front matter holds more than 100000 values; shorten it",
        ],
    );
    assert!(run.stderr.len() < 10_000, "two errors, not a million");

    fs::remove_file(site.path("claims/million-keys.md")).unwrap();
    fs::remove_file(site.path("claims/million-toml.md")).unwrap();
    let comments = "# a comment\n".repeat(1_000_000);
    site.write(
        "claims/million-comments.md",
        &format!("---\n{CLAIM_FIELDS}{comments}---\nStill here.\n"),
    );
    assert_builds(&site)
        .page("claims/million-comments/")
        .assert_text("Still here.");
}

/// A file too big to be text an author wrote (here a sparse 100 MB file)
/// is refused before it is read.
#[test]
fn a_file_larger_than_the_limit() {
    let (site, before) = site_with_output();
    let file = fs::File::create(site.path("claims/disk-image.md")).unwrap();
    file.set_len(100 * 1024 * 1024).unwrap();
    let run = assert_fails(
        &site,
        &before,
        &[
            "claims/disk-image.md:1:1: error: the file is larger than 32 MB, the most a content file may hold; move it out of the content folder",
        ],
    );
    let _ = run;
}

// --- Links and special files --------------------------------------------

#[test]
fn a_symbolic_link_loop() {
    let (site, before) = site_with_output();
    std::os::unix::fs::symlink("..", site.path("claims/jobs/loop")).unwrap();
    assert_fails(
        &site,
        &before,
        &[
            "claims/jobs/loop:1:1: error: symbolic link loop: this link points back at a folder that contains it",
        ],
    );
}

#[test]
fn symbolic_links_out_of_the_content_folder() {
    let (site, before) = site_with_output();
    let outside = site.scratch("elsewhere");
    fs::create_dir_all(&outside).unwrap();
    fs::write(outside.join("secret.md"), claim_with_body("from outside")).unwrap();
    std::os::unix::fs::symlink(outside.join("secret.md"), site.path("claims/secret.md")).unwrap();
    std::os::unix::fs::symlink(&outside, site.path("claims/elsewhere")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", site.path("claims/passwd.md")).unwrap();
    let run = assert_fails(
        &site,
        &before,
        &[
            "claims/elsewhere:1:1: error: symbolic link points outside the content folder",
            "claims/passwd.md:1:1: error: symbolic link points outside the content folder",
            "claims/secret.md:1:1: error: symbolic link points outside the content folder",
        ],
    );
    assert_eq!(
        help(
            &run,
            "claims/secret.md:1:1: error: symbolic link points outside the content folder"
        ),
        "copy the file into the content folder, or remove the link"
    );
}

fn mkfifo(path: &std::path::Path) {
    let _ = fs::remove_file(path);
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo");
    assert!(status.success());
}

/// A named pipe called `.md`, or where a source's archive should be, would
/// block a read for ever.
#[test]
fn a_named_pipe() {
    let (site, before) = site_with_output();
    mkfifo(&site.path("claims/pipe.md"));
    mkfifo(&site.path("archive/acme-report-2024.txt"));
    assert_fails(
        &site,
        &before,
        &[
            "claims/_sources/acme-report-2024.md:9:10: error: archive `archive/acme-report-2024.txt` is not a readable UTF-8 text file",
            "claims/pipe.md:1:1: error: not a regular file (a named pipe, socket or device)",
        ],
    );
}

/// The same for `claimbase.toml`. Fails today: src/config.rs reads it with
/// `read_to_string`, which blocks on a pipe (reported to its owner).
#[test]
fn a_config_that_is_a_named_pipe() {
    let (site, before) = site_with_output();
    mkfifo(&site.path("claimbase.toml"));
    let run = run_bounded(site.root(), &["build"], LIMIT);
    run.assert_code(1);
    assert!(
        run.errors()[0].starts_with("claimbase.toml:1:1: error: "),
        "{}",
        run.stderr
    );
    assert_same_tree(
        &before,
        &snapshot_with_times(&site.path("output")),
        "a failed build changed the earlier output",
    );
}

// --- Front matter shapes --------------------------------------------------

#[test]
fn empty_files_and_missing_or_unterminated_front_matter() {
    let (site, before) = site_with_output();
    site.write("claims/empty.md", "");
    site.write("claims/blank.md", "\n  \n\t\n");
    site.write("claims/no-fences.md", CLAIM_FIELDS);
    site.write("claims/open.md", &format!("---\n{CLAIM_FIELDS}Body.\n"));
    site.write("claims/open-toml.md", "+++\nclaim = \"x\"\n");
    site.write("claims/one-fence.md", "---");
    site.write("claims/empty-front-matter.md", "---\n---\nJust a body.\n");
    let run = assert_fails(
        &site,
        &before,
        &[
            "claims/blank.md:1:1: error: file is empty; a claim, speaker, source or topic starts with front matter",
            "claims/empty-front-matter.md:1:1: error: missing required field `claim`",
            "claims/empty-front-matter.md:1:1: error: missing required field `source`",
            "claims/empty-front-matter.md:1:1: error: missing required field `speaker`",
            "claims/empty-front-matter.md:1:1: error: missing required field `topics`",
            "claims/empty.md:1:1: error: file is empty; a claim, speaker, source or topic starts with front matter",
            "claims/no-fences.md:1:1: error: file has no front matter",
            "claims/one-fence.md:1:1: error: front matter opened here is never closed",
            "claims/open-toml.md:1:1: error: front matter opened here is never closed",
            "claims/open.md:1:1: error: front matter opened here is never closed",
        ],
    );
    assert_eq!(
        help(
            &run,
            "claims/no-fences.md:1:1: error: file has no front matter"
        ),
        "start the file with a `---` line, the YAML fields, and another `---` line"
    );
}

/// Front matter and nothing after it, not even a newline, is a claim
/// without a body.
#[test]
fn front_matter_only_builds() {
    let site = fixture("full");
    site.write("claims/no-body.md", &format!("---\n{CLAIM_FIELDS}---"));
    site.write(
        "claims/no-body-toml.md",
        "+++\nclaim = \"TOML, no body.\"\nspeaker = \"bo-chen\"\ndate = 2023\nsource = \"labour-blog\"\ntopics = [\"ai-and-jobs\"]\n+++",
    );
    let out = assert_builds(&site);
    out.page("claims/no-body/").assert_text("A hostile claim.");
    out.page("claims/no-body-toml/")
        .assert_text("TOML, no body.");
}

// --- Encodings ------------------------------------------------------------

#[test]
fn bytes_that_are_not_utf8() {
    let (site, before) = site_with_output();
    let mut latin1 = b"---\nclaim: Caf".to_vec();
    latin1.push(0xE9); // é in Latin-1
    latin1.extend_from_slice(b" claims.\n---\n");
    fs::write(site.path("claims/latin1.md"), latin1).unwrap();
    // UTF-16, as some Windows editors save: a BOM and NUL bytes.
    let utf16: Vec<u8> = "\u{feff}---\nclaim: x\n---\n"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    fs::write(site.path("claims/utf16.md"), utf16).unwrap();
    // A stray byte deep in a body, after CRLF lines.
    let mut late = claim_with_body("line one\r\nline two\r\nbad: ").into_bytes();
    late.push(0xFF);
    fs::write(site.path("claims/late.md"), late).unwrap();
    let run = assert_fails(
        &site,
        &before,
        &[
            "claims/late.md:10:6: error: the file is not valid UTF-8 text",
            "claims/latin1.md:2:11: error: the file is not valid UTF-8 text",
            "claims/utf16.md:1:1: error: the file is not valid UTF-8 text",
        ],
    );
    assert_eq!(
        help(
            &run,
            "claims/latin1.md:2:11: error: the file is not valid UTF-8 text"
        ),
        "save the file with UTF-8 encoding"
    );
}

/// A byte-order mark and Windows (or old Mac) line endings are valid, in
/// YAML and TOML front matter, entity files and `claimbase.toml`, and
/// errors in such files still point at the right line.
#[test]
fn a_byte_order_mark_and_windows_line_endings_build() {
    let site = fixture("full");
    let crlf = |s: &str| format!("\u{feff}{}", s.replace('\n', "\r\n"));
    site.write(
        "claims/windows.md",
        &crlf(&format!(
            "---\n{CLAIM_FIELDS}---\nSaved on *Windows*.\n\nSecond paragraph.\n"
        )),
    );
    site.write(
        "claims/windows-toml.md",
        &crlf("+++\nclaim = \"TOML on Windows.\"\nspeaker = \"bo-chen\"\ndate = 2023\nsource = \"labour-blog\"\ntopics = [\"ai-and-jobs\"]\n+++\nBody.\n"),
    );
    site.write(
        "claims/old-mac.md",
        &format!("---\n{CLAIM_FIELDS}---\nSaved on a very old Mac.\n").replace('\n', "\r"),
    );
    let speaker = site.read("claims/_speakers/bo-chen.md");
    site.write("claims/_speakers/bo-chen.md", &crlf(&speaker));
    let config = site.read("claimbase.toml");
    site.write("claimbase.toml", &crlf(&config));
    let out = assert_builds(&site);
    let page = out.page("claims/windows/");
    page.assert_text("A hostile claim.")
        .assert_text("Saved on Windows.")
        .assert_text("Second paragraph.");
    assert_eq!(page.texts("main em"), ["Windows"]);
    out.page("claims/windows-toml/")
        .assert_text("TOML on Windows.");
    out.page("claims/old-mac/")
        .assert_text("Saved on a very old Mac.");
    out.page("speakers/bo-chen/").assert_text("Bo Chen");

    // The same files with an error: the position counts lines as an editor does.
    site.write(
        "claims/windows.md",
        &crlf(&format!("---\n{CLAIM_FIELDS}kind: opnion\n---\n")),
    );
    site.run(&["check"]).assert_code(1).assert_errors(&[
        "claims/windows.md:7:7: error: `opnion` is not a valid `kind`; did you mean `opinion`?",
    ]);
}

// --- File names -----------------------------------------------------------

/// A file name that is not an id is an error that names a valid one.
#[test]
fn file_names_with_spaces_or_other_scripts() {
    let (site, before) = site_with_output();
    site.write("claims/Jobs Claim (2024).md", &claim_with_body(""));
    site.write("claims/Café crème.md", &claim_with_body(""));
    site.write("claims/_topics/人工智能.md", "---\ntitle: AI\n---\n");
    site.write("claims/trailing-.md", &claim_with_body(""));
    let run = assert_fails(
        &site,
        &before,
        &[
            "claims/Café crème.md:1:1: error: `Café crème` is not a valid claim id",
            "claims/Jobs Claim (2024).md:1:1: error: `Jobs Claim (2024)` is not a valid claim id",
            "claims/_topics/人工智能.md:1:1: error: `人工智能` is not a valid topic id",
            "claims/trailing-.md:1:1: error: `trailing-` is not a valid claim id",
        ],
    );
    let rule = "an id is lower-case ASCII letters, digits and single hyphens (`xu-li`), at most 80 characters";
    for (line, help_text) in [
        (
            "claims/Jobs Claim (2024).md:1:1: error: `Jobs Claim (2024)` is not a valid claim id",
            format!("{rule}; rename the file to `jobs-claim-2024.md`"),
        ),
        (
            "claims/Café crème.md:1:1: error: `Café crème` is not a valid claim id",
            format!("{rule}; rename the file to `cafe-creme.md`"),
        ),
        (
            "claims/_topics/人工智能.md:1:1: error: `人工智能` is not a valid topic id",
            format!("{rule}; Chinese names get a pinyin or English id, such as `xu-li.md`"),
        ),
        (
            "claims/trailing-.md:1:1: error: `trailing-` is not a valid claim id",
            format!("{rule}; rename the file to `trailing.md`"),
        ),
    ] {
        assert_eq!(help(&run, line), help_text);
    }
}

// --- Many files -----------------------------------------------------------

/// 100,000 files that are not content (notes, images) beside the claims:
/// the walk skips them and the site builds.
#[test]
fn a_folder_of_a_hundred_thousand_files() {
    // Made in memory where possible: creating 100,000 files on disk takes
    // longer than the build that reads them.
    let (_tmp, root) = guard::fixture_in_memory("full");
    let notes = root.join("claims/jobs/notes");
    fs::create_dir_all(&notes).unwrap();
    for i in 0..100_000 {
        let ext = if i % 2 == 0 { "txt" } else { "png" };
        fs::File::create(notes.join(format!("note-{i}.{ext}"))).unwrap();
    }
    run_bounded(&root, &["build"], LIMIT)
        .assert_code(0)
        .assert_no_warnings();
    assert!(
        root.join("output/claims/half-of-jobs-automated/index.html")
            .is_file()
    );
}

/// 100,000 claim files in one folder: a real build of that size. Slow in a
/// debug build, so only with `CLAIMBASE_SLOW_TESTS=1`.
#[test]
fn a_folder_of_a_hundred_thousand_claims() {
    if std::env::var_os("CLAIMBASE_SLOW_TESTS").is_none() {
        eprintln!("skipped: set CLAIMBASE_SLOW_TESTS=1 to build 100,000 claims");
        return;
    }
    // In memory where possible: on this project's disk, creating the
    // files and writing the site take longer than building it.
    let (_tmp, root) = guard::tmp_root();
    guard::generate_site(&root, 100_000, 500, 1);
    run_bounded(&root, &["build"], Duration::from_secs(900))
        .assert_code(0)
        .assert_no_warnings();
    assert!(root.join("output/claims/claim-99999/index.html").is_file());
}
