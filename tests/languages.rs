//! A site in several languages (FORMAT.md "Languages"): each language a
//! whole site, translations beside their originals, every page linked to
//! itself in the others, and the errors a translation can have.

mod common;

use common::{Output, Site, fixture};

const BASE: &str = "https://example.org/ai-claims/";

/// The `full` fixture in English and Chinese, with a claim, a speaker and
/// a topic translated and the rest not.
fn bilingual() -> Site {
    let site = fixture("full");
    let config = site
        .read("claimbase.toml")
        .replace("language = \"en\"", "languages = [\"en\", \"zh\"]")
        + "\n[translated.zh]\ntitle = \"完整示例\"\n";
    let config = config.replace("base_url = \"/\"", &format!("base_url = \"{BASE}\""));
    site.write("claimbase.toml", &config);
    site.write(
        "claims/jobs/half-of-jobs-automated.zh.md",
        "---\nclaim: 到2030年,一半的工作将被自动化。\nfigures:\n  - about: 到2030年被自动化的工作比例\n  - unit: 百分比\n---\n这一预测最早见于[](@source/future-of-work-keynote)。\n",
    );
    site.write("claims/_speakers/ada-lee.zh.md", "---\nname: 李艾达\n---\n");
    site.write(
        "claims/_topics/ai-and-jobs.zh.md",
        "---\ntitle: 人工智能与就业\nquestion: 人工智能会减少工作岗位吗?\n---\n",
    );
    site
}

fn build(site: &Site) -> Output {
    site.run(&["build"]).assert_code(0).assert_no_warnings();
    Output {
        dir: site.path("output"),
    }
}

#[test]
fn each_language_is_a_whole_site_in_its_own_folder() {
    let site = bilingual();
    let out = build(&site);
    for page in [
        "/",
        "/claims/half-of-jobs-automated/",
        "/speakers/ada-lee/",
        "/topics/ai-and-jobs/",
        "/timeline/",
        "/search/",
        "/404.html",
        "/feed.xml",
        "/claims.json",
        "/claims.csv",
        "/sitemap.xml",
        "/topics/ai-and-jobs/feed.xml",
    ] {
        assert!(out.has_page(page), "no {page}");
        assert!(out.has_page(&format!("/zh{page}")), "no /zh{page}");
    }
    assert!(
        out.dir.join("zh/pagefind/pagefind-entry.json").is_file()
            || out.dir.join("zh/pagefind").is_dir()
    );
    // One robots.txt at the host's root names every language's sitemap.
    assert!(!out.has_page("/zh/robots.txt"));
    let robots = std::fs::read_to_string(out.dir.join("robots.txt")).unwrap();
    assert!(
        robots.contains(&format!("Sitemap: {BASE}sitemap.xml")),
        "{robots}"
    );
    assert!(
        robots.contains(&format!("Sitemap: {BASE}zh/sitemap.xml")),
        "{robots}"
    );

    let claim = out.page("/zh/claims/half-of-jobs-automated/");
    assert_eq!(claim.attrs("html", "lang"), ["zh"]);
    assert_eq!(claim.texts("h1"), ["到2030年,一半的工作将被自动化。"]);
    claim.assert_text("李艾达").assert_text("人工智能与就业");
    // The quote is already Chinese: no translation beside it.
    claim.assert_not_text("By 2030, half of all jobs will be automated.");
    claim.assert_text("到2030年被自动化的工作比例");
    // The second figure keeps its English `about`, with its unit in Chinese.
    claim.assert_text("share of current tasks that could be automated");
    claim.assert_text("百分比");
    out.page("/claims/half-of-jobs-automated/")
        .assert_not_text("百分比");
    claim.assert_links_to("/ai-claims/zh/sources/future-of-work-keynote/");

    // An untranslated claim is shown in English, marked as English.
    let untranslated = out.page("/zh/claims/jobs-will-keep-growing/");
    assert_eq!(untranslated.attrs("h1", "lang"), ["en"]);
    assert_eq!(untranslated.attrs("html", "lang"), ["zh"]);

    let json = std::fs::read_to_string(out.dir.join("zh/claims.json")).unwrap();
    assert!(json.contains("到2030年,一半的工作将被自动化。"));
    let english = std::fs::read_to_string(out.dir.join("claims.json")).unwrap();
    assert!(!english.contains("到2030年,一半的工作将被自动化。"));
    let feed = std::fs::read_to_string(out.dir.join("zh/feed.xml")).unwrap();
    assert!(
        feed.contains("完整示例"),
        "the Chinese feed has the Chinese title"
    );

    out.assert_links_resolve(BASE);
}

