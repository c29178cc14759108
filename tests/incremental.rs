//! Incremental rebuilds equal full builds: a random sequence of edits,
//! creates, renames, moves and deletes is applied to a copy of the `full`
//! fixture, and after each step the in-memory site of the incremental
//! session is compared, byte for byte, with a fresh full build.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use claimbase::BuildOptions;
use claimbase::serve::session::Session;
use claimbase::serve::watch::{Changes, Layout, classify};
use common::fixture;

/// A small deterministic generator (xorshift), so a failure is repeatable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn markdown_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walk(dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    files.sort();
    files
}

fn walk(dir: &Path) -> Vec<PathBuf> {
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
fn mutate(rng: &mut Rng, content: &Path, step: usize) -> (String, Vec<PathBuf>) {
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

fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    walk(dir)
        .into_iter()
        .map(|p| {
            let bytes = fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect()
}

fn restore(dir: &Path, saved: &[(PathBuf, Vec<u8>)]) {
    fs::remove_dir_all(dir).unwrap();
    for (path, bytes) in saved {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }
}

/// Where the fixture's inputs are, as `serve` sees them.
fn layout(site: &common::Site) -> Layout {
    Layout {
        statics: site.path("static"),
        root: site.root().to_path_buf(),
        content: site.path("claims"),
        templates: site.path("templates"),
        config_file: site.path("claimbase.toml"),
        output: site.path("output"),
    }
}

/// Finishes a rebuild, waits for the search index, and compares every file
/// with a fresh full build.
fn finish_and_compare(session: &mut Session, options: &BuildOptions, what: &str) {
    session
        .finish_rebuild(None)
        .expect("the lists, feeds and data files render");
    session.index_for_search();
    // The search index follows in the background; wait for it.
    if let Some(indexed) = session.search_update(true) {
        indexed.expect("the search index builds");
    }
    let mut full = Session::start(options.clone())
        .expect("a full build succeeds when the incremental one did");
    if let Some(indexed) = full.search_update(true) {
        indexed.expect("the search index builds");
    }
    assert_eq!(
        session.site.keys().collect::<Vec<_>>(),
        full.site.keys().collect::<Vec<_>>(),
        "{what}: the incremental site has other files than a full build"
    );
    for (path, bytes) in &full.site {
        assert!(
            session.site[path] == *bytes,
            "{what}: {path} differs from a full build"
        );
    }
}

/// A session serving `site`, and the options it was started with.
fn start(site: &common::Site) -> (BuildOptions, Session) {
    let options = BuildOptions {
        root: site.root().to_path_buf(),
        ..Default::default()
    };
    let session = Session::start(options.clone()).expect("the fixture builds");
    (options, session)
}

/// The changes the watcher reports when `rel` is saved.
fn saved(site: &common::Site, rel: &str) -> Changes {
    classify(&layout(site), [site.path(rel).as_path()], |p| p.is_dir())
}

/// A config that fails to build is not forgotten by the rebuilds after it:
/// each fails, as a full build would, until the config is fixed.
#[test]
fn a_broken_config_fails_every_rebuild_until_it_is_fixed() {
    let site = fixture("full");
    let (options, mut session) = start(&site);
    let good = site.read("claimbase.toml");
    site.write("claimbase.toml", &format!("{good}titel = \"Typo\"\n"));
    assert!(session.rebuild(&saved(&site, "claimbase.toml")).is_err());
    let claim = "claims/jobs-will-keep-growing.md";
    let text = site.read(claim);
    site.write(
        claim,
        &text.replace("keep growing despite AI", "grow despite AI"),
    );
    assert!(
        session.rebuild(&saved(&site, claim)).is_err(),
        "a claim edited in place after a broken config"
    );
    site.write(
        "claimbase.toml",
        &good.replace("Full Fixture", "Fixed Fixture"),
    );
    session
        .rebuild(&saved(&site, "claimbase.toml"))
        .expect("the fixed config builds");
    finish_and_compare(&mut session, &options, "after the config is fixed");
}

/// A claim file that is a link to another shows its target's edits,
/// though the watcher names only the target.
#[test]
fn a_linked_claim_file_follows_its_target() {
    let site = fixture("full");
    let target = "claims/jobs/half-of-jobs-automated.md";
    std::os::unix::fs::symlink(
        site.path(target),
        site.path("claims/half-of-jobs-linked.md"),
    )
    .unwrap();
    let (options, mut session) = start(&site);
    let text = site.read(target);
    site.write(
        target,
        &format!("{text}\nA paragraph added to the target.\n"),
    );
    session
        .rebuild(&saved(&site, target))
        .expect("the edit builds");
    finish_and_compare(&mut session, &options, "an edit of a linked claim's target");
}

/// A claim's body shows on its own page alone: an edit of the body alone
/// renders that page and nothing else, and the site is still what a full
/// build writes.
#[test]
fn an_edit_of_a_body_renders_the_claims_page_alone() {
    let site = fixture("full");
    let (options, mut session) = start(&site);
    let claim = "claims/jobs/half-of-jobs-automated.md";
    let text = site.read(claim);
    site.write(claim, &format!("{text}\nA paragraph about *wages*.\n"));
    let update = session
        .rebuild(&saved(&site, claim))
        .expect("the edit builds");
    let lists = session.finish_rebuild(None).expect("the rebuild finishes");
    assert_eq!(update.rendered + lists.rendered, 1, "{update:?} {lists:?}");
    let mut changed = update.changed.clone();
    changed.extend(lists.changed);
    assert_eq!(changed, ["claims/half-of-jobs-automated/index.html"]);
    assert!(
        String::from_utf8_lossy(&session.site["claims/half-of-jobs-automated/index.html"])
            .contains("<em>wages</em>")
    );
    finish_and_compare(&mut session, &options, "a paragraph added");

    // The same edit to the front matter is not one of the body alone.
    let text = site.read(claim);
    site.write(claim, &text.replacen("\nclaim: ", "\nclaim: Now ", 1));
    let update = session
        .rebuild(&saved(&site, claim))
        .expect("the edit builds");
    let lists = session.finish_rebuild(None).expect("the rebuild finishes");
    assert!(update.rendered + lists.rendered > 1, "{update:?} {lists:?}");
    finish_and_compare(&mut session, &options, "a statement edited");
}

/// A burst of edits in place (more files than a save usually changes, as a
/// `git checkout` or a search-and-replace across files makes) is patched in
/// place too, and rebuilds to what a full build writes.
#[test]
fn a_burst_of_edits_in_place_rebuilds_to_what_a_full_build_writes() {
    let site = fixture("full");
    add_generated(&site, 12);
    let (options, mut session) = start(&site);
    let claims = markdown_files(&site.path("claims/generated"));
    assert_eq!(claims.len(), 12);
    for (n, path) in claims.iter().enumerate() {
        let text = fs::read_to_string(path).unwrap();
        let edited = text.replacen("\nclaim: ", &format!("\nclaim: Burst {n}, "), 1);
        assert_ne!(edited, text, "{} has a `claim:` line", path.display());
        fs::write(path, edited).unwrap();
    }
    let changes = classify(&layout(&site), claims.iter().map(PathBuf::as_path), |p| {
        p.is_dir()
    });
    let update = session.rebuild(&changes).expect("the burst builds");
    assert!(update.in_place, "the burst was not patched in place");
    finish_and_compare(&mut session, &options, "a burst of statement edits");
}

#[test]
fn random_edits_rebuild_to_what_a_full_build_writes() {
    random_edits(0, 0x5eed_c1a1_0000_0001, 80);
}

/// With more claims than the home page and the site's feed show, so that
/// many edits leave those alone.
#[test]
fn random_edits_of_a_longer_site_rebuild_to_what_a_full_build_writes() {
    random_edits(70, 0x5eed_c1a1_0000_0002, 60);
}

/// `extra` generated claims in `claims/generated/`, dated over eight years,
/// some contradicting others.
fn add_generated(site: &common::Site, extra: usize) {
    let speakers = ["ada-lee", "bo-chen", "acme-labs"];
    let sources = ["labour-blog", "acme-report-2024"];
    let topics = [
        "[ai-and-jobs]",
        "[compute-cost]",
        "[ai-and-jobs, compute-cost]",
    ];
    let kinds = ["opinion", "statistic", "announcement"];
    for n in 0..extra {
        let contradicts = if n >= 3 && n % 4 == 0 {
            format!("contradicts: [generated-{}]\n", n - 3)
        } else {
            String::new()
        };
        site.write(
            &format!("claims/generated/generated-{n}.md"),
            &format!(
                "---\nclaim: Generated claim {n}.\nspeaker: {}\ndate: {}-{:02}\nsource: {}\n\
                 topics: {}\nkind: {}\n{contradicts}---\nBody of claim {n}.\n",
                speakers[n % 3],
                2018 + n % 8,
                1 + n % 12,
                sources[n % 2],
                topics[n % 3],
                kinds[n % 3],
            ),
        );
    }
}

/// `extra` generated claims beside the `full` fixture's, with dates over
/// eight years and contradictions, then `steps` random changes, each
/// compared with a full build.
fn random_edits(extra: usize, seed: u64, steps: usize) {
    let site = fixture("full");
    add_generated(&site, extra);
    // Timeline pages of two claims, so that edits move claims between them.
    // Lists of two claims a page, so that edits move claims between pages
    // and add and remove pages.
    let config = site.read("claimbase.toml") + "timeline_page_size = 2\nlist_page_size = 2\n";
    site.write("claimbase.toml", &config);
    // A page in the menu and one that is not, linking to claims and each
    // other: edits of their titles, links and targets reach every page.
    site.write(
        "claims/_pages/about.md",
        "---\ntitle: About\nmenu: 1\n---\nHow [](@claim/half-of-jobs-automated) was checked; see [notes](@page/notes).\n",
    );
    site.write(
        "claims/_pages/notes.md",
        "---\ntitle: Notes\n---\nOn [the keynote](@source/future-of-work-keynote).\n",
    );
    let content = site.path("claims");
    let (options, mut session) = start(&site);
    if let Some(indexed) = session.search_update(true) {
        indexed.expect("the search index builds");
    }
    let mut rng = Rng(seed);
    // Everything changed: the whole content is read again.
    let everything = Changes {
        content: true,
        ..Default::default()
    };
    let layout = layout(&site);
    let (mut partial, mut in_place) = (0, 0);
    for step in 0..steps {
        let saved = snapshot(&content);
        let (what, paths) = mutate(&mut rng, &content, step);
        let before = session.site.clone();
        // Mostly as the watcher reports it, which reads only those files
        // again; now and then as if it could not say which.
        let changes = if step % 5 == 4 {
            everything.clone()
        } else {
            classify(&layout, paths.iter().map(PathBuf::as_path), |p| p.is_dir())
        };
        match session.rebuild(&changes) {
            Ok(update) => {
                if update.rendered < session.site.keys().filter(|p| p.ends_with(".html")).count() {
                    partial += 1;
                }
                in_place += usize::from(update.in_place);
                finish_and_compare(&mut session, &options, &format!("step {step} ({what})"));
            }
            Err(_) => {
                // A broken step (a deleted claim still referenced): the last
                // good site is kept whole. Undo it and carry on.
                assert!(
                    session.site == before,
                    "step {step} ({what}): a failed rebuild changed the site"
                );
                restore(&content, &saved);
                session
                    .rebuild(&everything)
                    .expect("the restored content builds");
                session.finish_rebuild(None).expect("and finishes");
                assert!(
                    session.site == before,
                    "step {step}: restoring did not restore the site"
                );
            }
        }
    }
    assert!(
        partial > 5,
        "only {partial} rebuilds were partial: the incremental path was hardly exercised"
    );
    assert!(
        in_place > 5,
        "only {in_place} rebuilds edited claims in place: the fast path was hardly exercised"
    );
}
