//! One function per kind of page: the context it gets and the file it
//! becomes. Pages render in parallel; none reads or writes the disk.

use std::collections::{BTreeSet, HashMap};
use std::ops::Bound;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Value};

use super::i18n::{format_date, tr};
use super::markdown::render_markdown;
use super::templates::Theme;
use super::views::*;
use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::graph::Graph;
use crate::write::OutputFile;

/// What every page knows about itself.
#[derive(Debug, Clone, Serialize)]
pub struct PageMeta {
    pub title: String,
    /// Path below the base, e.g. `claims/x/` (empty for the home page).
    pub path: String,
    /// URL path from the host root, e.g. `/ai-claims/claims/x/`.
    pub url: String,
    /// Full URL when `base_url` is absolute.
    pub canonical: Option<String>,
    pub description: String,
    /// Which header section is current.
    pub section: &'static str,
    pub breadcrumbs: Vec<Crumb>,
    /// schema.org JSON-LD, escaped for a `<script>` element.
    pub jsonld: String,
    /// URL of the page's own Atom feed, besides the site's.
    pub feed: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Crumb {
    pub name: String,
    pub url: String,
}

pub struct PageBuilder<'a> {
    pub graph: &'a Graph,
    pub config: &'a Config,
    pub theme: &'a Theme,
    pub views: &'a Views,
    pub view_cx: &'a ViewContext<'a>,
    /// Every claim as `item` in lists (its summary, and its `html`),
    /// cloned cheaply into them.
    pub items: &'a [Value],
    /// The timeline chart, small and full.
    pub charts: &'a [super::chart::Chart; 2],
}

