//! Stage 3: the rules of FORMAT.md that span files: unique ids, references
//! that resolve, no claim relating to itself, quotes found verbatim in a
//! source's archived text, and warnings for entities nobody uses.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::diagnostics::{Diagnostic, Pos, did_you_mean};
use crate::load::{Archives, FileKind, ID_RULE, InputFile, ids_of, is_valid_id};
use crate::parse::links::LINK_KINDS;
use crate::parse::{BodyLink, Page, Records, Spanned};

/// `content` is the content folder relative to the site root (`claims`),
/// for "create this file" help.
pub fn validate(
    files: &[InputFile],
    records: &Records,
    archives: &Archives,
    content: &str,
) -> Vec<Diagnostic> {
    validate_for(files, records, archives, content, true)
}

/// [`validate`], for a build that leaves drafts out unless `drafts`: the
/// references of a draft left out are not checked.
pub fn validate_for(
    files: &[InputFile],
    records: &Records,
    archives: &Archives,
    content: &str,
    drafts: bool,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    check_duplicates(files, &mut out);

    let claim_ids: HashSet<&str> = files
        .iter()
        .filter(|f| f.kind == FileKind::Claim)
        .map(|f| f.id.as_str())
        .collect();
    let ids_of = |kind: FileKind| ids_of(files, kind);
    let speakers = ids_of(FileKind::Speaker);
    let sources = ids_of(FileKind::Source);
    let topics = ids_of(FileKind::Topic);
    let pages = ids_of(FileKind::Page);
    let mut claims: Vec<&str> = claim_ids.iter().copied().collect();
    claims.sort_unstable();

    let published: HashMap<&str, bool> = records
        .sources
        .iter()
        .map(|s| (s.id.as_str(), s.published.is_some()))
        .collect();
    let mut used: HashSet<(FileKind, &str)> = records
        .unparsed_refs
        .iter()
        .map(|(kind, id)| (*kind, id.as_str()))
        .collect();
    // A draft left out of the build may still name what does not exist
    // yet (`claimbase new claim` writes one with placeholders): only
    // what it uses counts.
    let mut left_out = Vec::new();
    for claim in &records.claims {
        let out: &mut Vec<Diagnostic> = if drafts || !claim.draft {
            &mut out
        } else {
            &mut left_out
        };
        let path = claim.path.as_str();
        for s in &claim.speakers {
            check_ref(path, "speaker", s, &speakers, content, out);
            used.insert((FileKind::Speaker, &s.value));
        }
        check_ref(path, "source", &claim.source, &sources, content, out);
        used.insert((FileKind::Source, &claim.source.value));
        if claim.reported && published.get(claim.source.value.as_str()) == Some(&false) {
            out.push(
                Diagnostic::error(
                    path,
                    claim.source.pos,
                    format!(
                        "the claim has no `date`, and its source `{}` has no `published` date to report it by",
                        claim.source.value
                    ),
                )
                .with_help(format!(
                    "add `date: YYYY-MM-DD` (when it was said) to the claim, or `published:` to {content}/_sources/{}.md",
                    claim.source.value
                )),
            );
        }
        if let Some(origin) = &claim.origin {
            check_ref(path, "source", origin, &sources, content, out);
            used.insert((FileKind::Source, &origin.value));
        }
        for t in &claim.topics {
            check_ref(path, "topic", t, &topics, content, out);
            used.insert((FileKind::Topic, &t.value));
        }
        for (field, list) in [
            ("supports", &claim.supports),
            ("contradicts", &claim.contradicts),
            ("responds_to", &claim.responds_to),
        ] {
            for target in list {
                if target.value == claim.id {
                    out.push(
                        Diagnostic::error(
                            path,
                            target.pos,
                            format!("a claim cannot list itself in `{field}`"),
                        )
                        .with_help("remove its own id from the list"),
                    );
                } else {
                    check_ref(path, "claim", target, &claims, content, out);
                }
            }
        }
        if let Some(quote) = &claim.quote
            && let Some(Ok(text)) = archives.get(&claim.source.value)
            && !quote_appears_in(&quote.value, text)
        {
            out.push(
                Diagnostic::error(
                    path,
                    quote.pos,
                    format!("`quote` is not found verbatim in the archived text of source `{}`", claim.source.value),
                )
                .with_help("copy the words exactly as the source has them; separate parts that are not adjacent with \"……\""),
            );
        }
    }
    for speaker in &records.speakers {
        if let Some(org) = &speaker.org {
            check_ref(&speaker.path, "speaker", org, &speakers, content, &mut out);
            used.insert((FileKind::Speaker, &org.value));
        }
    }
    for source in &records.sources {
        if let Some(Err(d)) = archives.get(&source.id) {
            out.push(d.clone());
        }
    }
    for page in &records.pages {
        check_page_id(page, &mut out);
    }
    let ids = |kind: FileKind| -> &[&str] {
        match kind {
            FileKind::Claim => &claims,
            FileKind::Speaker => &speakers,
            FileKind::Source => &sources,
            FileKind::Topic => &topics,
            FileKind::Page => &pages,
        }
    };
    check_aliases(records, &ids, &mut out);
    for (path, links) in records.body_links() {
        for link in links {
            check_link(path, link, &ids, content, &mut out);
            if let Some(kind) = link.file_kind() {
                used.insert((kind, &link.id));
            }
        }
    }
    for file in files {
        if !matches!(file.kind, FileKind::Claim | FileKind::Page)
            && !used.contains(&(file.kind, file.id.as_str()))
        {
            out.push(
                Diagnostic::warning(
                    &file.path,
                    Pos::START,
                    format!(
                        "{} `{}` is not used by any claim",
                        file.kind.noun(),
                        file.id
                    ),
                )
                .with_help("reference it from a claim, or delete the file"),
            );
        }
    }
    out
}

