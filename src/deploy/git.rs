//! Deploys to a git branch (GitHub Pages, GitLab Pages, Codeberg): one
//! commit whose tree is the output folder (with `.nojekyll`), on top of
//! the branch's history, pushed; no commit when the tree is the same.
//!
//! It runs the user's own `git`, so their configuration, SSH keys and
//! credential helpers apply. A bare repository in the user's cache folder
//! keeps the branch's objects between deploys, so each fetch and push
//! moves only what changed.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::plan::{self, Plan, Upload};
use super::{DeployOptions, Progress};

/// A repository and the branch that holds the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// Anything `git fetch` takes: a path, `git@host:path`, an https URL.
    pub repository: String,
    pub branch: String,
}

/// The local ref the branch's tip is fetched to.
const TIP: &str = "refs/claimbase/tip";

/// Makes the branch's tree equal to the output folder.
pub fn deploy(
    location: &Location,
    output: &Path,
    options: DeployOptions,
    progress: &dyn Progress,
) -> Result<Plan, String> {
    if !output.is_dir() {
        return Err(format!(
            "{} is not a folder; build the site first",
            output.display()
        ));
    }
    let git = Git::open(cache_dir(location))?;
    let repository = location.repository.as_str();
    let branch = format!("refs/heads/{}", location.branch);
    let shown = super::redact(repository);
    let listed = git
        .run(&["ls-remote", "--heads", "--", repository, &branch], None)
        .map_err(|e| format!("cannot reach {shown}: {e}"))?;
    let tip = match listed.split_whitespace().next() {
        Some(_) => {
            git.run(
                &[
                    "fetch",
                    "--quiet",
                    "--no-tags",
                    "--depth=1",
                    "--",
                    repository,
                    &format!("+{branch}:{TIP}"),
                ],
                None,
            )
            .map_err(|e| format!("cannot fetch {} from {shown}: {e}", location.branch))?;
            Some(git.run(&["rev-parse", TIP], None)?)
        }
        None => None,
    };
    let tree = git.tree_of(output, tip.as_deref().filter(|_| options.no_delete))?;
    let old_tree = match &tip {
        Some(tip) => git.run(&["rev-parse", &format!("{tip}^{{tree}}")], None)?,
        None => git.run(&["hash-object", "-t", "tree", "/dev/null"], None)?,
    };
    let plan = git.diff(&old_tree, &tree)?;
    progress.planned(&plan);
    if options.dry_run || plan.is_empty() {
        return Ok(plan);
    }
    let message = format!(
        "Deploy the site: {} files added or changed, {} deleted",
        plan.uploads.len(),
        plan.deletes.len()
    );
    let mut commit_tree = vec!["commit-tree", tree.as_str(), "-m", message.as_str()];
    if let Some(tip) = &tip {
        commit_tree.extend(["-p", tip.as_str()]);
    }
    let commit = git.run(&commit_tree, None)?;
    git.run(
        &[
            "push",
            "--quiet",
            "--",
            repository,
            &format!("{commit}:{branch}"),
        ],
        None,
    )
    .map_err(|e| {
        format!("pushing to {shown} failed: {e}\nif the branch moved meanwhile, deploy again")
    })?;
    git.run(&["update-ref", TIP, &commit], None)?;
    for key in plan.uploads.iter().map(|u| &u.key).chain(&plan.deletes) {
        progress.done(key);
    }
    Ok(plan)
}

/// Where the objects of `location` are kept between deploys.
fn cache_dir(location: &Location) -> PathBuf {
    use md5::{Digest, Md5};
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    let id = Md5::digest(format!("{}#{}", location.repository, location.branch));
    let id: String = id.iter().map(|b| format!("{b:02x}")).collect();
    base.join("claimbase/deploy").join(format!("{id}.git"))
}

/// The user's `git`, on the cache repository.
struct Git {
    dir: PathBuf,
}

