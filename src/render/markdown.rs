//! Markdown bodies into HTML: CommonMark plus tables, footnotes,
//! strikethrough and heading anchors; raw HTML sanitised unless the site
//! opts out with `unsafe_html = true`.

use std::collections::HashMap;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};

pub fn render_markdown(markdown: &str, unsafe_html: bool) -> String {
    if markdown.trim().is_empty() {
        return String::new();
    }
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let events: Vec<Event<'_>> = Parser::new_ext(markdown, options).collect();
    let events = add_heading_anchors(events);
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, events.into_iter());
    if unsafe_html { out } else { sanitize(&out) }
}

/// Gives every heading without an explicit `{#id}` an id made from its
/// text, unique within the body, so sections can be linked to.
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
    fn chinese_headings_get_anchors() {
        assert_eq!(slug("数推分离 是什么?"), "数推分离-是什么");
    }
}
