//! `claimbase init` and `claimbase new`: files that start right and build
//! cleanly, never written over an existing one.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::diagnostics::did_you_mean;
use crate::load::{FileKind, ID_RULE, InputFile, ids_of, is_valid_id, slugify};

#[derive(Debug, thiserror::Error)]
pub enum ScaffoldError {
    #[error("`{0}` is not a valid id: {ID_RULE}{1}")]
    InvalidId(String, String),
    #[error("`{0}` already exists; claimbase will not overwrite it")]
    Exists(String),
    #[error("`{0}` is not empty; choose a new or empty folder for the site")]
    NotEmpty(String),
    #[error("cannot write `{path}`: {source}")]
    Io { path: String, source: io::Error },
}

fn write_new(path: &Path, text: &str) -> Result<(), ScaffoldError> {
    let io = |source| ScaffoldError::Io {
        path: path.display().to_string(),
        source,
    };
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(io)?;
    }
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| {
            if e.kind() == io::ErrorKind::AlreadyExists {
                ScaffoldError::Exists(path.display().to_string())
            } else {
                ScaffoldError::Io {
                    path: path.display().to_string(),
                    source: e,
                }
            }
        })?;
    io::Write::write_all(&mut file, text.as_bytes()).map_err(|source| ScaffoldError::Io {
        path: path.display().to_string(),
        source,
    })
}

/// The speaker, source and topic a new claim names, as given on the
/// command line and then as found in the site.
#[derive(Debug, Clone, Default)]
pub struct ClaimRefs {
    pub speaker: Option<String>,
    pub source: Option<String>,
    pub topic: Option<String>,
}

impl ClaimRefs {
    pub fn any(&self) -> bool {
        self.speaker.is_some() || self.source.is_some() || self.topic.is_some()
    }

    /// Checks each id given against the site's `files`, and fills in each
    /// one left out where the site has exactly one of that kind.
    pub fn resolve(self, files: &[InputFile]) -> Result<ClaimRefs, String> {
        let pick = |given: Option<String>, kind: FileKind| -> Result<Option<String>, String> {
            let ids = ids_of(files, kind);
            match given {
                Some(id) if ids.contains(&id.as_str()) => Ok(Some(id)),
                Some(id) => Err(format!(
                    "no {} with id `{id}`{}",
                    kind.noun(),
                    match did_you_mean(&id, ids.iter().copied()) {
                        s if s.is_empty() => format!(
                            "; create it first with `claimbase new {} {id}`",
                            kind.noun()
                        ),
                        s => s,
                    }
                )),
                None if ids.len() == 1 => Ok(Some(ids[0].to_string())),
                None => Ok(None),
            }
        };
        Ok(ClaimRefs {
            speaker: pick(self.speaker, FileKind::Speaker)?,
            source: pick(self.source, FileKind::Source)?,
            topic: pick(self.topic, FileKind::Topic)?,
        })
    }

    /// The fields still to fill in.
    pub fn missing(&self) -> Vec<&'static str> {
        [
            ("speaker", &self.speaker),
            ("source", &self.source),
            ("topics", &self.topic),
        ]
        .into_iter()
        .filter(|(_, id)| id.is_none())
        .map(|(field, _)| field)
        .collect()
    }
}