impl Git {
    fn open(dir: PathBuf) -> Result<Git, String> {
        if !dir.join("HEAD").is_file() {
            std::fs::create_dir_all(&dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            Git { dir: dir.clone() }.run(&["init", "--quiet", "--bare"], None)?;
        }
        Ok(Git { dir })
    }

    fn command(&self) -> Command {
        let mut command = Command::new("git");
        command
            .arg("--git-dir")
            .arg(&self.dir)
            // Bytes as they are: no line-ending conversion on the way in.
            .args(["-c", "core.autocrlf=false", "-c", "core.safecrlf=false"])
            .stdin(Stdio::null());
        // A user without a git identity still gets a commit, by claimbase.
        if !has_identity() {
            for var in ["GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"] {
                command.env(var, "claimbase");
            }
            for var in ["GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL"] {
                command.env(var, "deploy@claimbase.invalid");
            }
        }
        command
    }

    /// Runs git with `args` (in the output folder as its work tree, with
    /// the cache's own index, when `work_tree` is given); gives back its
    /// trimmed output, or its error message.
    fn run(&self, args: &[&str], work_tree: Option<&Path>) -> Result<String, String> {
        let mut command = self.command();
        if work_tree.is_some() {
            // The cache repository is bare; here it lends its objects to a
            // work tree.
            command.args(["-c", "core.bare=false"]);
        }
        command.args(args);
        if let Some(work_tree) = work_tree {
            command
                .current_dir(work_tree)
                .env("GIT_WORK_TREE", work_tree)
                .env("GIT_INDEX_FILE", self.dir.join("claimbase-index"));
        }
        let out = command
            .output()
            .map_err(|e| format!("cannot run git (is it installed?): {e}"))?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
        } else {
            Err(format!(
                "git {} failed: {}",
                args.first().unwrap_or(&""),
                String::from_utf8_lossy(&out.stderr).trim()
            ))
        }
    }

    /// The tree of every file under `output`, plus an empty `.nojekyll` (so
    /// GitHub Pages serves `_redirects` and folders starting with `_`);
    /// with `keep`, on top of that commit's tree, deleting nothing.
    fn tree_of(&self, output: &Path, keep: Option<&str>) -> Result<String, String> {
        // The index is kept between deploys: git hashes again only the files
        // whose size or time changed, and a build leaves unchanged files as
        // they were. `add --all` drops whatever the output no longer has.
        let in_output = Some(output);
        match keep {
            Some(commit) => {
                self.run(&["read-tree", commit], in_output)?;
                self.run(&["add", "--force", "--ignore-removal", "."], in_output)?;
            }
            None => {
                self.run(&["add", "--force", "--all", "."], in_output)?;
            }
        }
        // The marker that lets a build replace the folder is not the site's.
        self.run(
            &[
                "rm",
                "--cached",
                "--quiet",
                "--ignore-unmatch",
                "--",
                crate::write::MARKER,
            ],
            in_output,
        )?;
        if !output.join(".nojekyll").exists() {
            let empty = self.run(&["hash-object", "-w", "/dev/null"], None)?;
            self.run(
                &[
                    "update-index",
                    "--add",
                    "--cacheinfo",
                    &format!("100644,{empty},.nojekyll"),
                ],
                in_output,
            )?;
        }
        self.run(&["write-tree"], in_output)
    }

    /// What turns tree `old` into tree `new`, as a plan.
    fn diff(&self, old: &str, new: &str) -> Result<Plan, String> {
        let changes = self.run(
            &[
                "diff-tree",
                "-r",
                "-z",
                "--no-renames",
                "--name-status",
                old,
                new,
            ],
            None,
        )?;
        let mut plan = Plan::default();
        let mut fields = changes.split('\0').filter(|f| !f.is_empty());
        while let (Some(status), Some(key)) = (fields.next(), fields.next()) {
            let new = status == "A";
            match status {
                "D" => plan.deletes.push(key.to_string()),
                _ => plan.uploads.push(Upload {
                    key: key.to_string(),
                    new,
                    stage: plan::stage_of(key, new),
                }),
            }
        }
        let files = self.run(&["ls-tree", "-r", "--name-only", "-z", new], None)?;
        let total = files.split('\0').filter(|f| !f.is_empty()).count();
        plan.unchanged = total - plan.uploads.len();
        Ok(plan)
    }
}

/// Whether git knows who the user is (`user.name` and `user.email`).
fn has_identity() -> bool {
    static KNOWN: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *KNOWN.get_or_init(|| {
        Command::new("git")
            .args(["var", "GIT_COMMITTER_IDENT"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
}
