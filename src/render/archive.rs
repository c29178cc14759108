//! The archived texts of sources as readers see them: split into numbered
//! paragraphs, each quote found in its place and highlighted, on the claim
//! page (the paragraphs that hold its quote) and on the source's text page
//! (`/sources/<id>/text/`, every quote of the site, each linked back to its
//! claim). How much of a text is published is the site's
//! `archive_publish`.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Serialize;

use super::chart::escape;
use crate::config::ArchivePublish;
use crate::graph::Graph;

/// A claim's quote found in an archived text: for each paragraph it
/// touches (numbered from 1), the byte ranges of the quoted words. A quote
/// in parts ("……") has a range per part.
pub type QuoteSpots = BTreeMap<usize, Vec<Range<usize>>>;

/// The paragraphs of an archived text. A text with blank lines has its
/// paragraphs between them, their lines joined (without a space where
/// Chinese or Japanese text was wrapped); a text without has a paragraph to
/// a line, as copies of articles often do.
pub fn paragraphs(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let first = lines.iter().position(|l| !l.is_empty()).unwrap_or(0);
    let last = lines.iter().rposition(|l| !l.is_empty()).unwrap_or(0);
    let blank_lines = lines[first..=last.max(first)].iter().any(|l| l.is_empty());
    if !blank_lines {
        return lines
            .into_iter()
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect();
    }
    let mut paragraphs: Vec<String> = Vec::new();
    let mut open = false;
    for line in lines {
        if line.is_empty() {
            open = false;
        } else if open && let Some(p) = paragraphs.last_mut() {
            let wide = |c: Option<char>| c.is_some_and(|c| c as u32 >= 0x2e80);
            if !(wide(p.chars().next_back()) || wide(line.chars().next())) {
                p.push(' ');
            }
            p.push_str(line);
        } else {
            paragraphs.push(line.to_string());
            open = true;
        }
    }
    paragraphs
}

/// Where `quote` is in `paragraphs`, matched as `validate` checks it:
/// white space ignored, parts separated by "……" found in order.
pub fn locate(quote: &str, paragraphs: &[String]) -> Option<QuoteSpots> {
    // Every character that is not white space: (paragraph, byte range),
    // and the same characters as one string to search in.
    let mut chars = Vec::new();
    let mut squashed = String::new();
    let mut starts = Vec::new();
    for (p, text) in paragraphs.iter().enumerate() {
        for (at, c) in text.char_indices().filter(|(_, c)| !c.is_whitespace()) {
            chars.push((p + 1, at..at + c.len_utf8()));
            starts.push(squashed.len());
            squashed.push(c);
        }
    }
    let char_at = |byte: usize| starts.partition_point(|&s| s < byte);
    let mut spots = QuoteSpots::new();
    let mut from = 0;
    for part in quote.split("……") {
        let part: String = part.chars().filter(|c| !c.is_whitespace()).collect();
        if part.is_empty() {
            continue;
        }
        let at = from + squashed[from..].find(&part)?;
        from = at + part.len();
        let (first, last) = (char_at(at), char_at(from) - 1);
        // A part that runs over a paragraph break is a range in each.
        let mut i = first;
        while i <= last {
            let p = chars[i].0;
            let mut j = i;
            while j < last && chars[j + 1].0 == p {
                j += 1;
            }
            let range = chars[i].1.start..chars[j].1.end;
            spots.entry(p).or_default().push(range);
            i = j + 1;
        }
    }
    Some(spots)
}

/// A quote's words in a paragraph and the claim they belong to.
#[derive(Debug, Clone)]
pub struct Mark {
    pub range: Range<usize>,
    /// The claim's page, to link back to (on the text page), with its
    /// number there.
    pub back: Option<(String, usize)>,
}

