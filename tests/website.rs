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
    out.assert_links_resolve("/");
    // A sitemap needs absolute addresses.
    let out = site.build_with(&["--base-url", "https://example.org/"]);
    let sitemap = std::fs::read_to_string(out.file_of("sitemap.xml")).unwrap();
    assert!(
        sitemap.contains("<loc>https://example.org/about/</loc>"),
        "{sitemap}"
    );
    assert!(!sitemap.contains("/hidden/"), "{sitemap}");
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

#[test]
fn static_files_are_copied_as_they_are_with_their_paths() {
    let site = fixture("full");
    let png: Vec<u8> = (0..=255u8).cycle().take(3000).collect();
    site.write("static/CNAME", "claims.example.org\n");
    site.write("static/.nojekyll", "");
    site.write("static/_headers", "/*\n  X-Frame-Options: DENY\n");
    std::fs::create_dir_all(site.path("static/img")).unwrap();
    std::fs::write(site.path("static/img/a.png"), &png).unwrap();
    site.write("static/.DS_Store", "litter");
    let out = build(&site);
    let read = |rel: &str| std::fs::read(out.dir.join(rel)).unwrap();
    assert_eq!(read("CNAME"), b"claims.example.org\n");
    assert_eq!(read(".nojekyll"), b"");
    assert_eq!(read("_headers"), b"/*\n  X-Frame-Options: DENY\n");
    assert_eq!(read("img/a.png"), png);
    assert!(!out.dir.join(".DS_Store").exists());
    // A second build leaves an unchanged static file alone.
    let modified = |rel: &str| {
        std::fs::metadata(out.dir.join(rel))
            .unwrap()
            .modified()
            .unwrap()
    };
    let before = modified("img/a.png");
    std::thread::sleep(std::time::Duration::from_millis(20));
    build(&site);
    assert_eq!(modified("img/a.png"), before);
}

#[test]
fn a_static_file_that_would_replace_a_generated_one_is_an_error() {
    let site = fixture("full");
    site.build();
    let before = site.snapshot();
    site.write("static/feed.xml", "<feed/>");
    site.write(
        "static/claims/half-of-jobs-automated/index.html",
        "<p>mine</p>",
    );
    site.write("static/pagefind/pagefind.js", "");
    let run = site.run(&["build"]);
    run.assert_code(1).assert_errors(&[
        "static/claims/half-of-jobs-automated/index.html:1:1: error: `static/claims/half-of-jobs-automated/index.html` would replace `output/claims/half-of-jobs-automated/index.html`, a file the site makes",
        "static/feed.xml:1:1: error: `static/feed.xml` would replace `output/feed.xml`, a file the site makes",
        "static/pagefind/pagefind.js:1:1: error: `static/pagefind/pagefind.js` would replace `output/pagefind/pagefind.js`, a file the site makes",
    ]);
    let mut after = site.snapshot();
    after.retain(|path, _| !path.contains("/static/"));
    assert_eq!(after, before, "a failed build leaves the output as it was");
}

#[cfg(unix)]
#[test]
fn a_static_link_out_of_the_static_folder_is_refused() {
    let site = fixture("full");
    site.write("secret.txt", "not for the web");
    std::fs::create_dir_all(site.path("static")).unwrap();
    std::os::unix::fs::symlink(site.path("secret.txt"), site.path("static/leak.txt")).unwrap();
    site.run(&["build"]).assert_code(1).assert_errors(&[
        "static/leak.txt:1:1: error: symbolic link points outside the static folder",
    ]);
}

#[test]
fn serve_picks_up_added_changed_and_removed_static_files() {
    use claimbase::BuildOptions;
    use claimbase::serve::session::Session;
    use claimbase::serve::watch::Changes;
    let site = fixture("full");
    site.write("static/robots-extra.txt", "one\n");
    let options = BuildOptions {
        root: site.root().to_path_buf(),
        ..Default::default()
    };
    let mut session = Session::start(options).expect("the fixture builds");
    assert_eq!(*session.site["robots-extra.txt"], b"one\n");
    site.write("static/robots-extra.txt", "two\n");
    site.write("static/new.txt", "new\n");
    let statics = Changes {
        statics: true,
        ..Default::default()
    };
    let update = session.rebuild(&statics).expect("rebuilds");
    assert!(update.changed.contains(&"robots-extra.txt".to_string()));
    assert_eq!(*session.site["robots-extra.txt"], b"two\n");
    assert_eq!(*session.site["new.txt"], b"new\n");
    std::fs::remove_file(site.path("static/new.txt")).unwrap();
    let update = session.rebuild(&statics).expect("rebuilds");
    assert_eq!(update.removed, ["new.txt"]);
    assert!(!session.site.contains_key("new.txt"));
}

