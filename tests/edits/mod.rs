//! Random edits of a site's content, as a person editing for a day makes
//! them: statements, bodies and dates changed, claims created, renamed,
//! moved and deleted, relations added. Shared by the incremental
//! equivalence tests and the long `watch` run.

#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};

/// A small deterministic generator (xorshift), so a failure is repeatable.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

pub fn markdown_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walk(dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    files.sort();
    files
}

pub fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// One random change to the content; returns a description for messages
/// and the paths a file watcher would report.
pub fn mutate(rng: &mut Rng, content: &Path, step: usize) -> (String, Vec<PathBuf>) {
    let all = markdown_files(content);
    let claims: Vec<&PathBuf> = all
        .iter()
        .filter(|p| !p.to_string_lossy().contains("/_"))
        .collect();
    let entities: Vec<&PathBuf> = all
        .iter()
        .filter(|p| p.to_string_lossy().contains("/_"))
        .collect();
    let pick = |rng: &mut Rng, list: &[&PathBuf]| list[rng.below(list.len())].clone();
    match rng.below(15) {
        0 | 1 => {
            let path = pick(rng, &claims);
            let text = fs::read_to_string(&path).unwrap().replacen(
                "\nclaim: ",
                &format!("\nclaim: Edit {step}, "),
                1,
            );
            // An editor's safe write: a temporary file renamed over the original.
            let temp = path.with_extension("md___jb_tmp___");
            fs::write(&temp, text).unwrap();
            fs::rename(&temp, &path).unwrap();
            (format!("edit {}", path.display()), vec![temp, path])
        }
        2 => {
            let path = pick(rng, &entities);
            let text = fs::read_to_string(&path).unwrap();
            let text = text
                .replacen("\nname: ", &format!("\nname: N{step} "), 1)
                .replacen("\ntitle: ", &format!("\ntitle: T{step} "), 1);
            fs::write(&path, text).unwrap();
            (format!("edit {}", path.display()), vec![path])
        }
        3 => {
            let path = pick(rng, &claims);
            let copy = content.join(format!("new-{step}.md"));
            fs::copy(&path, &copy).unwrap();
            (format!("create {}", copy.display()), vec![copy])
        }
        4 => {
            let path = pick(rng, &claims);
            let renamed = path.with_file_name(format!("renamed-{step}.md"));
            fs::rename(&path, &renamed).unwrap();
            (
                format!("rename {} to {}", path.display(), renamed.display()),
                vec![path, renamed],
            )
        }
        5 => {
            let path = pick(rng, &claims);
            let folder = content.join(format!("folder-{step}"));
            fs::create_dir_all(&folder).unwrap();
            let moved = folder.join(path.file_name().unwrap());
            fs::rename(&path, &moved).unwrap();
            (
                format!("move {} to {}", path.display(), moved.display()),
                vec![folder, path, moved],
            )
        }
        6 => {
            let path = pick(rng, &claims);
            fs::remove_file(&path).unwrap();
            (format!("delete {}", path.display()), vec![path])
        }
        7 => {
            let path = pick(rng, &claims);
            let text = fs::read_to_string(&path).unwrap();
            let text = if text.contains("\ndraft: true") {
                text.replace("\ndraft: true", "\ndraft: false")
            } else {
                text.replacen("\nclaim: ", "\ndraft: true\nclaim: ", 1)
            };
            fs::write(&path, text).unwrap();
            (format!("toggle draft {}", path.display()), vec![path])
        }
        8 => {
            let path = pick(rng, &claims);
            let text = fs::read_to_string(&path).unwrap();
            fs::write(
                &path,
                format!("{text}\nA paragraph added at step {step}.\n"),
            )
            .unwrap();
            (format!("add a paragraph to {}", path.display()), vec![path])
        }
        9 => {
            // A new month (often a new place in the timeline).
            let path = pick(rng, &claims);
            let text = fs::read_to_string(&path).unwrap();
            let date = format!("\ndate: 20{}-{:02}\n", 20 + rng.below(6), 1 + rng.below(12));
            let text: String = match text.split_once("\ndate: ") {
                Some((head, rest)) => {
                    let rest = rest.split_once('\n').map_or("", |(_, r)| r);
                    format!("{head}{date}{rest}")
                }
                None => text,
            };
            fs::write(&path, text).unwrap();
            (format!("change the date of {}", path.display()), vec![path])
        }
        10 => {
            // When it was last changed: the sitemap and feeds show it.
            let path = pick(rng, &claims);
            let text = fs::read_to_string(&path).unwrap();
            let updated = format!(
                "\nupdated: 2026-{:02}-{:02}\n",
                1 + rng.below(12),
                1 + rng.below(28)
            );
            let text: String = match text.split_once("\nupdated: ") {
                Some((head, rest)) => {
                    let rest = rest.split_once('\n').map_or("", |(_, r)| r);
                    format!("{head}{updated}{rest}")
                }
                None => text.replacen("\nclaim: ", &format!("{updated}claim: "), 1),
            };
            fs::write(&path, text).unwrap();
            (
                format!("change when {} was updated", path.display()),
                vec![path],
            )
        }
        12 | 13 => {
            // A body link to a claim, from a claim, an entity or a page;
            // with no text now and then, to show the claim's statement.
            let from = if rng.below(2) == 0 {
                pick(rng, &claims)
            } else {
                pick(rng, &entities)
            };
            let to = pick(rng, &claims);
            let id = to.file_stem().unwrap().to_string_lossy().into_owned();
            let text = if rng.below(2) == 0 { "" } else { "see this" };
            let body = fs::read_to_string(&from).unwrap();
            fs::write(
                &from,
                format!("{body}\n[{text}](@claim/{id}) at step {step}.\n"),
            )
            .unwrap();
            (format!("link {} to {id}", from.display()), vec![from])
        }
        14 => {
            // Every body link of a file removed.
            let path = pick(rng, &all.iter().collect::<Vec<_>>());
            let text = fs::read_to_string(&path).unwrap();
            let kept: Vec<&str> = text.lines().filter(|l| !l.contains("](@")).collect();
            fs::write(&path, kept.join("\n") + "\n").unwrap();
            (format!("unlink {}", path.display()), vec![path])
        }
        _ => {
            let path = pick(rng, &claims);
            let text = fs::read_to_string(&path).unwrap();
            let text = if text.contains("\nkind: prediction") {
                text.replace("\nkind: prediction", "\nkind: opinion")
            } else {
                text.replacen("\nkind: ", "\nkind: prediction\nx-kind: ", 1)
                    .replace("\nx-kind: opinion", "")
                    .replace("\nx-kind: statistic", "")
                    .replace("\nx-kind: announcement", "")
            };
            fs::write(&path, text).unwrap();
            (format!("change kind {}", path.display()), vec![path])
        }
    }
}

pub fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    walk(dir)
        .into_iter()
        .map(|p| {
            let bytes = fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect()
}

pub fn restore(dir: &Path, saved: &[(PathBuf, Vec<u8>)]) {
    // File by file, as an editor's undo or `git checkout` does: the folder
    // itself stays (a watcher's watch on it would go with it).
    let keep: std::collections::BTreeSet<&PathBuf> = saved.iter().map(|(p, _)| p).collect();
    for path in walk(dir) {
        if !keep.contains(&path) {
            fs::remove_file(&path).unwrap();
        }
    }
    for (path, bytes) in saved {
        if fs::read(path).ok().as_ref() != Some(bytes) {
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, bytes).unwrap();
        }
    }
}
