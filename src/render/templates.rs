//! The theme: built-in Tera templates embedded in the binary, replaced file
//! by file by a site's own `templates/` folder, compiled once per build.

use std::collections::HashMap;

use tera::{ErrorKind, Tera};

use crate::diagnostics::{Diagnostic, Pos};
use crate::load::ThemeFile;

/// The built-in templates, by name.
pub const BUILT_IN: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("index.html", include_str!("../../templates/index.html")),
    ("claim.html", include_str!("../../templates/claim.html")),
    (
        "speakers.html",
        include_str!("../../templates/speakers.html"),
    ),
    ("speaker.html", include_str!("../../templates/speaker.html")),
    ("sources.html", include_str!("../../templates/sources.html")),
    ("source.html", include_str!("../../templates/source.html")),
    (
        "source-text.html",
        include_str!("../../templates/source-text.html"),
    ),
    ("topics.html", include_str!("../../templates/topics.html")),
    ("topic.html", include_str!("../../templates/topic.html")),
    (
        "timeline.html",
        include_str!("../../templates/timeline.html"),
    ),
    ("404.html", include_str!("../../templates/404.html")),
    ("search.html", include_str!("../../templates/search.html")),
    ("page.html", include_str!("../../templates/page.html")),
    (
        "redirect.html",
        include_str!("../../templates/redirect.html"),
    ),
    (
        "partials/claim-item.html",
        include_str!("../../templates/partials/claim-item.html"),
    ),
    (
        "partials/chart.html",
        include_str!("../../templates/partials/chart.html"),
    ),
    (
        "partials/pagination.html",
        include_str!("../../templates/partials/pagination.html"),
    ),
    (
        "partials/mentioned-in.html",
        include_str!("../../templates/partials/mentioned-in.html"),
    ),
];

/// Static files of the theme, copied to the output as they are.
pub const ASSETS: &[(&str, &str)] = &[
    (
        "assets/style.css",
        include_str!("../../templates/assets/style.css"),
    ),
    (
        "assets/search.css",
        include_str!("../../templates/assets/search.css"),
    ),
    (
        "assets/languages.css",
        include_str!("../../templates/assets/languages.css"),
    ),
    (
        "assets/search.js",
        include_str!("../../templates/assets/search.js"),
    ),
];

/// Compiled templates, and where each came from for error messages.
pub struct Theme {
    pub tera: Tera,
    /// Template name -> path shown in diagnostics.
    origins: HashMap<String, String>,
    /// The templates a site's own differ from the built-in ones in (or
    /// adds).
    changed: std::collections::HashSet<String>,
    /// Asset path in the output -> bytes (the site's override or built-in).
    pub assets: Vec<(String, Vec<u8>)>,
}

impl Theme {
    /// Whether a file of a site's templates folder is part of its theme:
    /// a template, or one of the built-in assets it replaces.
    pub fn wants(name: &str) -> bool {
        name.ends_with(".html") || ASSETS.iter().any(|(n, _)| *n == name)
    }

    /// The built-in theme with a site's own files (read by
    /// [`crate::load::read_theme`], keeping those [`Theme::wants`]) in place
    /// of the built-in ones.
    pub fn new(files: Vec<ThemeFile>) -> Result<Theme, Vec<Diagnostic>> {
        let mut sources: Vec<(String, String)> = BUILT_IN
            .iter()
            .map(|(n, s)| (n.to_string(), s.to_string()))
            .collect();
        let mut origins: HashMap<String, String> = BUILT_IN
            .iter()
            .map(|(n, _)| (n.to_string(), format!("(built-in theme) templates/{n}")))
            .collect();
        let mut assets: Vec<(String, Vec<u8>)> = ASSETS
            .iter()
            .map(|(n, s)| (n.to_string(), s.as_bytes().to_vec()))
            .collect();
        let mut diagnostics = Vec::new();
        let mut changed = std::collections::HashSet::new();
        for ThemeFile { name, shown, bytes } in files {
            if !name.ends_with(".html") {
                if let Some(slot) = assets.iter_mut().find(|(n, _)| *n == name) {
                    slot.1 = bytes;
                }
                continue;
            }
            let Ok(text) = String::from_utf8(bytes) else {
                diagnostics.push(
                    Diagnostic::error(shown, Pos::START, "the template is not valid UTF-8 text")
                        .with_help("save the file with UTF-8 encoding"),
                );
                continue;
            };
            origins.insert(name.clone(), shown);
            let built_in = BUILT_IN.iter().find(|(n, _)| *n == name);
            if built_in.is_none_or(|(_, t)| *t != text) {
                changed.insert(name.clone());
            }
            match sources.iter_mut().find(|(n, _)| *n == name) {
                Some(slot) => slot.1 = text,
                None => sources.push((name, text)),
            }
        }
        if !diagnostics.is_empty() {
            return Err(diagnostics);
        }
        let mut tera = Tera::new();
        tera.autoescape_on([".html", ".xml"]);
        if let Err(e) =
            tera.add_raw_templates(sources.iter().map(|(n, t)| (n.as_str(), t.as_str())))
        {
            diagnostics.push(template_diagnostic(&e, &origins, "", &sources));
        }
        if diagnostics.is_empty() {
            Ok(Theme {
                tera,
                origins,
                changed,
                assets,
            })
        } else {
            Err(diagnostics)
        }
    }

    /// Whether the site's own template `name` replaces the built-in one
    /// with other text.
    pub fn is_changed(&self, name: &str) -> bool {
        self.changed.contains(name)
    }

    /// Whether any of the site's own templates replaces a built-in one
    /// with other text, or adds one.
    pub fn any_changed(&self) -> bool {
        !self.changed.is_empty()
    }

