//! Helpers for the hostile-input tests: runs of the binary under a
//! watchdog, snapshots that keep modification times, and generated sites.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

use crate::common::{Run, TODAY_EPOCH};

/// The `claimbase` command as the harness runs it: fixed "today", no colour.
pub fn command(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_claimbase"));
    cmd.args(args)
        .current_dir(dir)
        .env("SOURCE_DATE_EPOCH", TODAY_EPOCH)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// Runs `cmd` and waits at most `limit`: past it the process is killed and
/// the test fails, so a hang is a failure rather than a stuck suite.
pub fn run_with_watchdog(mut cmd: Command, what: &str, limit: Duration) -> Run {
    let mut child = cmd.spawn().expect("run claimbase");
    // Drain both pipes while waiting, or a chatty child blocks on a full pipe.
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = stdout.read_to_end(&mut s);
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = stderr.read_to_end(&mut s);
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for claimbase") {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("watchdog: `{what}` did not finish within {limit:?}; killed it");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Run {
        command: what.to_string(),
        code: status.code(),
        stdout: String::from_utf8_lossy(&out.join().unwrap()).into_owned(),
        stderr: String::from_utf8_lossy(&err.join().unwrap()).into_owned(),
    }
}

/// `claimbase --root <root> <args>` from inside `root`, under the watchdog.
pub fn run_bounded(root: &Path, args: &[&str], limit: Duration) -> Run {
    let mut all = vec!["--root", root.to_str().unwrap()];
    all.extend_from_slice(args);
    let what = format!("claimbase {}", all.join(" "));
    run_with_watchdog(command(root, &all), &what, limit)
}

/// As [`run_bounded`], with extra environment variables (`HOME`).
pub fn run_bounded_env(root: &Path, args: &[&str], env: &[(&str, &Path)], limit: Duration) -> Run {
    let mut all = vec!["--root", root.to_str().unwrap()];
    all.extend_from_slice(args);
    let what = format!("claimbase {}", all.join(" "));
    let mut cmd = command(root, &all);
    for (k, v) in env {
        cmd.env(k, v);
    }
    run_with_watchdog(cmd, &what, limit)
}

/// Starts a build without waiting for it (to kill it half-way).
pub fn spawn_build(root: &Path) -> Child {
    let mut cmd = command(root, &["--root", root.to_str().unwrap(), "build"]);
    cmd.stdout(Stdio::null()).stderr(Stdio::null());
    cmd.spawn().expect("start claimbase")
}

/// One entry of a folder snapshot: a file's bytes or a folder, and its
/// modification time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub bytes: Option<Vec<u8>>,
    pub modified: SystemTime,
}

/// Every file and folder under `dir` (relative path → entry), the folder
/// itself as `.`; empty if `dir` does not exist.
pub fn snapshot_with_times(dir: &Path) -> BTreeMap<String, Entry> {
    // A folder a live writer (`watch`) is changing may lose a file between
    // being listed and being read: what is gone by then is not there.
    fn gone<T>(result: std::io::Result<T>) -> Option<T> {
        match result {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            other => Some(other.unwrap()),
        }
    }
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Entry>) {
        let Some(entries) = gone(fs::read_dir(dir)) else {
            return;
        };
        for entry in entries {
            let Some(entry) = gone(entry) else { continue };
            let path = entry.path();
            let Some(meta) = gone(fs::symlink_metadata(&path)) else {
                continue;
            };
            let rel = path
                .strip_prefix(base)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            if meta.is_dir() {
                walk(base, &path, out);
            }
            let bytes = if meta.is_file() {
                let Some(bytes) = gone(fs::read(&path)) else {
                    continue;
                };
                Some(bytes)
            } else {
                None
            };
            out.insert(
                rel,
                Entry {
                    bytes,
                    modified: meta.modified().unwrap(),
                },
            );
        }
    }
    let mut out = BTreeMap::new();
    if let Ok(meta) = fs::metadata(dir) {
        out.insert(
            ".".into(),
            Entry {
                bytes: None,
                modified: meta.modified().unwrap(),
            },
        );
        walk(dir, dir, &mut out);
    }
    out
}

