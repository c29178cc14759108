//! What a reader needs to check a claim: its quote in the paragraph of the
//! archived source it comes from, the published text with every quote
//! linked back, quotes a source renders in another language marked as
//! reported, locators as places, and what a link preview or a crawler is
//! told.

mod common;

use common::fixture;

const HALF: &str = "claims/half-of-jobs-automated/";
const CHEAPER: &str = "claims/cheaper-compute-speeds-automation/";
const TEXT: &str = "sources/acme-report-2024/text/";

/// The claim page shows the paragraph that holds its quote, the quoted
/// words highlighted (each part of a quote in parts), and links to that
/// paragraph on the text page, where the quote links back.
#[test]
fn a_quote_is_shown_in_its_paragraph_and_linked_both_ways() {
    let site = fixture("full");
    let out = site.build();
    let page = out.page(CHEAPER);
    assert_eq!(
        page.texts("main .in-context mark"),
        [
            "Between 40 and 60 per cent",
            "could be automated by the end of the decade"
        ]
    );
    assert_eq!(
        page.texts("main .in-context .archived p"),
        [
            "Between 40 and 60 per cent of current tasks could be automated by the end of the decade, the report estimates."
        ]
    );
    assert_eq!(
        page.attrs("main a.in-source", "href"),
        [format!("/{TEXT}#p-4")]
    );
    // The original is linked too.
    page.assert_links_to("https://acme.example.com/reports/2024");

    let text = out.page(TEXT);
    // By default only the paragraphs that hold quotes.
    assert_eq!(text.attrs("main .archived p[id]", "id"), ["p-3", "p-4"]);
    assert_eq!(
        text.texts("#p-3 mark"),
        ["到2030年，一半的工作将被自动化。"]
    );
    assert_eq!(text.attrs("#p-3 a.quote-ref", "href"), [format!("/{HALF}")]);
    assert_eq!(
        text.attrs("#p-4 a.quote-ref", "href"),
        [format!("/{CHEAPER}")]
    );
    out.page("sources/acme-report-2024/")
        .assert_links_to(&format!("/{TEXT}"));
    out.assert_links_resolve("/");
}

/// `archive_publish`: by default only the paragraphs with quotes, a gap
/// marked where others are left out; `full` every paragraph; `none` no
/// text page and no context on claim pages.
#[test]
fn archive_publish_decides_how_much_of_a_text_is_published() {
    let site = fixture("full");
    let out = site.build();
    let text = out.page(TEXT);
    assert!(!text.main_text().contains("Chapter 1"));
    assert_eq!(text.texts("main .archived .omitted"), ["[...]"]);

    let config = site.read("claimbase.toml");
    site.write(
        "claimbase.toml",
        &format!("{config}archive_publish = \"full\"\n"),
    );
    let out = site.build();
    let text = out.page(TEXT);
    assert!(text.main_text().contains("Chapter 1. Summary"));
    assert!(text.texts("main .archived .omitted").is_empty());

    site.write(
        "claimbase.toml",
        &format!("{config}archive_publish = \"none\"\n"),
    );
    let out = site.build();
    assert!(!out.has_page(TEXT));
    assert!(out.page(CHEAPER).texts("main .in-context").is_empty());
    assert_eq!(out.page(CHEAPER).texts("main blockquote").len(), 1);
    out.assert_links_resolve("/");

    site.write(
        "claimbase.toml",
        &format!("{config}archive_publish = \"some\"\n"),
    );
    let run = site.run(&["build"]);
    run.assert_code(1);
    assert!(run.stderr.contains("archive_publish"), "{}", run.stderr);
}

/// A quote the source gives in another language than the talk it was first
/// said in is the source's rendering: labelled, not quoted as the speaker's
/// own words. `quote_reported: false` says otherwise.
#[test]
fn a_quote_rendered_in_another_language_is_reported_speech() {
    let site = fixture("full");
    let out = site.build();
    let half = out.page(HALF);
    assert_eq!(
        half.attrs("main figure.quote", "class"),
        ["quote reported-speech"]
    );
    assert!(half.texts("main .quote-label")[0].starts_with("Reported: the source's words"));
    assert!(out.page(CHEAPER).texts("main .quote-label").is_empty());

    let claim = site.read("claims/jobs/half-of-jobs-automated.md");
    site.write(
        "claims/jobs/half-of-jobs-automated.md",
        &claim.replace(
            "quote_lang: zh\n",
            "quote_lang: zh\nquote_reported: false\n",
        ),
    );
    let out = site.build();
    assert_eq!(
        out.page(HALF).attrs("main figure.quote", "class"),
        ["quote"]
    );
}

/// Locators read as places, in the reader's language.
#[test]
fn a_locator_reads_as_a_place() {
    let site = fixture("full");
    let out = site.build();
    assert_eq!(
        out.page(CHEAPER).texts("main .locator"),
        ["Where: section 2"]
    );
    let config = site.read("claimbase.toml");
    site.write(
        "claimbase.toml",
        &config.replace("language = \"en\"", "language = \"zh\""),
    );
    let out = site.build();
    assert_eq!(out.page(CHEAPER).texts("main .locator"), ["位置：第2部分"]);
}

/// Without a full `base_url` nothing that needs one is written, and the
/// build says so once; with one, the sitemap and robots.txt name full
/// addresses.
#[test]
fn sitemaps_need_a_full_address() {
    let site = fixture("full");
    let run = site.run(&["build"]);
    run.assert_code(0).assert_no_warnings();
    assert_eq!(
        run.stderr
            .matches("note: base_url `/` is not a full address")
            .count(),
        1,
        "{}",
        run.stderr
    );
    assert!(!site.path("output/sitemap.xml").exists());
    let robots = site.read("output/robots.txt");
    assert!(!robots.contains("Sitemap"), "{robots}");

    let run = site.run(&["build", "--base-url", "https://example.org/ai/"]);
    run.assert_code(0);
    assert!(!run.stderr.contains("note:"), "{}", run.stderr);
    let sitemap = site.read("output/sitemap.xml");
    assert!(
        sitemap.contains("<loc>https://example.org/ai/</loc>"),
        "{sitemap}"
    );
    assert!(
        sitemap.contains(&format!("<loc>https://example.org/ai/{TEXT}</loc>")),
        "{sitemap}"
    );
    let robots = site.read("output/robots.txt");
    assert!(
        robots.contains("Sitemap: https://example.org/ai/sitemap.xml"),
        "{robots}"
    );
}

/// Link previews: the kind of page, its locale, a card, and for a claim a
/// description that says who, when, status and source, not the title again.
#[test]
fn link_previews_say_who_when_and_status() {
    let site = fixture("full");
    let out = site.build();
    let half = out.page(HALF);
    assert_eq!(
        half.attrs("meta[property='og:type']", "content"),
        ["article"]
    );
    assert_eq!(
        half.attrs("meta[property='og:locale']", "content"),
        ["en_GB"]
    );
    assert_eq!(
        half.attrs("meta[name='twitter:card']", "content"),
        ["summary"]
    );
    let description = half.attrs("meta[name=description]", "content");
    assert_eq!(
        description,
        ["Said by: 李艾达, Acme Labs · Date: Dec 2024 · Status: Open · Source: 自动化报告 2024"]
    );
    assert_eq!(
        out.page("").attrs("meta[property='og:type']", "content"),
        ["website"]
    );
}