    pub fn render(&self, name: &str, context: &tera::Context) -> Result<String, Diagnostic> {
        let shown = self
            .origins
            .get(name)
            .map_or_else(|| format!("templates/{name}"), String::clone);
        let _watch = super::watchdog::watch(name, &shown);
        self.tera
            .render(name, context)
            .map_err(|e| template_diagnostic(&e, &self.origins, name, &[]))
    }
}

/// A Tera error as a diagnostic at the template file and line it names.
/// `sources` (name, text) locate the tag of a circular include or extend.
fn template_diagnostic(
    error: &tera::Error,
    origins: &HashMap<String, String>,
    fallback: &str,
    sources: &[(String, String)],
) -> Diagnostic {
    let shown = |name: &str| {
        origins
            .get(name)
            .cloned()
            .unwrap_or_else(|| format!("templates/{name}"))
    };
    match error.kind() {
        ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
            let span = report.span();
            let file = if report.filename().is_empty() {
                fallback
            } else {
                report.filename()
            };
            Diagnostic::error(
                shown(file),
                Pos::new(span.start_line.max(1), span.start_col + 1),
                format!("template error: {}", report.message()),
            )
        }
        ErrorKind::CircularInclude {
            tpl,
            include_chain: chain,
        }
        | ErrorKind::CircularExtend {
            tpl,
            inheritance_chain: chain,
        } => {
            let (keyword, verb, infinitive) = match error.kind() {
                ErrorKind::CircularInclude { .. } => ("include", "includes", "include"),
                _ => ("extends", "extends", "extend"),
            };
            // Tera's include chain runs from the template being rendered to
            // the repeated one (`tpl`); its extends chain holds the parents
            // of `tpl`, which started it, up to the repeated one. Either
            // way, the loop runs from the repeated name's first appearance.
            let full: Vec<&str> = match error.kind() {
                ErrorKind::CircularInclude { .. } => chain.iter().map(String::as_str).collect(),
                _ => std::iter::once(tpl)
                    .chain(chain)
                    .map(String::as_str)
                    .collect(),
            };
            let repeated = full.last().copied().unwrap_or(tpl);
            let cycle = &full[full.iter().position(|n| *n == repeated).unwrap_or(0)..];
            let first = cycle.first().copied().unwrap_or(tpl);
            let next = cycle.get(1).copied().unwrap_or(first);
            let pos = sources
                .iter()
                .find(|(n, _)| n == first)
                .and_then(|(_, text)| tag_position(text, keyword, next))
                .unwrap_or(Pos::START);
            let message = if next == first {
                format!("template error: `{first}` {verb} itself")
            } else {
                format!(
                    "template error: `{first}` {verb} itself through {}",
                    cycle
                        .iter()
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(" → ")
                )
            };
            Diagnostic::error(shown(first), pos, message).with_help(format!(
                "a template cannot {infinitive} itself, even through others: move the shared part into a partial of its own"
            ))
        }
        ErrorKind::MissingParent { current, parent } => Diagnostic::error(
            shown(current),
            Pos::START,
            format!("template extends `{parent}`, which does not exist"),
        ),
        ErrorKind::TemplateNotFound(name) => Diagnostic::error(
            shown(fallback),
            Pos::START,
            format!("template `{name}` not found"),
        )
        .with_help(format!(
            "the built-in templates are: {}",
            BUILT_IN
                .iter()
                .map(|(n, _)| *n)
                .collect::<Vec<_>>()
                .join(", ")
        )),
        _ => {
            let mut message = error.to_string();
            let mut source = std::error::Error::source(error);
            while let Some(s) = source {
                message.push_str(": ");
                message.push_str(&s.to_string());
                source = s.source();
            }
            // Some errors (an include of a missing template) arrive as a
            // rendered report: read the place from its `--> file:line:col`.
            if let Some((file, pos, first)) = located_report(&message) {
                return Diagnostic::error(shown(&file), pos, format!("template error: {first}"));
            }
            Diagnostic::error(
                shown(fallback),
                Pos::START,
                format!("template error: {message}"),
            )
        }
    }
}

/// Where `{% keyword "target" %}` starts in a template's text.
fn tag_position(text: &str, keyword: &str, target: &str) -> Option<Pos> {
    let mut from = 0;
    while let Some(found) = text[from..].find("{%") {
        let start = from + found;
        let body = &text[start + 2..];
        let end = body.find("%}").unwrap_or(body.len());
        let tag = body[..end].trim_matches(|c: char| c == '-' || c.is_whitespace());
        if let Some(rest) = tag.strip_prefix(keyword)
            && [format!("\"{target}\""), format!("'{target}'")]
                .iter()
                .any(|quoted| rest.trim_start().starts_with(quoted.as_str()))
        {
            let line = text[..start].matches('\n').count() + 1;
            let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
            let col = text[line_start..start].chars().count() + 1;
            return Some(Pos::new(line, col));
        }
        from = start + 2;
    }
    None
}

/// The template, position and first line of a rendered Tera report:
/// `error: Unknown template `x`\n --> claim.html:4:12\n ...`.
fn located_report(report: &str) -> Option<(String, Pos, String)> {
    let first = report.lines().next()?.trim();
    let first = first.strip_prefix("error: ").unwrap_or(first).to_string();
    let place = report
        .lines()
        .find_map(|l| l.trim_start().strip_prefix("--> "))?;
    let mut parts = place.trim().rsplitn(3, ':');
    let col: usize = parts.next()?.parse().ok()?;
    let line: usize = parts.next()?.parse().ok()?;
    let file = parts.next()?.to_string();
    Some((file, Pos::new(line, col), first))
}
