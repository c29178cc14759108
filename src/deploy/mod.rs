//! `claimbase deploy`: publishes a built output folder to a `[[deploy]]`
//! target, sending only what differs from what is there.
//!
//! Apart from the build pipeline: it reads the output folder the pipeline
//! wrote and talks to a remote store.
//!
//! 1. [`target`] picks the `[[deploy]]` table and reads its address.
//! 2. [`scan_output`] lists the output's files with their checksums.
//! 3. The store's side: [`s3`] lists the bucket and [`plan::plan`] decides
//!    what to send, delete and leave, and in which order; [`git`] lets git
//!    decide, as one commit of the whole tree.
//! 4. The store is changed (unless it is a dry run), and a [`Summary`] says
//!    what was done.

pub mod git;
pub mod media;
pub mod plan;
pub mod s3;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::config::Config;
use crate::diagnostics::did_you_mean;

/// Where a target's files go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Remote {
    S3(s3::Location),
    Git(git::Location),
}

/// One `[[deploy]]` table, read.
#[derive(Debug, Clone)]
pub struct Target {
    pub name: String,
    /// The `url` as written, for messages.
    pub url: String,
    pub remote: Remote,
    pub endpoint: Option<String>,
    pub region: Option<String>,
    pub retries: usize,
    pub cache: media::CacheRules,
}

/// How a deploy runs, as the command line says it.
#[derive(Debug, Clone, Copy, Default)]
pub struct DeployOptions {
    /// Print the plan, change nothing.
    pub dry_run: bool,
    /// Leave files the output no longer has.
    pub no_delete: bool,
}

/// What a deploy did (or, in a dry run, would do).
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub plan: plan::Plan,
    pub elapsed: Duration,
    pub dry_run: bool,
}

/// Hears of each file a deploy sends or deletes, for a progress bar.
pub trait Progress: Sync {
    /// The plan, before anything is sent.
    fn planned(&self, _plan: &plan::Plan) {}
    /// One file sent or deleted.
    fn done(&self, _key: &str) {}
}

/// No progress shown.
pub struct Quiet;
impl Progress for Quiet {}

/// The target named `name`, or the only one.
pub fn target(config: &Config, name: Option<&str>) -> Result<Target, String> {
    let tables = &config.deploy;
    let names = || tables.iter().map(|t| t.name.get_ref().as_str());
    let table = match name {
        Some(name) => tables
            .iter()
            .find(|t| t.name.get_ref() == name)
            .ok_or_else(|| {
                if tables.is_empty() {
                    no_targets()
                } else {
                    format!(
                        "no [[deploy]] table is named `{name}`{} (the targets are: {})",
                        did_you_mean(name, names()),
                        names().collect::<Vec<_>>().join(", ")
                    )
                }
            })?,
        None => match tables.as_slice() {
            [] => return Err(no_targets()),
            [only] => only,
            _ => {
                return Err(format!(
                    "claimbase.toml has {} [[deploy]] tables; name one: claimbase deploy {}",
                    tables.len(),
                    names().collect::<Vec<_>>().join("|")
                ));
            }
        },
    };
    let url = table.url.get_ref().clone();
    let remote = if let Some(rest) = url.strip_prefix("s3://") {
        Remote::S3(s3::Location::parse(rest))
    } else if let Some((repository, branch)) =
        url.strip_prefix("git+").and_then(|r| r.rsplit_once('#'))
    {
        Remote::Git(git::Location {
            repository: resolve_repository(&config.root, repository),
            branch: branch.to_string(),
        })
    } else {
        return Err(format!("`{url}` is not a deploy address"));
    };
    Ok(Target {
        name: table.name.get_ref().clone(),
        url: redact(&url),
        remote,
        endpoint: table.endpoint.as_ref().map(|e| e.get_ref().clone()),
        region: table.region.clone(),
        retries: table.retries.unwrap_or(10),
        cache: match &table.cache_control {
            Some(rules) => media::CacheRules::new(&rules.get_ref().0)?,
            None => media::CacheRules::default(),
        },
    })
}

/// A repository given as a relative path is relative to the site folder;
/// URLs and `host:path` addresses are left to git.
fn resolve_repository(root: &Path, repository: &str) -> String {
    let remote = repository.contains("://")
        || repository
            .split_once(':')
            .is_some_and(|(host, _)| !host.contains('/'));
    if remote || Path::new(repository).is_absolute() {
        repository.to_string()
    } else {
        std::path::absolute(root.join(repository))
            .unwrap_or_else(|_| root.join(repository))
            .to_string_lossy()
            .into_owned()
    }
}

/// An address with any user name or password in it replaced by `***`, for
/// messages.
pub fn redact(address: &str) -> String {
    if let Some((scheme, rest)) = address.split_once("://") {
        let authority_end = rest.find('/').unwrap_or(rest.len());
        if let Some(at) = rest[..authority_end].rfind('@') {
            return format!("{scheme}://***@{}", &rest[at + 1..]);
        }
    }
    address.to_string()
}

