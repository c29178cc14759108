//! The timeline chart: claims per month, stacked and coloured by topic,
//! drawn at build time as a small SVG with a title and description for
//! screen readers, so it needs no JavaScript.
//!
//! The SVG is embedded in the page, so the theme's stylesheet styles it:
//! text and lines take the page's colours in light and dark mode, and the
//! labels grow on narrow screens, where the chart is scaled down.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::i18n::{format_date, tr, tr_with};
use crate::graph::Graph;
use crate::parse::PartialDate;

/// Colours that keep 3:1 contrast on both the light and dark backgrounds
/// (checked by a test below).
const PALETTE: [&str; 10] = [
    "#3b7dd8", "#d9622b", "#2f9e5b", "#b5479b", "#8a6d1f", "#1f9aa8", "#c23b4a", "#6a5acd",
    "#5f8f1f", "#a0522d",
];

/// More months than this and the chart counts by year.
const MAX_MONTHS: usize = 60;

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

/// One bar of the chart: a month (or a year when `month` is 0).
type Period = (i32, u8);

/// Draws the chart; `small` is the home page's version.
pub fn timeline_chart(graph: &Graph, language: &str, small: bool) -> Chart {
    // Each claim counts once, in the colour of its first topic.
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
    let months: Vec<Period> = dated
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
    let by_year = span > MAX_MONTHS;
    let periods: Vec<Period> = if by_year {
        (first.0..=last.0).map(|y| (y, 0)).collect()
    } else {
        let mut list = Vec::with_capacity(span);
        let (mut y, mut m) = *first;
        while (y, m) <= *last {
            list.push((y, m));
            (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        }
        list
    };
    // Claims dated only by a year have no month: counted when the chart is
    // by year, else left out and said so in the description.
    let mut counts: BTreeMap<(Period, usize), usize> = BTreeMap::new();
    let mut left_out = 0;
    for (date, topic) in &dated {
        let key = match (by_year, date.month) {
            (true, _) => Some((date.year, 0)),
            (false, Some(m)) => Some((date.year, m)),
            (false, None) => None,
        };
        match key {
            Some(k) => *counts.entry((k, *topic)).or_default() += 1,
            None => left_out += 1,
        }
    }
    let stacks: Vec<Vec<(usize, usize)>> = periods
        .iter()
        .map(|p| {
            counts
                .range((*p, 0)..=(*p, usize::MAX))
                .map(|((_, topic), count)| (*topic, *count))
                .collect()
        })
        .collect();
    let totals: Vec<usize> = stacks
        .iter()
        .map(|s| s.iter().map(|(_, c)| c).sum())
        .collect();
    let max = totals.iter().copied().max().unwrap_or(1).max(1);
    let (step, top) = scale(max);

    let label = |p: &Period| {
        format_date(
            &PartialDate {
                year: p.0,
                month: (p.1 != 0).then_some(p.1),
                day: None,
            },
            language,
        )
    };
    let topic_title = |t: usize| graph.topics.get(t).map(|t| t.title.as_str()).unwrap_or("");

    let frame = Frame::new(small, periods.len());
    let id = if small { "chart-small" } else { "chart" };
    let title = tr(
        language,
        if by_year {
            "claims_per_year"
        } else {
            "claims_per_month"
        },
    );
    let mut totals_text = Vec::new();
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" class=\"chart{}\">",
        frame.width,
        frame.height,
        if small { " chart-small" } else { "" },
    );
    let mut body = String::new();
    // Grid lines and their values, every `step` claims.
    let mut value = 0;
    while value <= top {
        let y = frame.y(value, top);
        let _ = write!(
            body,
            "<line x1=\"{}\" y1=\"{y:.1}\" x2=\"{}\" y2=\"{y:.1}\" class=\"{}\"/><text x=\"{}\" y=\"{:.1}\" class=\"chart-label chart-value\">{value}</text>",
            frame.left,
            frame.width - frame.right,
            if value == 0 {
                "chart-axis"
            } else {
                "chart-grid"
            },
            frame.left - 6.0,
            y + 4.0,
        );
        value += step;
    }
    let every = periods.len().div_ceil(if small { 4 } else { 8 });
    for (i, (period, stack)) in periods.iter().zip(&stacks).enumerate() {
        let x = frame.bar_x(i);
        let mut below = 0;
        for &(topic, count) in stack {
            let y = frame.y(below + count, top);
            let h = frame.y(below, top) - y;
            below += count;
            let count = count.to_string();
            let _ = write!(
                body,
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{h:.1}\" fill=\"{}\" class=\"chart-bar\"><title>{}</title></rect>",
                frame.bar_w,
                PALETTE[topic % PALETTE.len()],
                escape(&tr_with(
                    language,
                    "chart_bar",
                    &[
                        ("period", &label(period)),
                        ("topic", topic_title(topic)),
                        ("count", &count),
                    ],
                )),
            );
        }
        let centre = x + frame.bar_w / 2.0;
        if totals[i] > 0 {
            totals_text.push(tr_with(
                language,
                "chart_total",
                &[
                    ("period", &label(period)),
                    ("count", &totals[i].to_string()),
                ],
            ));
            // The total above its bar, when there is room for it.
            if frame.bar_w >= 14.0 {
                let _ = write!(
                    body,
                    "<text x=\"{centre:.1}\" y=\"{:.1}\" class=\"chart-label chart-total\">{}</text>",
                    frame.y(totals[i], top) - 5.0,
                    totals[i],
                );
            }
        }
        if i % every == 0 {
            // With many labels, every other one gives way on narrow screens.
            let minor = periods.len() > 2 * every && (i / every) % 2 == 1;
            let _ = write!(
                body,
                "<text x=\"{centre:.1}\" y=\"{:.1}\" class=\"chart-label chart-period{}\">{}</text>",
                frame.height - 8.0,
                if minor { " chart-minor" } else { "" },
                escape(&label(period)),
            );
        }
    }
    let mut desc = tr(
        language,
        if by_year {
            "chart_description_year"
        } else {
            "chart_description"
        },
    )
    .to_string();
    desc += &tr_with(
        language,
        "chart_totals",
        &[("totals", &totals_text.join(tr(language, "list_separator")))],
    );
    if left_out > 0 {
        desc += &tr_with(
            language,
            "chart_year_only",
            &[("count", &left_out.to_string())],
        );
    }
    let _ = write!(
        svg,
        "<title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>{body}</svg>",
        escape(title),
        escape(desc.trim_end()),
    );

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

/// The chart's geometry in SVG units: the plot area inside its margins and
/// how wide each bar is.
struct Frame {
    width: f64,
    height: f64,
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
    slot: f64,
    bar_w: f64,
}

impl Frame {
    fn new(small: bool, periods: usize) -> Frame {
        let (width, height) = if small {
            (480.0, 180.0)
        } else {
            (640.0, 260.0)
        };
        let (left, right, top, bottom) = (34.0, 12.0, 24.0, 30.0);
        let slot = (width - left - right) / periods.max(1) as f64;
        // A few months make broad slots: bars stay bars, not blocks.
        let bar_w = (slot * 0.7).clamp(1.0, 64.0).min(slot - 1.0).max(1.0);
        Frame {
            width,
            height,
            left,
            right,
            top,
            bottom,
            slot,
            bar_w,
        }
    }

    fn bar_x(&self, i: usize) -> f64 {
        self.left + i as f64 * self.slot + (self.slot - self.bar_w) / 2.0
    }

    /// The height of `value` on a scale from 0 to `top`.
    fn y(&self, value: usize, top: usize) -> f64 {
        let plot = self.height - self.top - self.bottom;
        self.height - self.bottom - plot * value as f64 / top.max(1) as f64
    }
}

/// A round grid step for counts up to `max`, and the top of the scale.
fn scale(max: usize) -> (usize, usize) {
    let rough = (max as f64 / 4.0).max(1.0);
    let magnitude = 10f64.powi(rough.log10().floor() as i32);
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= rough)
        .unwrap_or(10.0 * magnitude) as usize;
    let step = step.max(1);
    (step, max.div_ceil(step) * step)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn luminance(hex: &str) -> f64 {
        let channel = |i: usize| {
            let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
    }

    fn contrast(a: &str, b: &str) -> f64 {
        let (a, b) = (luminance(a), luminance(b));
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }

    #[test]
    fn every_colour_stands_out_on_light_and_dark_backgrounds() {
        // The backgrounds of templates/assets/style.css.
        for background in ["#fdfdfc", "#15171a"] {
            for colour in PALETTE {
                let ratio = contrast(colour, background);
                assert!(ratio >= 3.0, "{colour} on {background}: {ratio:.2}");
            }
        }
    }

    #[test]
    fn the_scale_uses_round_steps() {
        assert_eq!(scale(1), (1, 1));
        assert_eq!(scale(3), (1, 3));
        assert_eq!(scale(7), (2, 8));
        assert_eq!(scale(39), (10, 40));
        assert_eq!(scale(120), (50, 150));
    }
}
