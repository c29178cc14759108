//! The parts of a whole website beside the claims (FORMAT.md "v2
//! additions"): free pages, links between records in bodies, static
//! files, aliases and long lists, as a reader and a host see them.

mod common;

use common::{Output, Site, fixture};

const HALF: &str = "/claims/half-of-jobs-automated/";

/// The `full` fixture with an About page in the menu and a page that is
/// not, linking to records and each other.
fn site_with_pages() -> Site {
    let site = fixture("full");
    site.write(
        "claims/_pages/about.md",
        "---\ntitle: About this site\ndescription: What counts as a claim here.\nmenu: 2\n---\nWe check [](@claim/half-of-jobs-automated) against [the report](@source/acme-report-2024#method) and read [notes](@page/notes).\n",
    );
    site.write(
        "claims/_pages/notes.md",
        "---\ntitle: Notes\nmenu: 1\n---\nOn [Ada Lee](@speaker/ada-lee).\n",
    );
    site.write(
        "claims/_pages/hidden.md",
        "---\ntitle: Draft page\ndraft: true\n---\nNot yet.\n",
    );
    site
}

fn build(site: &Site) -> Output {
    let run = site.run(&["build"]);
    run.assert_code(0).assert_no_warnings();
    Output {
        dir: site.path("output"),
    }
}

#[test]
fn a_page_is_rendered_at_its_id_and_menu_pages_are_in_every_header() {
    let site = site_with_pages();
    let out = build(&site);
    let about = out.page("about/");
    assert_eq!(about.texts("main h1"), ["About this site"]);
    assert_eq!(
        about.attrs("meta[name=description]", "content"),
        ["What counts as a claim here."]
    );
    assert!(!out.has_page("hidden/"), "a draft page is left out");
    // In `menu` order, after the built-in sections, on every page.
    for url in ["", "about/", "claims/half-of-jobs-automated/", "topics/"] {
        let links = out.page(url).links_in("header nav a");
        assert_eq!(
            &links[links.len() - 2..],
            ["/notes/", "/about/"],
            "the menu of {url}"
        );
    }
    assert_eq!(
        about.attrs("header nav a[aria-current]", "href"),
        ["/about/"]
    );
    let sitemap = std::fs::read_to_string(out.file_of("sitemap.xml")).unwrap();
    assert!(sitemap.contains("<loc>/about/</loc>"), "{sitemap}");
    assert!(!sitemap.contains("/hidden/"), "{sitemap}");
    out.assert_links_resolve("/");
}

#[test]
fn body_links_go_to_their_records_and_are_listed_where_they_point() {
    let site = site_with_pages();
    let out = build(&site);
    let about = out.page("about/");
    // A link with no text shows the claim's statement.
    assert_eq!(
        about.links_in("main .body a"),
        [HALF, "/sources/acme-report-2024/#method", "/notes/"]
    );
    assert_eq!(
        about.texts("main .body a")[0],
        "Half of all jobs will be automated by 2030."
    );
    // Each target lists who mentions it.
    assert_eq!(
        out.page("claims/half-of-jobs-automated/")
            .links_under("Mentioned in"),
        ["/about/"]
    );
    assert_eq!(out.page("notes/").links_under("Mentioned in"), ["/about/"]);
    assert_eq!(
        out.page("speakers/ada-lee/").links_under("Mentioned in"),
        ["/notes/"]
    );
    let topic = out.page("topics/ai-and-jobs/");
    assert!(
        !topic.texts("main h2").contains(&"Mentioned in".to_string()),
        "a record nobody links to has no such list"
    );
}

#[test]
fn a_link_to_a_draft_shows_its_text_alone_until_the_draft_is_built() {
    let site = site_with_pages();
    site.write(
        "claims/_pages/notes.md",
        "---\ntitle: Notes\n---\nSee [the estimate](@claim/unpublished-estimate).\n",
    );
    let out = build(&site);
    let notes = out.page("notes/");
    notes.assert_text("See the estimate.");
    assert!(notes.links_in("main .body a").is_empty());
    let out = site.build_with(&["--drafts"]);
    assert_eq!(
        out.page("notes/").links_in("main .body a"),
        ["/claims/unpublished-estimate/"]
    );
}
