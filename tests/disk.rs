//! A full disk and files without permission (issue #20): a clear error
//! naming the folder or file, exit 1, the previous site intact and nothing
//! half-written left anywhere.
//!
//! The full disk is a small tmpfs the test mounts (as root, as CI runs);
//! where mounting is not permitted the test says so and skips. Root is
//! not bound by file permissions, so as root the permission tests run the
//! binary as the unprivileged user `nobody` (uid 65534).

mod common;
mod faults;
mod guard;

use std::fs;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use common::Run;
use faults::{Running, Tmpfs};
use guard::{file_bytes, run_bounded, run_with_watchdog};

const LIMIT: Duration = Duration::from_secs(120);

fn set_title(root: &Path, title: &str) {
    fs::write(
        root.join("claimbase.toml"),
        format!("title = \"{title}\"\nbase_url = \"https://example.org/g/\"\n"),
    )
    .unwrap();
}

/// Fills the file system holding `dir` up, then frees `room` bytes.
fn fill_leaving(dir: &Path, room: u64) -> PathBuf {
    let filler = dir.join("filler");
    let mut file = fs::File::create(&filler).unwrap();
    let chunk = vec![0u8; 64 * 1024];
    while file.write_all(&chunk).is_ok() {}
    let mut len = file.metadata().unwrap().len();
    // The last chunk may be in part; write what still fits, a byte at a time.
    while file.write_all(&[0]).is_ok() {
        len += 1;
    }
    file.set_len(len.saturating_sub(room)).unwrap();
    filler
}

