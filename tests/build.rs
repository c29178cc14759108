//! `claimbase build` on the `full` fixture, a site that uses every field of
//! FORMAT.md, and on the knowledge base bundled in the repository: what the
//! built pages show and link to, checked by parsing the HTML.

mod common;

use common::{Output, Site, fixture, run_in};

const HALF: &str = "/claims/half-of-jobs-automated/";
const CHEAPER: &str = "/claims/cheaper-compute-speeds-automation/";
const GROWING: &str = "/claims/jobs-will-keep-growing/";
const DRAFT: &str = "/claims/unpublished-estimate/";

fn full() -> (Site, Output) {
    let site = fixture("full");
    let out = site.build();
    (site, out)
}

#[test]
fn the_full_fixture_builds_cleanly_with_every_page() {
    let site = fixture("full");
    let run = site.run(&["build"]);
    run.assert_code(0).assert_no_warnings();
    assert!(
        run.stdout
            .starts_with("Built 3 claims, 3 speakers, 3 sources, 2 topics:"),
        "summary: {}",
        run.stdout
    );
    let out = Output {
        dir: site.path("output"),
    };
    for page in [
        "index.html",
        "404.html",
        "assets/style.css",
        ".claimbase-output",
        "claims/half-of-jobs-automated/",
        "claims/cheaper-compute-speeds-automation/",
        "claims/jobs-will-keep-growing/",
        "speakers/",
        "speakers/ada-lee/",
        "speakers/acme-labs/",
        "speakers/bo-chen/",
        "sources/",
        "sources/acme-report-2024/",
        "sources/future-of-work-keynote/",
        "sources/labour-blog/",
        "topics/",
        "topics/ai-and-jobs/",
        "topics/compute-cost/",
        "timeline/",
    ] {
        assert!(out.has_page(page), "missing {page}");
    }
}

#[test]
fn a_claim_links_to_its_speakers_source_origin_and_topics() {
    let (_site, out) = full();
    out.page("claims/half-of-jobs-automated/")
        .assert_links_to("/speakers/ada-lee/")
        .assert_links_to("/speakers/acme-labs/")
        .assert_links_to("/sources/acme-report-2024/")
        .assert_links_to("/sources/future-of-work-keynote/")
        .assert_links_to("/topics/ai-and-jobs/")
        .assert_links_to("/topics/compute-cost/");
}

#[test]
fn a_claim_in_toml_front_matter_links_like_any_other() {
    let (_site, out) = full();
    out.page("claims/cheaper-compute-speeds-automation/")
        .assert_links_to("/speakers/ada-lee/")
        .assert_links_to("/sources/acme-report-2024/")
        .assert_links_to("/topics/compute-cost/")
        .assert_text("section 2")
        .assert_text("Mixed")
        .assert_text("Between 40 and 60 per cent……could be automated");
    let page = out.page("claims/cheaper-compute-speeds-automation/");
    assert_eq!(page.attrs("main blockquote", "lang"), ["en"]);
}

#[test]
fn speaker_source_and_topic_pages_link_back_to_their_claims() {
    let (_site, out) = full();
    out.page("speakers/ada-lee/")
        .assert_links_to(HALF)
        .assert_links_to(CHEAPER)
        .assert_not_links_to(GROWING);
    out.page("speakers/acme-labs/").assert_links_to(HALF);
    out.page("speakers/bo-chen/")
        .assert_links_to(GROWING)
        .assert_not_links_to(HALF);
    out.page("sources/acme-report-2024/")
        .assert_links_to(HALF)
        .assert_links_to(CHEAPER);
    out.page("sources/labour-blog/").assert_links_to(GROWING);
    out.page("topics/ai-and-jobs/")
        .assert_links_to(HALF)
        .assert_links_to(GROWING)
        .assert_not_links_to(CHEAPER);
    out.page("topics/compute-cost/")
        .assert_links_to(HALF)
        .assert_links_to(CHEAPER);
    let timeline = out.page("timeline/");
    timeline
        .assert_links_to(HALF)
        .assert_links_to(CHEAPER)
        .assert_links_to(GROWING);
}

