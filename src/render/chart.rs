//! The timeline chart: claims per month, stacked and coloured by topic,
//! drawn at build time as a small SVG with a title and description for
//! screen readers, so it needs no JavaScript.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::i18n::tr;
use crate::graph::Graph;
use crate::parse::PartialDate;

/// Colours that keep 3:1 contrast on both the light and dark backgrounds.
const PALETTE: [&str; 10] = [
    "#3b7dd8", "#d9622b", "#2f9e5b", "#b5479b", "#8a6d1f", "#1f9aa8", "#c23b4a", "#6a5acd",
    "#5f8f1f", "#a0522d",
];

#[derive(Debug, Clone, serde::Serialize)]
pub struct Chart {
    /// The SVG markup, ready to embed.
    pub svg: String,
    pub legend: Vec<LegendEntry>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct LegendEntry {
    pub title: String,
    pub url_path: String,
    pub colour: &'static str,
}

/// Draws the chart; `small` is the home page's version.
pub fn timeline_chart(graph: &Graph, language: &str, small: bool) -> Chart {
    // (period, topic) -> count. Claims dated only by a year have no month
    // and are counted at their year when the chart is by year, else left out.
    let dated: Vec<(&PartialDate, usize)> = graph
        .claims
        .iter()
        .map(|c| {
            let topic = c
                .topics
                .first()
                .and_then(|t| graph.topic_index.get(&t.value))
                .copied()
                .unwrap_or(0);
            (&c.date, topic)
        })
        .collect();
    let months: Vec<(i32, u8)> = dated
        .iter()
        .filter_map(|(d, _)| d.month.map(|m| (d.year, m)))
        .collect();
    let (Some(first), Some(last)) = (months.iter().min(), months.iter().max()) else {
        return Chart {
            svg: String::new(),
            legend: Vec::new(),
        };
    };
    let span = (last.0 - first.0) as usize * 12 + last.1 as usize - first.1 as usize + 1;
    let by_year = span > 60;
    let key = |d: &PartialDate| -> Option<(i32, u8)> {
        if by_year {
            Some((d.year, 0))
        } else {
            d.month.map(|m| (d.year, m))
        }
    };
    let mut periods: Vec<(i32, u8)> = Vec::new();
    if by_year {
        periods.extend((first.0..=last.0).map(|y| (y, 0)));
    } else {
        let (mut y, mut m) = *first;
        while (y, m) <= *last {
            periods.push((y, m));
            (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        }
    }
    let mut counts: BTreeMap<((i32, u8), usize), usize> = BTreeMap::new();
    let mut left_out = 0;
    for (date, topic) in &dated {
        match key(date) {
            Some(k) => *counts.entry((k, *topic)).or_default() += 1,
            None => left_out += 1,
        }
    }
    let max = periods
        .iter()
        .map(|p| {
            counts
                .range((*p, 0)..=(*p, usize::MAX))
                .map(|(_, c)| c)
                .sum::<usize>()
        })
        .max()
        .unwrap_or(1)
        .max(1);

    let (width, height) = if small {
        (600.0, 120.0)
    } else {
        (800.0, 240.0)
    };
    let (pad_left, pad_bottom, pad_top) = (32.0, 24.0, 8.0);
    let plot_w = width - pad_left - 8.0;
    let plot_h = height - pad_bottom - pad_top;
    let bar_w = plot_w / periods.len() as f64;
    let label = |p: &(i32, u8)| -> String {
        if p.1 == 0 {
            PartialDate {
                year: p.0,
                month: None,
                day: None,
            }
            .display(language)
        } else {
            PartialDate {
                year: p.0,
                month: Some(p.1),
                day: None,
            }
            .display(language)
        }
    };
    let title = tr(language, "claims_per_month");
    let mut desc = format!("{} ", tr(language, "chart_description"));
    let mut svg = String::new();
    let id = if small { "chart-small" } else { "chart" };
    let mut bars = String::new();
    for (i, p) in periods.iter().enumerate() {
        let x = pad_left + i as f64 * bar_w;
        let mut y = pad_top + plot_h;
        let mut total = 0;
        for ((_, topic), count) in counts.range((*p, 0)..=(*p, usize::MAX)) {
            let h = plot_h * *count as f64 / max as f64;
            y -= h;
            total += count;
            let topic_title = graph
                .topics
                .get(*topic)
                .map(|t| t.title.as_str())
                .unwrap_or("");
            let _ = write!(
                bars,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{}\"><title>{}: {} × {}</title></rect>",
                x + 1.0,
                y,
                (bar_w - 2.0).max(1.0),
                h,
                PALETTE[topic % PALETTE.len()],
                escape(&label(p)),
                count,
                escape(topic_title),
            );
        }
        if total > 0 {
            let _ = write!(desc, "{}: {}; ", label(p), total);
        }
        let every = (periods.len() / if small { 6 } else { 12 }).max(1);
        if i % every == 0 {
            let _ = write!(
                bars,
                "<text x=\"{:.1}\" y=\"{:.1}\" class=\"chart-label\">{}</text>",
                x + 1.0,
                height - 6.0,
                escape(&label(p))
            );
        }
    }
    if left_out > 0 {
        let _ = write!(desc, "({left_out} dated by year only, not shown.)");
    }
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" class=\"chart\"><title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        escape(title),
        escape(desc.trim())
    );
    let _ = write!(
        svg,
        "<line x1=\"{pad_left}\" y1=\"{0}\" x2=\"{1}\" y2=\"{0}\" class=\"chart-axis\"/><text x=\"0\" y=\"{2}\" class=\"chart-label\">{max}</text>",
        pad_top + plot_h,
        width - 8.0,
        pad_top + 10.0
    );
    svg.push_str(&bars);
    svg.push_str("</svg>");
    let mut used: Vec<usize> = counts.keys().map(|(_, t)| *t).collect();
    used.sort_unstable();
    used.dedup();
    let legend = used
        .into_iter()
        .filter_map(|t| graph.topics.get(t).map(|topic| (t, topic)))
        .map(|(t, topic)| LegendEntry {
            title: topic.title.clone(),
            url_path: super::views::topic_path(&topic.id),
            colour: PALETTE[t % PALETTE.len()],
        })
        .collect();
    Chart { svg, legend }
}

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