fn size_of(dir: &Path) -> u64 {
    file_bytes(dir).values().map(|b| b.len() as u64).sum()
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_disk_that_fills_up_during_a_build() {
    let (tmp, root) = guard::tmp_root();
    let Some(disk) = Tmpfs::mount(
        &tmp.path().join("disk"),
        "24m",
        "a_disk_that_fills_up_during_a_build",
    ) else {
        return;
    };
    guard::generate_site(&root, 150, 10, 3);
    let output = disk.dir.join("output");
    let out = output.to_str().unwrap();
    set_title(&root, "Before");
    run_bounded(&root, &["build", "--output", out], LIMIT).assert_code(0);
    let before = file_bytes(&output);
    // Room for half the pages the next build changes.
    fill_leaving(&disk.dir, size_of(&output) / 2);
    set_title(&root, "After");
    let run = run_bounded(&root, &["build", "--output", out], LIMIT);
    run.assert_code(1);
    let errors = run.errors();
    assert_eq!(errors.len(), 1, "{}", run.stderr);
    assert!(
        errors[0].starts_with(&format!(
            "{out}:1:1: error: no space left on device: the new site does not fit beside the output folder (writing `"
        )) && errors[0].ends_with("`); the previous site is unchanged"),
        "{}",
        errors[0]
    );
    assert_eq!(
        run.help_for(errors[0]),
        Some("free some space on that drive, or build to a folder on another with --output")
    );
    assert!(file_bytes(&output) == before, "the previous site changed");
    // No staging folder, no lock file: only the site and the filler.
    assert_eq!(names_in(&disk.dir), ["filler", "output"]);
}

/// `watch` saving onto a full disk: the error names the output folder,
/// no part of a file is left in it, every file is either its last version
/// or the one before, and once there is room the next save writes the
/// whole site.
#[test]
fn a_disk_that_fills_up_while_watch_writes_a_save() {
    let (tmp, root) = guard::tmp_root();
    let Some(disk) = Tmpfs::mount(
        &tmp.path().join("disk"),
        "24m",
        "a_disk_that_fills_up_while_watch_writes_a_save",
    ) else {
        return;
    };
    guard::generate_site(&root, 150, 10, 3);
    let output = disk.dir.join("output");
    let out = output.to_str().unwrap();
    let mut versions = Vec::new();
    for title in ["Before", "After", "Again"] {
        set_title(&root, title);
        let reference = tmp.path().join(title);
        run_bounded(
            &root,
            &["build", "--output", reference.to_str().unwrap()],
            LIMIT,
        )
        .assert_code(0);
        versions.push(file_bytes(&reference));
    }
    set_title(&root, "Before");
    let mut watch = Running::start(&root, &["watch", "--output", out]);
    watch.wait_for("watching for changes", LIMIT);
    wait_until(|| file_bytes(&output) == versions[0], "the first build");
    // Room for a few pages of the save.
    let filler = fill_leaving(&disk.dir, 64 * 1024);

    set_title(&root, "After");
    let line = watch.wait_for("cannot write the output folder", LIMIT);
    assert!(
        line.starts_with(&format!(
            "cannot write the output folder `{out}`: no space left on device: cannot write `{out}/"
        )),
        "{line}"
    );
    assert!(
        line.ends_with("the files not yet replaced keep their last version, and the next save writes the whole site again"),
        "{line}"
    );
    let now = file_bytes(&output);
    for (path, bytes) in &now {
        assert!(
            versions[0].get(path) == Some(bytes) || versions[1].get(path) == Some(bytes),
            "{path} is neither its last version nor the one before"
        );
    }
    assert!(
        now.keys().all(|p| !p.contains("claimbase-tmp")),
        "a part of a file was left"
    );

    fs::remove_file(filler).unwrap();
    set_title(&root, "Again");
    wait_until(
        || file_bytes(&output) == versions[2],
        "the save after the disk had room",
    );
}

/// Polls `ok` until it holds, failing after a bound rather than hanging.
fn wait_until(mut ok: impl FnMut() -> bool, what: &str) {
    let deadline = std::time::Instant::now() + LIMIT;
    while !ok() {
        assert!(
            std::time::Instant::now() < deadline,
            "{what}: never happened"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// The unprivileged user the permission tests run as, when root.
const NOBODY: u32 = 65534;

/// A site that `nobody` owns when the test runs as root, in a folder it can
/// reach; `None` (skipped) where it cannot run the binary.
fn site_for_permissions(test: &str) -> Option<(tempfile::TempDir, PathBuf)> {
    let (tmp, root) = guard::tmp_root();
    guard::generate_site(&root, 20, 3, 1);
    if faults::is_root() {
        fs::set_permissions(tmp.path(), fs::Permissions::from_mode(0o755)).unwrap();
        for entry in walkdir(&root) {
            std::os::unix::fs::chown(&entry, Some(NOBODY), Some(NOBODY)).unwrap();
        }
        let probe = build_as_owner(&root);
        if probe.code != Some(0) {
            eprintln!(
                "SKIPPED {test}: the binary cannot run as `nobody` here:\n{}",
                probe.stderr
            );
            return None;
        }
    }
    Some((tmp, root))
}

fn walkdir(dir: &Path) -> Vec<PathBuf> {
    let mut out = vec![dir.to_path_buf()];
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walkdir(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// `build`, as `nobody` when the test runs as root.
fn build_as_owner(root: &Path) -> Run {
    let mut cmd = guard::command(root, &["--root", root.to_str().unwrap(), "build"]);
    if faults::is_root() {
        cmd.uid(NOBODY).gid(NOBODY).env("HOME", "/nonexistent");
    }
    run_with_watchdog(cmd, "claimbase build", LIMIT)
}

#[test]
fn an_output_folder_that_cannot_be_written() {
    let Some((_tmp, root)) = site_for_permissions("an_output_folder_that_cannot_be_written") else {
        return;
    };
    build_as_owner(&root).assert_code(0);
    let before = guard::snapshot_with_times(&root);
    set_title(&root, "Changed");
    let config = fs::read(root.join("claimbase.toml")).unwrap();
    // The site folder holds `output/`: the new site cannot go beside it.
    fs::set_permissions(&root, fs::Permissions::from_mode(0o555)).unwrap();
    let run = build_as_owner(&root);
    fs::set_permissions(&root, fs::Permissions::from_mode(0o755)).unwrap();
    run.assert_code(1);
    let errors = run.errors();
    assert_eq!(errors.len(), 1, "{}", run.stderr);
    assert_eq!(
        errors[0],
        format!(
            "output:1:1: error: cannot write `{}`: Permission denied (os error 13)",
            root.join(".output.claimbase-lock").display()
        )
    );
    assert_eq!(
        run.help_for(errors[0]),
        Some(
            "claimbase writes the new site beside the output folder, then swaps the two: make the folder holding it writable, or choose another with --output"
        )
    );
    let mut after = guard::snapshot_with_times(&root);
    // Only the config, edited by the test, differs.
    after.remove("claimbase.toml");
    let mut before = before;
    before.remove("claimbase.toml");
    guard::assert_same_tree(&before, &after, "a refused build changed the site");
    assert_eq!(fs::read(root.join("claimbase.toml")).unwrap(), config);
}

#[test]
fn a_content_file_that_cannot_be_read() {
    let Some((_tmp, root)) = site_for_permissions("a_content_file_that_cannot_be_read") else {
        return;
    };
    build_as_owner(&root).assert_code(0);
    let output = root.join("output");
    let before = guard::snapshot_with_times(&output);
    let claim = root.join("claims/by-year/claim-19.md");
    fs::set_permissions(&claim, fs::Permissions::from_mode(0o000)).unwrap();
    let run = build_as_owner(&root);
    run.assert_code(1).assert_errors(&[
        "claims/by-year/claim-19.md:1:1: error: cannot read the file: Permission denied (os error 13)",
    ]);
    assert_eq!(
        run.help_for("claims/by-year/claim-19.md:1:1: error: cannot read the file: Permission denied (os error 13)"),
        Some("let the user who builds the site read the file (`chmod a+r`), or move it out of the content folder")
    );
    run.assert_stderr_contains("nothing was written");
    guard::assert_same_tree(
        &before,
        &guard::snapshot_with_times(&output),
        "a build that could not read its content changed the output",
    );
    assert_eq!(guard::leftovers(&root), Vec::<String>::new());
}