#[test]
fn the_list_pages_link_to_every_entity() {
    let (_site, out) = full();
    out.page("speakers/")
        .assert_links_to("/speakers/ada-lee/")
        .assert_links_to("/speakers/acme-labs/")
        .assert_links_to("/speakers/bo-chen/");
    out.page("sources/")
        .assert_links_to("/sources/acme-report-2024/")
        .assert_links_to("/sources/future-of-work-keynote/")
        .assert_links_to("/sources/labour-blog/");
    out.page("topics/")
        .assert_links_to("/topics/ai-and-jobs/")
        .assert_links_to("/topics/compute-cost/");
}

#[test]
fn relations_show_on_both_claims() {
    let (_site, out) = full();
    // jobs-will-keep-growing contradicts half-of-jobs-automated.
    let growing = out.page("claims/jobs-will-keep-growing/");
    assert!(
        growing
            .links_under("Contradicts")
            .contains(&HALF.to_string())
    );
    let half = out.page("claims/half-of-jobs-automated/");
    assert!(
        half.links_under("Contradicted by")
            .contains(&GROWING.to_string())
    );
    // half-of-jobs-automated supports cheaper-compute and responds to growing.
    assert!(half.links_under("Supports").contains(&CHEAPER.to_string()));
    assert!(
        half.links_under("Responds to")
            .contains(&GROWING.to_string())
    );
    let cheaper = out.page("claims/cheaper-compute-speeds-automation/");
    assert!(
        cheaper
            .links_under("Supported by")
            .contains(&HALF.to_string())
    );
    assert!(
        growing
            .links_under("Answered by")
            .contains(&HALF.to_string())
    );
}

/// A site's own `partials/claim-item.html` is how a claim shows in every
/// list: the home page, the timeline, topic, speaker and source pages, and
/// a claim's related claims; it sees the variables of the page it is in.
#[test]
fn a_sites_claim_item_partial_shows_in_every_list() {
    let site = fixture("full");
    site.write(
        "templates/partials/claim-item.html",
        "<li class=\"mine\"><a href=\"{{ item.url }}\">{{ item.claim }}</a> ({{ item.kind_label }}, {{ site.title }}, on /{{ page.path }})</li>\n",
    );
    let out = site.build();
    for url in [
        "",
        "timeline/",
        "topics/ai-and-jobs/",
        "speakers/ada-lee/",
        "sources/acme-report-2024/",
        "claims/jobs-will-keep-growing/",
    ] {
        let page = out.page(url);
        let items = page.texts("li.mine");
        assert!(
            !items.is_empty(),
            "{url}: no claim in the site's own partial"
        );
        assert!(
            page.texts("li.claim-item").is_empty(),
            "{url}: a claim in the built-in partial"
        );
        let on = format!("Full Fixture, on /{url})");
        assert!(items.iter().all(|t| t.ends_with(&on)), "{url}: {items:?}");
    }
    let half = out.page("claims/jobs-will-keep-growing/");
    assert!(half.links_in("li.mine a").contains(&HALF.to_string()));
}

#[test]
fn a_draft_is_left_out_unless_built_with_drafts() {
    let site = fixture("full");
    let out = site.build();
    assert!(!out.has_page(DRAFT), "the draft was published");
    for page in out.html_files() {
        let links = out.page(&page).links_in("a[href]");
        assert!(
            !links.iter().any(|l| l == DRAFT),
            "{page} links to the draft"
        );
    }

    let out = site.build_with(&["--drafts"]);
    assert!(out.has_page(DRAFT), "--drafts did not publish the draft");
    out.page("claims/unpublished-estimate/")
        .assert_links_to("/speakers/bo-chen/")
        .assert_text("Confirmed")
        .assert_text("Announcement");
    out.page("speakers/bo-chen/").assert_links_to(DRAFT);
    out.assert_links_resolve("/");
}