/// One paragraph as HTML, escaped, with `marks` highlighted. Overlapping
/// marks (two claims quoting the same words) share one highlight; each
/// link back follows the end of its quote.
pub fn highlight(paragraph: &str, marks: &[Mark]) -> String {
    let mut cuts: Vec<usize> = vec![0, paragraph.len()];
    for m in marks {
        cuts.extend([m.range.start, m.range.end]);
    }
    cuts.sort_unstable();
    cuts.dedup();
    let mut html = String::new();
    let mut open = false;
    for pair in cuts.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let marked = marks.iter().any(|m| m.range.start <= a && b <= m.range.end);
        if marked && !open {
            html.push_str("<mark>");
            open = true;
        } else if !marked && open {
            html.push_str("</mark>");
            open = false;
        }
        html.push_str(&escape(&paragraph[a..b]));
        let backs: Vec<&(String, usize)> = marks
            .iter()
            .filter(|m| m.range.end == b)
            .filter_map(|m| m.back.as_ref())
            .collect();
        if !backs.is_empty() && open {
            html.push_str("</mark>");
            open = false;
        }
        for (url, n) in backs {
            // Claim URLs are the checked base path and an id of
            // `[a-z0-9-]`: nothing in them needs escaping.
            html.push_str(&format!("<a class=\"quote-ref\" href=\"{url}\">[{n}]</a>"));
        }
    }
    if open {
        html.push_str("</mark>");
    }
    html
}

/// A paragraph of an archived text as a page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ParagraphView {
    /// Its number in the text, from 1; its anchor is `p-<number>`.
    pub number: usize,
    pub html: String,
}

/// A claim's quote in context: the paragraphs that hold it, and where they
/// are on the source's text page.
#[derive(Debug, Clone, Serialize)]
pub struct QuoteContext {
    pub paragraphs: Vec<ParagraphView>,
    /// The first paragraph on the text page (`/sources/<id>/text/#p-3`).
    pub url: String,
}

/// The paragraphs of `source`'s archived text that hold `quote`, with its
/// words highlighted; none when the site publishes no archived text, or the
/// source has none.
pub fn quote_context(
    graph: &Graph,
    publish: ArchivePublish,
    base: &str,
    source: &str,
    quote: &str,
) -> Option<QuoteContext> {
    if publish == ArchivePublish::None {
        return None;
    }
    let text = graph.archives.get(source)?;
    let paragraphs = paragraphs(text);
    let spots = locate(quote, &paragraphs)?;
    let first = *spots.keys().next()?;
    Some(QuoteContext {
        paragraphs: spots
            .iter()
            .map(|(&number, ranges)| {
                let marks: Vec<Mark> = ranges
                    .iter()
                    .map(|r| Mark {
                        range: r.clone(),
                        back: None,
                    })
                    .collect();
                ParagraphView {
                    number,
                    html: highlight(&paragraphs[number - 1], &marks),
                }
            })
            .collect(),
        url: format!("{base}{}#p-{first}", source_text_path(source)),
    })
}

/// The text page of a source with an archive.
pub fn source_text_path(id: &str) -> String {
    format!("sources/{id}/text/")
}

/// A claim quoted on a text page, numbered in the order its quote appears.
#[derive(Debug, Clone, Serialize)]
pub struct QuotedClaim {
    pub number: usize,
    pub url: String,
    pub claim: String,
    /// The paragraph its quote starts in.
    pub paragraph: usize,
}

/// What a source's text page shows: its published paragraphs in order,
/// with `None` where paragraphs are left out, and the claims quoted.
#[derive(Debug, Clone, Serialize)]
pub struct ArchivedText {
    pub paragraphs: Vec<Option<ParagraphView>>,
    /// The number of paragraphs in the whole text.
    pub total: usize,
    pub claims: Vec<QuotedClaim>,
}

