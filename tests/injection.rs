//! Hostile text in every field of every kind of file, and in every body,
//! must reach the built site as text: escaped in HTML and its attributes,
//! in the feeds and in the JSON, and unable to break out of the JSON-LD
//! `<script>`. The fixture `tests/fixtures/hostile/injection` puts
//! [`PAYLOAD`] into every string field (claim, speaker, source, topic, the
//! site's title and description) and a catalogue of script tricks into
//! every body.

mod common;
mod guard;

use std::collections::BTreeMap;
use std::time::Duration;

use common::{Site, fixture};
use guard::run_bounded;
use scraper::{Html, Selector};

/// What the fixture writes into every string field (YAML and TOML escaped).
const PAYLOAD: &str = r#"<script>alert(1)</script></script>"><img src=x onerror=alert(1)>'><svg onload=alert(1)>javascript:alert(1)&amp;"#;
/// The fixture's base path: the theme's own scripts load from below it.
const BASE_PATH: &str = "/site/";
const LIMIT: Duration = Duration::from_secs(60);

fn built() -> (Site, BTreeMap<String, Vec<u8>>) {
    let site = fixture("hostile/injection");
    run_bounded(site.root(), &["build"], LIMIT)
        .assert_code(0)
        .assert_no_warnings();
    let files = guard::file_bytes(&site.path("output"));
    (site, files)
}

/// `javascript:`, `vbscript:` or `data:`, however it is spelt: browsers
/// ignore case, and tabs, newlines and leading spaces in a URL.
fn is_script_url(value: &str) -> bool {
    let squeezed: String = value
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:"]
        .iter()
        .any(|s| squeezed.starts_with(s))
}

const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "action",
    "formaction",
    "data",
    "poster",
    "background",
    "cite",
    "xlink:href",
    "srcset",
];

/// Every way a page could run the payload, as a list of problems.
fn html_problems(path: &str, text: &str, base_path: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let html = Html::parse_document(text);
    let all = Selector::parse("*").unwrap();
    for element in html.select(&all) {
        let e = element.value();
        let name = e.name();
        if name == "script" {
            let json_ld = e.attr("type") == Some("application/ld+json");
            let theme_file = e.attr("src").is_some_and(|s| s.starts_with(base_path));
            if json_ld {
                let json: String = element.text().collect();
                if let Err(err) = serde_json::from_str::<serde_json::Value>(&json) {
                    problems.push(format!("{path}: JSON-LD that is not JSON ({err}): {json}"));
                }
            } else if !(theme_file && element.text().all(|t| t.trim().is_empty())) {
                problems.push(format!("{path}: a script element: {}", element.html()));
            }
        }
        if ["iframe", "object", "embed", "frame", "applet", "base"].contains(&name) {
            problems.push(format!("{path}: a <{name}> element"));
        }
        for (attr, value) in e.attrs() {
            if attr.to_ascii_lowercase().starts_with("on") {
                problems.push(format!("{path}: <{name} {attr}=\"{value}\">"));
            }
            if URL_ATTRIBUTES.contains(&attr) && is_script_url(value) {
                problems.push(format!("{path}: <{name} {attr}=\"{value}\">"));
            }
            if attr == "style" && value.to_ascii_lowercase().contains("javascript:") {
                problems.push(format!("{path}: <{name} style=\"{value}\">"));
            }
        }
    }
    problems
}

/// Text files hold the payload only escaped: the raw `<script>alert` never.
fn raw_problems(path: &str, bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes).to_ascii_lowercase();
    let mut problems = Vec::new();
    for needle in ["<script>alert", "href=\"javascript:", "src=\"javascript:"] {
        if text.contains(needle) {
            problems.push(format!("{path}: contains `{needle}` unescaped"));
        }
    }
    problems
}