#[test]
fn partial_dates_show_at_their_precision() {
    let (_site, out) = full();
    let half = out.page("claims/half-of-jobs-automated/");
    assert_eq!(half.times("2024-12"), ["Dec 2024"]);
    assert_eq!(half.times("2030"), ["2030"], "resolves");
    assert_eq!(half.times("2025-01-15"), ["15 Jan 2025"], "updated");
    let growing = out.page("claims/jobs-will-keep-growing/");
    assert_eq!(growing.times("2023"), ["2023"]);
    let cheaper = out.page("claims/cheaper-compute-speeds-automation/");
    assert_eq!(cheaper.times("2024-12-05"), ["5 Dec 2024"]);
    let keynote = out.page("sources/future-of-work-keynote/");
    assert_eq!(keynote.times("2024-11"), ["Nov 2024"], "published");
}

#[test]
fn a_partial_date_sorts_before_the_full_dates_it_contains() {
    let (_site, out) = full();
    // half-of-jobs is dated 2024-12, cheaper-compute 2024-12-05.
    let claims = out.page("speakers/ada-lee/").links_in("main a.claim-link");
    assert_eq!(claims, [HALF, CHEAPER]);
}

#[test]
fn every_field_of_a_claim_is_shown() {
    let (_site, out) = full();
    let half = out.page("claims/half-of-jobs-automated/");
    half.assert_text("Half of all jobs will be automated by 2030.")
        .assert_text("Prediction")
        .assert_text("Open")
        .assert_text("p. 12")
        .assert_text("By 2030, half of all jobs will be automated.")
        .assert_text("The forecast was first made in a keynote");
    assert_eq!(
        half.texts("main blockquote"),
        ["到2030年，一半的工作将被自动化。"]
    );
    assert_eq!(half.attrs("main blockquote", "lang"), ["zh"]);
    let figures = half.texts("main table td");
    for shown in ["50", "40–60", "%", "share of jobs automated by 2030"] {
        assert!(
            figures.iter().any(|f| f == shown),
            "figure {shown:?} missing from {figures:?}"
        );
    }
    assert!(
        half.links_in("main a[href^='https:']")
            .contains(&"https://acme.example.com/reports/2024".to_string())
    );
}

#[test]
fn every_field_of_speakers_sources_and_topics_is_shown() {
    let (_site, out) = full();
    out.page("speakers/ada-lee/")
        .assert_text("李艾达")
        .assert_text("Ada Lee, Li Aida")
        .assert_text("Chief Economist")
        .assert_text("Person")
        .assert_text("leads economic research")
        .assert_links_to("/speakers/acme-labs/")
        .assert_links_to("https://example.com/people/ada-lee");
    out.page("speakers/acme-labs/")
        .assert_text("Organisation")
        .assert_links_to("/speakers/ada-lee/")
        .assert_links_to("https://acme.example.com/");
    out.page("sources/acme-report-2024/")
        .assert_text("自动化报告 2024")
        .assert_text("Report")
        .assert_text("Acme Labs")
        .assert_text("Ada Lee, Sam Park")
        .assert_text("2 Dec 2024")
        .assert_links_to("https://acme.example.com/reports/2024");
    out.page("sources/future-of-work-keynote/")
        .assert_text("Talk")
        .assert_links_to(HALF);
    out.page("topics/ai-and-jobs/")
        .assert_text("AI and jobs")
        .assert_text("Will AI take more jobs than it creates?")
        .assert_text("How artificial intelligence changes employment.");
}

#[test]
fn the_home_page_shows_newest_claims_and_open_questions() {
    let (_site, out) = full();
    out.page("index.html")
        .assert_links_to(HALF)
        .assert_links_to(CHEAPER)
        .assert_links_to("/topics/ai-and-jobs/")
        .assert_text("Will AI take more jobs than it creates?");
}

