//! The command line: `init`, `new`, usage errors and `claimbase.toml`.

mod common;

use common::{empty_site, fixture, run_in};

/// The fields FORMAT.md requires of each kind of file.
const REQUIRED: [(&str, &str, &[&str]); 5] = [
    (
        "claim",
        "claims/x.md",
        &["claim", "speaker", "date", "source", "topics"],
    ),
    ("speaker", "claims/_speakers/x.md", &["name"]),
    ("source", "claims/_sources/x.md", &["title"]),
    ("topic", "claims/_topics/x.md", &["title"]),
    ("page", "claims/_pages/x.md", &["title"]),
];

/// The top-level keys of a file's YAML front matter.
fn front_matter_keys(text: &str) -> Vec<String> {
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("---"), "no front matter:\n{text}");
    lines
        .take_while(|l| *l != "---")
        .filter(|l| !l.starts_with([' ', '#', '-']) && l.contains(':'))
        .map(|l| l.split(':').next().unwrap().to_string())
        .collect()
}

#[test]
fn init_makes_a_site_that_builds_cleanly() {
    let site = empty_site();
    let dir = site.scratch("new-site");
    let run = run_in(site.root(), &["init", dir.to_str().unwrap()]);
    run.assert_code(0);
    for file in [
        "claimbase.toml",
        "claims/_speakers",
        "claims/_sources",
        "claims/_topics",
        "claims/_pages/about.md",
    ] {
        assert!(dir.join(file).exists(), "init did not write {file}");
    }
    let run = run_in(&dir, &["build"]);
    run.assert_code(0).assert_no_warnings();
    assert!(
        run.stdout
            .starts_with("Built 1 claims, 1 speakers, 1 sources, 1 topics"),
        "{}",
        run.stdout
    );
    assert!(dir.join("output/index.html").is_file());
    let out = common::Output {
        dir: dir.join("output"),
    };
    out.assert_links_resolve("/");
}

#[test]
fn init_refuses_a_folder_that_is_not_empty() {
    let site = fixture("full");
    let before = site.snapshot();
    let run = site.run(&["init", site.root().to_str().unwrap()]);
    assert!(
        run.code.is_some_and(|c| c != 0),
        "init over a site succeeded"
    );
    assert_eq!(site.snapshot(), before);
}

#[test]
fn new_writes_every_required_field() {
    for (kind, path, required) in REQUIRED {
        let site = fixture("full");
        site.run(&["new", kind, "x"]).assert_code(0);
        let keys = front_matter_keys(&site.read(path));
        for field in required {
            assert!(
                keys.iter().any(|k| k == field),
                "`new {kind}` wrote no `{field}`; it wrote {keys:?}"
            );
        }
    }
}

#[test]
fn a_new_claim_uses_today_as_its_date() {
    let site = fixture("full");
    site.run(&["new", "claim", "x"]).assert_code(0);
    assert!(
        site.read("claims/x.md").contains("\ndate: 2025-01-01\n"),
        "{}",
        site.read("claims/x.md")
    );
}

#[test]
fn new_refuses_to_overwrite() {
    let site = fixture("full");
    site.run(&["new", "claim", "x"]).assert_code(0);
    site.write("claims/x.md", "---\nclaim: mine\n---\n");
    let before = site.snapshot();
    let run = site.run(&["new", "claim", "x"]);
    assert!(
        run.code.is_some_and(|c| c != 0),
        "overwrote: {}",
        run.stderr
    );
    run.assert_stderr_contains("already exists");
    assert_eq!(site.snapshot(), before);
    let run = site.run(&["new", "speaker", "ada-lee"]);
    assert!(run.code.is_some_and(|c| c != 0), "overwrote a speaker");
    assert_eq!(site.snapshot(), before);
}

#[test]
fn new_rejects_an_invalid_id() {
    let site = fixture("full");
    let before = site.snapshot();
    let run = site.run(&["new", "claim", "Bad_Id"]);
    assert!(
        matches!(run.code, Some(1 | 2)),
        "`new claim Bad_Id` exited with {:?}",
        run.code
    );
    run.assert_stderr_contains("`Bad_Id` is not a valid id")
        .assert_stderr_contains("try `bad-id`");
    assert_eq!(site.snapshot(), before);
}

#[test]
fn wrong_usage_exits_2() {
    let site = empty_site();
    for args in [
        &["frobnicate"][..],
        &["build", "--bogus"],
        &["new", "widget", "x"],
        &["new", "claim"],
        &[],
    ] {
        let run = run_in(site.root(), args);
        run.assert_code(2);
    }
}

