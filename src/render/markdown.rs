//! Markdown bodies into HTML: CommonMark plus tables, footnotes,
//! strikethrough and heading anchors; raw HTML sanitised unless the site
//! opts out with `unsafe_html = true`.

use std::collections::HashMap;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};

use crate::load::FileKind;
use crate::parse::links::{file_kind, split_target};

pub fn render_markdown(markdown: &str, unsafe_html: bool) -> String {
    render_markdown_linked(markdown, unsafe_html, &|_, _| None)
}

/// Where a body link `@kind/id` goes: the target's URL and the name shown
/// for a link with no text; `None` for a target not in the site (a draft
/// left out), whose link is shown as its text alone.
pub type LinkTarget<'a> = dyn Fn(FileKind, &str) -> Option<(String, String)> + 'a;

/// [`render_markdown`], with the `@kind/id` links of the body resolved by
/// `target` (validation made sure each names a record).
pub fn render_markdown_linked(
    markdown: &str,
    unsafe_html: bool,
    target: &LinkTarget<'_>,
) -> String {
    if markdown.trim().is_empty() {
        return String::new();
    }
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let events: Vec<Event<'_>> = Parser::new_ext(markdown, options).collect();
    let events = resolve_links(events, target);
    let events = add_heading_anchors(events);
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, events.iter().cloned());
    if unsafe_html {
        return out;
    }
    if nesting_exceeds(&out, MAX_HTML_DEPTH) {
        // The sanitiser's HTML parser slows down with the square of the
        // nesting depth (a body of 100,000 `>` or `<div>` would take
        // minutes): show such a body with its raw HTML as text and its
        // deepest Markdown flattened, which bounds the depth.
        out.clear();
        html::push_html(&mut out, flatten(events).into_iter());
    }
    sanitize(&out)
}

/// Deeper raw HTML than this is shown as text (see [`nesting_exceeds`]).
const MAX_HTML_DEPTH: usize = 100;
/// Markdown containers (quotes, lists, emphasis) deeper than this keep
/// their text but lose their element, in a body that nests too deep.
const MAX_MARKDOWN_DEPTH: usize = 24;

/// Raw HTML as text, and Markdown containers below [`MAX_MARKDOWN_DEPTH`]
/// dropped (their content kept): every element this leaves is one of
/// pulldown-cmark's, at most a few per level, so the depth is bounded.
fn flatten(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut kept: Vec<bool> = Vec::new();
    let mut depth = 0;
    let mut out = Vec::with_capacity(events.len());
    for event in events {
        match event {
            Event::Start(tag) => {
                let keep = depth < MAX_MARKDOWN_DEPTH;
                kept.push(keep);
                if keep {
                    depth += 1;
                    out.push(Event::Start(tag));
                }
            }
            Event::End(tag) => {
                if kept.pop().unwrap_or(false) {
                    depth -= 1;
                    out.push(Event::End(tag));
                }
            }
            Event::Html(html) | Event::InlineHtml(html) => out.push(Event::Text(html)),
            other => out.push(other),
        }
    }
    out
}

