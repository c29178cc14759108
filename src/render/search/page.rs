//! The `/search/` page, with the choices of its filters.

use serde::Serialize;
use tera::Context;

use super::{BUNDLE, BUNDLE_ZH, PAGE};
use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::parse::Claim;
use crate::render::i18n::{script_lang, tr};
use crate::render::pages::{Crumb, PageMeta};
use crate::render::templates::Theme;
use crate::render::views::ViewContext;
use crate::write::OutputFile;

/// One choice of a filter on the search page.
#[derive(Debug, Clone, Serialize)]
pub struct FilterChoice {
    /// The value in the index (an id, a kind, a status).
    pub value: String,
    pub label: String,
    /// The label's language when its script is not the interface's.
    pub lang: Option<&'static str>,
    pub count: usize,
}

/// `search` in `search.html`.
#[derive(Debug, Clone, Serialize)]
pub struct SearchView {
    /// URLs of the two bundles, from the host root.
    pub bundle: String,
    pub bundle_zh: String,
    pub speakers: Vec<FilterChoice>,
    pub topics: Vec<FilterChoice>,
    pub kinds: Vec<FilterChoice>,
    pub statuses: Vec<FilterChoice>,
}

/// What the search page offers to filter by: every speaker and topic with
/// claims, every kind and status, with how many claims each has.
pub fn search_view(cx: &ViewContext<'_>) -> SearchView {
    let g = cx.graph;
    let speakers = g
        .speakers
        .iter()
        .zip(&g.by_speaker)
        .filter(|(_, claims)| !claims.is_empty())
        .map(|(s, claims)| FilterChoice {
            value: s.id.clone(),
            label: s.name.clone(),
            lang: script_lang(&s.name, cx.language),
            count: claims.len(),
        })
        .collect();
    let topics = g
        .topics
        .iter()
        .zip(&g.by_topic)
        .filter(|(_, claims)| !claims.is_empty())
        .map(|(t, claims)| FilterChoice {
            value: t.id.clone(),
            label: t.title.clone(),
            lang: None,
            count: claims.len(),
        })
        .collect();
    let count = |f: &dyn Fn(&Claim) -> bool| g.claims.iter().filter(|c| f(c)).count();
    let choices = |prefix: &str, values: &[&str], field: fn(&Claim) -> &str| {
        values
            .iter()
            .map(|v| FilterChoice {
                value: v.to_string(),
                label: tr(cx.language, &format!("{prefix}_{v}")).to_string(),
                lang: None,
                count: count(&|c| field(c) == *v),
            })
            .filter(|c| c.count > 0)
            .collect()
    };
    SearchView {
        bundle: format!("{}{BUNDLE}", cx.base),
        bundle_zh: format!("{}{BUNDLE_ZH}", cx.base),
        speakers,
        topics,
        kinds: choices(
            "kind",
            &["opinion", "prediction", "statistic", "announcement"],
            |c| c.kind,
        ),
        statuses: choices(
            "status",
            &["open", "confirmed", "refuted", "mixed", "unverifiable"],
            |c| c.status,
        ),
    }
}

/// `/search/` from `search.html`.
pub fn search_page(
    theme: &Theme,
    config: &Config,
    cx: &ViewContext<'_>,
) -> Result<OutputFile, Diagnostic> {
    let title = tr(cx.language, "search").to_string();
    let url = format!("{}{PAGE}", cx.base);
    let absolute = config.absolute_base().map(|b| format!("{b}{PAGE}"));
    let jsonld = crate::render::structured::web_page(
        "SearchResultsPage",
        &title,
        absolute.as_deref().unwrap_or(&url),
        cx.language,
    );
    let meta = PageMeta {
        title,
        path: PAGE.to_string(),
        url,
        canonical: absolute,
        description: config.description.clone(),
        section: "search",
        breadcrumbs: vec![Crumb {
            name: tr(cx.language, "home").to_string(),
            url: cx.base.to_string(),
        }],
        jsonld: crate::render::structured::to_script_json(&jsonld),
        feed: None,
    };
    let mut context = Context::new();
    context.insert("page", &meta);
    context.insert("search", &search_view(cx));
    let html = theme.render("search.html", &context)?;
    Ok(OutputFile::new(
        format!("{PAGE}index.html"),
        html.into_bytes(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::PartialDate;
    use crate::render::search::fixture::graph;

    #[test]
    fn search_view_offers_used_speakers_and_topics_and_present_values() {
        let g = graph();
        let cx = ViewContext {
            graph: &g,
            base: "/",
            language: "en",
            today: PartialDate {
                year: 2025,
                month: None,
                day: None,
            },
        };
        let view = search_view(&cx);
        assert_eq!(view.bundle, "/pagefind/");
        assert_eq!(view.bundle_zh, "/pagefind/zh/");
        let speakers: Vec<_> = view
            .speakers
            .iter()
            .map(|c| (c.value.as_str(), c.lang, c.count))
            .collect();
        assert_eq!(
            speakers,
            [("he-enpei", Some("zh"), 1), ("xu-li", Some("zh"), 1)]
        );
        let kinds: Vec<_> = view
            .kinds
            .iter()
            .map(|c| (c.label.as_str(), c.count))
            .collect();
        assert_eq!(kinds, [("Opinion", 1), ("Prediction", 1)]);
        let statuses: Vec<_> = view.statuses.iter().map(|c| c.value.as_str()).collect();
        assert_eq!(statuses, ["open", "confirmed"]);
        assert_eq!(view.topics.len(), 2);
    }
}
