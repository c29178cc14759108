//! `/claims/<id>/`: one claim with everything known about it.

use super::*;
use crate::render::archive::quote_context;
use crate::render::i18n::format_locator;

impl PageBuilder<'_> {
    /// What a link preview says of a claim, besides its title: who said
    /// it, when, its status and where it is recorded.
    fn description(&self, view: &ClaimView) -> String {
        let colon = self.t("colon");
        let c = &view.summary;
        let names: Vec<&str> = c.speakers.iter().map(|s| s.name.as_str()).collect();
        let mut date = c.date.display.clone();
        if c.reported {
            date = format!("{} {date}", self.t("reported"));
        }
        let mut status = c.status_label.to_string();
        if c.overdue {
            status = format!("{status}{}{}", self.t("list_separator"), self.t("overdue"));
        }
        [
            ("said_by", names.join(self.t("list_separator"))),
            ("date", date),
            ("status", status),
            ("source", view.source_full.title.clone()),
        ]
        .map(|(key, value)| format!("{}{colon}{value}", self.t(key)))
        .join(" · ")
    }

    pub(super) fn claim(&self, i: usize) -> Result<OutputFile, Diagnostic> {
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
        let lang_of = |id: &str| {
            g.source_index
                .get(id)
                .and_then(|&k| g.sources[k].lang.as_deref())
        };
        let quote_lang = claim
            .quote_lang
            .clone()
            .or_else(|| lang_of(&claim.source.value).map(String::from));
        // A quote in another language than the talk or report it was first
        // given in is the reporting source's rendering of it.
        let origin_lang = claim.origin.as_ref().and_then(|o| lang_of(&o.value));
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
            locator_display: claim
                .locator
                .as_deref()
                .map(|l| format_locator(l, &self.config.language)),
            origin: claim.origin.as_ref().and_then(|o| source_view(&o.value)),
            quote: claim.quote.as_ref().map(|q| q.value.clone()),
            quote_reported: claim.quote.is_some()
                && claim.quote_reported.unwrap_or_else(|| {
                    origin_lang.is_some_and(|l| Some(l) != quote_lang.as_deref())
                }),
            context: claim.quote.as_ref().and_then(|q| {
                quote_context(
                    g,
                    self.config.archive_publish,
                    self.base(),
                    &claim.source.value,
                    &q.value,
                )
            }),
            quote_lang: quote_lang.clone(),
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
            body: self.view_cx.body_html(&claim.body, self.config.unsafe_html),
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
            self.description(&view),
            crumbs,
        );
        let jsonld = crate::render::structured::claim_page(
            &view,
            &self.absolute(&meta.url),
            &self.config.language,
            &self.config.title,
            &|u| self.absolute(u),
        );
        let mut cx = cx;
        cx.insert("claim", &view);
        cx.insert(
            "mentioned_in",
            &self.view_cx.mentioned_in(FileKind::Claim, &claim.id),
        );
        let meta = PageMeta {
            jsonld: crate::render::structured::to_script_json(&jsonld),
            ..meta
        };
        self.page(
            "claim.html",
            format!("{}index.html", claim_path(&claim.id)),
            meta,
            cx,
        )
    }
}
