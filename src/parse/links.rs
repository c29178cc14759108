//! Links between records in bodies: a Markdown link to `@claim/<id>`,
//! `@speaker/<id>`, `@source/<id>`, `@topic/<id>` or `@page/<id>`, with an
//! optional `#fragment`. Parse finds them with their file positions;
//! `validate` checks that each names a record, `graph` lists who mentions
//! whom, and `render` turns each into a link to the record's page.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use crate::diagnostics::Pos;
use crate::load::FileKind;
use crate::text::LineIndex;

/// The kinds a body link may name, as written after `@`.
pub const LINK_KINDS: &[&str] = &["claim", "speaker", "source", "topic", "page"];

/// One `@kind/id` link in a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyLink {
    /// As written after `@`, before any `/`: `claim`, `speaker`, ...
    pub kind: String,
    /// After the `/`, without the fragment (empty when nothing is there).
    pub id: String,
    pub fragment: Option<String>,
    /// Where the `@` stands in the file.
    pub pos: Pos,
    /// The link has no text of its own: the target's name is shown.
    pub empty: bool,
}

impl BodyLink {
    /// The kind of record it names, when it names a known kind.
    pub fn file_kind(&self) -> Option<FileKind> {
        file_kind(&self.kind)
    }
}

/// The kind of record `@kind` names.
pub fn file_kind(kind: &str) -> Option<FileKind> {
    Some(match kind {
        "claim" => FileKind::Claim,
        "speaker" => FileKind::Speaker,
        "source" => FileKind::Source,
        "topic" => FileKind::Topic,
        "page" => FileKind::Page,
        _ => return None,
    })
}

/// The parts of a destination written `@kind/id#fragment`, if it is one.
pub fn split_target(dest: &str) -> Option<(&str, &str, Option<&str>)> {
    let rest = dest.strip_prefix('@')?;
    let (path, fragment) = match rest.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (rest, None),
    };
    let (kind, id) = path.split_once('/').unwrap_or((path, ""));
    Some((kind, id.trim_end_matches('/'), fragment))
}

/// Every `@` link of a body that starts on file line `body_line`.
pub fn body_links(body: &str, body_line: usize) -> Vec<BodyLink> {
    if !body.contains("](@") && !body.contains("]: @") && !body.contains("<@") {
        return Vec::new();
    }
    let index = LineIndex::new(body);
    let mut links = Vec::new();
    let mut events = Parser::new_ext(body, Options::all())
        .into_offset_iter()
        .peekable();
    while let Some((event, range)) = events.next() {
        let Event::Start(Tag::Link { dest_url, .. }) = event else {
            continue;
        };
        let Some((kind, id, fragment)) = split_target(&dest_url) else {
            continue;
        };
        let empty = matches!(events.peek(), Some((Event::End(TagEnd::Link), _)));
        // The `@` of the destination, or the link's start for a reference.
        let at = body[range.clone()]
            .find('@')
            .map_or(range.start, |i| range.start + i);
        let pos = index.pos(at);
        links.push(BodyLink {
            kind: kind.to_string(),
            id: id.to_string(),
            fragment: fragment.map(str::to_string),
            pos: Pos::new(pos.line + body_line - 1, pos.col),
            empty,
        });
    }
    links
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_found_at_their_file_positions() {
        let body = "Intro.\n\nSee [his view](@speaker/xu-li) and [](@claim/a#quote).\n[x](https://e.org) [y](@nothing/z)\n";
        let links = body_links(body, 5);
        let got: Vec<(&str, &str, Option<&str>, Pos, bool)> = links
            .iter()
            .map(|l| {
                (
                    l.kind.as_str(),
                    l.id.as_str(),
                    l.fragment.as_deref(),
                    l.pos,
                    l.empty,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("speaker", "xu-li", None, Pos::new(7, 16), false),
                ("claim", "a", Some("quote"), Pos::new(7, 39), true),
                ("nothing", "z", None, Pos::new(8, 24), false),
            ]
        );
    }

    #[test]
    fn a_target_splits_into_kind_id_and_fragment() {
        assert_eq!(split_target("@claim/a#b"), Some(("claim", "a", Some("b"))));
        assert_eq!(split_target("@claim/"), Some(("claim", "", None)));
        assert_eq!(split_target("@claim"), Some(("claim", "", None)));
        assert_eq!(split_target("https://x"), None);
    }
}
