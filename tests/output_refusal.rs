//! claimbase replaces its output folder on every build, so it refuses an
//! output folder that it must not replace: `/`, the home folder, the site
//! folder or one holding it, the content or templates folder, and any
//! non-empty folder it did not write (one without `.claimbase-output`).
//! Each refusal says why, exits 1 and deletes nothing.

mod common;
mod guard;

use std::path::Path;
use std::time::Duration;

use common::{Site, fixture};
use guard::{assert_same_tree, run_bounded_env, snapshot_with_times};

const LIMIT: Duration = Duration::from_secs(30);

/// Runs `build` with `args` (HOME pointing at a folder of the test's own)
/// and checks it is refused with `reason`, printed for the output path
/// `shown` (relative to the site), and that neither the site nor the home
/// folder changed.
fn assert_refused(site: &Site, args: &[&str], shown: &str, reason: &str) {
    let home = site.scratch("home");
    std::fs::create_dir_all(&home).unwrap();
    std::fs::write(home.join("notes.txt"), "mine\n").unwrap();
    let before = snapshot_with_times(site.root().parent().unwrap());
    let mut all = vec!["build"];
    all.extend_from_slice(args);
    let run = run_bounded_env(site.root(), &all, &[("HOME", &home)], LIMIT);
    run.assert_code(1)
        .assert_stderr_contains("build failed: 1 error; nothing was written");
    let errors = run.errors();
    assert_eq!(errors.len(), 1, "{}", run.stderr);
    let prefix = format!("{shown}:1:1: error: refusing to write the site to `");
    assert!(
        errors[0].starts_with(&prefix) && errors[0].ends_with(reason),
        "expected `{prefix}…: {reason}`, got:\n{}",
        errors[0]
    );
    assert_same_tree(
        &before,
        &snapshot_with_times(site.root().parent().unwrap()),
        "a refused build changed files",
    );
}

fn abs(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[test]
fn the_file_system_root() {
    let site = fixture("full");
    assert_refused(&site, &["--output", "/"], "/", "it is the file system root");
}

#[test]
fn the_home_folder() {
    let site = fixture("full");
    let home = site.scratch("home");
    assert_refused(
        &site,
        &["--output", abs(&home)],
        abs(&home),
        "it is your home folder",
    );
}

/// A link to the home folder is the home folder.
#[test]
fn a_symbolic_link_to_the_home_folder() {
    let site = fixture("full");
    let home = site.scratch("home");
    std::fs::create_dir_all(&home).unwrap();
    std::os::unix::fs::symlink(&home, site.path("out")).unwrap();
    assert_refused(&site, &["--output", "out"], "out", "it is your home folder");
}

#[test]
fn the_site_folder() {
    let site = fixture("full");
    assert_refused(
        &site,
        &["--output", "."],
        ".",
        "it is or contains the site folder; choose another output folder",
    );
}

#[test]
fn a_folder_holding_the_site() {
    let site = fixture("full");
    assert_refused(
        &site,
        &["--output", ".."],
        "..",
        "it is or contains the site folder; choose another output folder",
    );
}

#[test]
fn the_content_folder() {
    let site = fixture("full");
    assert_refused(
        &site,
        &["--output", "claims"],
        "claims",
        "it is or contains the content folder; choose another output folder",
    );
}

/// The same refusal when the setting comes from `claimbase.toml`.
#[test]
fn the_content_folder_set_in_the_config() {
    let site = fixture("full");
    let config = site.read("claimbase.toml");
    site.write(
        "claimbase.toml",
        &config.replace("output = \"output\"", "output = \"claims\""),
    );
    assert_refused(
        &site,
        &[],
        "claims",
        "it is or contains the content folder; choose another output folder",
    );
}

#[test]
fn the_templates_folder() {
    let site = fixture("full");
    site.write("templates/partials/note.html", "<p>a partial</p>\n");
    assert_refused(
        &site,
        &["--output", "templates"],
        "templates",
        "it is or contains the templates folder; choose another output folder",
    );
}

/// Built files inside an input folder would be read back as input.
#[test]
fn a_folder_inside_the_content_folder() {
    let site = fixture("full");
    assert_refused(
        &site,
        &["--output", "claims/site"],
        "claims/site",
        "it is inside the content folder, where built files would be read back as input; choose a folder outside it",
    );
}

#[test]
fn a_folder_inside_the_templates_folder() {
    let site = fixture("full");
    site.write("templates/partials/note.html", "<p>a partial</p>\n");
    assert_refused(
        &site,
        &["--output", "templates/out"],
        "templates/out",
        "it is inside the templates folder, where built files would be read back as input; choose a folder outside it",
    );
}

/// A site whose content root is the site folder keeps its output inside it.
#[test]
fn an_output_inside_content_that_is_the_site_folder() {
    let site = fixture("full");
    for entry in std::fs::read_dir(site.path("claims")).unwrap() {
        let entry = entry.unwrap();
        std::fs::rename(entry.path(), site.root().join(entry.file_name())).unwrap();
    }
    let config = site.read("claimbase.toml");
    site.write(
        "claimbase.toml",
        &config.replace("content = \"claims\"", "content = \".\""),
    );
    let built = site.build();
    assert!(built.has_page("/"));
    assert!(built.has_page("/claims/jobs-will-keep-growing/"));
}

#[test]
fn a_folder_with_files_claimbase_did_not_write() {
    let site = fixture("full");
    site.write("output/thesis.tex", "years of work\n");
    assert_refused(
        &site,
        &[],
        "output",
        "it already holds files that claimbase did not write (it has no `.claimbase-output` file); empty it or choose another folder",
    );
}

/// The other side: an empty folder, and a folder claimbase marked, are
/// written; a file the old site had and the new one does not is dropped.
#[test]
fn an_empty_folder_or_one_claimbase_wrote_is_replaced() {
    let site = fixture("full");
    std::fs::create_dir_all(site.path("output")).unwrap();
    site.build();
    assert!(site.path("output/.claimbase-output").is_file());
    site.write("output/stale.html", "from an older build\n");
    site.build();
    assert!(!site.path("output/stale.html").exists());
    assert!(site.path("output/index.html").is_file());
}
