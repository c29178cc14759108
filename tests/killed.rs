//! Killed at any instant (issue #20): `build` and `watch` stopped with
//! SIGKILL at moments spread over their work leave `output/` byte for byte
//! the old site or the new one, never a mix, and the next run cleans up
//! what the killed one left.
//!
//! A plain `cargo test` tries a few moments on a small site; the slow tier
//! (`CLAIMBASE_SLOW_TESTS=1`) 100 moments of a build of 2,000 claims.

mod common;
mod faults;
mod guard;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use faults::{Running, scale};
use guard::{file_bytes, leftovers, run_bounded};

const LIMIT: Duration = Duration::from_secs(300);

/// Two versions of a site differ on every page: the title.
fn set_version(root: &Path, v: usize) {
    fs::write(
        root.join("claimbase.toml"),
        format!("title = \"Generated v{v}\"\nbase_url = \"https://example.org/g/\"\n"),
    )
    .unwrap();
}

type Tree = BTreeMap<String, Vec<u8>>;

/// A generated site of `claims` claims, and the bytes each of its two
/// versions builds to.
fn two_versions(claims: usize) -> (tempfile::TempDir, PathBuf, [Tree; 2]) {
    let (tmp, root) = guard::tmp_root();
    guard::generate_site(&root, claims, 40, 2);
    let mut built: [Tree; 2] = Default::default();
    for (v, slot) in built.iter_mut().enumerate() {
        set_version(&root, v);
        let reference = tmp.path().join(format!("reference-{v}"));
        run_bounded(
            &root,
            &["build", "--output", reference.to_str().unwrap()],
            LIMIT,
        )
        .assert_code(0);
        *slot = file_bytes(&reference);
        fs::remove_dir_all(&reference).unwrap();
    }
    assert_ne!(built[0], built[1]);
    (tmp, root, built)
}

/// The paths where `a` and `b` differ, a few of them.
fn differences(a: &Tree, b: &Tree) -> Vec<String> {
    let mut paths: Vec<String> = a
        .keys()
        .chain(b.keys())
        .filter(|p| a.get(*p) != b.get(*p))
        .cloned()
        .collect();
    paths.dedup();
    paths.truncate(8);
    paths
}

/// The stage a moment falls in, from `build --timings`' lines.
fn stage_at(stages: &[(String, f64)], ms: f64) -> String {
    let mut end = 0.0;
    for (name, took) in stages {
        end += took;
        if ms <= end {
            return name.clone();
        }
    }
    "after the last stage".into()
}

/// `build --timings`: the stages and how long each took, in ms.
fn timed_build(root: &Path) -> (Vec<(String, f64)>, Duration) {
    let start = Instant::now();
    let run = run_bounded(root, &["build", "--timings"], LIMIT);
    let took = start.elapsed();
    run.assert_code(0);
    let stages = run
        .stdout
        .lines()
        .filter_map(|l| l.trim().split_once(" ms  "))
        .filter_map(|(ms, name)| Some((name.to_string(), ms.trim().parse().ok()?)))
        .collect::<Vec<_>>();
    assert!(stages.len() >= 3, "no timings in:\n{}", run.stdout);
    (stages, took)
}

#[test]
fn a_build_killed_at_any_moment_leaves_the_old_site_or_the_new_one() {
    let (claims, kills) = scale((300, 10), (2000, 100));
    let (_tmp, root, built) = two_versions(claims);
    let output = root.join("output");
    set_version(&root, 0);
    // The first build in place: its timings spread the kills over the
    // whole of a build, from the process's start to a little past its end.
    let (stages, took) = timed_build(&root);
    assert_eq!(file_bytes(&output), built[0]);
    let mut current = 0;
    let mut outcomes: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for i in 0..kills {
        let target = 1 - current;
        set_version(&root, target);
        let moment = took.mul_f64(1.1 * (i as f64 + 0.5) / kills as f64);
        let mut child = guard::spawn_build(&root);
        std::thread::sleep(moment);
        let _ = child.kill();
        child.wait().unwrap();

        let now = file_bytes(&output);
        let new = now == built[target];
        assert!(
            new || now == built[current],
            "killed {moment:?} into a build: output/ is neither the old site nor the new one; differs from the old in {:?}",
            differences(&now, &built[current])
        );
        // Process start-up comes before the first stage.
        let stage = stage_at(&stages, moment.as_secs_f64() * 1000.0);
        let tally = outcomes.entry(stage).or_default();
        if new {
            tally.1 += 1;
            current = target;
        } else {
            tally.0 += 1;
        }
        // Now and then, and after the last kill: the next build succeeds
        // and cleans up what the killed one left beside the output.
        if i % 10 == 9 || i + 1 == kills {
            let target = 1 - current;
            set_version(&root, target);
            run_bounded(&root, &["build"], LIMIT).assert_code(0);
            assert_eq!(file_bytes(&output), built[target], "after a killed build");
            assert_eq!(leftovers(&root), Vec::<String>::new());
            current = target;
        }
    }
    eprintln!(
        "{kills} kills of a {claims}-claim build ({took:?} here; stages {stages:?}); (old site, new site) by stage: {outcomes:?}"
    );
}

/// A `watch` killed while it writes the files of a save that changed every
/// page: restarted, its output equals a full build.
#[test]
fn watch_killed_while_writing_a_save_restarts_to_a_full_build() {
    let (claims, kills) = scale((200, 10), (1000, 10));
    let (_tmp, root, built) = two_versions(claims);
    let output = root.join("output");
    set_version(&root, 0);

    // How long a save takes to reach the disk, to spread the kills over it.
    let mut watch = Running::start(&root, &["watch"]);
    watch.wait_for("watching for changes", LIMIT);
    let start = Instant::now();
    set_version(&root, 1);
    watch.wait_for("Rebuilt:", LIMIT);
    let save = start.elapsed();
    let mut version = 1;
    for i in 0..kills {
        assert_settles_to(&output, &built[version], &format!("before kill {i}"));
        version = 1 - version;
        set_version(&root, version);
        std::thread::sleep(save.mul_f64((i as f64 + 0.5) / kills as f64));
        watch.kill();
        watch = Running::start(&root, &["watch"]);
        watch.wait_for("watching for changes", LIMIT);
    }
    assert_settles_to(&output, &built[version], "after the last restart");
    let left: Vec<String> = leftovers(&root)
        .into_iter()
        .filter(|n| !n.ends_with("claimbase-lock"))
        .collect();
    assert_eq!(left, Vec::<String>::new());
    eprintln!("{kills} kills of `watch` within a save of {claims} claims ({save:?} here)");
}

/// Waits for `output` to hold exactly `expected` (the search index is
/// written after the pages), failing with the files that differ.
fn assert_settles_to(output: &Path, expected: &Tree, what: &str) {
    let deadline = Instant::now() + LIMIT;
    loop {
        let now = file_bytes(output);
        if now == *expected {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{what}: output/ is not what a full build writes; differs in {:?}",
            differences(&now, expected)
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}
