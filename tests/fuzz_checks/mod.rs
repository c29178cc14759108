//! What the fuzz targets check, shared by `fuzz/fuzz_targets/*.rs` (which
//! include this file by path) and by `tests/fuzz_regressions.rs` (which
//! runs every input that once found a bug through the same checks), so a
//! regression test checks exactly what the fuzzer did.

#![allow(dead_code)]

use std::sync::{Mutex, OnceLock};

use claimbase::config::Config;
use claimbase::diagnostics::Diagnostic;
use claimbase::load::{Archives, FileKind, InputFile};
use claimbase::parse::front_matter::split_document;
use claimbase::parse::{PartialDate, claim, entity, toml_fm, yaml};
use claimbase::render::templates::Theme;
use claimbase::text::normalise;
use claimbase::{graph, parse, render, validate};

/// Every diagnostic points at a real place: 1-based, and not past the
/// last line of the file (lines counted as diagnostics count them).
fn assert_inside(diagnostics: &[Diagnostic], text: &str) {
    let lines = normalise(text).split('\n').count();
    for d in diagnostics {
        assert!(d.pos.line >= 1 && d.pos.col >= 1, "bad position: {d}");
        assert!(
            d.pos.line <= lines,
            "position past the end ({lines} lines): {d}"
        );
        let _ = d.to_string();
    }
}

/// The front-matter splitter and the claim, speaker, source and topic
/// readers on arbitrary text: records or diagnostics, never a panic.
pub fn front_matter(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // The two readers on their own, as if the whole input were front matter.
    let _ = yaml::parse_yaml(text, 1);
    let _ = toml_fm::parse_toml(text, 1);

    let path = "claims/fuzz.md";
    let doc = match split_document(path, text) {
        Ok(doc) => doc,
        Err(d) => return assert_inside(&[d], text),
    };
    assert!(doc.body_line >= 3, "the body starts after two fences");
    let fm = &doc.front_matter;
    let mut diagnostics = Vec::new();
    let body = || doc.body.clone();
    let line = doc.body_line;
    if claim::parse_claim("fuzz", path, fm, body(), line, &mut diagnostics).is_none() {
        let _ = claim::referenced_ids(fm);
    }
    let _ = entity::parse_speaker("fuzz", path, fm, body(), line, &mut diagnostics);
    let _ = entity::parse_source("fuzz", path, fm, body(), line, &mut diagnostics);
    let _ = entity::parse_topic("fuzz", path, fm, body(), line, &mut diagnostics);
    assert_inside(&diagnostics, text);
}

/// A small site whose files the whole-build check replaces one of.
const SITE: [(FileKind, &str, &str); 5] = [
    (
        FileKind::Claim,
        "half-of-jobs",
        "---\nclaim: Half of all jobs will go.\nspeaker: ada-lee\ndate: 2024-12\nsource: {id: acme-report, locator: p. 3}\ntopics: [ai-and-jobs]\nkind: prediction\nresolves: 2030\nquote: half of all jobs\n---\nA *body*.\n",
    ),
    (
        FileKind::Claim,
        "jobs-keep-growing",
        "---\nclaim: Jobs keep growing.\nspeaker: ada-lee\ndate: 2023\nsource: acme-report\ntopics: [ai-and-jobs]\ncontradicts: [half-of-jobs]\n---\n",
    ),
    (
        FileKind::Speaker,
        "ada-lee",
        "---\nname: Ada Lee\naliases: [李艾达]\nurl: https://example.com/ada\n---\nAn economist.\n",
    ),
    (
        FileKind::Source,
        "acme-report",
        "---\ntitle: The Acme report\nkind: report\noutlet: Acme\nurl: https://example.com/r\nlang: en\n---\n",
    ),
    (
        FileKind::Topic,
        "ai-and-jobs",
        "---\ntitle: AI and jobs\nquestion: Will AI take jobs?\n---\nAbout jobs.\n",
    ),
];

fn theme() -> &'static Mutex<Theme> {
    static THEME: OnceLock<Mutex<Theme>> = OnceLock::new();
    // No templates folder: the built-in theme only, without a disk read.
    THEME.get_or_init(|| Mutex::new(Theme::new(Vec::new()).expect("built-in theme")))
}

/// A whole build of a small site, in memory (parse, validate, link and
/// render), with one of its files replaced by `data` after a first byte
/// that picks which file and the settings. It must end in diagnostics or
/// a site, never a panic; and a site that renders holds no script but the
/// theme's JSON-LD and no `javascript:` link, whatever the input says.
pub fn whole_build(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let replaced = usize::from(selector) % SITE.len();
    let files: Vec<InputFile> = SITE
        .iter()
        .enumerate()
        .map(|(i, (kind, id, fixed))| InputFile {
            path: match kind.folder() {
                Some(f) => format!("claims/{f}/{id}.md"),
                None => format!("claims/{id}.md"),
            },
            kind: *kind,
            id: id.to_string(),
            lang: None,
            text: if i == replaced { text } else { fixed }.into(),
        })
        .collect();

    let (records, mut diagnostics) = parse::parse_files(&files);
    let archives: Archives = records
        .sources
        .iter()
        .filter(|s| s.archive.is_some())
        .map(|s| (s.id.clone(), Ok("Half of all jobs will go.".to_string())))
        .collect();
    diagnostics.extend(validate::validate(&files, &records, &archives, "claims"));
    let mine: Vec<Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.path == files[replaced].path)
        .cloned()
        .collect();
    assert_inside(&mine, text);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return;
    }

    let mut config = Config {
        root: "/nonexistent-claimbase-fuzz".into(),
        ..Config::default()
    };
    if selector & 0x80 != 0 {
        config.language = "zh".into();
        config.base_url = "https://example.org/claims/".into();
    }
    let graph = graph::link(records, selector & 0x40 != 0);
    let today = PartialDate {
        year: 2025,
        month: Some(1),
        day: Some(1),
    };
    let mut theme = theme().lock().unwrap_or_else(|e| e.into_inner());
    let files = render::render_site(&graph, &config, &mut theme, today)
        .unwrap_or_else(|errors| panic!("the built-in theme failed to render: {errors:?}"));
    for file in &files {
        if !file.path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8_lossy(&file.bytes).to_ascii_lowercase();
        let theme_src = format!(" src=\"{}", config.base_path());
        for (at, _) in html.match_indices("<script") {
            let tag = &html[at..at + html[at..].find('>').unwrap_or(html.len() - at)];
            let json_ld = tag == "<script type=\"application/ld+json\"";
            // The theme's own scripts are files below the base path.
            let theme_file =
                tag.contains(&theme_src) && html[at + tag.len()..].starts_with("></script>");
            assert!(
                json_ld || theme_file,
                "{}: a script element the theme did not put there: {tag}>",
                file.path
            );
        }
        assert!(
            !html.contains("href=\"javascript:"),
            "{}: a javascript: link",
            file.path
        );
    }
}
