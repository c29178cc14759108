//! `claimbase deploy` to a git branch, with a bare repository in a
//! temporary folder as the remote: one commit whose tree is the output,
//! none when nothing changed, and a diff of only the changed paths.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Stdio};

use common::{Site, fixture, snapshot};

/// Runs git in `repo`; its trimmed output.
fn git(repo: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("--git-dir")
        .arg(repo)
        .args(args)
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// The fixture site deploying to a new bare repository beside it.
fn site_with_repository() -> (Site, std::path::PathBuf) {
    let site = fixture("full");
    let repo = site.scratch("pages.git");
    let status = Command::new("git")
        .args(["init", "--quiet", "--bare"])
        .arg(&repo)
        .status()
        .unwrap();
    assert!(status.success());
    let config = site.read("claimbase.toml");
    // A relative path is relative to the site folder.
    site.write(
        "claimbase.toml",
        &format!("{config}\n[[deploy]]\nname = \"pages\"\nurl = \"git+../pages.git#gh-pages\"\n"),
    );
    (site, repo)
}

fn deploy(site: &Site, args: &[&str]) -> common::Run {
    let output = Command::new(env!("CARGO_BIN_EXE_claimbase"))
        .arg("--root")
        .arg(site.root())
        .arg("deploy")
        .args(args)
        .env("SOURCE_DATE_EPOCH", common::TODAY_EPOCH)
        // The cache of fetched objects, and a user without a git identity.
        .env("XDG_CACHE_HOME", site.scratch("cache"))
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .stdin(Stdio::null())
        .output()
        .expect("run claimbase deploy");
    common::Run {
        command: format!("claimbase deploy {}", args.join(" ")),
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// The output's paths, as the branch should hold them.
fn output_paths(site: &Site) -> BTreeSet<String> {
    let mut paths: BTreeSet<String> = snapshot(&site.path("output")).into_keys().collect();
    paths.remove(".claimbase-output");
    paths.insert(".nojekyll".into());
    paths
}

fn tree_paths(repo: &Path, commit: &str) -> BTreeSet<String> {
    git(repo, &["ls-tree", "-r", "--name-only", commit])
        .lines()
        .map(String::from)
        .collect()
}

#[test]
fn deploys_commit_the_output_once_and_then_only_what_changed() {
    let (site, repo) = site_with_repository();
    deploy(&site, &[]).assert_code(0);
    let first = git(&repo, &["rev-parse", "gh-pages"]);
    assert_eq!(git(&repo, &["rev-list", "--count", "gh-pages"]), "1");
    assert_eq!(tree_paths(&repo, &first), output_paths(&site));
    let page = git(
        &repo,
        &["show", "gh-pages:claims/jobs-will-keep-growing/index.html"],
    );
    assert_eq!(
        page,
        site.read("output/claims/jobs-will-keep-growing/index.html")
            .trim()
    );

    let unchanged = deploy(&site, &[]);
    unchanged.assert_code(0);
    assert!(
        unchanged.stdout.contains(": 0 uploaded, 0 deleted"),
        "{}",
        unchanged.stdout
    );
    assert_eq!(
        git(&repo, &["rev-parse", "gh-pages"]),
        first,
        "a commit with nothing changed"
    );

    let before = snapshot(&site.path("output"));
    let claim = site.read("claims/jobs-will-keep-growing.md");
    site.write(
        "claims/jobs-will-keep-growing.md",
        &format!("{claim}\nOne more sentence.\n"),
    );
    deploy(&site, &["--dry-run"]).assert_code(0);
    assert_eq!(
        git(&repo, &["rev-parse", "gh-pages"]),
        first,
        "a dry run committed"
    );
    deploy(&site, &[]).assert_code(0);
    let after = snapshot(&site.path("output"));
    let second = git(&repo, &["rev-parse", "gh-pages"]);
    assert_eq!(
        git(&repo, &["rev-parse", "gh-pages^"]),
        first,
        "one commit on top"
    );
    let diff: BTreeSet<String> = git(&repo, &["diff", "--name-only", &first, &second])
        .lines()
        .map(String::from)
        .collect();
    let changed: BTreeSet<String> = after
        .iter()
        .filter(|(path, bytes)| before.get(*path) != Some(bytes) && *path != ".claimbase-output")
        .map(|(path, _)| path.clone())
        .chain(before.keys().filter(|p| !after.contains_key(*p)).cloned())
        .collect();
    assert_eq!(diff, changed);
    assert!(diff.contains("claims/jobs-will-keep-growing/index.html"));
}

#[test]
fn a_removed_page_leaves_the_branch_unless_deletes_are_off() {
    let (site, repo) = site_with_repository();
    site.write(
        "claims/short-lived.md",
        "---\nclaim: \"A claim that will be withdrawn.\"\nspeaker: ada-lee\ndate: 2024-03\nsource: labour-blog\ntopics: [ai-and-jobs]\nkind: prediction\nstatus: open\n---\n",
    );
    deploy(&site, &[]).assert_code(0);
    std::fs::remove_file(site.path("claims/short-lived.md")).unwrap();
    deploy(&site, &["--no-delete"]).assert_code(0);
    assert!(tree_paths(&repo, "gh-pages").contains("claims/short-lived/index.html"));
    deploy(&site, &[]).assert_code(0);
    let paths = tree_paths(&repo, "gh-pages");
    assert!(!paths.contains("claims/short-lived/index.html"));
    assert_eq!(paths, output_paths(&site));
}