impl PageBuilder<'_> {
    fn base(&self) -> &str {
        self.view_cx.base
    }

    fn t(&self, key: &str) -> &'static str {
        tr(&self.config.language, key)
    }

    fn meta(
        &self,
        title: String,
        path: String,
        section: &'static str,
        description: String,
        crumbs: Vec<(String, String)>,
    ) -> PageMeta {
        let mut breadcrumbs = vec![Crumb {
            name: self.t("home").to_string(),
            url: self.base().to_string(),
        }];
        breadcrumbs.extend(crumbs.into_iter().map(|(name, p)| Crumb {
            name,
            url: format!("{}{p}", self.base()),
        }));
        PageMeta {
            canonical: self.config.absolute_base().map(|b| format!("{b}{path}")),
            url: format!("{}{path}", self.base()),
            title,
            path,
            // Every page gets a meta description: its own, else the site's.
            description: if description.is_empty() {
                self.config.description.clone()
            } else {
                description
            },
            section,
            breadcrumbs,
            jsonld: String::new(),
            feed: None,
        }
    }

    /// A URL as seen from outside: absolute when `base_url` is.
    pub fn absolute(&self, url: &str) -> String {
        match self.config.absolute_base() {
            Some(base) => format!("{base}{}", url.strip_prefix(self.base()).unwrap_or(url)),
            None => url.to_string(),
        }
    }

    fn claim_list(&self, indexes: &[usize]) -> Value {
        Value::from(
            indexes
                .iter()
                .map(|&i| self.items[i].clone())
                .collect::<Vec<_>>(),
        )
    }

    fn page(
        &self,
        template: &str,
        file: String,
        mut meta: PageMeta,
        mut context: Context,
    ) -> Result<OutputFile, Diagnostic> {
        if meta.jsonld.is_empty() {
            let kind = if template.ends_with("s.html")
                || template == "timeline.html"
                || template == "topic.html"
                || template == "source.html"
            {
                "CollectionPage"
            } else {
                "WebPage"
            };
            let value = super::structured::web_page(
                kind,
                &meta.title,
                &self.absolute(&meta.url),
                &self.config.language,
            );
            meta.jsonld = super::structured::to_script_json(&value);
        }
        context.insert("page", &meta);
        let html = self.theme.render(template, &context)?;
        Ok(OutputFile::new(file, html.into_bytes()))
    }

    /// Every HTML page of the site, or only those whose output path is in
    /// `only` (an incremental rebuild), each handed to `emit` as soon as it
    /// is rendered, from whichever thread rendered it.
    pub fn render_all(
        &self,
        only: Option<&BTreeSet<String>>,
        emit: &(dyn Fn(Result<OutputFile, Diagnostic>) + Sync),
    ) {
        let g = self.graph;
        let wanted = |path: String| only.is_none_or(|set| set.contains(&path));
        type Job<'a> = Box<dyn Fn() -> Result<OutputFile, Diagnostic> + Send + Sync + 'a>;
        let fixed: Vec<(&str, Job<'_>)> = vec![
            ("index.html", Box::new(|| self.home())),
            ("speakers/index.html", Box::new(|| self.speakers())),
            ("sources/index.html", Box::new(|| self.sources())),
            ("topics/index.html", Box::new(|| self.topics())),
            ("404.html", Box::new(|| self.not_found())),
        ];
        fixed
            .into_par_iter()
            .filter(|(path, _)| wanted(path.to_string()))
            .for_each(|(_, job)| emit(job()));
        let page = |path: String| format!("{path}index.html");
        let timeline = self.timeline_pages();
        (1..=timeline.count())
            .into_par_iter()
            .filter(|&n| wanted(page(timeline_path(n))))
            .for_each(|n| emit(self.timeline(timeline, n)));
        let claims = chosen(only, "claims/", &g.claim_index, g.claims.len());
        claims.into_par_iter().for_each(|i| emit(self.claim(i)));
        let speakers = chosen(only, "speakers/", &g.speaker_index, g.speakers.len());
        speakers.into_par_iter().for_each(|i| emit(self.speaker(i)));
        let sources = chosen(only, "sources/", &g.source_index, g.sources.len());
        sources.into_par_iter().for_each(|i| emit(self.source(i)));
        let topics = chosen(only, "topics/", &g.topic_index, g.topics.len());
        topics.into_par_iter().for_each(|i| emit(self.topic(i)));
    }

    fn home(&self) -> Result<OutputFile, Diagnostic> {
        let newest: Vec<usize> = newest_on_home(self.graph.claims.len()).rev().collect();
        let mut cx = Context::new();
        cx.insert_value("newest", self.claim_list(&newest));
        cx.insert("topics", &self.views.topics);
        cx.insert("chart", &self.charts[0]);
        let meta = self.meta(
            self.config.title.clone(),
            String::new(),
            "home",
            self.config.description.clone(),
            vec![],
        );
        let value = super::structured::website(
            &self.config.title,
            &self.config.description,
            &self.absolute(&meta.url),
            &self.config.language,
        );
        let meta = PageMeta {
            jsonld: super::structured::to_script_json(&value),
            ..meta
        };
        self.page("index.html", "index.html".into(), meta, cx)
    }

    fn claim(&self, i: usize) -> Result<OutputFile, Diagnostic> {
        let g = self.graph;
        let claim = &g.claims[i];
        let links = &g.links[i];
        let summaries = |list: &[usize]| list.iter().map(|&j| self.items[j].clone()).collect();
        let relations: Vec<RelationGroup> = [
            ("supports", &links.supports),
            ("supported_by", &links.supported_by),
            ("contradicts", &links.contradicts),
            ("contradicted_by", &links.contradicted_by),
            ("responds_to", &links.responds_to),
            ("responded_by", &links.responded_by),
        ]
        .into_iter()
        .filter(|(_, list)| !list.is_empty())
        .map(|(relation, list)| RelationGroup {
            relation,
            label: self.t(relation),
            claims: summaries(list),
        })
        .collect();
        let source_view = |id: &str| {
            g.source_index
                .get(id)
                .map(|&k| self.views.sources[k].clone())
        };
        let view = ClaimView {
            summary: self.views.claims[i].clone(),
            speakers_full: claim
                .speakers
                .iter()
                .filter_map(|s| {
                    g.speaker_index
                        .get(&s.value)
                        .map(|&k| self.views.speakers[k].clone())
                })
                .collect(),
            source_full: source_view(&claim.source.value).expect("validated source"),
            locator: claim.locator.clone(),
            origin: claim.origin.as_ref().and_then(|o| source_view(&o.value)),
            quote: claim.quote.as_ref().map(|q| q.value.clone()),
            quote_lang: claim.quote_lang.clone().or_else(|| {
                g.source_index
                    .get(&claim.source.value)
                    .and_then(|&k| g.sources[k].lang.clone())
            }),
            translation: claim.translation.clone(),
            resolves: claim
                .resolves
                .as_ref()
                .map(|d| DateView::new(d, &self.config.language)),
            updated: claim
                .updated
                .as_ref()
                .map(|d| DateView::new(d, &self.config.language)),
            figures: claim
                .figures
                .iter()
                .map(|f| FigureView {
                    value: f.value.display(),
                    unit: f.unit.clone(),
                    about: f.about.clone(),
                })
                .collect(),
            relations,
            body: render_markdown(&claim.body, self.config.unsafe_html),
        };
        let cx = Context::new();
        let first_topic = claim
            .topics
            .first()
            .map(|t| self.view_cx.topic_ref(&t.value));
        let mut crumbs = vec![];
        if let Some(t) = first_topic {
            crumbs.push((self.t("topics").into(), "topics/".into()));
            crumbs.push((t.name, topic_path(&t.id)));
        }
        let meta = self.meta(
            claim.claim.clone(),
            claim_path(&claim.id),
            "claims",
            claim.claim.clone(),
            crumbs,
        );
        let jsonld = super::structured::claim_page(
            &view,
            &self.absolute(&meta.url),
            &self.config.language,
            &self.config.title,
            &|u| self.absolute(u),
        );
        let mut cx = cx;
        cx.insert("claim", &view);
        let meta = PageMeta {
            jsonld: super::structured::to_script_json(&jsonld),
            ..meta
        };
        self.page(
            "claim.html",
            format!("{}index.html", claim_path(&claim.id)),
            meta,
            cx,
        )
    }

    fn speakers(&self) -> Result<OutputFile, Diagnostic> {
        let mut cx = Context::new();
        cx.insert("speakers", &self.views.speakers);
        let meta = self.meta(
            self.t("speakers").into(),
            "speakers/".into(),
            "speakers",
            String::new(),
            vec![],
        );
        self.page("speakers.html", "speakers/index.html".into(), meta, cx)
    }

    fn speaker(&self, i: usize) -> Result<OutputFile, Diagnostic> {
        let g = self.graph;
        let speaker = &g.speakers[i];
        let claims = &g.by_speaker[i];
        #[derive(Serialize, Default)]
        struct Record {
            total: usize,
            open: usize,
            confirmed: usize,
            refuted: usize,
            mixed: usize,
            unverifiable: usize,
            overdue: usize,
        }
        let mut record = Record::default();
        let mut predictions = Vec::new();
        for &c in claims {
            let claim = &g.claims[c];
            if claim.kind != "prediction" {
                continue;
            }
            predictions.push(c);
            record.total += 1;
            match claim.status {
                "open" => record.open += 1,
                "confirmed" => record.confirmed += 1,
                "refuted" => record.refuted += 1,
                "mixed" => record.mixed += 1,
                _ => record.unverifiable += 1,
            }
            if self.views.claims[c].overdue {
                record.overdue += 1;
            }
        }
        let members: Vec<&SpeakerSummary> = g.members[i]
            .iter()
            .map(|&k| &self.views.speakers[k])
            .collect();
        let mut cx = Context::new();
        cx.insert("speaker", &self.views.speakers[i]);
        cx.insert(
            "body",
            &render_markdown(&speaker.body, self.config.unsafe_html),
        );
        cx.insert_value("claims", self.claim_list(claims));
        cx.insert_value("predictions", self.claim_list(&predictions));
        cx.insert("record", &record);
        cx.insert("members", &members);
        let meta = self.meta(
            speaker.name.clone(),
            speaker_path(&speaker.id),
            "speakers",
            speaker.role.clone().unwrap_or_default(),
            vec![(self.t("speakers").into(), "speakers/".into())],
        );
        let jsonld = super::structured::speaker_page(
            &self.views.speakers[i],
            &self.absolute(&meta.url),
            &|u| self.absolute(u),
        );
        let meta = PageMeta {
            jsonld: super::structured::to_script_json(&jsonld),
            feed: Some(format!(
                "{}{}feed.xml",
                self.base(),
                speaker_path(&speaker.id)
            )),
            ..meta
        };
        self.page(
            "speaker.html",
            format!("{}index.html", speaker_path(&speaker.id)),
            meta,
            cx,
        )
    }

    fn sources(&self) -> Result<OutputFile, Diagnostic> {
        let mut cx = Context::new();
        cx.insert("sources", &self.views.sources);
        let meta = self.meta(
            self.t("sources").into(),
            "sources/".into(),
            "sources",
            String::new(),
            vec![],
        );
        self.page("sources.html", "sources/index.html".into(), meta, cx)
    }

    fn source(&self, i: usize) -> Result<OutputFile, Diagnostic> {
        let source = &self.graph.sources[i];
        let mut cx = Context::new();
        cx.insert("source", &self.views.sources[i]);
        cx.insert(
            "body",
            &render_markdown(&source.body, self.config.unsafe_html),
        );
        cx.insert_value("claims", self.claim_list(&self.graph.by_source[i]));
        let meta = self.meta(
            source.title.clone(),
            source_path(&source.id),
            "sources",
            source.outlet.clone().unwrap_or_default(),
            vec![(self.t("sources").into(), "sources/".into())],
        );
        self.page(
            "source.html",
            format!("{}index.html", source_path(&source.id)),
            meta,
            cx,
        )
    }

    fn topics(&self) -> Result<OutputFile, Diagnostic> {
        let mut cx = Context::new();
        cx.insert("topics", &self.views.topics);
        let meta = self.meta(
            self.t("topics").into(),
            "topics/".into(),
            "topics",
            String::new(),
            vec![],
        );
        self.page("topics.html", "topics/index.html".into(), meta, cx)
    }

    fn topic(&self, i: usize) -> Result<OutputFile, Diagnostic> {
        let g = self.graph;
        let topic = &g.topics[i];
        let claims = &g.by_topic[i];
        // Positions: every contradiction that involves a claim of this topic,
        // once, the older claim on the left; and the same grouped into
        // disputes with two sides.
        #[derive(Serialize)]
        struct Position {
            left: Value,
            right: Value,
        }
        #[derive(Serialize)]
        struct Dispute {
            left: Value,
            right: Value,
        }
        let mut pairs: Vec<(usize, usize)> = Vec::new();
        for &c in claims {
            for &other in g.links[c]
                .contradicts
                .iter()
                .chain(&g.links[c].contradicted_by)
            {
                pairs.push((c.min(other), c.max(other)));
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
        let positions: Vec<Position> = pairs
            .iter()
            .map(|&(a, b)| Position {
                left: self.items[a].clone(),
                right: self.items[b].clone(),
            })
            .collect();
        let disputes: Vec<Dispute> = super::disputes::group_disputes(&pairs)
            .iter()
            .map(|d| Dispute {
                left: self.claim_list(&d.left),
                right: self.claim_list(&d.right),
            })
            .collect();
        #[derive(Serialize)]
        struct KindGroup {
            kind: &'static str,
            label: &'static str,
            claims: Value,
        }
        let by_kind: Vec<KindGroup> = crate::parse::claim::CLAIM_KINDS
            .iter()
            .filter_map(|kind| {
                let list: Vec<usize> = claims
                    .iter()
                    .copied()
                    .filter(|&c| g.claims[c].kind == *kind)
                    .collect();
                (!list.is_empty()).then(|| KindGroup {
                    kind,
                    label: self.view_cx.kind_label(kind),
                    claims: self.claim_list(&list),
                })
            })
            .collect();
        let mut cx = Context::new();
        cx.insert("topic", &self.views.topics[i]);
        cx.insert(
            "body",
            &render_markdown(&topic.body, self.config.unsafe_html),
        );
        cx.insert("positions", &positions);
        cx.insert("disputes", &disputes);
        cx.insert("by_kind", &by_kind);
        cx.insert_value("claims", self.claim_list(claims));
        let meta = self.meta(
            topic.title.clone(),
            topic_path(&topic.id),
            "topics",
            topic.question.clone().unwrap_or_default(),
            vec![(self.t("topics").into(), "topics/".into())],
        );
        let meta = PageMeta {
            feed: Some(format!("{}{}feed.xml", self.base(), topic_path(&topic.id))),
            ..meta
        };
        self.page(
            "topic.html",
            format!("{}index.html", topic_path(&topic.id)),
            meta,
            cx,
        )
    }

    fn timeline_pages(&self) -> TimelinePages {
        TimelinePages {
            size: self.config.timeline_page_size,
            claims: self.graph.claims.len(),
        }
    }

    /// Page `n` of the timeline: its claims by month, and links to the
    /// other pages, each named by the dates it spans; the chart of the
    /// whole timeline is on the first.
    fn timeline(&self, pages: TimelinePages, n: usize) -> Result<OutputFile, Diagnostic> {
        #[derive(Serialize)]
        struct Period {
            label: String,
            claims: Value,
        }
        #[derive(Serialize)]
        struct PageLink {
            number: usize,
            url: String,
            /// The dates of its first and last claims.
            span: String,
            current: bool,
        }
        #[derive(Serialize)]
        struct Pagination {
            current: usize,
            total: usize,
            pages: Vec<PageLink>,
            previous: Option<String>,
            next: Option<String>,
        }
        let g = self.graph;
        let month = |i: usize| {
            format_date(
                &crate::parse::PartialDate {
                    day: None,
                    ..g.claims[i].date
                },
                &self.config.language,
            )
        };
        let mut periods: Vec<Period> = Vec::new();
        let mut current: Option<(String, Vec<usize>)> = None;
        for i in pages.claims_on(n) {
            let key = month(i);
            match &mut current {
                Some((k, list)) if *k == key => list.push(i),
                _ => {
                    if let Some((label, list)) = current.take() {
                        periods.push(Period {
                            label,
                            claims: self.claim_list(&list),
                        });
                    }
                    current = Some((key, vec![i]));
                }
            }
        }
        if let Some((label, list)) = current {
            periods.push(Period {
                label,
                claims: self.claim_list(&list),
            });
        }
        let total = pages.count();
        let url = |k: usize| format!("{}{}", self.base(), timeline_path(k));
        let pagination = Pagination {
            current: n,
            total,
            pages: (1..=total)
                .map(|k| {
                    let claims = pages.claims_on(k);
                    let span = match (claims.start, claims.end.checked_sub(1)) {
                        (first, Some(last)) if first <= last => {
                            let (first, last) = (month(first), month(last));
                            if first == last {
                                first
                            } else {
                                format!("{first} – {last}")
                            }
                        }
                        _ => String::new(),
                    };
                    PageLink {
                        number: k,
                        url: url(k),
                        span,
                        current: k == n,
                    }
                })
                .collect(),
            previous: (n > 1).then(|| url(n - 1)),
            next: (n < total).then(|| url(n + 1)),
        };
        let mut cx = Context::new();
        cx.insert("periods", &periods);
        cx.insert("pagination", &pagination);
        if n == 1 {
            cx.insert("chart", &self.charts[1]);
        }
        let title = if total > 1 {
            self.t("timeline_page")
                .replace("{n}", &n.to_string())
                .replace("{total}", &total.to_string())
        } else {
            self.t("timeline").into()
        };
        let crumbs = if n > 1 {
            vec![(self.t("timeline").into(), timeline_path(1))]
        } else {
            vec![]
        };
        let meta = self.meta(title, timeline_path(n), "timeline", String::new(), crumbs);
        self.page(
            "timeline.html",
            format!("{}index.html", timeline_path(n)),
            meta,
            cx,
        )
    }

    fn not_found(&self) -> Result<OutputFile, Diagnostic> {
        let meta = self.meta(
            self.t("not_found").into(),
            "404.html".into(),
            "",
            String::new(),
            vec![],
        );
        self.page("404.html", "404.html".into(), meta, Context::new())
    }
}

/// The claims the home page lists, of `claims` in date order: the ten
/// newest.
pub fn newest_on_home(claims: usize) -> std::ops::Range<usize> {
    claims.saturating_sub(10)..claims
}

/// The entities of one kind whose pages (`<prefix><id>/index.html`) are to
/// be rendered: all `count` of them, or those named in `only`, found by id
/// rather than by making every page's path (a rebuild renders a handful of
/// 10,000 pages).
fn chosen(
    only: Option<&BTreeSet<String>>,
    prefix: &str,
    index: &HashMap<String, usize>,
    count: usize,
) -> Vec<usize> {
    let Some(only) = only else {
        return (0..count).collect();
    };
    let mut chosen: Vec<usize> = only
        .range::<str, _>((Bound::Included(prefix), Bound::Unbounded))
        .take_while(|path| path.starts_with(prefix))
        .filter_map(|path| {
            let id = path.strip_prefix(prefix)?.strip_suffix("/index.html")?;
            index.get(id).copied()
        })
        .collect();
    chosen.sort_unstable();
    chosen
}
