//! Two writers (issue #20): one `build` or `watch` writes an output folder
//! at a time. The second waits a few seconds for the lock file beside the
//! output, then says who holds it; a lock left by a killed writer is taken
//! over.

mod common;
mod faults;
mod guard;

use std::fs;
use std::path::Path;
use std::time::Duration;

use faults::Running;
use guard::{file_bytes, leftovers, run_bounded};

const LIMIT: Duration = Duration::from_secs(300);

fn lock_file(root: &Path) -> std::path::PathBuf {
    root.join(".output.claimbase-lock")
}

#[test]
fn a_build_while_watch_runs_is_refused_with_the_watchs_pid() {
    let (_tmp, root) = guard::tmp_root();
    guard::generate_site(&root, 30, 4, 1);
    let mut watch = Running::start(&root, &["watch"]);
    watch.wait_for("watching for changes", LIMIT);
    let before = file_bytes(&root.join("output"));
    fs::write(
        root.join("claimbase.toml"),
        "title = \"Changed\"\nbase_url = \"https://example.org/g/\"\n",
    )
    .unwrap();
    watch.wait_for("Rebuilt:", LIMIT);
    let before_build = file_bytes(&root.join("output"));
    assert_ne!(before, before_build);

    let run = run_bounded(&root, &["build"], LIMIT);
    run.assert_code(1);
    let holder = format!("pid {}, `claimbase watch`, started ", watch.pid());
    let errors = run.errors();
    assert_eq!(errors.len(), 1, "{}", run.stderr);
    assert!(
        errors[0].starts_with(&format!("output:1:1: error: another claimbase ({holder}"))
            && errors[0].ends_with(" s ago) is writing this output folder"),
        "{}",
        errors[0]
    );
    let help = run.help_for(errors[0]).unwrap_or_default();
    assert!(
        help.starts_with("wait for it to finish, or stop it, and build again; it holds `")
            && help.ends_with(".output.claimbase-lock`"),
        "{help}"
    );
    run.assert_stderr_contains("nothing was written");
    assert!(
        file_bytes(&root.join("output")) == before_build,
        "the build wrote"
    );

    // A second watch is refused the same way.
    let second = run_bounded(&root, &["watch"], LIMIT);
    second.assert_code(1);
    assert!(second.stderr.contains(&holder), "{}", second.stderr);

    // Killed, the watch leaves its lock file but not the lock: the next
    // build takes it over and says so.
    watch.kill();
    assert!(
        lock_file(&root).exists(),
        "a killed writer leaves its lock file"
    );
    let run = run_bounded(&root, &["build"], LIMIT);
    run.assert_code(0).assert_no_warnings();
    run.assert_stderr_contains(&format!(
        "note: the output folder was locked by claimbase (pid {}, `claimbase watch`, started ",
        watch.pid()
    ));
    run.assert_stderr_contains("which has stopped without releasing it; took the lock over");
    assert!(
        !lock_file(&root).exists(),
        "the build removes its lock file"
    );
    assert_eq!(leftovers(&root), Vec::<String>::new());
}

/// Two builds of the same site at once, for two different addresses: each
/// either succeeds or is refused with the lock's message, and `output/` is
/// then one of the two sites, whole, with nothing left beside it.
#[test]
fn two_builds_at_once_never_interleave() {
    let (tmp, root) = guard::tmp_root();
    guard::generate_site(&root, faults::scale(150, 600), 10, 2);
    let urls = ["https://one.example.org/", "https://two.example.org/"];
    let built: Vec<_> = urls
        .iter()
        .enumerate()
        .map(|(i, url)| {
            let reference = tmp.path().join(format!("reference-{i}"));
            let out = reference.to_str().unwrap();
            run_bounded(&root, &["build", "--output", out, "--base-url", url], LIMIT)
                .assert_code(0);
            file_bytes(&reference)
        })
        .collect();
    for round in 0..faults::scale(3, 10) {
        let runs: Vec<_> = std::thread::scope(|s| {
            let handles: Vec<_> = urls
                .iter()
                .map(|url| {
                    let root = &root;
                    s.spawn(move || run_bounded(root, &["build", "--base-url", url], LIMIT))
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for run in &runs {
            match run.code {
                Some(0) => {}
                Some(1) => {
                    assert!(
                        run.stderr.contains("is writing this output folder"),
                        "round {round}: a build failed other than by waiting for the lock:\n{}",
                        run.stderr
                    )
                }
                _ => panic!("round {round}: {:?}\n{}", run.code, run.stderr),
            }
        }
        assert!(
            runs.iter().any(|r| r.code == Some(0)),
            "round {round}: neither build wrote"
        );
        let now = file_bytes(&root.join("output"));
        assert!(
            built.contains(&now),
            "round {round}: output/ is neither build's site, whole"
        );
        assert_eq!(leftovers(&root), Vec::<String>::new(), "round {round}");
    }
}
