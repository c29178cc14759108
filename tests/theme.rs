//! The built-in theme as a reader sees it: the header's search box, the
//! Chinese interface, the topic page's disputes, the timeline chart, and
//! names tagged with their language. Checked by parsing the built HTML.

mod common;

use common::{Output, fixture, run_in};

fn bundled_site() -> (tempfile::TempDir, Output) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("output");
    run_in(
        tmp.path(),
        &[
            "--root",
            env!("CARGO_MANIFEST_DIR"),
            "build",
            "--output",
            dir.to_str().unwrap(),
        ],
    )
    .assert_code(0);
    (tmp, Output { dir })
}

#[test]
fn every_page_has_a_labelled_search_box_that_goes_to_the_search_page() {
    let site = fixture("full");
    let out = site.build_with(&["--base-url", "https://example.org/ai-claims/"]);
    for url in ["index.html", "claims/half-of-jobs-automated/", "404.html"] {
        let page = out.page(url);
        assert_eq!(
            page.attrs("header form[role=search]", "action"),
            ["/ai-claims/search/"],
            "{url}"
        );
        assert_eq!(page.attrs("header form[role=search]", "method"), ["get"]);
        assert_eq!(page.attrs("header form input[type=search]", "name"), ["q"]);
        let id = page.attrs("header form input[type=search]", "id");
        assert_eq!(
            page.texts(&format!("header form label[for={}]", id[0])),
            ["Search the site"]
        );
    }
}

#[test]
fn the_header_links_every_section_and_marks_the_current_one() {
    let site = fixture("full");
    let out = site.build();
    let page = out.page("topics/ai-and-jobs/");
    assert_eq!(
        page.texts("header nav a"),
        ["Topics", "Speakers", "Sources", "Timeline"]
    );
    assert_eq!(page.texts("header nav a[aria-current]"), ["Topics"]);
    assert_eq!(
        page.texts("nav.breadcrumbs a"),
        ["Home", "Topics"],
        "breadcrumbs"
    );
    let claim = out.page("claims/half-of-jobs-automated/");
    assert_eq!(
        claim.texts("nav.breadcrumbs a"),
        ["Home", "Topics", "AI and jobs"]
    );
    assert_eq!(claim.attrs("a.skip-link", "href"), ["#main"]);
}

#[test]
fn a_chinese_site_speaks_chinese_everywhere() {
    let site = fixture("full");
    let config = site.read("claimbase.toml");
    site.write(
        "claimbase.toml",
        &config.replace("language = \"en\"", "language = \"zh\""),
    );
    let out = site.build_with(&["--drafts"]);
    let home = out.page("index.html");
    assert_eq!(home.attrs("html", "lang"), ["zh"]);
    assert_eq!(
        home.texts("header nav a"),
        ["话题", "发言者", "来源", "时间线"]
    );
    assert_eq!(home.texts("header form button"), ["搜索"]);
    assert_eq!(home.texts("main h2"), ["待解问题", "最新论断"]);

    let half = out.page("claims/half-of-jobs-automated/");
    assert_eq!(half.times("2024-12"), ["2024年12月"]);
    assert_eq!(half.times("2030"), ["2030年"]);
    assert_eq!(half.times("2025-01-15"), ["2025年1月15日"]);
    assert_eq!(
        half.texts("main dt"),
        [
            "发言者",
            "日期",
            "可判定于",
            "来源",
            "最初出处",
            "话题",
            "复核于"
        ]
    );
    half.assert_text("预测").assert_text("待定");
    assert_eq!(
        half.texts("main h2"),
        ["原话所在段落", "数字", "背景", "相关论断"]
    );
    assert_eq!(
        half.texts("nav.breadcrumbs a"),
        ["首页", "话题", "AI and jobs"]
    );

    let draft = out.page("claims/unpublished-estimate/");
    assert_eq!(draft.texts("main .claim-kicker .draft"), ["草稿"]);
    draft.assert_text("已证实").assert_text("公告");

    let ada = out.page("speakers/ada-lee/");
    assert_eq!(ada.texts("main h2"), ["预测记录", "论断（按日期）"]);
    assert_eq!(ada.texts("main .record dt")[0], "预测总数");

    let timeline = out.page("timeline/");
    assert_eq!(
        timeline.texts("main svg > title"),
        ["每月论断数"],
        "the chart's title"
    );
    let desc = timeline.texts("main svg > desc").join("");
    assert!(desc.contains("2024年12月：2 条"), "{desc}");
    assert!(!desc.contains("dated by year"), "{desc}");
    assert!(desc.contains("只注明年份"), "{desc}");
}