/// Whether the elements of `html` may nest deeper than `limit`, by a
/// single linear scan that errs on the deep side: every start tag of a
/// non-void element opens one, and an end tag closes only what it closes
/// for certain (the innermost element of its name, above which there are
/// only elements whose end a parser may imply, for the end tags that imply
/// them).
fn nesting_exceeds(html: &str, limit: usize) -> bool {
    const VOID: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta",
        "param", "source", "track", "wbr",
    ];
    const IMPLIED_END: &[&str] = &[
        "p", "li", "dd", "dt", "option", "optgroup", "rb", "rp", "rt", "rtc",
    ];
    // End tags that close their element through implied ends (HTML's "in
    // scope" rules); any other end tag closes only the innermost element.
    const SCOPED_END: &[&str] = &[
        "address",
        "article",
        "aside",
        "blockquote",
        "center",
        "details",
        "dialog",
        "dir",
        "div",
        "dl",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "header",
        "hgroup",
        "li",
        "dd",
        "dt",
        "listing",
        "main",
        "menu",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "ul",
    ];
    let bytes = html.as_bytes();
    let mut open: Vec<String> = Vec::new();
    let mut i = 0;
    while let Some(at) = html[i..].find('<') {
        i += at + 1;
        let (closing, start) = match bytes.get(i) {
            Some(b'/') => (true, i + 1),
            Some(b) if b.is_ascii_alphabetic() => (false, i),
            Some(b'!') if html[i..].starts_with("!--") => {
                i = html[i..].find("-->").map_or(html.len(), |e| i + e + 3);
                continue;
            }
            _ => continue,
        };
        let name_end = html[start..]
            .find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>')
            .map_or(html.len(), |e| start + e);
        let name = html[start..name_end].to_ascii_lowercase();
        i = tag_end(html, name_end);
        if closing {
            let above = if SCOPED_END.contains(&name.as_str()) {
                open.iter()
                    .rev()
                    .take_while(|n| **n != name && IMPLIED_END.contains(&n.as_str()))
                    .count()
            } else {
                0
            };
            if open.len() > above && open[open.len() - 1 - above] == name {
                open.truncate(open.len() - 1 - above);
            }
        } else if !VOID.contains(&name.as_str()) {
            // A new `<p>` or `<li>` closes the one it follows.
            if IMPLIED_END.contains(&name.as_str()) && open.last() == Some(&name) {
                open.pop();
            }
            open.push(name);
            if open.len() > limit {
                return true;
            }
        }
    }
    false
}

/// The index just past the `>` that ends the tag whose name ends at `from`,
/// skipping `>` inside quoted attribute values.
fn tag_end(html: &str, from: usize) -> usize {
    let mut quote = None;
    for (k, b) in html.as_bytes()[from..].iter().enumerate() {
        match (quote, b) {
            (None, b'"' | b'\'') => quote = Some(*b),
            (Some(q), b) if q == *b => quote = None,
            (None, b'>') => return from + k + 1,
            _ => {}
        }
    }
    html.len()
}

/// Gives every heading without an explicit `{#id}` an id made from its
/// text, unique within the body, so sections can be linked to.
/// Turns `@kind/id#fragment` link destinations into URLs, fills links
/// with no text with the target's name, and keeps only the text of a link
/// whose target is not in the site.
fn resolve_links<'e>(events: Vec<Event<'e>>, target: &LinkTarget<'_>) -> Vec<Event<'e>> {
    let mut out = Vec::with_capacity(events.len());
    let mut dropped = false;
    let mut events = events.into_iter().peekable();
    while let Some(event) = events.next() {
        match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) if dest_url.starts_with('@') => {
                let found = split_target(&dest_url).and_then(|(kind, record, fragment)| {
                    let (url, name) = target(file_kind(kind)?, record)?;
                    let url = match fragment {
                        Some(f) => format!("{url}#{f}"),
                        None => url,
                    };
                    Some((url, name))
                });
                let Some((url, name)) = found else {
                    dropped = true;
                    continue;
                };
                out.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url: CowStr::from(url),
                    title,
                    id,
                }));
                if matches!(events.peek(), Some(Event::End(TagEnd::Link))) {
                    out.push(Event::Text(CowStr::from(name)));
                }
            }
            Event::End(TagEnd::Link) if dropped => dropped = false,
            other => out.push(other),
        }
    }
    out
}

fn add_heading_anchors(mut events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut used: HashMap<String, usize> = HashMap::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { id: None, .. }) = &events[i] {
            let mut text = String::new();
            let mut j = i + 1;
            while j < events.len() && !matches!(events[j], Event::End(TagEnd::Heading(_))) {
                if let Event::Text(t) | Event::Code(t) = &events[j] {
                    text.push_str(t);
                }
                j += 1;
            }
            let base = slug(&text);
            let n = used.entry(base.clone()).or_insert(0);
            let anchor = if *n == 0 {
                base.clone()
            } else {
                format!("{base}-{n}")
            };
            *n += 1;
            if let Event::Start(Tag::Heading {
                level,
                classes,
                attrs,
                ..
            }) = events[i].clone()
            {
                events[i] = Event::Start(Tag::Heading {
                    level: demote(level),
                    id: Some(CowStr::from(anchor)),
                    classes,
                    attrs,
                });
            }
        } else if let Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) = events[i].clone()
        {
            events[i] = Event::Start(Tag::Heading {
                level: demote(level),
                id,
                classes,
                attrs,
            });
        } else if let Event::End(TagEnd::Heading(level)) = events[i] {
            events[i] = Event::End(TagEnd::Heading(demote(level)));
        }
        i += 1;
    }
    events
}

