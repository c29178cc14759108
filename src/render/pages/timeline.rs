//! `/timeline/`: every claim by date, a page of them at a time.

use super::*;

impl PageBuilder<'_> {
    pub(super) fn timeline_pages(&self) -> TimelinePages {
        TimelinePages {
            size: self.config.timeline_page_size,
            claims: self.graph.claims.len(),
        }
    }

    /// Page `n` of the timeline: its claims by month, and links to the
    /// other pages, each named by the dates it spans; the chart of the
    /// whole timeline is on the first.
    pub(super) fn timeline(
        &self,
        pages: TimelinePages,
        n: usize,
    ) -> Result<OutputFile, Diagnostic> {
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
}