#[test]
fn help_and_version_exit_0() {
    let site = empty_site();
    let run = run_in(site.root(), &["--help"]);
    run.assert_code(0);
    for command in ["build", "check", "init", "new"] {
        assert!(run.stdout.contains(command), "--help lacks {command}");
    }
    run_in(site.root(), &["--version"]).assert_code(0);
}

#[test]
fn a_misspelled_setting_is_located_with_a_suggestion() {
    let site = fixture("full");
    let config = site
        .read("claimbase.toml")
        .replace("base_url =", "base_ur =");
    site.write("claimbase.toml", &config);
    for command in ["check", "build"] {
        let run = site.run(&[command]);
        run.assert_code(1).assert_errors(&[
            "claimbase.toml:3:1: error: unknown setting `base_ur`; did you mean `base_url`?",
        ]);
    }
    assert!(!site.path("output").exists());
}

#[test]
fn an_invalid_setting_value_is_located() {
    let site = fixture("full");
    let config = site
        .read("claimbase.toml")
        .replace("language = \"en\"", "language = \"fr\"");
    site.write("claimbase.toml", &config);
    site.run(&["check"])
        .assert_code(1)
        .assert_errors(&["claimbase.toml:4:1: error: `language` must be `en` or `zh`, not `fr`"]);
}

#[test]
fn an_invalid_base_url_option_is_an_error() {
    let site = fixture("full");
    let run = site.run(&["build", "--base-url", "example.org/x"]);
    assert!(
        run.code.is_some_and(|c| c != 0),
        "accepted a bad --base-url"
    );
    run.assert_stderr_contains("not a valid base_url");
    assert!(!site.path("output").exists());
}

/// The first ten minutes: a new site, a new claim, a build, all green.
#[test]
fn a_claim_made_with_new_in_a_new_site_builds() {
    let site = empty_site();
    let dir = site.scratch("site");
    run_in(site.root(), &["init", dir.to_str().unwrap()]).assert_code(0);
    let new = run_in(&dir, &["new", "claim", "my-claim"]);
    new.assert_code(0);
    // The site's only speaker, source and topic are filled in.
    let text = std::fs::read_to_string(dir.join("claims/my-claim.md")).unwrap();
    assert!(text.contains("\nspeaker: ada-lovelace\n"), "{text}");
    assert!(text.contains("\n  id: notes-1843\n"), "{text}");
    assert!(text.contains("\ntopics: [machine-creativity]\n"), "{text}");
    assert!(!text.contains("draft"), "{text}");
    run_in(&dir, &["build"]).assert_code(0).assert_no_warnings();
    assert!(dir.join("output/claims/my-claim/index.html").is_file());
    assert!(dir.join("output/about/index.html").is_file());
}

/// With several speakers to choose from and none named, the claim is a
/// draft that says what to fill in, and the site still builds.
#[test]
fn a_new_claim_with_choices_left_is_a_draft_that_says_what_to_fill_in() {
    let site = fixture("full");
    let run = site.run(&["new", "claim", "y", "--topic", "compute-cost"]);
    run.assert_code(0);
    assert!(
        run.stdout.contains("fill in speaker, source"),
        "{}",
        run.stdout
    );
    let text = site.read("claims/y.md");
    assert!(text.contains("\ndraft: true\n"), "{text}");
    assert!(text.contains("\ntopics: [compute-cost]\n"), "{text}");
    site.run(&["build"]).assert_code(0);
    assert!(
        !site.path("output/claims/y").exists(),
        "a draft is left out"
    );
}

#[test]
fn a_new_claims_speaker_source_and_topic_are_checked() {
    let site = fixture("full");
    let run = site.run(&["new", "claim", "z", "--speaker", "ada-le"]);
    run.assert_code(2);
    assert_eq!(
        run.stderr.trim(),
        "error: no speaker with id `ada-le`; did you mean `ada-lee`?"
    );
    assert!(!site.path("claims/z.md").exists());
    let run = site.run(&[
        "new",
        "claim",
        "z",
        "--speaker",
        "bo-chen",
        "--source",
        "labour-blog",
        "--topic",
        "ai-and-jobs",
    ]);
    run.assert_code(0);
    let text = site.read("claims/z.md");
    assert!(
        text.contains("\nspeaker: bo-chen\n") && !text.contains("draft"),
        "{text}"
    );
    site.run(&["build"]).assert_code(0);
    assert!(site.path("output/claims/z/index.html").is_file());
}