/// A quote in the language of the page needs no translation beside it,
/// whether the claim says its quote's language or its source does, and
/// whether the claim is translated or not.
#[test]
fn a_quote_in_the_page_language_shows_no_translation() {
    let site = bilingual();
    site.write(
        "claims/_sources/acme-interview.md",
        "---\ntitle: 采访\nkind: interview\nlang: zh\n---\n",
    );
    site.write(
        "claims/acme-will-cut-prices.md",
        "---\nclaim: Acme will cut its prices.\nspeaker: acme-labs\ndate: 2024\n\
         source: acme-interview\ntopics: [compute-cost]\nkind: prediction\n\
         quote: 我们将降价。\ntranslation: We will cut prices.\n---\n",
    );
    let out = build(&site);
    let english = out.page("/claims/acme-will-cut-prices/");
    english.assert_text("We will cut prices.");
    let chinese = out.page("/zh/claims/acme-will-cut-prices/");
    chinese.assert_text("我们将降价。");
    chinese.assert_not_text("We will cut prices.");
}

#[test]
fn every_page_links_to_itself_in_every_language() {
    let site = bilingual();
    let out = build(&site);
    let mut checked = 0;
    for file in out.html_files() {
        let page = out.page(&format!("/{file}"));
        let hreflang = page.attrs("link[rel=alternate][hreflang]", "hreflang");
        if page.attrs("meta[http-equiv=refresh]", "content").len() == 1 {
            continue;
        }
        assert_eq!(hreflang, ["en", "zh", "x-default"], "{file}");
        let here = file.strip_prefix("zh/").unwrap_or(&file);
        let here = here.strip_suffix("index.html").unwrap_or(here);
        let hrefs = page.attrs("link[rel=alternate][hreflang]", "href");
        assert_eq!(
            hrefs,
            [
                format!("{BASE}{here}"),
                format!("{BASE}zh/{here}"),
                format!("{BASE}{here}")
            ],
            "{file}"
        );
        // The visible switch leads to the same page, not to a home page.
        let switch = page.attrs(".language-switch a", "href");
        assert_eq!(
            switch,
            [
                format!("/ai-claims/{here}"),
                format!("/ai-claims/zh/{here}")
            ],
            "{file}"
        );
        for href in &switch {
            let path = href.strip_prefix("/ai-claims").unwrap();
            assert!(
                out.has_page(path),
                "{file}: the switch leads to {href}, which is missing"
            );
        }
        checked += 1;
    }
    assert!(checked >= 38, "only {checked} pages checked");

    let sitemap = std::fs::read_to_string(out.dir.join("zh/sitemap.xml")).unwrap();
    let doc = roxmltree::Document::parse(&sitemap).expect("the sitemap is XML");
    let url = doc
        .descendants()
        .find(|n| {
            n.has_tag_name("loc") && n.text() == Some(&format!("{BASE}zh/topics/ai-and-jobs/"))
        })
        .and_then(|loc| loc.parent())
        .expect("the topic is in the Chinese sitemap");
    let alternates: Vec<(&str, &str)> = url
        .children()
        .filter(|n| n.has_tag_name("link"))
        .map(|n| {
            (
                n.attribute("hreflang").unwrap(),
                n.attribute("href").unwrap(),
            )
        })
        .collect();
    assert_eq!(
        alternates,
        [
            ("en", &*format!("{BASE}topics/ai-and-jobs/")),
            ("zh", &*format!("{BASE}zh/topics/ai-and-jobs/")),
            ("x-default", &*format!("{BASE}topics/ai-and-jobs/")),
        ]
    );
}