/// The skeleton of a new file of `kind` with id `id`: every required field.
/// A claim names `refs` where they are known; where one is not, it names a
/// placeholder and is a draft, so that the site still builds.
pub fn skeleton(kind: FileKind, id: &str, today: &str, refs: &ClaimRefs) -> String {
    match kind {
        FileKind::Claim => {
            let or = |id: &Option<String>, placeholder: &str| {
                id.clone().unwrap_or_else(|| placeholder.to_string())
            };
            let draft = if refs.missing().is_empty() {
                String::new()
            } else {
                format!(
                    "# Fill in {}, then remove the next line.\ndraft: true\n",
                    refs.missing().join(", ")
                )
            };
            format!(
                "---\nclaim: \"One sentence stating the claim.\"\nspeaker: {}\ndate: {today}\nsource:\n  id: {}\n  locator: \"\"\ntopics: [{}]\nkind: opinion\n{draft}# quote: \"the speaker's words, verbatim\"\n# translation: \"\"\n---\n\nContext for the claim ({id}).\n",
                or(&refs.speaker, "speaker-id"),
                or(&refs.source, "source-id"),
                or(&refs.topic, "topic-id"),
            )
        }
        FileKind::Speaker => format!(
            "---\nname: \"{id}\"\nkind: person\n# aliases: []\n# role: \"\"\n# org: organisation-id\n---\n\nA short biography.\n"
        ),
        FileKind::Source => format!(
            "---\ntitle: \"{id}\"\nkind: article\n# outlet: \"\"\n# published: {today}\n# url: https://\n# lang: en\n---\n"
        ),
        FileKind::Topic => format!(
            "---\ntitle: \"{id}\"\nquestion: \"The open question this topic debates?\"\n---\n\nWhat the topic covers.\n"
        ),
        FileKind::Page => format!(
            "---\ntitle: \"{id}\"\n# description: \"One line for search engines and link previews.\"\n# menu: 1\n---\n\nThe page's text, in Markdown. Link to a claim with [its words](@claim/claim-id).\n"
        ),
    }
}

/// Writes a new file for `kind` under `content`; returns its path.
pub fn new_file(
    content: &Path,
    kind: FileKind,
    id: &str,
    today: &str,
    refs: &ClaimRefs,
) -> Result<PathBuf, ScaffoldError> {
    if !is_valid_id(id) {
        let s = slugify(id);
        let hint = if s.is_empty() {
            String::new()
        } else {
            format!("; try `{s}`")
        };
        return Err(ScaffoldError::InvalidId(id.to_string(), hint));
    }
    let path = match kind.folder() {
        Some(folder) => content.join(folder).join(format!("{id}.md")),
        None => content.join(format!("{id}.md")),
    };
    write_new(&path, &skeleton(kind, id, today, refs))?;
    Ok(path)
}

/// A new site in `dir`: config, one speaker, source, topic and claim.
pub fn init_site(dir: &Path) -> Result<(), ScaffoldError> {
    if dir.exists()
        && fs::read_dir(dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        return Err(ScaffoldError::NotEmpty(dir.display().to_string()));
    }
    let files: [(&str, &str); 7] = [
        (
            "claimbase.toml",
            "title = \"Claims\"\ndescription = \"Who said what about AI, sourced.\"\nbase_url = \"/\"\nlanguage = \"en\"\n",
        ),
        (
            "claims/_speakers/ada-lovelace.md",
            "---\nname: Ada Lovelace\nkind: person\nrole: Mathematician\n---\n\nWrote the first published algorithm for a machine.\n",
        ),
        (
            "claims/_sources/notes-1843.md",
            "---\ntitle: Notes on the Analytical Engine\nkind: article\nauthors: [Ada Lovelace]\npublished: 1843\nlang: en\n---\n",
        ),
        (
            "claims/_topics/machine-creativity.md",
            "---\ntitle: Machine creativity\nquestion: Can a machine originate anything?\n---\n\nWhether computing machines can create.\n",
        ),
        (
            "claims/engine-originates-nothing.md",
            "---\nclaim: The Analytical Engine cannot originate anything; it only does what it is ordered to do.\nspeaker: ada-lovelace\ndate: 1843\nsource:\n  id: notes-1843\n  locator: Note G\ntopics: [machine-creativity]\nkind: opinion\nquote: \"The Analytical Engine has no pretensions whatever to originate any thing.\"\n---\n\nAn early statement of the limits of machines.\n",
        ),
        (
            "claims/_pages/about.md",
            "---\ntitle: About\nmenu: 1\n---\n\nWhat this site collects, and how each claim is sourced. Start with [](@claim/engine-originates-nothing).\n",
        ),
        (".gitignore", "/output/\n"),
    ];
    for (path, text) in files {
        write_new(&dir.join(path), text)?;
    }
    Ok(())
}
