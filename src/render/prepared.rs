//! What templates see of the graph, worked out once per build and kept by
//! `serve` between rebuilds.

use super::*;

/// What templates see of the records, worked out once and shared by the
/// pages; `serve` keeps it between rebuilds and updates only the claims an
/// edit changed.
pub struct Prepared {
    pub(super) views: views::Views,
    /// Each claim's summary as a template value.
    pub(super) summary_values: Vec<Value>,
    /// Each claim as `item` in lists: its summary with `html`, the summary
    /// rendered by `partials/claim-item.html`; made on the first render
    /// that needs it (see [`Prepared::items`]).
    pub(super) items: Vec<OnceLock<Value>>,
    /// Each claim's rows of the data export, when kept (`serve`).
    pub(super) rows: Option<Vec<data::Rows>>,
    /// The timeline chart, small (home page) and full (timeline): it
    /// counts claims by month and first topic, which an edit in place
    /// leaves as they were.
    pub(super) charts: [chart::Chart; 2],
}

impl Prepared {
    pub fn new(graph: &Graph, config: &Config, today: PartialDate) -> Self {
        let views = with_view_context(graph, config, today, |cx| cx.build());
        let summary_values = views
            .claims
            .par_iter()
            .map(Value::from_serializable)
            .collect();
        let chart = |small| chart::timeline_chart(graph, &config.language, small);
        Prepared {
            items: (0..graph.claims.len()).map(|_| OnceLock::new()).collect(),
            views,
            summary_values,
            rows: None,
            charts: [chart(true), chart(false)],
        }
    }

    /// [`Prepared::new`], keeping each claim's rows of the data export
    /// too, for a site rebuilt claim by claim.
    pub fn with_rows(graph: &Graph, config: &Config, today: PartialDate) -> Self {
        let absolute = config.absolute_base();
        let rows = with_view_context(graph, config, today, |cx| {
            (0..graph.claims.len())
                .into_par_iter()
                .map(|i| data::Rows::new(graph, cx, absolute.as_deref(), i))
                .collect()
        });
        Prepared {
            rows: Some(rows),
            ..Prepared::new(graph, config, today)
        }
    }

    /// After the claims at `changed` were replaced by new versions that
    /// link the same way (same date, speakers, source, topics and
    /// relations), so that nothing else a template sees changed.
    pub fn update_claims(
        &mut self,
        graph: &Graph,
        config: &Config,
        today: PartialDate,
        changed: &[usize],
    ) {
        let absolute = config.absolute_base();
        with_view_context(graph, config, today, |cx| {
            for &i in changed {
                let summary = cx.claim_summary(&graph.claims[i]);
                self.summary_values[i] = Value::from_serializable(&summary);
                self.items[i] = OnceLock::new();
                self.views.claims[i] = summary;
                if let Some(rows) = &mut self.rows {
                    rows[i] = data::Rows::new(graph, cx, absolute.as_deref(), i);
                }
            }
        });
    }
}

impl Prepared {
    /// Every claim as `item` in lists, rendering the items not made yet
    /// with `theme`: a claim is rendered once, not once per list showing
    /// it, by the built-in `partials/claim-item.html`, which uses `item`
    /// and `t` alone. A site's own version of it may use the variables of
    /// the page it is in, so `html` is none and each list includes it.
    pub(super) fn items(&self, theme: &Theme) -> Result<Vec<Value>, Vec<Diagnostic>> {
        const PARTIAL: &str = "partials/claim-item.html";
        let own = theme.is_changed(PARTIAL);
        let made: Vec<Result<Value, Diagnostic>> = self
            .items
            .par_iter()
            .zip(self.summary_values.par_iter())
            .map(|(cell, summary)| {
                if let Some(item) = cell.get() {
                    return Ok(item.clone());
                }
                let html = if own {
                    Value::from(())
                } else {
                    let mut cx = Context::new();
                    cx.insert_value("item", summary.clone());
                    Value::safe_string(&theme.render(PARTIAL, &cx)?)
                };
                let mut map = summary.clone().into_map().unwrap_or_default();
                map.insert("html".into(), html);
                Ok(cell.get_or_init(|| Value::from(map)).clone())
            })
            .collect();
        let (items, errors): (Vec<_>, Vec<_>) = made.into_iter().partition(Result::is_ok);
        if errors.is_empty() {
            Ok(items.into_iter().flatten().collect())
        } else {
            Err(once_each(
                errors.into_iter().filter_map(Result::err).collect(),
            ))
        }
    }
}
