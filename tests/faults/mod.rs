//! Helpers for the fault and load tests (issue #20): the slow tier's
//! switch, long-running `claimbase` processes read line by line, their
//! memory and open files, and small file systems mounted for a test.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use crate::common::TODAY_EPOCH;

/// The environment variable that turns on the slow tier (`.ci/run` sets it).
pub const SLOW: &str = "CLAIMBASE_SLOW_TESTS";

/// Whether the slow tier runs: the full counts and durations of issue #20.
pub fn slow() -> bool {
    std::env::var(SLOW).is_ok_and(|v| v == "1")
}

/// `fast` in a plain `cargo test`, `full` in the slow tier.
pub fn scale<T>(fast: T, full: T) -> T {
    if slow() { full } else { fast }
}

/// A `claimbase` process left running (`watch`, `serve`), its output read
/// line by line; killed with SIGKILL when dropped.
pub struct Running {
    pub child: Child,
    lines: Receiver<String>,
    pub seen: Vec<String>,
}

impl Running {
    /// Starts `claimbase --root <root> <args>`.
    pub fn start(root: &Path, args: &[&str]) -> Running {
        let mut child = Command::new(env!("CARGO_BIN_EXE_claimbase"))
            .arg("--root")
            .arg(root)
            .args(args)
            .current_dir(root)
            .env("SOURCE_DATE_EPOCH", TODAY_EPOCH)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start claimbase");
        let (tx, rx) = channel();
        for stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    let _ = tx.send(line);
                }
            });
        }
        Running {
            child,
            lines: rx,
            seen: Vec::new(),
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits for a line containing `needle`, failing after `limit`.
    pub fn wait_for(&mut self, needle: &str, limit: Duration) -> String {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            if let Ok(line) = self.lines.recv_timeout(Duration::from_millis(50)) {
                self.seen.push(line.clone());
                if line.contains(needle) {
                    return line;
                }
            }
        }
        panic!(
            "no line containing {needle:?} within {limit:?}; saw:\n{}",
            self.seen.join("\n")
        );
    }

    /// The lines printed so far, without waiting.
    pub fn drain(&mut self) -> &[String] {
        while let Ok(line) = self.lines.try_recv() {
            self.seen.push(line);
        }
        &self.seen
    }

    /// Kills the process with SIGKILL, as a crash or the OOM killer would.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Resident memory in KiB, from `/proc/<pid>/status`.
    pub fn rss_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).ok()?;
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
    }

    /// Open file descriptors, from `/proc/<pid>/fd`.
    pub fn open_files(&self) -> Option<usize> {
        std::fs::read_dir(format!("/proc/{}/fd", self.pid()))
            .ok()
            .map(|d| d.count())
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A small tmpfs mounted for one test, unmounted when dropped.
pub struct Tmpfs {
    pub dir: PathBuf,
}

impl Tmpfs {
    /// Mounts a tmpfs of `size` (`"8m"`) at `dir`; `None`, with a message
    /// saying the test is skipped, where mounting is not permitted.
    pub fn mount(dir: &Path, size: &str, test: &str) -> Option<Tmpfs> {
        std::fs::create_dir_all(dir).unwrap();
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output();
        match mounted {
            Ok(out) if out.status.success() => Some(Tmpfs {
                dir: dir.to_path_buf(),
            }),
            Ok(out) => {
                skip(test, &String::from_utf8_lossy(&out.stderr));
                None
            }
            Err(e) => {
                skip(test, &e.to_string());
                None
            }
        }
    }

    /// Remounts it read-only: no one, root included, can write to it.
    pub fn read_only(&self) -> bool {
        Command::new("mount")
            .args(["-o", "remount,ro"])
            .arg(&self.dir)
            .status()
            .is_ok_and(|s| s.success())
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.dir).status();
    }
}

/// Says that `test` did not run and why, where `cargo test` shows it.
pub fn skip(test: &str, why: &str) {
    eprintln!(
        "SKIPPED {test}: cannot mount a small file system here ({}); run as root to include it",
        why.trim()
    );
}

/// Whether this process runs as root, for whom file permissions do not
/// apply.
pub fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Uid:"))
                .map(|v| v.split_whitespace().nth(1) == Some("0"))
        })
        .unwrap_or(false)
}
