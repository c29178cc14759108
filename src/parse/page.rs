//! Page files (`_pages/<id>.md`): the site's free pages, such as an About
//! page, rendered at `/<id>/`.

use super::fields::{Fields, Spanned};
use super::node::Node;
use crate::diagnostics::Diagnostic;

pub const PAGE_FIELDS: &[&str] = &["title", "description", "menu", "draft", "aliases"];

/// A free page: a title and a Markdown body.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub id: String,
    pub path: String,
    pub title: String,
    /// One line for search engines and link previews.
    pub description: Option<String>,
    /// Where the page stands in the header navigation, if it is there:
    /// pages with lower numbers come first.
    pub menu: Option<i64>,
    pub draft: bool,
    /// Former ids, whose URLs redirect here.
    pub old_ids: Vec<Spanned<String>>,
    /// The `@kind/id` links of the body.
    pub links: Vec<super::links::BodyLink>,
    pub body: String,
    pub body_line: usize,
    /// The language of the text, when it is not the site's: set on a record
    /// the site in another language shows untranslated.
    pub text_lang: Option<String>,
}

pub fn parse_page(
    id: &str,
    path: &str,
    front_matter: &Node,
    body: String,
    body_line: usize,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Page> {
    let mut f = Fields::open(path, front_matter, PAGE_FIELDS, "page", diagnostics)?;
    let title = f.required_string("title", "\"About this site\"");
    let description = f.string("description").map(|s| s.value);
    let menu = f.integer("menu").map(|m| m.value);
    let draft = f.boolean("draft");
    let old_ids = f.strings("aliases");
    if f.broken {
        return None;
    }
    Some(Page {
        id: id.to_string(),
        path: path.to_string(),
        title: title?.value,
        description,
        menu,
        draft,
        old_ids,
        links: super::links::body_links(&body, body_line),
        body,
        body_line,
        text_lang: None,
    })
}
