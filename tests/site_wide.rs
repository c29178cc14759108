//! A new claim changes only the pages that show it: nothing site-wide (a
//! count, a date, a "newest" list) sits in every page's frame, so a deploy
//! after one new claim sends a few files, not the whole site, and CDN
//! caches of every other page stay valid.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use common::{empty_site, snapshot};

/// A site of `claims` claims from the benchmark's corpus generator.
fn generated_site(claims: usize) -> common::Site {
    let site = empty_site();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/gen_corpus.py");
    let status = Command::new("python3")
        .arg(script)
        .args(["--claims", &claims.to_string(), "--out"])
        .arg(site.root())
        .stdout(std::process::Stdio::null())
        .status()
        .expect("run python3 bench/gen_corpus.py");
    assert!(status.success(), "the corpus generator failed");
    site
}

#[test]
fn a_new_claim_changes_only_its_page_the_pages_that_list_it_feeds_data_and_search() {
    let site = generated_site(120);
    let output = site.build();
    let before = snapshot(&output.dir);
    // An old date: the claim is not among the newest on the home page or
    // in the site feed, so nothing but its own lists may change.
    let first = |folder: &str| {
        let mut ids: Vec<String> = std::fs::read_dir(site.path(folder))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().replace(".md", ""))
            .collect();
        ids.sort();
        ids.remove(0)
    };
    let (speaker, source, topic) = (
        first("claims/_speakers"),
        first("claims/_sources"),
        first("claims/_topics"),
    );
    site.write(
        "claims/a-new-claim.md",
        &format!(
            "---\nclaim: \"A new claim about compute prices.\"\nspeaker: {speaker}\ndate: 2016-10\nsource: {source}\ntopics: [{topic}]\nkind: prediction\nstatus: open\n---\nA body.\n"
        ),
    );
    site.build();
    let after = snapshot(&output.dir);

    let changed: BTreeSet<&str> = after
        .iter()
        .filter(|(path, bytes)| before.get(*path) != Some(bytes))
        .map(|(path, _)| path.as_str())
        .chain(
            before
                .keys()
                .filter(|p| !after.contains_key(*p))
                .map(|p| p.as_str()),
        )
        .collect();
    let link = "/claims/a-new-claim/";
    let links_to_it = |path: &str| String::from_utf8_lossy(&after[path]).contains(link);
    // Lists of every speaker, source or topic show how many claims each
    // has; the search page offers the same counts as filters.
    let lists = [
        "index.html",
        "speakers/index.html",
        "sources/index.html",
        "topics/index.html",
        "search/index.html",
    ];
    let unexpected: Vec<&str> = changed
        .iter()
        .copied()
        .filter(|path| {
            let page = path.ends_with(".html");
            let data = path.ends_with(".xml") || path.ends_with(".json") || path.ends_with(".csv");
            let search = path.starts_with("pagefind");
            !(search
                || data
                || path.starts_with("claims/a-new-claim/")
                || path.starts_with("timeline/")
                || lists.contains(path)
                || (page && links_to_it(path)))
        })
        .collect();
    assert!(
        unexpected.is_empty(),
        "a new claim changed pages that neither show nor list it: {unexpected:?}"
    );
    let pages = changed.iter().filter(|p| p.ends_with(".html")).count();
    let all_pages = after.keys().filter(|p| p.ends_with(".html")).count();
    assert!(
        pages * 5 < all_pages,
        "{pages} of {all_pages} pages changed for one claim"
    );
    assert!(!changed.contains("404.html"), "the 404 page changed");
}
