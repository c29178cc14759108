//! One function per kind of page: the context it gets and the file it
//! becomes. Pages render in parallel; none reads or writes the disk.
//!
//! This file holds what every page shares, the home page and the 404
//! page; the claim page, the pages of speakers, sources and topics, and the
//! timeline have files of their own.

use std::collections::{BTreeSet, HashMap};
use std::ops::Bound;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Value};

use super::i18n::{format_date, tr};
use super::templates::Theme;
use super::views::*;
use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::graph::Graph;
use crate::load::FileKind;
use crate::write::OutputFile;

mod claim;
mod entity;
mod source_text;
mod timeline;

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

/// `pagination` on a page that lists claims over several pages.
#[derive(Debug, Clone, Serialize)]
pub struct ListPagination {
    pub current: usize,
    pub total: usize,
    pub pages: Vec<ListPageLink>,
    pub previous: Option<String>,
    pub next: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ListPageLink {
    pub number: usize,
    pub url: String,
    pub current: bool,
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
        speakers
            .into_par_iter()
            .for_each(|i| self.speaker(i).into_iter().for_each(emit));
        let sources = chosen(only, "sources/", &g.source_index, g.sources.len());
        sources
            .into_par_iter()
            .for_each(|i| self.source(i).into_iter().for_each(emit));
        let texts = source_text::chosen_texts(only, g);
        texts.into_par_iter().for_each(|i| {
            if let Some(page) = self.source_text(i) {
                emit(page);
            }
        });
        let topics = chosen(only, "topics/", &g.topic_index, g.topics.len());
        topics
            .into_par_iter()
            .for_each(|i| self.topic(i).into_iter().for_each(emit));
        (0..g.pages.len())
            .into_par_iter()
            .filter(|&i| wanted(page(page_path(&g.pages[i].id))))
            .for_each(|i| emit(self.free_page(i)));
        g.redirects()
            .into_par_iter()
            .filter(|(kind, old, _)| wanted(page(record_path(*kind, old))))
            .for_each(|(kind, old, id)| emit(self.redirect(kind, old, id)));
    }

    fn home(&self) -> Result<OutputFile, Diagnostic> {
        let newest = newest_on_home(self.graph);
        let mut cx = Context::new();
        cx.insert_value("newest", self.claim_list(&newest));
        cx.insert_value("due", self.claim_list(&self.due_predictions()));
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

    /// Open predictions that can be judged by a year from today, or are
    /// overdue, soonest first: what the home page asks readers to check.
    fn due_predictions(&self) -> Vec<usize> {
        let today = self.view_cx.today;
        let horizon = crate::parse::PartialDate {
            year: today.year + 1,
            ..today
        };
        let mut due: Vec<(crate::parse::PartialDate, usize)> = self
            .graph
            .claims
            .iter()
            .enumerate()
            .filter(|(_, c)| c.kind == "prediction" && c.status == "open")
            .filter_map(|(i, c)| Some((c.resolves?, i)))
            .filter(|(r, _)| r.first_day() <= horizon.last_day().first_day())
            .collect();
        due.sort_by_key(|a| (a.0.first_day(), a.1));
        due.into_iter().map(|(_, i)| i).collect()
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

    /// A page listing `claims`, split into pages of `list_page_size`
    /// (`path`, then `path/page/2/`, ...): each gets `cx` with its own
    /// `claims` and `pagination`, and whatever `fill` adds for page `n`.
    fn paged(
        &self,
        template: &str,
        path: &str,
        meta: PageMeta,
        cx: Context,
        claims: &[usize],
        fill: &(dyn Fn(&mut Context, usize, &[usize]) + Sync),
    ) -> Vec<Result<OutputFile, Diagnostic>> {
        let pages = TimelinePages {
            size: self.config.list_page_size,
            claims: claims.len(),
        };
        let total = pages.count();
        let url = |k: usize| format!("{}{}", self.base(), list_path(path, k));
        (1..=total)
            .map(|n| {
                let here = &claims[pages.claims_on(n)];
                let mut cx = cx.clone();
                cx.insert_value("claims", self.claim_list(here));
                cx.insert(
                    "pagination",
                    &ListPagination {
                        current: n,
                        total,
                        pages: (1..=total)
                            .map(|k| ListPageLink {
                                number: k,
                                url: url(k),
                                current: k == n,
                            })
                            .collect(),
                        previous: (n > 1).then(|| url(n - 1)),
                        next: (n < total).then(|| url(n + 1)),
                    },
                );
                fill(&mut cx, n, here);
                let page_path = list_path(path, n);
                let meta = if n == 1 {
                    meta.clone()
                } else {
                    PageMeta {
                        title: format!(
                            "{}{}{}",
                            meta.title,
                            self.t("list_separator"),
                            self.t("page_n").replace("{n}", &n.to_string())
                        ),
                        canonical: self
                            .config
                            .absolute_base()
                            .map(|b| format!("{b}{page_path}")),
                        url: url(n),
                        path: page_path.clone(),
                        jsonld: String::new(),
                        ..meta.clone()
                    }
                };
                self.page(template, format!("{page_path}index.html"), meta, cx)
            })
            .collect()
    }

    /// The page at a former id (`aliases`), leading to the record's page.
    fn redirect(&self, kind: FileKind, old: &str, id: &str) -> Result<OutputFile, Diagnostic> {
        let to = format!("{}{}", self.base(), record_path(kind, id));
        let mut cx = Context::new();
        cx.insert(
            "redirect",
            &serde_json::json!({ "canonical": self.absolute(&to), "to": to }),
        );
        let html = self.theme.render("redirect.html", &cx)?;
        Ok(OutputFile::new(
            format!("{}index.html", record_path(kind, old)),
            html.into_bytes(),
        ))
    }

    /// `/<id>/`: a free page (`_pages/<id>.md`).
    fn free_page(&self, i: usize) -> Result<OutputFile, Diagnostic> {
        let page = &self.graph.pages[i];
        let mut cx = Context::new();
        cx.insert("free_page", &page_view(page));
        cx.insert(
            "body",
            &self.view_cx.body_html(&page.body, self.config.unsafe_html),
        );
        cx.insert(
            "mentioned_in",
            &self.view_cx.mentioned_in(FileKind::Page, &page.id),
        );
        let meta = self.meta(
            page.title.clone(),
            page_path(&page.id),
            "page",
            page.description.clone().unwrap_or_default(),
            vec![],
        );
        self.page(
            "page.html",
            format!("{}index.html", page_path(&page.id)),
            meta,
            cx,
        )
    }
}

/// `free_page` in `page.html`.
fn page_view(page: &crate::parse::Page) -> serde_json::Value {
    serde_json::json!({
        "id": page.id,
        "title": page.title,
        "description": page.description,
        "menu": page.menu,
        "lang": crate::render::i18n::text_lang(page.text_lang.as_deref(), "", ""),
    })
}

/// The claims the home page lists: the ten newest, newest first (see
/// [`Graph::newest_claims`](crate::graph::Graph::newest_claims)).
pub fn newest_on_home(graph: &crate::graph::Graph) -> Vec<usize> {
    graph.newest_claims(10)
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
            // Any page of a list split over pages renders all of them.
            let id = id.split_once("/page/").map_or(id, |(id, _)| id);
            index.get(id).copied()
        })
        .collect();
    chosen.sort_unstable();
    chosen.dedup();
    chosen
}