/// Every problem of every file of a built site.
fn site_problems(files: &BTreeMap<String, Vec<u8>>, base_path: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for (path, bytes) in files {
        match path.rsplit('.').next().unwrap_or("") {
            "html" => {
                problems.extend(raw_problems(path, bytes));
                let text = std::str::from_utf8(bytes).expect("pages are UTF-8");
                problems.extend(html_problems(path, text, base_path));
            }
            "xml" => {
                problems.extend(raw_problems(path, bytes));
                let text = std::str::from_utf8(bytes).expect("feeds are UTF-8");
                if let Err(e) = roxmltree::Document::parse(text) {
                    problems.push(format!("{path}: not well-formed XML: {e}"));
                }
            }
            "json" => {
                problems.extend(raw_problems(path, bytes));
                if let Err(e) = serde_json::from_slice::<serde_json::Value>(bytes) {
                    problems.push(format!("{path}: not JSON: {e}"));
                }
            }
            // CSV is data for spreadsheets, not markup: the payload is in it
            // verbatim by design (checked below); so is robots.txt's
            // sitemap address, plain text for crawlers.
            "csv" => {}
            "txt" if path == "robots.txt" => {}
            _ => problems.extend(raw_problems(path, bytes)),
        }
    }
    problems
}

#[test]
fn no_output_file_carries_a_script() {
    let (_site, files) = built();
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for path in files.keys() {
        *kinds
            .entry(path.rsplit('.').next().unwrap_or(""))
            .or_default() += 1;
    }
    let problems = site_problems(&files, BASE_PATH);
    assert!(
        kinds.get("html").copied().unwrap_or(0) >= 15 && kinds.contains_key("xml"),
        "the site was built: {kinds:?}"
    );
    assert!(
        problems.is_empty(),
        "{} problems:\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
}

/// Escaping, not deleting: the payload is shown as text where it was put.
#[test]
fn the_payload_is_shown_as_text() {
    let (site, _) = built();
    let out = common::Output {
        dir: site.path("output"),
    };
    let claim = out.page("claims/evil-claim/");
    for css in ["h1", "title"] {
        let selector = Selector::parse(css).unwrap();
        let joined: Vec<String> = claim
            .html
            .select(&selector)
            .map(|e| e.text().collect())
            .collect();
        assert!(
            joined.iter().any(|t| t.contains(PAYLOAD)),
            "{css} of the claim page does not show the payload: {joined:?}"
        );
    }
    let main = claim.main_text();
    assert!(
        main.matches("<script>alert(1)</script>").count() >= 3,
        "quote, translation and figures show the payload: {main}"
    );
    for page in [
        "speakers/mallory/",
        "sources/evil-source/",
        "topics/evil-topic/",
    ] {
        let h1: Vec<String> = out.page(page).texts("h1");
        assert!(h1.iter().any(|t| t.contains(PAYLOAD)), "{page}: h1 {h1:?}");
    }
    // Attributes: the site title in `<meta property="og:site_name">`.
    let names = claim.attrs("meta[property=\"og:site_name\"]", "content");
    assert_eq!(names, [PAYLOAD]);
}

/// The JSON-LD of the claim page parses, with the payload intact in it.
#[test]
fn json_ld_keeps_the_payload_inside_its_script() {
    let (site, _) = built();
    let out = common::Output {
        dir: site.path("output"),
    };
    let page = out.page("claims/evil-claim/");
    let scripts = page.texts("script[type=\"application/ld+json\"]");
    assert_eq!(scripts.len(), 1, "one JSON-LD block");
    let selector = Selector::parse("script[type=\"application/ld+json\"]").unwrap();
    let raw: Vec<String> = page
        .html
        .select(&selector)
        .map(|e| e.text().collect())
        .collect();
    let json: serde_json::Value = serde_json::from_str(&raw[0]).unwrap();
    let graph = json["@graph"].as_array().expect("a @graph");
    assert_eq!(graph[0]["text"], PAYLOAD);
    assert_eq!(graph[0]["description"], PAYLOAD);
    assert_eq!(graph[1]["claimReviewed"], PAYLOAD, "the ClaimReview");
    assert!(!raw[0].contains("</"), "nothing can close the script");
}

/// Feeds parse as XML and carry the payload as text.
#[test]
fn feeds_escape_the_payload() {
    let (site, _) = built();
    for feed in [
        "feed.xml",
        "topics/evil-topic/feed.xml",
        "speakers/mallory/feed.xml",
    ] {
        let text = site.read(&format!("output/{feed}"));
        let doc =
            roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{feed} is not XML: {e}"));
        let titles: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("title"))
            .filter_map(|n| n.text())
            .collect();
        assert!(
            titles.iter().filter(|t| t.contains(PAYLOAD)).count() >= 2,
            "{feed}: the feed title and an entry title hold the payload: {titles:?}"
        );
    }
}