#[test]
fn an_alias_keeps_the_old_address_working() {
    let site = fixture("full");
    let claim = site.read("claims/jobs/half-of-jobs-automated.md");
    site.write(
        "claims/jobs/half-of-jobs-automated.md",
        &claim.replacen(
            "---\n",
            "---\naliases: [half-of-all-jobs, jobs-halved]\n",
            1,
        ),
    );
    let topic = site.read("claims/_topics/ai-and-jobs.md");
    site.write(
        "claims/_topics/ai-and-jobs.md",
        &topic.replacen("---\n", "---\naliases: [jobs]\n", 1),
    );
    let out = site.build_with(&["--base-url", "https://example.org/ai-claims/"]);
    let moved = out.page("claims/half-of-all-jobs/");
    assert_eq!(
        moved.attrs("meta[http-equiv=refresh]", "content"),
        ["0; url=/ai-claims/claims/half-of-jobs-automated/"]
    );
    assert_eq!(
        moved.attrs("link[rel=canonical]", "href"),
        ["https://example.org/ai-claims/claims/half-of-jobs-automated/"]
    );
    assert_eq!(moved.attrs("meta[name=robots]", "content"), ["noindex"]);
    assert_eq!(
        moved.links_in("body a"),
        ["/ai-claims/claims/half-of-jobs-automated/"]
    );
    assert!(out.has_page("topics/jobs/"));
    let redirects = std::fs::read_to_string(out.file_of("_redirects")).unwrap();
    assert_eq!(
        redirects,
        "/ai-claims/claims/half-of-all-jobs/ /ai-claims/claims/half-of-jobs-automated/ 301\n\
         /ai-claims/claims/jobs-halved/ /ai-claims/claims/half-of-jobs-automated/ 301\n\
         /ai-claims/topics/jobs/ /ai-claims/topics/ai-and-jobs/ 301\n"
    );
    let sitemap = std::fs::read_to_string(out.file_of("sitemap.xml")).unwrap();
    assert!(
        !sitemap.contains("half-of-all-jobs"),
        "redirects are not pages to index"
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.file_of("claims.json")).unwrap())
            .unwrap();
    let half = json["claims"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "half-of-jobs-automated")
        .unwrap();
    assert_eq!(
        half["aliases"],
        serde_json::json!(["half-of-all-jobs", "jobs-halved"])
    );
    out.assert_links_resolve("/ai-claims/");
}

#[test]
fn a_site_without_aliases_has_no_redirects_file() {
    let site = fixture("full");
    let out = build(&site);
    assert!(!out.dir.join("_redirects").exists());
}

#[test]
fn long_lists_are_split_into_linked_pages_with_disputes_on_the_first() {
    let site = fixture("full");
    site.write(
        "claimbase.toml",
        &(site.read("claimbase.toml") + "list_page_size = 2\n"),
    );
    for k in 0..3 {
        site.write(
            &format!("claims/more/extra-{k}.md"),
            &format!(
                "---\nclaim: Extra claim {k}.\nspeaker: ada-lee\ndate: 2025-0{}\nsource: acme-report-2024\ntopics: [ai-and-jobs]\n---\n",
                k + 2
            ),
        );
    }
    let out = build(&site);
    // ai-and-jobs has the fixture's two published claims and three more.
    let first = out.page("topics/ai-and-jobs/");
    let second = out.page("topics/ai-and-jobs/page/2/");
    assert!(out.has_page("topics/ai-and-jobs/page/3/"));
    assert!(!out.has_page("topics/ai-and-jobs/page/4/"));
    assert_eq!(
        first
            .links_in("main section:last-of-type .claim-link")
            .len(),
        2
    );
    assert_eq!(
        second
            .links_in("main section:last-of-type .claim-link")
            .len(),
        2
    );
    // Page links above and below the list, the current page marked.
    assert_eq!(first.texts("main nav.pagination").len(), 2);
    assert_eq!(
        second.attrs("main nav.pagination a[aria-current]", "href"),
        ["/topics/ai-and-jobs/page/2/", "/topics/ai-and-jobs/page/2/"]
    );
    assert_eq!(
        second.attrs("main nav.pagination a[rel=prev]", "href")[0],
        "/topics/ai-and-jobs/"
    );
    // The disputes stay whole on the first page only.
    assert!(!first.texts("main .dispute").is_empty());
    assert!(second.texts("main .dispute").is_empty());
    // Speakers and sources too; the feeds list every claim as before.
    assert!(out.has_page("speakers/ada-lee/page/2/"));
    assert!(out.has_page("sources/acme-report-2024/page/2/"));
    let feed = std::fs::read_to_string(out.file_of("topics/ai-and-jobs/feed.xml")).unwrap();
    assert_eq!(feed.matches("<entry>").count(), 5, "{feed}");
    out.assert_links_resolve("/");
    let out = site.build_with(&["--base-url", "https://example.org/"]);
    let sitemap = std::fs::read_to_string(out.file_of("sitemap.xml")).unwrap();
    assert!(sitemap.contains("<loc>https://example.org/topics/ai-and-jobs/page/3/</loc>"));
}

#[test]
fn a_favicon_that_is_not_a_static_file_is_a_located_error() {
    let site = fixture("full");
    site.build();
    let before = site.snapshot();
    site.write(
        "claimbase.toml",
        &(site.read("claimbase.toml") + "favicon = \"icon.svg\"\n"),
    );
    let run = site.run(&["build"]);
    let line = site.read("claimbase.toml").lines().count();
    run.assert_code(1).assert_errors(&[&format!(
        "claimbase.toml:{line}:1: error: `favicon` is `icon.svg`, but there is no `static/icon.svg`"
    )]);
    let mut after = site.snapshot();
    after.retain(|path, _| !path.ends_with("claimbase.toml"));
    let mut before = before;
    before.retain(|path, _| !path.ends_with("claimbase.toml"));
    assert_eq!(after, before, "a failed build leaves the output as it was");
    site.write(
        "static/icon.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    let out = build(&site);
    assert_eq!(out.page("").attrs("link[rel=icon]", "href"), ["/icon.svg"]);
}