fn check_duplicates(files: &[InputFile], out: &mut Vec<Diagnostic>) {
    let mut seen: BTreeMap<(FileKind, &str, Option<&str>), Vec<&str>> = BTreeMap::new();
    for file in files {
        seen.entry((file.kind, &file.id, file.lang.as_deref()))
            .or_default()
            .push(&file.path);
    }
    for ((kind, id, _), mut paths) in seen {
        if paths.len() < 2 {
            continue;
        }
        paths.sort_unstable();
        for path in &paths[1..] {
            out.push(
                Diagnostic::error(
                    *path,
                    Pos::START,
                    format!("duplicate {} id `{id}`: `{}` has the same file name", kind.noun(), paths[0]),
                )
                .with_help("ids are file names and must be unique, whatever folder they are in; rename one of the files"),
            );
        }
    }
}

/// The rules of translation files that span files: each is in one of the
/// site's `languages` other than the default (the first), translates a
/// record that exists, and gives a claim's figures one for one.
pub fn validate_translations(
    files: &[InputFile],
    records: &Records,
    languages: &[String],
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let default = languages.first().map(String::as_str).unwrap_or("en");
    // Each kind's ids, sorted, made once for all translations of the kind.
    let mut ids_by_kind: std::collections::HashMap<FileKind, Vec<&str>> = Default::default();
    let claims: std::collections::HashMap<&str, &crate::parse::Claim> = records
        .claims
        .iter()
        .map(|c| (c.id.as_str(), &**c))
        .collect();
    for t in &records.translations {
        if !languages.contains(&t.lang) {
            out.push(crate::parse::translation::unknown_language(
                &t.path, &t.lang, languages,
            ));
            continue;
        }
        if t.lang == default {
            out.push(
                Diagnostic::error(
                    &t.path,
                    Pos::START,
                    format!(
                        "`{}` is the site's default language: the text in `{}.md` is already in it",
                        t.lang, t.id
                    ),
                )
                .with_help(format!(
                    "edit `{}.md` itself, or name this file for another of the site's languages",
                    t.id
                )),
            );
            continue;
        }
        // Against the files, so that an original with errors of its own
        // is not also reported missing.
        let ids = ids_by_kind
            .entry(t.kind)
            .or_insert_with(|| ids_of(files, t.kind));
        if ids.binary_search(&t.id.as_str()).is_err() {
            let folder = t.kind.folder().map(|f| format!("{f}/")).unwrap_or_default();
            out.push(
                Diagnostic::error(
                    &t.path,
                    Pos::START,
                    format!(
                        "a translation of the {} `{}`, but there is no `{folder}{}.md`{}",
                        t.kind.noun(),
                        t.id,
                        t.id,
                        did_you_mean(&t.id, ids.iter().copied())
                    ),
                )
                .with_help("a translation sits beside its original and has its name with the language before `.md`; rename it, or create the original"),
            );
            continue;
        }
        if let (Some(figures), FileKind::Claim) = (&t.figures, t.kind)
            && let Some(claim) = claims.get(t.id.as_str())
            && figures.value.len() != claim.figures.len()
        {
            out.push(
                Diagnostic::error(
                    &t.path,
                    figures.pos,
                    format!(
                        "`figures` has {} {}, but `{}.md` has {} {}",
                        figures.value.len(),
                        if figures.value.len() == 1 {
                            "entry"
                        } else {
                            "entries"
                        },
                        t.id,
                        claim.figures.len(),
                        if claim.figures.len() == 1 {
                            "figure"
                        } else {
                            "figures"
                        },
                    ),
                )
                .with_help(
                    "give one `- about: \"…\"` for each figure of the original, in its order",
                ),
            );
        }
    }
    out
}

/// Paths below the base that the site makes itself, which a page's id
/// would take over.
pub const RESERVED_PAGE_IDS: &[&str] = &[
    "claims", "speakers", "sources", "topics", "timeline", "search", "assets", "pagefind", "page",
    "en", "zh",
];

fn check_page_id(page: &Page, out: &mut Vec<Diagnostic>) {
    if RESERVED_PAGE_IDS.contains(&page.id.as_str()) {
        out.push(
            Diagnostic::error(
                &page.path,
                Pos::START,
                format!(
                    "a page cannot have the id `{}`: the site already uses /{}/",
                    page.id, page.id
                ),
            )
            .with_help(format!(
                "rename the file to another id, such as `about-{}.md`; ids the site uses: {}",
                page.id,
                RESERVED_PAGE_IDS.join(", ")
            )),
        );
    }
}

