//! What a deploy sends, deletes and leaves, and in which order: a pure
//! function of the output's checksums and the store's.
//!
//! The order keeps the live site whole however far a deploy gets: a page
//! is sent only after everything it loads, a list only after the pages it
//! links to, and nothing is deleted until every new file is in place.

use std::collections::{BTreeMap, HashMap};

/// When a file is sent, in the order the stages run; each stage ends before
/// the next begins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stage {
    /// Style sheets, scripts, images, fonts and Pagefind's content-addressed
    /// files: what pages and the search entry file load.
    Assets,
    /// Pages the store does not have yet, so that links to them work once
    /// the pages that link are sent.
    NewPages,
    /// Pages the store has, with new bytes.
    ChangedPages,
    /// Feeds, the sitemap, data files and Pagefind's entry file, which
    /// name pages and index files sent before them.
    Entries,
}

/// Which stage sends the output file at `key` (`claims/a/index.html`).
pub fn stage_of(key: &str, new: bool) -> Stage {
    let name = key.rsplit('/').next().unwrap_or(key);
    let extension = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    if matches!(extension, "html" | "htm") {
        return if new {
            Stage::NewPages
        } else {
            Stage::ChangedPages
        };
    }
    let in_pagefind = key.split('/').any(|part| part.starts_with("pagefind"));
    if name == "pagefind-entry.json"
        || name == "_redirects"
        || (!in_pagefind && matches!(extension, "xml" | "json" | "csv" | "txt"))
    {
        return Stage::Entries;
    }
    Stage::Assets
}

/// One file to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    pub key: String,
    /// The store has no file at this key yet.
    pub new: bool,
    pub stage: Stage,
}

/// What a deploy does.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// In the order they are sent (by stage, then by key).
    pub uploads: Vec<Upload>,
    /// Files in the store that the output no longer has, deleted last.
    pub deletes: Vec<String>,
    /// Files the store has that the output does not, left there because
    /// deletions were turned off.
    pub kept: Vec<String>,
    /// Files whose bytes the store already has.
    pub unchanged: usize,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.uploads.is_empty() && self.deletes.is_empty()
    }

    /// The uploads in stages, each a batch that may be sent in parallel.
    pub fn stages(&self) -> Vec<(Stage, Vec<&Upload>)> {
        let mut stages: BTreeMap<Stage, Vec<&Upload>> = BTreeMap::new();
        for upload in &self.uploads {
            stages.entry(upload.stage).or_default().push(upload);
        }
        stages.into_iter().collect()
    }
}

/// The plan that makes the store equal to the output: `local` maps each
/// output file to its checksum, `remote` each stored file to its checksum
/// (`None` when the store gives none that can be compared). A file is sent
/// when the checksums differ; sizes and times are not trusted.
pub fn plan(
    local: &BTreeMap<String, String>,
    remote: &HashMap<String, Option<String>>,
    delete: bool,
) -> Plan {
    let mut plan = Plan::default();
    for (key, checksum) in local {
        match remote.get(key) {
            Some(Some(stored)) if stored == checksum => plan.unchanged += 1,
            stored => {
                let new = stored.is_none();
                plan.uploads.push(Upload {
                    key: key.clone(),
                    new,
                    stage: stage_of(key, new),
                });
            }
        }
    }
    plan.uploads
        .sort_by(|a, b| (a.stage, &a.key).cmp(&(b.stage, &b.key)));
    let mut gone: Vec<String> = remote
        .keys()
        .filter(|key| !local.contains_key(*key))
        .cloned()
        .collect();
    // Pages go before what they load: a page deleted last would, for a
    // moment, point at a style sheet or index file already gone.
    gone.sort_by_cached_key(|key| (std::cmp::Reverse(stage_of(key, false)), key.clone()));
    if delete {
        plan.deletes = gone;
    } else {
        plan.kept = gone;
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local(files: &[(&str, &str)]) -> BTreeMap<String, String> {
        files
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn remote(files: &[(&str, &str)]) -> HashMap<String, Option<String>> {
        files
            .iter()
            .map(|(k, v)| (k.to_string(), Some(v.to_string())))
            .collect()
    }

    fn keys(plan: &Plan) -> Vec<&str> {
        plan.uploads.iter().map(|u| u.key.as_str()).collect()
    }

    #[test]
    fn an_empty_store_gets_everything_assets_first_entries_last() {
        let plan = plan(
            &local(&[
                ("index.html", "1"),
                ("feed.xml", "2"),
                ("assets/style.css", "3"),
                ("pagefind/pagefind-entry.json", "4"),
                ("pagefind/fragment/en_ab.pf_fragment", "5"),
                ("claims/a/index.html", "6"),
            ]),
            &HashMap::new(),
            true,
        );
        assert_eq!(
            keys(&plan),
            [
                "assets/style.css",
                "pagefind/fragment/en_ab.pf_fragment",
                "claims/a/index.html",
                "index.html",
                "feed.xml",
                "pagefind/pagefind-entry.json",
            ]
        );
        assert_eq!(plan.unchanged, 0);
        assert!(plan.deletes.is_empty());
    }

    #[test]
    fn only_different_bytes_are_sent_and_new_pages_before_changed_ones() {
        let plan = plan(
            &local(&[
                ("index.html", "new"),
                ("claims/b/index.html", "b"),
                ("claims/a/index.html", "a"),
            ]),
            &remote(&[("index.html", "old"), ("claims/a/index.html", "a")]),
            true,
        );
        assert_eq!(keys(&plan), ["claims/b/index.html", "index.html"]);
        assert!(plan.uploads[0].new && !plan.uploads[1].new);
        assert_eq!(plan.unchanged, 1);
    }

    #[test]
    fn a_store_without_comparable_checksums_gets_the_file_again() {
        let mut stored = HashMap::new();
        stored.insert("a.css".to_string(), None);
        let plan = plan(&local(&[("a.css", "1")]), &stored, true);
        assert_eq!(keys(&plan), ["a.css"]);
        assert!(!plan.uploads[0].new);
    }

    #[test]
    fn files_gone_from_the_output_are_deleted_pages_first_or_kept() {
        let stored = remote(&[
            ("pagefind/index/en_old.pf_index", "x"),
            ("claims/old/index.html", "y"),
            ("index.html", "z"),
        ]);
        let output = local(&[("index.html", "z")]);
        let deleting = plan(&output, &stored, true);
        assert_eq!(
            deleting.deletes,
            ["claims/old/index.html", "pagefind/index/en_old.pf_index"]
        );
        assert!(deleting.uploads.is_empty());
        let keeping = plan(&output, &stored, false);
        assert!(keeping.deletes.is_empty());
        assert_eq!(keeping.kept.len(), 2);
        assert!(keeping.is_empty());
    }
}
