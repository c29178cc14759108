//! Stage 4: link. Resolves ids into indexes, builds the claim graph with
//! every relation in both directions, and the per-speaker, per-source and
//! per-topic claim lists, all sorted, before anything is rendered.

use std::collections::HashMap;
use std::sync::Arc;

use crate::load::FileKind;
use crate::parse::{BodyLink, Claim, Page, Records, Source, Spanned, Speaker, Topic};

/// A record of any kind, as body links name it.
pub type RecordRef = (FileKind, String);

/// The three ways one claim can point at another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    Supports,
    Contradicts,
    RespondsTo,
}

impl Relation {
    pub const ALL: [Relation; 3] = [
        Relation::Supports,
        Relation::Contradicts,
        Relation::RespondsTo,
    ];

    pub fn targets(self, claim: &Claim) -> impl Iterator<Item = &str> {
        let list = match self {
            Relation::Supports => &claim.supports,
            Relation::Contradicts => &claim.contradicts,
            Relation::RespondsTo => &claim.responds_to,
        };
        list.iter().map(|s| s.value.as_str())
    }
}

/// A claim's relations, outgoing and incoming, as claim indexes.
#[derive(Debug, Clone, Default)]
pub struct Links {
    pub supports: Vec<usize>,
    pub supported_by: Vec<usize>,
    pub contradicts: Vec<usize>,
    pub contradicted_by: Vec<usize>,
    pub responds_to: Vec<usize>,
    pub responded_by: Vec<usize>,
}

impl Links {
    pub fn is_empty(&self) -> bool {
        self.supports.is_empty()
            && self.supported_by.is_empty()
            && self.contradicts.is_empty()
            && self.contradicted_by.is_empty()
            && self.responds_to.is_empty()
            && self.responded_by.is_empty()
    }
}

/// The linked site: records plus every index the pages need.
#[derive(Debug, Default)]
pub struct Graph {
    /// Published claims, oldest first (date, then id).
    pub claims: Vec<Arc<Claim>>,
    /// Speakers, sources and topics by id.
    pub speakers: Vec<Speaker>,
    pub sources: Vec<Source>,
    pub topics: Vec<Topic>,
    /// Free pages (published ones), by id.
    pub pages: Vec<Page>,
    pub claim_index: HashMap<String, usize>,
    pub speaker_index: HashMap<String, usize>,
    pub source_index: HashMap<String, usize>,
    pub topic_index: HashMap<String, usize>,
    pub page_index: HashMap<String, usize>,
    pub links: Vec<Links>,
    /// Claim indexes per speaker, source (as source or origin) and topic, oldest first.
    pub by_speaker: Vec<Vec<usize>>,
    pub by_source: Vec<Vec<usize>>,
    pub by_topic: Vec<Vec<usize>>,
    /// The people who speak for each organisation.
    pub members: Vec<Vec<usize>>,
    /// The records each record's body links to, in the order of the links,
    /// each once (only records in the site; a draft left out is not).
    pub mentions: HashMap<RecordRef, Vec<RecordRef>>,
    /// The records whose bodies link to each record ("Mentioned in"), in
    /// kind and then page order.
    pub mentioned_by: HashMap<RecordRef, Vec<RecordRef>>,
    /// The archived text of each source that has one, by source id, so
    /// that pages can show every quote in its place (read by `load`).
    pub archives: HashMap<String, Arc<str>>,
}

impl Graph {
    /// The `count` newest claims, newest date first. Claims of the same
    /// date (the same month, for month-precision dates) stay in id order,
    /// as they are everywhere else, rather than coming out reversed.
    pub fn newest_claims(&self, count: usize) -> Vec<usize> {
        let mut newest = Vec::with_capacity(count.min(self.claims.len()));
        let mut end = self.claims.len();
        while end > 0 && newest.len() < count {
            let date = self.claims[end - 1].date;
            let start = self.claims[..end]
                .iter()
                .rposition(|c| c.date != date)
                .map_or(0, |i| i + 1);
            let room = count - newest.len();
            newest.extend((start..end).take(room));
            end = start;
        }
        newest
    }

