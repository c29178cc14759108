//! Incremental rebuilds equal full builds: a random sequence of edits,
//! creates, renames, moves and deletes is applied to a copy of the `full`
//! fixture, and after each step the in-memory site of the incremental
//! session is compared, byte for byte, with a fresh full build.

mod common;
mod edits;
mod faults;

use std::fs;
use std::path::PathBuf;

use claimbase::BuildOptions;
use claimbase::serve::session::Session;
use claimbase::serve::watch::{Changes, Layout, classify};
use common::fixture;
use edits::{Rng, markdown_files, mutate, restore, snapshot};

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

/// 80 steps; 1,000 in the slow tier (`CLAIMBASE_SLOW_TESTS=1`), the long
/// editing day of issue #20.
#[test]
fn random_edits_rebuild_to_what_a_full_build_writes() {
    random_edits(0, 0x5eed_c1a1_0000_0001, faults::scale(80, 1000));
}

/// With more claims than the home page and the site's feed show, so that
/// many edits leave those alone.
#[test]
fn random_edits_of_a_longer_site_rebuild_to_what_a_full_build_writes() {
    random_edits(70, 0x5eed_c1a1_0000_0002, 60);
}

/// The same in a site of two languages, with translations of claims,
/// speakers, a topic and a page, which the edits change, move and delete
/// as they do the originals.
#[test]
fn random_edits_of_a_two_language_site_rebuild_to_what_a_full_build_writes() {
    random_edits_in(Languages::Two, 10, 0x5eed_c1a1_0000_0003, 60);
}

/// An edited translation renders pages of its own language only, and
/// changes no file of the default's.
#[test]
fn an_edited_translation_changes_its_language_only() {
    let site = fixture("full");
    translate(&site);
    let (options, mut session) = start(&site);
    if let Some(indexed) = session.search_update(true) {
        indexed.expect("the search index builds");
    }
    let file = "claims/jobs-will-keep-growing.zh.md";
    site.write(file, &site.read(file).replace("就业", "工作岗位"));
    let update = session
        .rebuild(&saved(&site, file))
        .expect("the edit builds");
    assert!(update.rendered > 0, "no page was rendered");
    let pages = session.site.keys().filter(|p| p.ends_with(".html")).count();
    assert!(
        update.rendered < pages / 2,
        "{} of {pages} pages rendered for one translation",
        update.rendered
    );
    assert!(
        update.changed.iter().all(|p| p.starts_with("zh/")),
        "files outside zh/ changed: {:?}",
        update.changed
    );
    assert!(
        update
            .changed
            .contains(&"zh/claims/jobs-will-keep-growing/index.html".to_string()),
        "the claim's Chinese page did not change: {:?}",
        update.changed
    );
    finish_and_compare(&mut session, &options, "an edited translation");
}

/// Makes the fixture a site in English and Chinese, with translations of
/// two claims, a speaker, a topic and, if there is one, the about page.
fn translate(site: &common::Site) {
    let config = site.read("claimbase.toml") + "languages = [\"en\", \"zh\"]\n";
    site.write("claimbase.toml", &config);
    site.write(
        "claims/jobs-will-keep-growing.zh.md",
        "---\nclaim: 尽管有AI，就业仍将增长。\n---\n",
    );
    site.write(
        "claims/jobs/half-of-jobs-automated.zh.md",
        "---\nclaim: 一半的工作将被自动化。\n---\n见[](@claim/jobs-will-keep-growing)。\n",
    );
    site.write(
        "claims/_speakers/bo-chen.zh.md",
        "---\nname: 陈博\n---\n一位劳动经济学家。\n",
    );
    site.write(
        "claims/_topics/ai-and-jobs.zh.md",
        "---\ntitle: AI与就业\n---\n",
    );
    if site.path("claims/_pages/about.md").exists() {
        site.write(
            "claims/_pages/about.zh.md",
            "---\ntitle: 关于\n---\n[说明](@page/notes)里的方法。\n",
        );
    }
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

#[derive(Clone, Copy, PartialEq)]
enum Languages {
    One,
    Two,
}

/// `extra` generated claims beside the `full` fixture's, with dates over
/// eight years and contradictions, then `steps` random changes, each
/// compared with a full build.
fn random_edits(extra: usize, seed: u64, steps: usize) {
    random_edits_in(Languages::One, extra, seed, steps);
}

fn random_edits_in(languages: Languages, extra: usize, seed: u64, steps: usize) {
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
    if languages == Languages::Two {
        translate(&site);
    }
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
    // A site of several languages is checked again on every edit.
    assert!(
        languages == Languages::Two || in_place > 5,
        "only {in_place} rebuilds edited claims in place: the fast path was hardly exercised"
    );
}