fn no_targets() -> String {
    "claimbase.toml has no [[deploy]] table; add one such as:\n\n  [[deploy]]\n  name = \"production\"\n  url = \"s3://my-bucket/site\"\n\n(see docs/deploy.md)".to_string()
}

/// Publishes the output folder `output` to `target`.
pub fn deploy(
    target: &Target,
    output: &Path,
    options: DeployOptions,
    progress: &dyn Progress,
) -> Result<Summary, String> {
    let start = Instant::now();
    let output = &std::path::absolute(output)
        .map_err(|e| format!("cannot find {}: {e}", output.display()))?;
    let plan = match &target.remote {
        Remote::S3(_) => s3::deploy(target, output, options, progress)?,
        Remote::Git(location) => git::deploy(location, output, options, progress)?,
    };
    Ok(Summary {
        plan,
        elapsed: start.elapsed(),
        dry_run: options.dry_run,
    })
}

/// One file of the output folder.
#[derive(Debug, Clone)]
pub struct LocalFile {
    pub path: PathBuf,
    /// The hex MD5 of its bytes: what an S3 store gives as the ETag of an
    /// object sent in one part.
    pub md5: String,
}

/// Every file under `output`, by its key (the path below `output`, with
/// `/`), with its checksum.
pub fn scan_output(output: &Path) -> Result<BTreeMap<String, LocalFile>, String> {
    use md5::{Digest, Md5};
    use rayon::prelude::*;
    if !output.is_dir() {
        return Err(format!(
            "{} is not a folder; build the site first",
            output.display()
        ));
    }
    let mut paths = Vec::new();
    for entry in walkdir::WalkDir::new(output).follow_links(false) {
        let entry = entry.map_err(|e| format!("cannot read {}: {e}", output.display()))?;
        // The marker that lets a build replace the folder is not the site's.
        let marker = entry.depth() == 1 && entry.file_name() == crate::write::MARKER;
        if entry.file_type().is_file() && !marker {
            paths.push(entry.into_path());
        }
    }
    paths
        .into_par_iter()
        .map(|path| {
            let bytes =
                std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let key = path
                .strip_prefix(output)
                .unwrap_or(&path)
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            let md5 = hex(&Md5::digest(&bytes));
            Ok((key, LocalFile { path, md5 }))
        })
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Summary {
    /// `Deployed to s3://bucket/site: 12 uploaded, 1 deleted, 3,410
    /// unchanged in 2.1 s`.
    pub fn line(&self, url: &str) -> String {
        let p = &self.plan;
        let kept = match p.kept.len() {
            0 => String::new(),
            n => format!(", {} left in place", thousands(n)),
        };
        if self.dry_run {
            format!(
                "Dry run for {url}: would upload {}, delete {}, leave {} unchanged{kept}; nothing was changed",
                thousands(p.uploads.len()),
                thousands(p.deletes.len()),
                thousands(p.unchanged)
            )
        } else {
            format!(
                "Deployed to {url}: {} uploaded, {} deleted, {} unchanged{kept} in {:.1} s",
                thousands(p.uploads.len()),
                thousands(p.deletes.len()),
                thousands(p.unchanged),
                self.elapsed.as_secs_f64()
            )
        }
    }
}

/// `3410` as `3,410`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(text: &str) -> Config {
        Config::parse(text).unwrap()
    }

    #[test]
    fn the_only_target_needs_no_name() {
        let c = config("[[deploy]]\nname = \"prod\"\nurl = \"s3://bucket/site\"\n");
        let t = target(&c, None).unwrap();
        assert_eq!(
            t.remote,
            Remote::S3(s3::Location {
                bucket: "bucket".into(),
                prefix: "site".into()
            })
        );
    }

    #[test]
    fn several_targets_need_a_name_and_a_wrong_one_gets_a_suggestion() {
        let c = config(
            "[[deploy]]\nname = \"prod\"\nurl = \"s3://bucket\"\n\n[[deploy]]\nname = \"pages\"\nurl = \"git+git@example.org:me/site.git#gh-pages\"\n",
        );
        assert!(target(&c, None).unwrap_err().contains("name one"));
        assert!(
            target(&c, Some("prd"))
                .unwrap_err()
                .contains("did you mean `prod`?")
        );
        let pages = target(&c, Some("pages")).unwrap();
        assert_eq!(
            pages.remote,
            Remote::Git(git::Location {
                repository: "git@example.org:me/site.git".into(),
                branch: "gh-pages".into()
            })
        );
    }

    #[test]
    fn relative_repositories_are_under_the_site_and_secrets_are_not_shown() {
        let root = Path::new("/site");
        assert_eq!(
            resolve_repository(root, "../pages.git"),
            "/site/../pages.git"
        );
        assert_eq!(
            resolve_repository(root, "git@github.com:me/site.git"),
            "git@github.com:me/site.git"
        );
        assert_eq!(
            redact("https://me:token@github.com/me/site.git"),
            "https://***@github.com/me/site.git"
        );
    }

    #[test]
    fn counts_have_thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(3410), "3,410");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
