//! Which pages an edit affects: changed records in, output paths out.
//! Pure: it reads the graphs before and after the edit and nothing else.
//!
//! A claim appears on its own page, on the pages of its speakers, sources
//! and topics, on the pages of every claim related to it (both directions),
//! and on the topic pages where it stands in a contradiction. A speaker,
//! source or topic appears on its own page and wherever its claims appear.
//! The home page, the timeline, the three index pages and the search page
//! list or count everything and are always rendered; so are the site feed, the sitemap
//! and the data files, while a topic's or speaker's feed follows its page.
//! A change in how many records there are changes the
//! counts every page shows, so it affects everything.

use std::collections::{BTreeSet, HashMap};

use crate::graph::Graph;
use crate::load::{FileKind, InputFile};
use crate::render::pages::newest_on_home;
pub use crate::render::paths::ALWAYS;
use crate::render::views::{
    TimelinePages, claim_path, page_path, record_path, source_path, speaker_path, timeline_path,
    topic_path,
};

/// The records an edit changed, created or deleted, as (kind, id).
pub type Changed = BTreeSet<(FileKind, String)>;

/// Compares two versions of the content files.
pub fn changed_records(old: &[InputFile], new: &[InputFile]) -> Changed {
    changed_records_in(old, new, None)
}

/// The records changed as the site in `language` shows them (`None`: the
/// default language): those whose original changed, or whose translation
/// into `language`. A translation into another language changes nothing
/// here.
pub fn changed_records_in(old: &[InputFile], new: &[InputFile], language: Option<&str>) -> Changed {
    let (old, new) = (text_by_record(old, language), text_by_record(new, language));
    let mut changed = Changed::new();
    for (&(kind, id, lang), text) in &old {
        if new.get(&(kind, id, lang)) != Some(text) {
            changed.insert((kind, id.to_string()));
        }
    }
    for &(kind, id, lang) in new.keys() {
        if !old.contains_key(&(kind, id, lang)) {
            changed.insert((kind, id.to_string()));
        }
    }
    changed
}

/// The text of each original, and of each translation into `language`.
fn text_by_record<'f>(
    files: &'f [InputFile],
    language: Option<&str>,
) -> HashMap<(FileKind, &'f str, Option<&'f str>), &'f str> {
    files
        .iter()
        .filter(|f| f.lang.is_none() || f.lang.as_deref() == language)
        .map(|f| ((f.kind, f.id.as_str(), f.lang.as_deref()), &*f.text))
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Affected {
    Everything,
    /// Output paths of the HTML pages to render again.
    Pages(BTreeSet<String>),
}

/// `timeline_page_size` is the site's `timeline_page_size`.
pub fn affected_pages(
    old: &Graph,
    new: &Graph,
    changed: &Changed,
    timeline_page_size: usize,
) -> Affected {
    let counts = |g: &Graph| {
        (
            g.claims.len(),
            g.speakers.len(),
            g.sources.len(),
            g.topics.len(),
            g.pages.len(),
        )
    };
    // Redirect pages, and `_redirects`, come and go with aliases.
    if counts(old) != counts(new) || old.redirects() != new.redirects() {
        return Affected::Everything;
    }
    let mut pages: BTreeSet<String> = ALWAYS.iter().map(|p| p.to_string()).collect();
    // The claims whose summaries may have changed, by index.
    let mut shown = BTreeSet::new();
    let page = |path: String| format!("{path}index.html");
    for (kind, id) in changed {
        for g in [old, new] {
            match kind {
                FileKind::Claim => {
                    if let Some(&i) = g.claim_index.get(id) {
                        touch_claim(g, i, &mut pages, &mut shown);
                    }
                }
                FileKind::Speaker => {
                    pages.insert(page(speaker_path(id)));
                    let Some(&k) = g.speaker_index.get(id) else {
                        continue;
                    };
                    for &c in &g.by_speaker[k] {
                        touch_claim(g, c, &mut pages, &mut shown);
                    }
                    // Its members show its name; its organisation lists it.
                    for &m in &g.members[k] {
                        pages.insert(page(speaker_path(&g.speakers[m].id)));
                        for &c in &g.by_speaker[m] {
                            pages.insert(page(claim_path(&g.claims[c].id)));
                        }
                    }
                    if let Some(org) = &g.speakers[k].org {
                        pages.insert(page(speaker_path(&org.value)));
                    }
                }
                FileKind::Source => {
                    pages.insert(page(source_path(id)));
                    if let Some(&k) = g.source_index.get(id) {
                        for &c in &g.by_source[k] {
                            touch_claim(g, c, &mut pages, &mut shown);
                        }
                    }
                }
                FileKind::Topic => {
                    pages.insert(page(topic_path(id)));
                    if let Some(&k) = g.topic_index.get(id) {
                        for &c in &g.by_topic[k] {
                            touch_claim(g, c, &mut pages, &mut shown);
                        }
                    }
                }
                FileKind::Page => {
                    // The header of every page links the pages in the menu.
                    let in_menu = |g: &Graph| {
                        g.page_index
                            .get(id)
                            .map(|&k| (g.pages[k].menu, g.pages[k].title.clone()))
                    };
                    let (before, after) = (in_menu(old), in_menu(new));
                    if before != after
                        && (before.is_some_and(|m| m.0.is_some())
                            || after.is_some_and(|m| m.0.is_some()))
                    {
                        return Affected::Everything;
                    }
                    pages.insert(page(page_path(id)));
                }
            }
            touch_mentions(g, *kind, id, &mut pages);
        }
    }
    // The timeline pages showing them; all when a date changed, which may
    // move claims between pages and changes the months each page's links
    // say the pages span.
    let timeline = TimelinePages {
        size: timeline_page_size,
        claims: new.claims.len(),
    };
    let dated = |g: &Graph| {
        g.claims
            .iter()
            .map(|c| (c.id.clone(), c.date))
            .collect::<Vec<_>>()
    };
    let numbers: Vec<usize> = if dated(old) == dated(new) {
        shown.iter().map(|&i| timeline.page_of(i)).collect()
    } else {
        (1..=timeline.count()).collect()
    };
    for n in numbers {
        pages.insert(page(timeline_path(n)));
    }
    Affected::Pages(pages)
}