#[test]
fn an_open_prediction_past_its_date_is_shown_as_overdue() {
    let site = fixture("full");
    // The harness builds on 2025-01-01.
    site.write(
        "claims/jobs/overdue-forecast.md",
        "---\nclaim: Robots will drive every taxi by mid-2024.\nspeaker: bo-chen\ndate: 2020\nsource: labour-blog\ntopics: [ai-and-jobs]\nkind: prediction\nresolves: 2024-06\n---\n",
    );
    let out = site.build();
    out.page("claims/overdue-forecast/").assert_text("Overdue");
    let half = out.page("claims/half-of-jobs-automated/");
    assert!(
        !half.main_text().contains("Overdue"),
        "a prediction resolving in 2030 is not overdue in 2025"
    );
}

#[test]
fn every_internal_link_resolves() {
    let (_site, out) = full();
    out.assert_links_resolve("/");
}

#[test]
fn a_base_url_prefixes_every_internal_link() {
    let site = fixture("full");
    let dir = site.scratch("served");
    let out = site.build_with(&[
        "--output",
        dir.to_str().unwrap(),
        "--base-url",
        "https://example.org/ai-claims/",
    ]);
    out.assert_links_resolve("https://example.org/ai-claims/");
    out.page("claims/half-of-jobs-automated/")
        .assert_links_to("/ai-claims/speakers/ada-lee/")
        .assert_links_to("/ai-claims/claims/jobs-will-keep-growing/");
    let stylesheets = out.page("index.html").attrs("link[rel=stylesheet]", "href");
    assert_eq!(stylesheets, ["/ai-claims/assets/style.css"]);
}

#[test]
fn check_writes_nothing() {
    let site = fixture("full");
    let before = site.snapshot();
    let run = site.run(&["check"]);
    run.assert_code(0).assert_no_warnings();
    assert!(run.stdout.contains("no errors"), "{}", run.stdout);
    assert_eq!(site.snapshot(), before, "check changed files");
    assert!(!site.path("output").exists());
}

#[test]
fn a_page_no_longer_built_disappears_from_the_output() {
    let site = fixture("full");
    let out = site.build_with(&["--drafts"]);
    assert!(out.has_page(DRAFT));
    let out = site.build();
    assert!(
        !out.has_page(DRAFT),
        "the draft's page from the last build is left"
    );
    assert!(out.has_page(HALF));
}

/// The knowledge base in the repository root, built as a new user would,
/// but into a temporary folder.
#[test]
fn the_bundled_site_builds_cleanly_and_its_links_resolve() {
    let tmp = tempfile::tempdir().unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let dir = tmp.path().join("output");
    let run = run_in(
        tmp.path(),
        &["--root", root, "build", "--output", dir.to_str().unwrap()],
    );
    run.assert_code(0).assert_no_warnings();
    let out = Output { dir };
    assert!(out.has_page("index.html"));
    assert!(out.html_files().len() > 10, "{:?}", out.html_files());
    out.assert_links_resolve("/");
}

/// `search = false`: no search page, no index, no search box, and no link
/// or sitemap entry left pointing at them.
#[test]
fn a_site_without_search_has_no_search_page_box_or_index() {
    let site = fixture("full");
    let config = site.read("claimbase.toml");
    // The sitemap needs a full address.
    let absolute = config.replace("base_url = \"/\"", "base_url = \"https://example.org/\"");
    site.write("claimbase.toml", &format!("{absolute}search = false\n"));
    let out = site.build();
    assert!(!out.has_page("/search/"));
    assert!(!out.dir.join("pagefind").exists());
    assert!(!out.dir.join("assets/search.js").exists());
    assert!(
        out.page("/")
            .attrs("form[role=search]", "action")
            .is_empty()
    );
    let sitemap = std::fs::read_to_string(out.dir.join("sitemap.xml")).unwrap();
    assert!(!sitemap.contains("/search/"), "{sitemap}");
    out.assert_links_resolve("/");

    // The default keeps all of it.
    site.write("claimbase.toml", &config);
    let out = site.build();
    assert!(out.has_page("/search/"));
    assert!(out.dir.join("pagefind/pagefind-entry.json").is_file());
    assert_eq!(
        out.page("/").attrs("form[role=search]", "action"),
        vec!["/search/"]
    );
}