/// Former ids (`aliases`): each a valid id that no live record of its kind
/// has and no other record of that kind claims.
fn check_aliases<'a>(
    records: &Records,
    ids: &dyn Fn(FileKind) -> &'a [&'a str],
    out: &mut Vec<Diagnostic>,
) {
    let mut seen: HashMap<(FileKind, &str), &str> = HashMap::new();
    for (kind, id, path, old_ids) in records.old_ids() {
        for old in old_ids {
            let noun = kind.noun();
            if !is_valid_id(&old.value) {
                out.push(
                    Diagnostic::error(
                        path,
                        old.pos,
                        format!("alias `{}` is not a valid id", old.value),
                    )
                    .with_help(format!("an alias is a former id of this {noun}: {ID_RULE}")),
                );
            } else if old.value == id || ids(kind).binary_search(&old.value.as_str()).is_ok() {
                out.push(
                    Diagnostic::error(
                        path,
                        old.pos,
                        format!("alias `{}` is the id of a {noun} in the site", old.value),
                    )
                    .with_help(format!(
                        "an alias is an id no longer in use; remove `{}` from `aliases`",
                        old.value
                    )),
                );
            } else if let Some(other) = seen.insert((kind, &old.value), path) {
                out.push(
                    Diagnostic::error(
                        path,
                        old.pos,
                        format!("alias `{}` is also an alias of {other}", old.value),
                    )
                    .with_help(
                        "an old address can lead to one place only; keep the alias in one file",
                    ),
                );
            }
        }
    }
}

/// An `@kind/id` link in a body: a known kind, and an id of that kind.
fn check_link<'a>(
    path: &str,
    link: &BodyLink,
    ids: &dyn Fn(FileKind) -> &'a [&'a str],
    content: &str,
    out: &mut Vec<Diagnostic>,
) {
    let Some(kind) = link.file_kind() else {
        out.push(
            Diagnostic::error(
                path,
                link.pos,
                format!(
                    "`@{}` is not a kind of page to link to{}",
                    link.kind,
                    did_you_mean(&link.kind, LINK_KINDS.iter().copied())
                        .replace("did you mean `", "did you mean `@")
                ),
            )
            .with_help(
                "link to `@claim/<id>`, `@speaker/<id>`, `@source/<id>`, `@topic/<id>` or `@page/<id>`",
            ),
        );
        return;
    };
    if link.id.is_empty() {
        out.push(
            Diagnostic::error(
                path,
                link.pos,
                format!("the link `@{}/` names no {}", link.kind, kind.noun()),
            )
            .with_help(format!(
                "write the {}'s id after the slash: `@{}/<id>`",
                kind.noun(),
                link.kind
            )),
        );
        return;
    }
    let target = Spanned::new(link.id.clone(), link.pos);
    check_ref(path, kind.noun(), &target, ids(kind), content, out);
}

fn check_ref(
    path: &str,
    what: &str,
    target: &Spanned<String>,
    ids: &[&str],
    content: &str,
    out: &mut Vec<Diagnostic>,
) {
    if ids.binary_search(&target.value.as_str()).is_ok() {
        return;
    }
    let folder = match what {
        "speaker" => "_speakers/",
        "source" => "_sources/",
        "topic" => "_topics/",
        "page" => "_pages/",
        _ => "",
    };
    let suggestion = did_you_mean(&target.value, ids.iter().copied());
    let diagnostic = Diagnostic::error(
        path,
        target.pos,
        format!("no {what} with id `{}`{suggestion}", target.value),
    );
    out.push(if suggestion.is_empty() {
        diagnostic.with_help(format!(
            "create `{content}/{folder}{}.md`, or use the id of an existing {what}",
            target.value
        ))
    } else {
        diagnostic
    });
}

/// Whether `quote` appears in `text`, ignoring white space, with the parts
/// a "……" separates appearing in order.
pub fn quote_appears_in(quote: &str, text: &str) -> bool {
    let squash = |s: &str| -> String { s.chars().filter(|c| !c.is_whitespace()).collect() };
    let text = squash(text);
    let mut from = 0;
    for part in quote.split("……").map(squash).filter(|p| !p.is_empty()) {
        match text[from..].find(&part) {
            Some(i) => from += i + part.len(),
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_match_in_order_ignoring_white_space() {
        let text = "AI已经开始替代人类, 但是永远不会完全替代。人与AI之间的差距";
        assert!(quote_appears_in(
            "AI已经开始替代人类,但是永远不会完全替代。",
            text
        ));
        assert!(quote_appears_in(
            "AI已经开始替代人类……人与AI之间的差距",
            text
        ));
        assert!(!quote_appears_in(
            "人与AI之间的差距……AI已经开始替代人类",
            text
        ));
        assert!(!quote_appears_in("AI已经开始替代所有人类", text));
    }
}