    /// Whether the site has a record of `kind` with `id`.
    pub fn has(&self, kind: FileKind, id: &str) -> bool {
        match kind {
            FileKind::Claim => self.claim_index.contains_key(id),
            FileKind::Speaker => self.speaker_index.contains_key(id),
            FileKind::Source => self.source_index.contains_key(id),
            FileKind::Topic => self.topic_index.contains_key(id),
            FileKind::Page => self.page_index.contains_key(id),
        }
    }

    /// The body links and former ids of the record of `kind` with `id`.
    fn parts(&self, kind: FileKind, id: &str) -> (&[BodyLink], &[Spanned<String>]) {
        let parts = match kind {
            FileKind::Claim => self
                .claim_index
                .get(id)
                .map(|&i| (&self.claims[i].links, &self.claims[i].old_ids)),
            FileKind::Speaker => self
                .speaker_index
                .get(id)
                .map(|&i| (&self.speakers[i].links, &self.speakers[i].old_ids)),
            FileKind::Source => self
                .source_index
                .get(id)
                .map(|&i| (&self.sources[i].links, &self.sources[i].old_ids)),
            FileKind::Topic => self
                .topic_index
                .get(id)
                .map(|&i| (&self.topics[i].links, &self.topics[i].old_ids)),
            FileKind::Page => self
                .page_index
                .get(id)
                .map(|&i| (&self.pages[i].links, &self.pages[i].old_ids)),
        };
        parts.map_or((&[], &[]), |(links, old)| {
            (links.as_slice(), old.as_slice())
        })
    }

    /// The body links of the record of `kind` with `id`.
    pub fn body_links(&self, kind: FileKind, id: &str) -> &[BodyLink] {
        self.parts(kind, id).0
    }

    /// Every record of the site, as (kind, id), in kind and then page order.
    pub fn records(&self) -> impl Iterator<Item = (FileKind, &str)> {
        let claims = self.claims.iter().map(|c| (FileKind::Claim, c.id.as_str()));
        let speakers = self
            .speakers
            .iter()
            .map(|s| (FileKind::Speaker, s.id.as_str()));
        let sources = self
            .sources
            .iter()
            .map(|s| (FileKind::Source, s.id.as_str()));
        let topics = self.topics.iter().map(|t| (FileKind::Topic, t.id.as_str()));
        let pages = self.pages.iter().map(|p| (FileKind::Page, p.id.as_str()));
        claims
            .chain(speakers)
            .chain(sources)
            .chain(topics)
            .chain(pages)
    }

    /// Every former id (`aliases`) of the site's records: (kind, old id,
    /// id), in kind and then page order.
    pub fn redirects(&self) -> Vec<(FileKind, &str, &str)> {
        self.records()
            .flat_map(|(kind, id)| {
                let old = self.parts(kind, id).1;
                old.iter().map(move |o| (kind, o.value.as_str(), id))
            })
            .collect()
    }

    /// Who mentions whom, from the body links of every record.
    fn link_mentions(&mut self) {
        let mut mentions: HashMap<RecordRef, Vec<RecordRef>> = HashMap::new();
        let mut mentioned_by: HashMap<RecordRef, Vec<RecordRef>> = HashMap::new();
        let records: Vec<(FileKind, String)> =
            self.records().map(|(k, id)| (k, id.to_string())).collect();
        for (kind, id) in records {
            let mut targets: Vec<RecordRef> = Vec::new();
            for link in self.body_links(kind, &id) {
                let Some(target_kind) = link.file_kind() else {
                    continue;
                };
                let target = (target_kind, link.id.clone());
                if self.has(target_kind, &link.id)
                    && target != (kind, id.clone())
                    && !targets.contains(&target)
                {
                    targets.push(target);
                }
            }
            for target in &targets {
                mentioned_by
                    .entry(target.clone())
                    .or_default()
                    .push((kind, id.clone()));
            }
            if !targets.is_empty() {
                mentions.insert((kind, id), targets);
            }
        }
        self.mentions = mentions;
        self.mentioned_by = mentioned_by;
    }
}

fn index_of<T>(items: &[T], id: impl Fn(&T) -> &str) -> HashMap<String, usize> {
    items
        .iter()
        .enumerate()
        .map(|(i, x)| (id(x).to_string(), i))
        .collect()
}