#[test]
fn check_says_how_much_of_each_language_is_translated() {
    let site = bilingual();
    let run = site.run(&["check"]);
    run.assert_code(0);
    assert!(
        run.stdout.contains("en: the default language"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(
            "zh: 1/3 claims, 1/3 speakers, 0/3 sources, 1/2 topics, 0/0 pages translated"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn a_translation_holds_only_text_in_a_language_of_the_site_beside_its_original() {
    let site = fixture("broken/translations");
    let run = site.run(&["build"]);
    run.assert_code(1).assert_errors(&[
        "claims/_speakers/ada-lee.fr.md:1:1: error: this is a translation into `fr`, which is not one of the site's `languages` (en, zh)",
        "claims/_topics/ai-and-jobs.en.md:1:1: error: `en` is the site's default language: the text in `ai-and-jobs.md` is already in it",
        "claims/_topics/ai-and-jobs.zh.md:3:1: error: unknown field `titel` for a topic translation; did you mean `title`?",
        "claims/_topics/ai-and-jobs.zh.md:5:5: error: no speaker with id `ada-le`; did you mean `ada-lee`?",
        "claims/half-of-job.zh.md:1:1: error: a translation of the claim `half-of-job`, but there is no `half-of-job.md`; did you mean `half-of-jobs`?",
        "claims/half-of-jobs.zh.md:3:1: error: `date` is not translated: a translation holds only text (claim, translation, figures, and the body)",
        "claims/half-of-jobs.zh.md:4:1: error: `topics` is not translated: a translation holds only text (claim, translation, figures, and the body)",
        "claims/half-of-jobs.zh.md:6:3: error: `figures` has 2 entries, but `half-of-jobs.md` has 1 figure",
    ]);
    assert_eq!(
        run.help_for("claims/half-of-jobs.zh.md:3:1: error: `date` is not translated: a translation holds only text (claim, translation, figures, and the body)"),
        Some("remove it here, and set it in `half-of-jobs.md`, the original, for every language")
    );
    assert!(!site.path("output").exists(), "nothing is written");
}

#[test]
fn a_translation_in_a_site_of_one_language_is_an_error() {
    let site = fixture("full");
    site.write("claims/_speakers/ada-lee.zh.md", "---\nname: 李艾达\n---\n");
    site.run(&["check"]).assert_code(1).assert_errors(&[
        "claims/_speakers/ada-lee.zh.md:1:1: error: this is a translation into `zh`, but the site is built in one language, `en`",
    ]);
}

#[test]
fn languages_are_each_an_interface_language_listed_once() {
    let site = fixture("broken/languages-config");
    site.run(&["check"]).assert_code(1).assert_errors(&[
        "claimbase.toml:2:1: error: `languages` lists `en` twice",
        "claimbase.toml:2:1: error: `languages` lists `fr`, which is not a language claimbase has an interface in",
        "claimbase.toml:4:1: error: `[translated.de]` gives the site's title in `de`, which is not one of its other languages",
    ]);
}

/// A site without `languages` is built exactly as before sites could have
/// several: `tests/fixtures/one-language.md5` holds the digest of every
/// file the generator wrote for the `full` fixture before then, as it is,
/// and with a full `--base-url` (sitemap, canonical links). (The Chinese
/// interface is not pinned: its words changed with the glossary.)
#[test]
fn a_site_without_languages_builds_byte_for_byte_as_before() {
    use md5::{Digest, Md5};
    let pinned = std::fs::read_to_string(common::fixtures_dir().join("one-language.md5")).unwrap();
    let variants: [(&str, &[&str]); 2] = [
        ("plain", &["build"]),
        (
            "based",
            &["build", "--base-url", "https://example.org/ai-claims/"],
        ),
    ];
    for (variant, args) in variants {
        let site = fixture("full");
        site.run(args).assert_code(0);
        let built: Vec<String> = common::snapshot(&site.path("output"))
            .into_iter()
            .map(|(rel, bytes)| {
                let hex: String = Md5::digest(bytes)
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect();
                format!("{hex} {rel}")
            })
            .collect();
        let expected: Vec<&str> = pinned
            .lines()
            .filter_map(|l| l.strip_prefix(variant)?.strip_prefix(' '))
            .collect();
        let differ: Vec<&String> = built
            .iter()
            .filter(|l| !expected.contains(&l.as_str()))
            .collect();
        let missing: Vec<&&str> = expected
            .iter()
            .filter(|l| !built.iter().any(|b| b == *l))
            .collect();
        assert!(
            differ.is_empty() && missing.is_empty(),
            "{variant}: files new or changed: {differ:#?}\nfiles gone or changed: {missing:#?}"
        );
    }
}

/// Each language lists speakers by the names it shows, in its collation
/// (CLDR puts Han before Latin for Chinese, after it for English), and
/// writes counts and asides with its own punctuation.
#[test]
fn each_language_sorts_and_punctuates_in_its_own_way() {
    let site = bilingual();
    let out = build(&site);
    let names = |path: &str| out.page(path).texts(".entity-list li > a");
    assert_eq!(names("/speakers/"), ["Acme Labs", "Bo Chen", "李艾达"]);
    assert_eq!(names("/zh/speakers/"), ["李艾达", "Acme Labs", "Bo Chen"]);
    let zh = out.page("/zh/speakers/");
    let li = zh.texts(".entity-list li");
    assert!(
        li.iter()
            .any(|l| l.contains("李艾达（Ada Lee、Li Aida），")),
        "{li:?}"
    );
    let en = out.page("/speakers/").texts(".entity-list li");
    assert!(
        en.iter().any(|l| l.contains("李艾达 (Ada Lee, Li Aida), ")),
        "{en:?}"
    );
    let topic = out.page("/zh/topics/ai-and-jobs/").texts("h3 .count");
    assert!(
        !topic.is_empty() && topic.iter().all(|c| c.starts_with('（')),
        "{topic:?}"
    );
    let feed = std::fs::read_to_string(out.dir.join("zh/feed.xml")).unwrap();
    assert!(feed.contains("——李艾达（"), "{feed}");
}