/// The pages that claims edited in place show on (see
/// `Session::patch_claims`): with the same date, speakers, sources, topics
/// and relations, every count, chart and order stays as it was, so only
/// the pages listing or linking those claims change; and the search page,
/// which counts claims by kind and status, when `kinds_or_statuses` of
/// them changed.
pub fn affected_in_place(
    g: &Graph,
    edited: &[usize],
    kinds_or_statuses: bool,
    timeline_page_size: usize,
) -> BTreeSet<String> {
    let mut pages = BTreeSet::new();
    let mut shown = BTreeSet::new();
    for &i in edited {
        touch_claim(g, i, &mut pages, &mut shown);
    }
    let timeline = TimelinePages {
        size: timeline_page_size,
        claims: g.claims.len(),
    };
    let home = newest_on_home(g);
    for &i in &shown {
        pages.insert(format!("{}index.html", timeline_path(timeline.page_of(i))));
        if home.contains(&i) {
            pages.insert("index.html".to_string());
        }
    }
    if kinds_or_statuses {
        pages.insert("search/index.html".to_string());
    }
    pages
}

/// The pages that show a record's name through body links: those it
/// mentions ("Mentioned in" lists it) and those that mention it (a link
/// with no text shows its name).
fn touch_mentions(g: &Graph, kind: FileKind, id: &str, pages: &mut BTreeSet<String>) {
    let key = (kind, id.to_string());
    for (k, other) in g
        .mentions
        .get(&key)
        .into_iter()
        .chain(g.mentioned_by.get(&key))
        .flatten()
    {
        pages.insert(format!("{}index.html", record_path(*k, other)));
    }
}

