//! What templates see: plain serialisable views of the linked graph, with
//! URLs, display dates and Markdown already worked out. Built once per
//! record and shared by reference between the pages that list it.

use serde::Serialize;

use super::i18n::{format_date, text_lang, tr};
use super::markdown::render_markdown_linked;
use crate::graph::Graph;
use crate::load::FileKind;
use crate::parse::{Claim, PartialDate};

#[derive(Debug, Clone, Serialize)]
pub struct DateView {
    /// As written: `2024`, `2024-12`, `2024-12-13`.
    pub iso: String,
    /// As read: `Dec 2024`, `2024年12月`.
    pub display: String,
}

impl DateView {
    pub fn new(date: &PartialDate, language: &str) -> Self {
        DateView {
            iso: date.to_string(),
            display: format_date(date, language),
        }
    }
}

/// A link to a record: its id, page URL and display name.
#[derive(Debug, Clone, Serialize)]
pub struct Ref {
    pub id: String,
    pub url: String,
    pub name: String,
    /// The language of a speaker's name when its script is not the
    /// interface's (`zh` for `何恩培` on an English site), else none.
    pub lang: Option<&'static str>,
}

/// A claim as it appears in lists.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimSummary {
    pub id: String,
    pub url: String,
    pub claim: String,
    /// The language of `claim` (and the body), when it is not the site's.
    pub lang: Option<&'static str>,
    pub date: DateView,
    /// The claim gives no date of its own: `date` is when its source
    /// reported it.
    pub reported: bool,
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub status: &'static str,
    pub status_label: &'static str,
    /// What the status means, for the badge's tooltip.
    pub status_note: &'static str,
    pub overdue: bool,
    pub draft: bool,
    pub speakers: Vec<Ref>,
    pub topics: Vec<Ref>,
    pub source: Ref,
}

#[derive(Debug, Clone, Serialize)]
pub struct FigureView {
    pub value: String,
    pub unit: Option<String>,
    pub about: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SpeakerSummary {
    pub id: String,
    pub url: String,
    pub name: String,
    /// The language of `name`, as for [`Ref::lang`].
    pub lang: Option<&'static str>,
    /// The language of the role and body, when not the site's.
    pub text_lang: Option<&'static str>,
    pub aliases: Vec<String>,
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub role: Option<String>,
    pub org: Option<Ref>,
    pub url_external: Option<String>,
    pub claim_count: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct SourceSummary {
    pub id: String,
    pub url: String,
    pub title: String,
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub outlet: Option<String>,
    pub authors: Vec<String>,
    pub published: Option<DateView>,
    pub url_external: Option<String>,
    /// The language of the source itself.
    pub lang: Option<String>,
    /// The language of `title` (and the body), when it is not the site's.
    pub title_lang: Option<&'static str>,
    pub claim_count: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct TopicSummary {
    pub id: String,
    pub url: String,
    pub title: String,
    /// The language of `title` (and the body), when it is not the site's.
    pub lang: Option<&'static str>,
    pub question: Option<String>,
    pub claim_count: usize,
}

/// A group of related claims on a claim page ("Contradicted by", ...).
#[derive(Debug, Clone, Serialize)]
pub struct RelationGroup {
    pub relation: &'static str,
    pub label: &'static str,
    /// The claims as `item`s of lists (summary and `html`).
    pub claims: Vec<tera::Value>,
}

/// Everything a claim page shows.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimView {
    #[serde(flatten)]
    pub summary: ClaimSummary,
    pub speakers_full: Vec<SpeakerSummary>,
    pub source_full: SourceSummary,
    pub locator: Option<String>,
    /// `locator` as a place a reader can find ("section 3" for `三`).
    pub locator_display: Option<String>,
    pub origin: Option<SourceSummary>,
    pub quote: Option<String>,
    pub quote_lang: Option<String>,
    /// The quote is the source's words for what was said, not the
    /// speaker's own (`quote_reported`, or inferred from `origin`).
    pub quote_reported: bool,
    /// The paragraphs of the source's archived text that hold the quote.
    pub context: Option<super::archive::QuoteContext>,
    pub translation: Option<String>,
    pub resolves: Option<DateView>,
    pub updated: Option<DateView>,
    pub figures: Vec<FigureView>,
    pub relations: Vec<RelationGroup>,
    pub body: String,
}

/// Site-wide URL scheme: every page URL is the base path plus one of these.
pub fn claim_path(id: &str) -> String {
    format!("claims/{id}/")
}
pub fn speaker_path(id: &str) -> String {
    format!("speakers/{id}/")
}
pub fn source_path(id: &str) -> String {
    format!("sources/{id}/")
}
pub fn topic_path(id: &str) -> String {
    format!("topics/{id}/")
}
pub fn page_path(id: &str) -> String {
    format!("{id}/")
}

/// Page `n` (from 1) of a page that lists claims (`topics/x/`, then
/// `topics/x/page/2/`, ...).
pub fn list_path(path: &str, n: usize) -> String {
    if n <= 1 {
        path.to_string()
    } else {
        format!("{path}page/{n}/")
    }
}

/// The page of a record of any kind, below the base.
pub fn record_path(kind: FileKind, id: &str) -> String {
    match kind {
        FileKind::Claim => claim_path(id),
        FileKind::Speaker => speaker_path(id),
        FileKind::Source => source_path(id),
        FileKind::Topic => topic_path(id),
        FileKind::Page => page_path(id),
    }
}

/// Page `n` (from 1) of the timeline.
pub fn timeline_path(n: usize) -> String {
    if n <= 1 {
        "timeline/".into()
    } else {
        format!("timeline/page/{n}/")
    }
}

/// How the timeline's claims are split into pages of `size` (0: one page).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimelinePages {
    pub size: usize,
    pub claims: usize,
}

impl TimelinePages {
    /// The number of pages, at least one.
    pub fn count(self) -> usize {
        if self.size == 0 {
            1
        } else {
            self.claims.div_ceil(self.size).max(1)
        }
    }