/// The data export keeps the payload as data: JSON with `<`, `>` and `&`
/// escaped, CSV verbatim.
#[test]
fn the_data_export_keeps_the_payload_as_data() {
    let (site, _) = built();
    let json: serde_json::Value = serde_json::from_str(&site.read("output/claims.json")).unwrap();
    assert_eq!(json["site"]["title"], PAYLOAD);
    let claims = json["claims"].as_array().unwrap();
    let evil = claims.iter().find(|c| c["id"] == "evil-claim").unwrap();
    assert_eq!(evil["claim"], PAYLOAD);
    assert_eq!(evil["locator"], PAYLOAD);
    assert_eq!(evil["figures"][0]["unit"], PAYLOAD);

    let mut csv = csv::Reader::from_path(site.path("output/claims.csv")).unwrap();
    let headers = csv.headers().unwrap().clone();
    let column = headers.iter().position(|h| h == "claim").unwrap();
    let rows: Vec<csv::StringRecord> = csv.records().map(Result::unwrap).collect();
    assert!(rows.iter().any(|r| &r[column] == PAYLOAD));
}

/// A `url` field takes an http(s) address only: `javascript:`, `data:` and
/// the like are errors, whatever their case or the spaces around them.
#[test]
fn script_urls_are_rejected_in_url_fields() {
    let site = fixture("full");
    let cases = [
        ("claims/_speakers/bo-chen.md", "javascript:alert(1)"),
        ("claims/_speakers/ada-lee.md", " JaVaScRiPt:alert(1)"),
        (
            "claims/_sources/labour-blog.md",
            "data:text/html,<script>alert(1)</script>",
        ),
        ("claims/_sources/acme-report-2024.md", "vbscript:msgbox(1)"),
    ];
    for (path, url) in cases {
        let text = site.read(path);
        let text = match text.find("\nurl:") {
            Some(at) => {
                let end = at + 1 + text[at + 1..].find('\n').unwrap();
                format!("{}\nurl: '{url}'{}", &text[..at], &text[end..])
            }
            None => text.replacen("---\n", &format!("---\nurl: '{url}'\n"), 1),
        };
        site.write(path, &text);
    }
    let run = run_bounded(site.root(), &["build"], LIMIT);
    run.assert_code(1);
    let errors = run.errors();
    assert_eq!(errors.len(), cases.len(), "{}", run.stderr);
    for (path, url) in cases {
        let line = errors
            .iter()
            .find(|e| e.starts_with(&format!("{path}:")))
            .unwrap_or_else(|| panic!("no error for {path}: {errors:#?}"));
        assert!(
            line.ends_with(&format!(
                "error: `{url}` is not a valid `url`; write a full address starting with https://"
            )),
            "{line}"
        );
    }
    assert!(!site.path("output").exists(), "nothing was written");
}

/// A `base_url` whose path holds markup: refused as an address, or else
/// escaped wherever it is used (every link of every page).
#[test]
fn a_base_url_with_markup_in_it() {
    let site = fixture("full");
    let base = r#"/"><script>alert(1)</script>/"#;
    let config = site.read("claimbase.toml");
    site.write(
        "claimbase.toml",
        &config.replace("base_url = \"/\"", &format!("base_url = '{base}'")),
    );
    let run = run_bounded(site.root(), &["build"], LIMIT);
    if run.code == Some(1) {
        assert!(
            run.errors()
                .iter()
                .all(|e| e.starts_with("claimbase.toml:")),
            "{}",
            run.stderr
        );
        return;
    }
    run.assert_code(0);
    let files = guard::file_bytes(&site.path("output"));
    let problems = site_problems(&files, base);
    assert!(
        problems.is_empty(),
        "{} problems:\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
}