/// A site with no claims yet still gets a search index, so its search page
/// loads and finds nothing rather than failing.
#[test]
fn a_site_without_claims_has_a_working_search_index() {
    let site = common::empty_site();
    std::fs::create_dir_all(site.path("claims")).unwrap();
    let out = site.build();
    assert!(out.has_page("/search/"));
    assert!(out.dir.join("pagefind/pagefind.js").is_file());
    assert!(out.dir.join("pagefind/pagefind-entry.json").is_file());
    assert!(out.dir.join("pagefind/zh/pagefind-entry.json").is_file());
}

/// A timeline longer than `timeline_page_size` is split into pages that
/// link to each other; every claim is on exactly one of them, and the
/// chart of the whole timeline on the first.
#[test]
fn a_long_timeline_is_split_into_linked_pages() {
    let site = fixture("full");
    let config = site.read("claimbase.toml") + "timeline_page_size = 2\n";
    let config = config.replace("base_url = \"/\"", "base_url = \"https://example.org/\"");
    site.write("claimbase.toml", &config);
    let out = site.build();
    let first = out.page("timeline/");
    let second = out.page("timeline/page/2/");
    assert_eq!(first.texts("h1"), ["Timeline, page 1 of 2"]);
    assert_eq!(second.texts("h1"), ["Timeline, page 2 of 2"]);
    assert_eq!(first.texts("main svg > title").len(), 1, "the chart");
    assert!(second.texts("main svg > title").is_empty());
    first.assert_links_to("/timeline/page/2/");
    second.assert_links_to("/timeline/");
    assert_eq!(
        first.attrs("nav.pagination a[aria-current=page]", "href"),
        ["/timeline/"]
    );
    assert_eq!(first.attrs("a[rel=next]", "href"), ["/timeline/page/2/"]);
    assert_eq!(second.attrs("a[rel=prev]", "href"), ["/timeline/"]);
    assert!(!out.has_page("timeline/page/3/"));
    for claim in [HALF, CHEAPER, GROWING] {
        let on = [&first, &second]
            .iter()
            .filter(|p| p.links_in("main .claim-list a").iter().any(|l| l == claim))
            .count();
        assert_eq!(on, 1, "{claim} is on one timeline page");
    }
    let sitemap = std::fs::read_to_string(site.path("output/sitemap.xml")).unwrap();
    assert!(sitemap.contains("timeline/page/2/"), "{sitemap}");
    out.assert_links_resolve("/");
}

#[test]
fn a_claim_without_a_date_is_shown_as_reported_on_its_sources_date() {
    let site = fixture("full");
    site.write(
        "claims/growth-reported.md",
        "---\nclaim: Hiring grew in 2023.\nspeaker: bo-chen\nsource: labour-blog\ntopics: [ai-and-jobs]\n---\n",
    );
    let out = site.build();
    let page = out.page("claims/growth-reported/");
    // The claim takes the date its source was published, said as such.
    assert_eq!(page.times("2023"), ["2023"]);
    page.assert_text("reported 2023");
    page.assert_text("The source does not say when this was said");
    // A dated claim says nothing of the kind.
    out.page("claims/jobs-will-keep-growing/")
        .assert_text("2023")
        .assert_not_text("reported");
    // Lists and the data say it too.
    out.page("speakers/bo-chen/").assert_text("reported 2023");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.file_of("claims.json")).unwrap())
            .unwrap();
    let claims = json["claims"].as_array().unwrap();
    let find = |id: &str| claims.iter().find(|c| c["id"] == id).unwrap();
    assert_eq!(find("growth-reported")["date"], "2023");
    assert_eq!(find("growth-reported")["date_reported"], true);
    assert_eq!(find("jobs-will-keep-growing")["date_reported"], false);
    let csv = std::fs::read_to_string(out.file_of("claims.csv")).unwrap();
    assert!(csv.lines().next().unwrap().ends_with(",date_reported"));
    assert!(
        csv.lines()
            .any(|l| l.starts_with("growth-reported,") && l.ends_with(",true"))
    );
}