    /// The page (from 1) that claim `i`, in date order, is on.
    pub fn page_of(self, i: usize) -> usize {
        i.checked_div(self.size).map_or(1, |page| page + 1)
    }

    /// The claims, in date order, of page `n`.
    pub fn claims_on(self, n: usize) -> std::ops::Range<usize> {
        if self.size == 0 {
            return 0..self.claims;
        }
        let start = ((n - 1) * self.size).min(self.claims);
        start..(start + self.size).min(self.claims)
    }
}

/// Builds the views of a graph once, for all pages to share.
pub struct Views {
    pub claims: Vec<ClaimSummary>,
    pub speakers: Vec<SpeakerSummary>,
    pub sources: Vec<SourceSummary>,
    pub topics: Vec<TopicSummary>,
}

pub struct ViewContext<'a> {
    pub graph: &'a Graph,
    pub base: &'a str,
    pub language: &'a str,
    pub today: PartialDate,
}

impl ViewContext<'_> {
    pub fn kind_label(&self, kind: &str) -> &'static str {
        tr(self.language, &format!("kind_{kind}"))
    }

    pub fn is_overdue(&self, claim: &Claim) -> bool {
        claim.status == "open"
            && claim.kind == "prediction"
            && claim.resolves.is_some_and(|r| r.last_day() < self.today)
    }

    /// A record of any kind as a link: its page and the name it is shown
    /// by (a claim by its statement); `None` when it is not in the site.
    pub fn record_ref(&self, kind: FileKind, id: &str) -> Option<Ref> {
        let g = self.graph;
        let (name, lang) = match kind {
            FileKind::Claim => {
                let c = &g.claims[*g.claim_index.get(id)?];
                (&c.claim, &c.text_lang)
            }
            FileKind::Speaker => return g.speaker_index.get(id).map(|_| self.speaker_ref(id)),
            FileKind::Source => {
                let s = &g.sources[*g.source_index.get(id)?];
                (&s.title, &s.text_lang)
            }
            FileKind::Topic => {
                let t = &g.topics[*g.topic_index.get(id)?];
                (&t.title, &t.text_lang)
            }
            FileKind::Page => {
                let p = &g.pages[*g.page_index.get(id)?];
                (&p.title, &p.text_lang)
            }
        };
        Some(Ref {
            id: id.to_string(),
            url: format!("{}{}", self.base, record_path(kind, id)),
            lang: self.lang_of(lang, name),
            name: name.clone(),
        })
    }

    /// The records whose bodies link to this one ("Mentioned in").
    pub fn mentioned_in(&self, kind: FileKind, id: &str) -> Vec<Ref> {
        self.graph
            .mentioned_by
            .get(&(kind, id.to_string()))
            .into_iter()
            .flatten()
            .filter_map(|(k, i)| self.record_ref(*k, i))
            .collect()
    }

    /// A record's body as HTML, its `@kind/id` links resolved.
    pub fn body_html(&self, markdown: &str, unsafe_html: bool) -> String {
        render_markdown_linked(markdown, unsafe_html, &|kind, id| {
            self.record_ref(kind, id).map(|r| (r.url, r.name))
        })
    }

    /// The language of a record's text, when it is not the site's (see
    /// [`text_lang`]).
    pub fn lang_of(&self, record_lang: &Option<String>, text: &str) -> Option<&'static str> {
        text_lang(record_lang.as_deref(), text, self.language)
    }

    /// The language of a text longer than a name (a statement, a title),
    /// when the record is shown untranslated: such text may quote another
    /// script without being in its language.
    pub fn untranslated(&self, record_lang: &Option<String>) -> Option<&'static str> {
        text_lang(record_lang.as_deref(), "", self.language)
    }

    pub fn speaker_ref(&self, id: &str) -> Ref {
        let speaker = self
            .graph
            .speaker_index
            .get(id)
            .map(|&i| &self.graph.speakers[i]);
        let name = speaker.map_or_else(|| id.to_string(), |s| s.name.clone());
        Ref {
            id: id.to_string(),
            url: format!("{}{}", self.base, speaker_path(id)),
            lang: self.lang_of(&speaker.and_then(|s| s.text_lang.clone()), &name),
            name,
        }
    }

    pub fn source_ref(&self, id: &str) -> Ref {
        let source = self
            .graph
            .source_index
            .get(id)
            .map(|&i| &self.graph.sources[i]);
        let name = source.map_or_else(|| id.to_string(), |s| s.title.clone());
        Ref {
            id: id.to_string(),
            url: format!("{}{}", self.base, source_path(id)),
            lang: self.untranslated(&source.and_then(|s| s.text_lang.clone())),
            name,
        }
    }

    pub fn topic_ref(&self, id: &str) -> Ref {
        let topic = self
            .graph
            .topic_index
            .get(id)
            .map(|&i| &self.graph.topics[i]);
        let name = topic.map_or_else(|| id.to_string(), |t| t.title.clone());
        Ref {
            id: id.to_string(),
            url: format!("{}{}", self.base, topic_path(id)),
            lang: self.untranslated(&topic.and_then(|t| t.text_lang.clone())),
            name,
        }
    }

    pub fn claim_summary(&self, claim: &Claim) -> ClaimSummary {
        ClaimSummary {
            id: claim.id.clone(),
            url: format!("{}{}", self.base, claim_path(&claim.id)),
            claim: claim.claim.clone(),
            lang: self.untranslated(&claim.text_lang),
            date: DateView::new(&claim.date, self.language),
            reported: claim.reported,
            kind: claim.kind,
            kind_label: self.kind_label(claim.kind),
            status: claim.status,
            status_label: tr(self.language, &format!("status_{}", claim.status)),
            status_note: tr(self.language, &format!("status_{}_note", claim.status)),
            overdue: self.is_overdue(claim),
            draft: claim.draft,
            speakers: claim
                .speakers
                .iter()
                .map(|s| self.speaker_ref(&s.value))
                .collect(),
            topics: claim
                .topics
                .iter()
                .map(|t| self.topic_ref(&t.value))
                .collect(),
            source: self.source_ref(&claim.source.value),
        }
    }

    pub fn build(&self) -> Views {
        let g = self.graph;
        use rayon::prelude::*;
        let claims = g.claims.par_iter().map(|c| self.claim_summary(c)).collect();
        let speakers = g
            .speakers
            .iter()
            .enumerate()
            .map(|(i, s)| SpeakerSummary {
                id: s.id.clone(),
                url: format!("{}{}", self.base, speaker_path(&s.id)),
                name: s.name.clone(),
                lang: self.lang_of(&s.text_lang, &s.name),
                text_lang: self.untranslated(&s.text_lang),
                // The name shown is not repeated among its other names.
                aliases: s
                    .aliases
                    .iter()
                    .filter(|a| **a != s.name)
                    .cloned()
                    .collect(),
                kind: s.kind,
                kind_label: tr(self.language, &format!("speaker_{}", s.kind)),
                role: s.role.clone(),
                org: s.org.as_ref().map(|o| self.speaker_ref(&o.value)),
                url_external: s.url.clone(),
                claim_count: g.by_speaker[i].len(),
            })
            .collect();
        let sources = g
            .sources
            .iter()
            .enumerate()
            .map(|(i, s)| SourceSummary {
                id: s.id.clone(),
                url: format!("{}{}", self.base, source_path(&s.id)),
                title: s.title.clone(),
                kind: s.kind,
                kind_label: tr(self.language, &format!("source_{}", s.kind)),
                outlet: s.outlet.clone(),
                authors: s.authors.clone(),
                published: s
                    .published
                    .as_ref()
                    .map(|d| DateView::new(d, self.language)),
                url_external: s.url.clone(),
                lang: s.lang.clone(),
                title_lang: self.untranslated(&s.text_lang),
                claim_count: g.by_source[i].len(),
            })
            .collect();
        let topics = g
            .topics
            .iter()
            .enumerate()
            .map(|(i, t)| TopicSummary {
                id: t.id.clone(),
                url: format!("{}{}", self.base, topic_path(&t.id)),
                title: t.title.clone(),
                lang: self.untranslated(&t.text_lang),
                question: t.question.clone(),
                claim_count: g.by_topic[i].len(),
            })
            .collect();
        Views {
            claims,
            speakers,
            sources,
            topics,
        }
    }
}