/// Every page that shows claim `i` of graph `g` (its timeline page is
/// found from `shown`, which it joins).
fn touch_claim(g: &Graph, i: usize, pages: &mut BTreeSet<String>, shown: &mut BTreeSet<usize>) {
    shown.insert(i);
    let page = |path: String| format!("{path}index.html");
    let claim = &g.claims[i];
    pages.insert(page(claim_path(&claim.id)));
    touch_mentions(g, FileKind::Claim, &claim.id, pages);
    for s in &claim.speakers {
        pages.insert(page(speaker_path(&s.value)));
    }
    pages.insert(page(source_path(&claim.source.value)));
    // The source's text page highlights the claim's quote.
    if g.archives.contains_key(&claim.source.value) {
        pages.insert(page(crate::render::archive::source_text_path(
            &claim.source.value,
        )));
    }
    if let Some(origin) = &claim.origin {
        pages.insert(page(source_path(&origin.value)));
    }
    for t in &claim.topics {
        pages.insert(page(topic_path(&t.value)));
    }
    let links = &g.links[i];
    for list in [
        &links.supports,
        &links.supported_by,
        &links.responds_to,
        &links.responded_by,
    ] {
        for &j in list {
            pages.insert(page(claim_path(&g.claims[j].id)));
        }
    }
    // A contradiction shows both claims on the topic pages of each.
    for &j in links.contradicts.iter().chain(&links.contradicted_by) {
        let other = &g.claims[j];
        pages.insert(page(claim_path(&other.id)));
        for t in &other.topics {
            pages.insert(page(topic_path(&t.value)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse_files;

    fn file(kind: FileKind, id: &str, text: &str) -> InputFile {
        InputFile::in_content(kind, id, text)
    }

    fn claim(id: &str, speaker: &str, topic: &str, extra: &str) -> InputFile {
        file(
            FileKind::Claim,
            id,
            &format!(
                "---\nclaim: {id}\nspeaker: {speaker}\ndate: 2025\nsource: s\ntopics: [{topic}]\n{extra}---\n"
            ),
        )
    }

    fn site(extra_a: &str) -> Vec<InputFile> {
        vec![
            file(FileKind::Speaker, "ann", "---\nname: Ann\n---\n"),
            file(FileKind::Speaker, "bob", "---\nname: Bob\n---\n"),
            file(FileKind::Source, "s", "---\ntitle: S\n---\n"),
            file(FileKind::Topic, "t1", "---\ntitle: T1\n---\n"),
            file(FileKind::Topic, "t2", "---\ntitle: T2\n---\n"),
            claim("a", "ann", "t1", extra_a),
            claim("b", "bob", "t2", "contradicts: [c]\n"),
            claim("c", "bob", "t2", ""),
        ]
    }

    fn graph(files: &[InputFile]) -> Graph {
        let (records, diagnostics) = parse_files(files);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        crate::graph::link(records, false)
    }

    #[test]
    fn a_translation_changes_its_own_language_only() {
        let zh = |text: &str| InputFile::translation_in_content(FileKind::Claim, "a", "zh", text);
        let mut old = site("");
        old.push(zh("---\nclaim: 甲\n---\n"));
        let mut new = site("");
        new.push(zh("---\nclaim: 乙\n---\n"));
        let a: Changed = [(FileKind::Claim, "a".to_string())].into();
        assert_eq!(changed_records(&old, &new), Changed::new());
        assert_eq!(changed_records_in(&old, &new, Some("zh")), a);
        assert_eq!(changed_records_in(&old, &new, Some("fr")), Changed::new());
        // An original changes every language; a translation deleted, its own.
        let edited = site("kind: prediction\n");
        assert_eq!(changed_records_in(&new, &edited, None), a);
        assert_eq!(changed_records_in(&new, &edited, Some("zh")), a);
    }

    #[test]
    fn editing_a_claim_touches_its_own_neighbourhood_only() {
        let old = site("");
        let new = site("kind: prediction\n");
        let changed = changed_records(&old, &new);
        assert_eq!(changed, [(FileKind::Claim, "a".to_string())].into());
        let Affected::Pages(pages) = affected_pages(&graph(&old), &graph(&new), &changed, 500)
        else {
            panic!("expected a partial rebuild")
        };
        for p in [
            "claims/a/index.html",
            "speakers/ann/index.html",
            "sources/s/index.html",
            "topics/t1/index.html",
        ] {
            assert!(pages.contains(p), "{p} missing from {pages:?}");
        }
        for p in [
            "claims/b/index.html",
            "speakers/bob/index.html",
            "topics/t2/index.html",
        ] {
            assert!(!pages.contains(p), "{p} should not be rendered again");
        }
    }

    #[test]
    fn a_new_relation_touches_both_ends_and_their_topics() {
        let old = site("");
        let new = site("contradicts: [b]\n");
        let changed = changed_records(&old, &new);
        let Affected::Pages(pages) = affected_pages(&graph(&old), &graph(&new), &changed, 500)
        else {
            panic!("expected a partial rebuild")
        };
        assert!(pages.contains("claims/b/index.html"));
        assert!(pages.contains("topics/t2/index.html"));
    }

    #[test]
    fn renaming_a_speaker_touches_the_pages_of_its_claims() {
        let old = site("");
        let mut new = site("");
        new[1].text = "---\nname: Robert\n---\n".into();
        let changed = changed_records(&old, &new);
        let Affected::Pages(pages) = affected_pages(&graph(&old), &graph(&new), &changed, 500)
        else {
            panic!("expected a partial rebuild")
        };
        assert!(pages.contains("claims/b/index.html") && pages.contains("claims/c/index.html"));
        assert!(!pages.contains("claims/a/index.html"));
    }

    #[test]
    fn a_new_claim_changes_the_counts_so_everything() {
        let old = site("");
        let mut new = site("");
        new.push(claim("d", "ann", "t1", ""));
        let changed = changed_records(&old, &new);
        assert_eq!(
            affected_pages(&graph(&old), &graph(&new), &changed, 500),
            Affected::Everything
        );
    }
}