/// Links validated records. `drafts` keeps draft claims in the site.
pub fn link(records: Records, drafts: bool) -> Graph {
    let mut claims: Vec<Arc<Claim>> = records
        .claims
        .into_iter()
        .filter(|c| drafts || !c.draft)
        .collect();
    let mut speakers = records.speakers;
    speakers.sort_by(|a, b| a.id.cmp(&b.id));
    let mut sources = records.sources;
    sources.sort_by(|a, b| a.id.cmp(&b.id));
    let source_index = index_of(&sources, |s| &s.id);
    for claim in &mut claims {
        report_date(claim, &sources, &source_index);
    }
    claims.sort_by(|a, b| (a.date, &a.id).cmp(&(b.date, &b.id)));
    let mut topics = records.topics;
    topics.sort_by(|a, b| a.id.cmp(&b.id));
    let mut pages: Vec<Page> = records
        .pages
        .into_iter()
        .filter(|p| drafts || !p.draft)
        .collect();
    pages.sort_by(|a, b| a.id.cmp(&b.id));
    let page_index = index_of(&pages, |p| &p.id);

    let claim_index = index_of(&claims, |c| &c.id);
    let speaker_index = index_of(&speakers, |s| &s.id);
    let topic_index = index_of(&topics, |t| &t.id);

    let mut links = vec![Links::default(); claims.len()];
    let mut by_speaker = vec![Vec::new(); speakers.len()];
    let mut by_source = vec![Vec::new(); sources.len()];
    let mut by_topic = vec![Vec::new(); topics.len()];
    let mut edges = Vec::new();
    for (i, claim) in claims.iter().enumerate() {
        for relation in Relation::ALL {
            // Relations to claims left out of this build (drafts) are dropped.
            edges.extend(
                relation
                    .targets(claim)
                    .filter_map(|t| claim_index.get(t))
                    .map(|&j| (relation, i, j)),
            );
        }
        for s in &claim.speakers {
            if let Some(&k) = speaker_index.get(&s.value) {
                by_speaker[k].push(i);
            }
        }
        for source in std::iter::once(&claim.source).chain(claim.origin.as_ref()) {
            if let Some(&k) = source_index.get(&source.value) {
                by_source[k].push(i);
            }
        }
        for t in &claim.topics {
            if let Some(&k) = topic_index.get(&t.value) {
                by_topic[k].push(i);
            }
        }
    }
    for (relation, i, j) in edges {
        match relation {
            Relation::Supports => {
                links[i].supports.push(j);
                links[j].supported_by.push(i);
            }
            Relation::Contradicts => {
                links[i].contradicts.push(j);
                links[j].contradicted_by.push(i);
            }
            Relation::RespondsTo => {
                links[i].responds_to.push(j);
                links[j].responded_by.push(i);
            }
        }
    }
    for l in &mut links {
        for list in [
            &mut l.supports,
            &mut l.supported_by,
            &mut l.contradicts,
            &mut l.contradicted_by,
            &mut l.responds_to,
            &mut l.responded_by,
        ] {
            sort_unique(list);
        }
    }
    for list in by_speaker
        .iter_mut()
        .chain(&mut by_source)
        .chain(&mut by_topic)
    {
        sort_unique(list);
    }
    let mut members = vec![Vec::new(); speakers.len()];
    for (i, speaker) in speakers.iter().enumerate() {
        if let Some(org) = &speaker.org
            && let Some(&k) = speaker_index.get(&org.value)
            && k != i
        {
            members[k].push(i);
        }
    }
    let mut graph = Graph {
        claims,
        speakers,
        sources,
        topics,
        pages,
        claim_index,
        speaker_index,
        source_index,
        topic_index,
        page_index,
        links,
        by_speaker,
        by_source,
        by_topic,
        members,
        mentions: HashMap::new(),
        mentioned_by: HashMap::new(),
        archives: HashMap::new(),
    };
    graph.link_mentions();
    graph
}