/// Fails with the paths that differ, not two walls of bytes.
pub fn assert_same_tree(
    before: &BTreeMap<String, Entry>,
    after: &BTreeMap<String, Entry>,
    what: &str,
) {
    let mut diffs = Vec::new();
    for (path, entry) in before {
        match after.get(path) {
            None => diffs.push(format!("removed: {path}")),
            Some(e) if e.bytes != entry.bytes => diffs.push(format!("changed: {path}")),
            Some(e) if e.modified != entry.modified => {
                diffs.push(format!("modification time changed: {path}"))
            }
            _ => {}
        }
    }
    for path in after.keys().filter(|p| !before.contains_key(*p)) {
        diffs.push(format!("added: {path}"));
    }
    assert!(diffs.is_empty(), "{what}:\n  {}", diffs.join("\n  "));
}

/// The bytes of every file under `dir`, for "is this the old or the new site".
pub fn file_bytes(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    snapshot_with_times(dir)
        .into_iter()
        .filter_map(|(p, e)| e.bytes.map(|b| (p, b)))
        .collect()
}

/// The staging or retired folders a build leaves beside `output` if it
/// does not finish.
pub fn leftovers(parent: &Path) -> Vec<String> {
    fs::read_dir(parent)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".claimbase-"))
        .collect()
}

/// A valid site of `claims` claims, each with a body of `body_paragraphs`
/// paragraphs, spread over `speakers` speakers and a few sources and topics.
pub fn generate_site(root: &Path, claims: usize, speakers: usize, body_paragraphs: usize) {
    let content = root.join("claims");
    for dir in ["_speakers", "_sources", "_topics", "by-year"] {
        fs::create_dir_all(content.join(dir)).unwrap();
    }
    fs::write(
        root.join("claimbase.toml"),
        "title = \"Generated\"\nbase_url = \"https://example.org/g/\"\n",
    )
    .unwrap();
    for s in 0..speakers {
        fs::write(
            content.join(format!("_speakers/speaker-{s}.md")),
            format!("---\nname: Speaker {s}\nrole: Analyst\n---\nA biography.\n"),
        )
        .unwrap();
    }
    for t in 0..4 {
        fs::write(
            content.join(format!("_topics/topic-{t}.md")),
            format!("---\ntitle: Topic {t}\nquestion: Is {t} true?\n---\n"),
        )
        .unwrap();
        fs::write(
            content.join(format!("_sources/source-{t}.md")),
            format!("---\ntitle: Source {t}\nurl: https://example.com/{t}\n---\n"),
        )
        .unwrap();
    }
    let body = "A paragraph with *emphasis*, a [link](https://example.com/) and `code`.\n\n"
        .repeat(body_paragraphs);
    for c in 0..claims {
        let text = format!(
            "---\nclaim: Claim number {c} says something.\nspeaker: speaker-{}\ndate: {}-{:02}-{:02}\nsource: source-{}\ntopics: [topic-{}]\nkind: prediction\n{}---\n{body}",
            c % speakers,
            2000 + c % 25,
            1 + c % 12,
            1 + c % 28,
            c % 4,
            c % 4,
            if c > 0 {
                format!("supports: [claim-{}]\n", c - 1)
            } else {
                String::new()
            },
        );
        fs::write(content.join(format!("by-year/claim-{c}.md")), text).unwrap();
    }
}

/// A temporary folder on a RAM file system when there is one (`/dev/shm`).
fn ram_tempdir() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    if shm.is_dir() {
        tempfile::tempdir_in(shm).unwrap()
    } else {
        tempfile::tempdir().unwrap()
    }
}

/// An empty site folder, on a RAM file system when there is one.
pub fn tmp_root() -> (tempfile::TempDir, PathBuf) {
    let tmp = ram_tempdir();
    let root = tmp.path().join("site");
    fs::create_dir(&root).unwrap();
    (tmp, root)
}

/// A copy of `tests/fixtures/<name>` in a temporary folder on a RAM file
/// system when there is one (`/dev/shm`): for tests that create many files.
pub fn fixture_in_memory(name: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = ram_tempdir();
    let root = tmp.path().join("site");
    crate::common::copy_dir(&crate::common::fixtures_dir().join(name), &root);
    (tmp, root)
}