/// Body headings sit under the page's own `h1`, so `#` becomes `h2`.
fn demote(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H2,
        HeadingLevel::H2 => HeadingLevel::H3,
        HeadingLevel::H3 => HeadingLevel::H4,
        HeadingLevel::H4 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

/// An anchor from heading text: letters (any script) and digits kept,
/// everything else one hyphen.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-');
    if out.is_empty() {
        "section".into()
    } else {
        out.to_string()
    }
}

/// The allow-list: ammonia's defaults (no scripts, styles, event handlers,
/// or `javascript:`/`data:` URLs), plus the ids and footnote classes that
/// our own Markdown output uses.
fn sanitize(html: &str) -> String {
    ammonia::Builder::default()
        .add_generic_attributes(["id"])
        .add_tag_attributes("sup", ["class"])
        .add_tag_attributes("div", ["class"])
        .add_tag_attributes("td", ["style"])
        .add_tag_attributes("th", ["style"])
        .filter_style_properties(["text-align"].into_iter().collect())
        .link_rel(Some("noopener noreferrer"))
        .clean(html)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_extensions() {
        let html = render_markdown(
            "# Title\n\n|a|b|\n|-|-|\n|1|2|\n\n~~x~~ [^1]\n\n[^1]: note\n",
            false,
        );
        assert!(html.contains("<h2 id=\"title\">Title</h2>"), "{html}");
        assert!(html.contains("<table>"));
        assert!(html.contains("<del>x</del>"));
        assert!(html.contains("footnote-definition"), "{html}");
    }

    #[test]
    fn scripts_and_handlers_are_removed() {
        let html = render_markdown(
            "<script>alert(1)</script><img src=x onerror=alert(1)><iframe src=x></iframe>\n\n[a](javascript:alert(1)) <a href=\"data:text/html,x\">b</a>",
            false,
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("href=\"javascript:"), "{html}");
        assert!(!html.contains("href=\"data:"), "{html}");
        assert!(!html.contains("<iframe"), "{html}");
    }

    #[test]
    fn unsafe_html_passes_through_when_asked() {
        assert!(render_markdown("<b onclick=x>hi</b>", true).contains("onclick"));
    }

    #[test]
    fn deep_nesting_is_flattened_not_fed_to_the_sanitiser() {
        let html = render_markdown(&format!("{} deep", ">".repeat(10_000)), false);
        assert!(html.matches("<blockquote>").count() <= MAX_MARKDOWN_DEPTH);
        assert!(html.contains("deep"));
        let html = render_markdown(
            &format!("{}deep <script>x</script>", "<div>".repeat(10_000)),
            false,
        );
        assert!(!html.contains("<div>"), "raw HTML shown as text");
        assert!(html.contains("&lt;div&gt;"));
        assert!(!html.contains("<script"));
    }

    #[test]
    fn nesting_is_measured_on_the_deep_side() {
        assert!(!nesting_exceeds(&"<p>a</p>".repeat(1000), 3));
        assert!(!nesting_exceeds(&"<ul><li>a<li>b</ul>".repeat(1000), 3));
        assert!(!nesting_exceeds("<a title=\"<b><b><b>\">x</a>", 2));
        assert!(nesting_exceeds(&"<div>".repeat(4), 3));
        // `</span>` cannot close a span across an open `<div>`.
        assert!(nesting_exceeds(&"<span><div></span>".repeat(4), 3));
        assert!(nesting_exceeds(&"<span><p></span>".repeat(4), 3));
        // `<div/>` is not self-closing in HTML.
        assert!(nesting_exceeds(&"<div/>".repeat(4), 3));
        assert!(!nesting_exceeds(&"<br/><img src=x>".repeat(10), 3));
    }

    #[test]
    fn chinese_headings_get_anchors() {
        assert_eq!(slug("数推分离 是什么?"), "数推分离-是什么");
    }
}