/// Gives a claim that has no date of its own (`reported`) its source's
/// `published` date, which `validate` made sure there is.
pub fn report_date(
    claim: &mut Arc<Claim>,
    sources: &[Source],
    source_index: &HashMap<String, usize>,
) {
    if !claim.reported {
        return;
    }
    let published = source_index
        .get(&claim.source.value)
        .and_then(|&k| sources[k].published);
    if let Some(date) = published {
        Arc::make_mut(claim).date = date;
    }
}

/// Whether two versions of a claim take the same place in a graph: the
/// same id, date and draft state, speakers, sources, topics and relations.
/// Replacing one by the other changes no index, list or relation.
pub fn links_alike(a: &Claim, b: &Claim) -> bool {
    fn ids(list: &[Spanned<String>]) -> impl Iterator<Item = &str> {
        list.iter().map(|s| s.value.as_str())
    }
    fn same(a: &[Spanned<String>], b: &[Spanned<String>]) -> bool {
        ids(a).eq(ids(b))
    }
    a.id == b.id
        && a.date == b.date
        && a.reported == b.reported
        && a.draft == b.draft
        && a.source.value == b.source.value
        && a.origin.as_ref().map(|o| &o.value) == b.origin.as_ref().map(|o| &o.value)
        && same(&a.speakers, &b.speakers)
        && same(&a.topics, &b.topics)
        && same(&a.supports, &b.supports)
        && same(&a.contradicts, &b.contradicts)
        && same(&a.responds_to, &b.responds_to)
        && targets(&a.links).eq(targets(&b.links))
        && same(&a.old_ids, &b.old_ids)
}

/// The records a body links to, as written (for comparing two versions).
fn targets(links: &[BodyLink]) -> impl Iterator<Item = (&str, &str)> {
    links.iter().map(|l| (l.kind.as_str(), l.id.as_str()))
}

/// Claim indexes in order (which is date order), each once.
fn sort_unique(list: &mut Vec<usize>) {
    list.sort_unstable();
    list.dedup();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{FileKind, InputFile};

    fn claim(front: &str, body: &str) -> Claim {
        let text = format!(
            "---\nclaim: A claim.\nspeaker: xu-li\ndate: 2024-05\nsource: report\ntopics: [jobs]\nkind: opinion\n{front}---\n{body}\n"
        );
        let file = InputFile::in_content(FileKind::Claim, "a", &text);
        let (records, diagnostics) = crate::parse::parse_files(&[file]);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        Arc::unwrap_or_clone(records.claims.into_iter().next().unwrap())
    }

    #[test]
    fn newest_claims_are_newest_date_first_and_one_date_in_id_order() {
        let files: Vec<InputFile> = [
            ("b", "2024-05"),
            ("a", "2024-05"),
            ("c", "2024-05"),
            ("z", "2023"),
            ("y", "2025-01-02"),
        ]
        .iter()
        .map(|(id, date)| {
            let text = format!(
                "---\nclaim: A claim.\nspeaker: x\ndate: {date}\nsource: s\ntopics: [t]\nkind: opinion\n---\n"
            );
            InputFile::in_content(FileKind::Claim, id, &text)
        })
        .collect();
        let (records, diagnostics) = crate::parse::parse_files(&files);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let g = link(records, false);
        let ids = |list: Vec<usize>| {
            list.iter()
                .map(|&i| g.claims[i].id.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(g.newest_claims(10)), ["y", "a", "b", "c", "z"]);
        assert_eq!(ids(g.newest_claims(3)), ["y", "a", "b"]);
        assert!(g.newest_claims(0).is_empty());
    }

    #[test]
    fn text_edits_link_alike_and_new_links_do_not() {
        let a = claim("", "Body.");
        assert!(links_alike(&a, &claim("", "Another body.")));
        assert!(links_alike(&a, &claim("status: open\n", "Body.")));
        assert!(!links_alike(&a, &claim("supports: [b]\n", "Body.")));
        assert!(!links_alike(&a, &claim("origin: blog\n", "Body.")));
        assert!(!links_alike(&a, &claim("draft: true\n", "Body.")));
        let mut moved = a.clone();
        moved.date = crate::parse::PartialDate {
            year: 2025,
            month: None,
            day: None,
        };
        assert!(!links_alike(&a, &moved));
    }
}