#[test]
fn a_topic_sets_each_claim_against_all_it_disputes_once() {
    let (_tmp, out) = bundled_site();
    let topic = out.page("topics/end-of-pretraining/");
    assert_eq!(
        topic.texts("main .dispute").len(),
        2,
        "two disputes: on data, and on pretraining"
    );
    // He Enpei's "valuable data is only beginning to be mined" contradicts
    // two claims: it appears once, against both.
    let valuable = "/claims/he-enpei-valuable-data-only-beginning-to-be-mined/";
    let all: Vec<String> = topic.links_in("main .dispute .claim-link");
    assert_eq!(all.iter().filter(|l| *l == valuable).count(), 1, "{all:?}");
    // Disputes come in the order of their oldest claim: the view that
    // pretraining is already over (Dec 2024) opens the first.
    let side = |dispute: &str, side: &str| {
        topic.links_in(&format!(
            "main .dispute:{dispute}-of-type .side:{side}-child .claim-link"
        ))
    };
    assert_eq!(
        side("first", "first"),
        [
            "/claims/pretraining-era-already-over/",
            "/claims/sutskever-pretraining-will-end/"
        ]
    );
    assert_eq!(
        side("first", "last"),
        ["/claims/he-enpei-pretraining-will-never-end/"]
    );
    assert_eq!(
        side("last", "first"),
        [
            "/claims/supporters-data-is-running-out/",
            "/claims/research-data-exhausted-around-2028/"
        ]
    );
    assert_eq!(side("last", "last"), [valuable]);
    // Each side is labelled in words, with who speaks on it, and its list
    // is named by that label.
    assert_eq!(
        topic.texts("main .dispute:first-of-type .side-label"),
        [
            "One side: those who hold that the pretraining era is already over, Ilya Sutskever",
            "The other side: He Enpei"
        ]
    );
    assert_eq!(
        topic.attrs("main .dispute:first-of-type ul", "aria-labelledby"),
        topic.attrs("main .dispute:first-of-type .side-label", "id")
    );
    // Positions come before the claims by kind, after the question.
    let headings = topic.texts("main h2");
    assert_eq!(headings[0], "Positions");
    assert_eq!(headings[1], "Claims by kind");
}

#[test]
fn the_timeline_chart_is_described_and_keyed_to_topics() {
    let (_tmp, out) = bundled_site();
    for url in ["timeline/", "index.html"] {
        let page = out.page(url);
        assert_eq!(page.attrs("main svg", "role"), ["img"], "{url}");
        let labelled = page.attrs("main svg", "aria-labelledby");
        let ids: Vec<&str> = labelled[0].split(' ').collect();
        assert_eq!(page.attrs("main svg title[id]", "id"), [ids[0]]);
        assert_eq!(page.attrs("main svg desc", "id"), [ids[1]]);
        let legend = page.links_in("main figure .legend a");
        assert!(legend.contains(&"/topics/end-of-pretraining/".to_string()));
    }
    let desc = out.page("timeline/").texts("main svg desc").join("");
    assert!(desc.contains("Jan 2025: 40"), "{desc}");
    assert!(desc.contains("6 dated by year only"), "{desc}");
}

#[test]
fn names_in_chinese_script_carry_their_language_on_an_english_site() {
    let (_tmp, out) = bundled_site();
    // The English site names He Enpei in English, with the Chinese beside
    // it marked as Chinese; the Chinese site names him in Chinese.
    let speaker = out.page("speakers/he-enpei/");
    assert_eq!(speaker.texts("main h1"), ["He Enpei"]);
    assert!(speaker.attrs("main h1", "lang").is_empty());
    speaker.assert_text("何恩培");
    let chinese = out.page("zh/speakers/he-enpei/");
    assert_eq!(chinese.texts("main h1"), ["何恩培"]);
    assert!(chinese.attrs("main h1", "lang").is_empty());
    let claim = out.page("claims/sutskever-pretraining-will-end/");
    assert_eq!(claim.attrs("main blockquote", "lang"), ["zh"]);
    // A Latin name gets none.
    assert!(
        claim
            .attrs("main .facts a[href='/speakers/ilya-sutskever/']", "lang")
            .is_empty()
    );
}

#[test]
fn a_speaker_shows_role_organisation_and_prediction_record() {
    let site = fixture("full");
    let out = site.build();
    let ada = out.page("speakers/ada-lee/");
    ada.assert_text("Chief Economist")
        .assert_links_to("/speakers/acme-labs/");
    let record: Vec<String> = ada.texts("main .record dt");
    assert_eq!(
        record,
        ["Predictions", "Open", "Confirmed", "Refuted", "Overdue"]
    );
    assert_eq!(ada.texts("main .record dd"), ["1", "1", "0", "0", "0"]);
}