/// The text page of source `k`, if the site publishes one: every quote of
/// its claims highlighted, each followed by a numbered link to its claim.
pub fn archived_text(
    graph: &Graph,
    publish: ArchivePublish,
    base: &str,
    k: usize,
) -> Option<ArchivedText> {
    if publish == ArchivePublish::None {
        return None;
    }
    let source = &graph.sources[k];
    let text = graph.archives.get(&source.id)?;
    let paragraphs = paragraphs(text);
    // The claims that quote this text, in the order their quotes appear.
    let mut quoted: Vec<(usize, QuoteSpots)> = graph.by_source[k]
        .iter()
        .filter_map(|&i| {
            let claim = &graph.claims[i];
            (claim.source.value == source.id).then_some(())?;
            let quote = claim.quote.as_ref()?;
            Some((i, locate(&quote.value, &paragraphs)?))
        })
        .collect();
    quoted.sort_by_key(|(i, spots)| {
        let first = spots.iter().next().map(|(&p, r)| (p, r[0].start));
        (first, *i)
    });
    let mut marks: BTreeMap<usize, Vec<Mark>> = BTreeMap::new();
    let mut claims = Vec::new();
    for (n, (i, spots)) in quoted.iter().enumerate() {
        let claim = &graph.claims[*i];
        let url = format!("{base}{}", super::views::claim_path(&claim.id));
        let last = spots.keys().next_back().copied();
        for (&p, ranges) in spots {
            for (j, r) in ranges.iter().enumerate() {
                // The link back follows the quote's last words only.
                let back = (Some(p) == last && j + 1 == ranges.len()).then(|| (url.clone(), n + 1));
                marks.entry(p).or_default().push(Mark {
                    range: r.clone(),
                    back,
                });
            }
        }
        claims.push(QuotedClaim {
            number: n + 1,
            url,
            claim: claim.claim.clone(),
            paragraph: spots.keys().next().copied().unwrap_or(1),
        });
    }
    let shown = |p: usize| publish == ArchivePublish::Full || marks.contains_key(&p);
    let mut views = Vec::new();
    for (index, paragraph) in paragraphs.iter().enumerate() {
        let number = index + 1;
        if shown(number) {
            let marks = marks.get(&number).map_or(&[][..], Vec::as_slice);
            views.push(Some(ParagraphView {
                number,
                html: highlight(paragraph, marks),
            }));
        } else if views.last().is_none_or(Option::is_some) {
            views.push(None);
        }
    }
    Some(ArchivedText {
        paragraphs: views,
        total: paragraphs.len(),
        claims,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_are_found_by_paragraph_ignoring_white_space() {
        let text = "第一段。\nAI已经开始替代人类, 但是永远不会。\n人与AI之间的差距\n";
        let paragraphs = paragraphs(text);
        assert_eq!(paragraphs.len(), 3);
        let spots = locate("AI已经开始替代人类,但是", &paragraphs).unwrap();
        let range = spots[&2][0].clone();
        assert_eq!(&paragraphs[1][range], "AI已经开始替代人类, 但是");
        let spots = locate("永远不会……人与AI", &paragraphs).unwrap();
        assert_eq!(spots.keys().copied().collect::<Vec<_>>(), [2, 3]);
        assert_eq!(&paragraphs[2][spots[&3][0].clone()], "人与AI");
        assert!(locate("人与AI……第一段", &paragraphs).is_none());
    }

    #[test]
    fn blank_lines_part_paragraphs_and_wrapped_lines_join() {
        let text = "Title\n\n到2030年,一半的\n工作将被自动化。\n\nBetween 40 and\n60 per cent.\n";
        assert_eq!(
            paragraphs(text),
            [
                "Title",
                "到2030年,一半的工作将被自动化。",
                "Between 40 and 60 per cent."
            ]
        );
    }

    #[test]
    fn highlights_escape_and_link_back_after_the_quote() {
        let marks = [
            Mark {
                range: 0..3,
                back: Some(("/claims/a/".into(), 1)),
            },
            Mark {
                range: 2..5,
                back: None,
            },
        ];
        assert_eq!(
            highlight("a<bcdef", &marks),
            "<mark>a&lt;b</mark><a class=\"quote-ref\" href=\"/claims/a/\">[1]</a><mark>cd</mark>ef"
        );
    }
}
