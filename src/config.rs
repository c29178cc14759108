//! `claimbase.toml`: site settings, every key optional, unknown keys errors.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostics::{Diagnostic, Pos, did_you_mean};
use crate::text::{LineIndex, normalise};

pub const CONFIG_FILE: &str = "claimbase.toml";

const KEYS: &[&str] = &[
    "title",
    "description",
    "base_url",
    "language",
    "languages",
    "content",
    "output",
    "templates",
    "unsafe_html",
    "search",
    "timeline_page_size",
    "static",
    "list_page_size",
    "favicon",
    "archive_publish",
    "deploy",
    "translated",
];

/// The keys of a `[[deploy]]` table.
const DEPLOY_KEYS: &[&str] = &[
    "name",
    "url",
    "endpoint",
    "region",
    "retries",
    "cache_control",
];

/// The settings of one site, with paths resolved against its root.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub title: String,
    pub description: String,
    pub base_url: String,
    pub language: String,
    /// The site's languages (`languages`), the default first: each but the
    /// first is a whole site of its own under `/<code>/`. Empty when the
    /// key is not set: the site has the one `language`.
    pub languages: Vec<String>,
    pub content: PathBuf,
    pub output: PathBuf,
    pub templates: PathBuf,
    /// Let raw HTML in Markdown bodies through unsanitised.
    pub unsafe_html: bool,
    /// Build the search page and index (the header's search box goes with
    /// them).
    pub search: bool,
    /// Claims per page of the timeline (`/timeline/`, then
    /// `/timeline/page/2/`, ...); 0 puts every claim on one page.
    pub timeline_page_size: usize,
    /// Files copied into the output root as they are (`static/CNAME` ->
    /// `CNAME`).
    #[serde(rename = "static")]
    pub statics: PathBuf,
    /// Claims per page of a topic's, speaker's or source's page; 0 lists
    /// them all on one.
    pub list_page_size: usize,
    /// The site's icon, a static file's path (`favicon.svg`), linked from
    /// every page.
    pub favicon: Option<String>,
    /// Where `favicon` is set in the file, for an error about it.
    #[serde(skip)]
    pub favicon_pos: Pos,
    /// How much of the sources' archived texts the site publishes.
    pub archive_publish: ArchivePublish,
    /// The site's own words in its other languages (`[translated.zh]`,
    /// with `title` and `description`).
    #[serde(skip_serializing)]
    pub translated: std::collections::BTreeMap<String, SiteText>,
    /// Where `claimbase deploy` publishes the output (`[[deploy]]` tables).
    #[serde(skip_serializing)]
    pub deploy: Vec<DeployTable>,
    /// The site's folder; not a key of the file.
    #[serde(skip)]
    pub root: PathBuf,
    /// For the site in a language other than the default: the whole site's
    /// `base_url`, which `base_url` is a folder below.
    #[serde(skip)]
    pub site_base_url: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: "Claims".into(),
            description: String::new(),
            base_url: "/".into(),
            language: "en".into(),
            languages: Vec::new(),
            content: "claims".into(),
            output: "output".into(),
            templates: "templates".into(),
            unsafe_html: false,
            search: true,
            timeline_page_size: 500,
            statics: "static".into(),
            list_page_size: 100,
            favicon: None,
            favicon_pos: Pos::START,
            archive_publish: ArchivePublish::Context,
            deploy: Vec::new(),
            translated: Default::default(),
            root: PathBuf::new(),
            site_base_url: None,
        }
    }
}

/// The title and description of the site in another language.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteText {
    pub title: Option<String>,
    pub description: Option<String>,
}

/// How much of a source's archived text is published (`archive_publish`).
/// The whole text is always read, to check every quote against it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ArchivePublish {
    /// The paragraphs that hold a quote, on each claim page and on the
    /// source's text page; the default, because quoting a passage to show
    /// where a quote comes from is what the right of quotation allows, and
    /// republishing a whole article is not.
    Context,
    /// Every paragraph, for texts the site may republish.
    Full,
    /// Nothing: no context on claim pages and no text pages.
    None,
}

impl Config {
    /// Reads `claimbase.toml` under `root`, or the defaults if there is none.
    pub fn load(root: &Path) -> Result<Config, Vec<Diagnostic>> {
        let path = root.join(CONFIG_FILE);
        // Only a regular file is read: a named pipe would block the build.
        if path.exists() && !path.is_file() {
            return Err(vec![
                Diagnostic::error(
                    CONFIG_FILE,
                    Pos::START,
                    "claimbase.toml is not a regular file",
                )
                .with_help("replace it with a plain text file, or remove it to use the defaults"),
            ]);
        }
        let mut config = match std::fs::read_to_string(&path) {
            Ok(text) => Self::parse(&text)?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Config::default(),
            Err(e) => {
                return Err(vec![Diagnostic::error(
                    CONFIG_FILE,
                    Pos::START,
                    format!("cannot read the file: {e}"),
                )]);
            }
        };
        config.root = root.to_path_buf();
        Ok(config)
    }

    pub fn parse(text: &str) -> Result<Config, Vec<Diagnostic>> {
        let text = normalise(text);
        let mut config: Config = toml::from_str(&text).map_err(|e| {
            let pos = LineIndex::new(&text).pos(e.span().map(|s| s.start).unwrap_or(0));
            let mut message = e.message().trim().to_string();
            let (keys, help) = if in_table(&text, pos.line, "deploy") {
                (DEPLOY_KEYS, "a [[deploy]] table's keys are")
            } else if in_table(&text, pos.line, "translated") {
                (
                    &["title", "description"][..],
                    "a [translated.<code>] table holds only title and description (settings of the whole site go above the first table); its keys are",
                )
            } else {
                (KEYS, "the settings are")
            };
            if let Some(field) = message
                .strip_prefix("unknown field `")
                .and_then(|rest| rest.split('`').next())
            {
                message = format!(
                    "unknown setting `{field}`{}",
                    did_you_mean(field, keys.iter().copied())
                );
            }
            vec![
                Diagnostic::error(CONFIG_FILE, pos, message)
                    .with_help(format!("{help}: {}", keys.join(", "))),
            ]
        })?;
        if config.favicon.is_some() {
            config.favicon_pos = find_key(&text, "favicon");
        }
        let mut errors = Vec::new();
        if !matches!(config.language.as_str(), "en" | "zh") {
            let pos = find_key(&text, "language");
            errors.push(Diagnostic::error(
                CONFIG_FILE,
                pos,
                format!("`language` must be `en` or `zh`, not `{}`", config.language),
            ));
        }
        errors.extend(check_languages(&mut config, &text));
        errors.extend(check_translated(&config, &text));
        if let Err(message) = check_base_url(&config.base_url) {
            errors.push(Diagnostic::error(
                CONFIG_FILE,
                find_key(&text, "base_url"),
                message,
            ));
        }
        errors.extend(check_deploy_tables(&config.deploy, &text));
        if errors.is_empty() {
            Ok(config)
        } else {
            Err(errors)
        }
    }

    pub fn content_dir(&self) -> PathBuf {
        self.root.join(&self.content)
    }

    pub fn output_dir(&self) -> PathBuf {
        self.root.join(&self.output)
    }

    pub fn templates_dir(&self) -> PathBuf {
        self.root.join(&self.templates)
    }

    pub fn static_dir(&self) -> PathBuf {
        self.root.join(&self.statics)
    }

    /// The languages the site is built in, the default first: `languages`,
    /// or the one `language`.
    pub fn site_languages(&self) -> Vec<String> {
        if self.languages.is_empty() {
            vec![self.language.clone()]
        } else {
            self.languages.clone()
        }
    }

    /// The default language: the one at the base, not under `/<code>/`.
    pub fn default_language(&self) -> &str {
        self.languages.first().unwrap_or(&self.language)
    }

    /// Whether the site is built in more than one language.
    pub fn is_multilingual(&self) -> bool {
        self.languages.len() > 1
    }

    /// The folder of `language` below the site's base: empty for the
    /// default language, `zh/` for another.
    pub fn language_prefix(&self, language: &str) -> String {
        if language == self.default_language() {
            String::new()
        } else {
            format!("{language}/")
        }
    }

    /// The settings of the site in `language`: its interface in that
    /// language and, for any but the default, its base one folder down
    /// (`/ai-claims/zh/`). `root_base_url` keeps the site's own base.
    pub fn for_language(&self, language: &str) -> Config {
        let mut config = self.clone();
        config.language = language.to_string();
        if let Some(text) = self.translated.get(language) {
            if let Some(title) = &text.title {
                config.title = title.clone();
            }
            if let Some(description) = &text.description {
                config.description = description.clone();
            }
        }
        let (path, absolute) = self.language_base(language);
        config.site_base_url = Some(self.site_base_url().to_string());
        config.base_url = absolute.unwrap_or(path);
        config
    }

    /// The whole site's `base_url` (for a language below it, the base of
    /// the default language).
    pub fn site_base_url(&self) -> &str {
        self.site_base_url.as_deref().unwrap_or(&self.base_url)
    }

    /// Where the site in `language` starts: its path from the host root,
    /// and its full address when `base_url` is one.
    pub fn language_base(&self, language: &str) -> (String, Option<String>) {
        let root = Config {
            base_url: self.site_base_url().to_string(),
            ..Config::default()
        };
        let prefix = self.language_prefix(language);
        (
            format!("{}{prefix}", root.base_path()),
            root.absolute_base().map(|b| format!("{b}{prefix}")),
        )
    }

    /// The path part of `base_url`, always starting and ending with `/`:
    /// every link in the site starts with it.
    pub fn base_path(&self) -> String {
        let path = match url::Url::parse(&self.base_url) {
            Ok(u) => u.path().to_string(),
            Err(_) => self.base_url.clone(),
        };
        let trimmed = path.trim_matches('/');
        if trimmed.is_empty() {
            "/".into()
        } else {
            format!("/{trimmed}/")
        }
    }

    /// The absolute site address, if `base_url` is one (for canonical links,
    /// feeds and the sitemap).
    pub fn absolute_base(&self) -> Option<String> {
        let u = url::Url::parse(&self.base_url).ok()?;
        let mut s = u.to_string();
        if !s.ends_with('/') {
            s.push('/');
        }
        Some(s)
    }
}

/// `languages`: each an interface language (`en` or `zh`), each once,
/// and `language` (when also set) the first of them. Sets `language` to the
/// default, so that a site built in one language at a time reads it there.
fn check_languages(config: &mut Config, text: &str) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    if config.languages.is_empty() {
        return errors;
    }
    let pos = find_key(text, "languages");
    let mut seen: Vec<&str> = Vec::new();
    for code in &config.languages {
        if !matches!(code.as_str(), "en" | "zh") {
            errors.push(
                Diagnostic::error(
                    CONFIG_FILE,
                    pos,
                    format!(
                        "`languages` lists `{code}`, which is not a language claimbase has an interface in{}",
                        did_you_mean(code, ["en", "zh"])
                    ),
                )
                .with_help("the interface languages are `en` and `zh`; remove the code or correct it"),
            );
        } else if seen.contains(&code.as_str()) {
            errors.push(
                Diagnostic::error(
                    CONFIG_FILE,
                    pos,
                    format!("`languages` lists `{code}` twice"),
                )
                .with_help("list each language once, the default first"),
            );
        }
        seen.push(code);
    }
    if key_pos(text, "language").is_some() && config.languages.first() != Some(&config.language) {
        errors.push(
            Diagnostic::error(
                CONFIG_FILE,
                find_key(text, "language"),
                format!(
                    "`language` is `{}`, but the first of `languages`, the default, is `{}`",
                    config.language, config.languages[0]
                ),
            )
            .with_help("remove `language`: with `languages` set, the first one is the default"),
        );
    }
    config.language = config.languages[0].clone();
    errors
}

/// `[translated.<code>]`: each for one of the site's other languages.
fn check_translated(config: &Config, text: &str) -> Vec<Diagnostic> {
    let languages = config.site_languages();
    config
        .translated
        .keys()
        .filter(|code| !languages[1..].contains(code))
        .map(|code| {
            Diagnostic::error(
                CONFIG_FILE,
                table_pos(text, &format!("[translated.{code}]")),
                format!(
                    "`[translated.{code}]` gives the site's title in `{code}`, which is not one of its other languages{}",
                    did_you_mean(code, languages[1..].iter().map(String::as_str))
                ),
            )
            .with_help(format!(
                "the site's other languages are those after the first in `languages` ({}); correct the code, or add the language",
                languages.join(", ")
            ))
        })
        .collect()
}

/// `base_url` is an absolute http(s) URL or a path starting with `/`.
pub fn check_base_url(base_url: &str) -> Result<(), String> {
    // A path is kept to the characters a URL path may hold unescaped, so it
    // is safe wherever it is written (robots.txt, feeds, attributes).
    let path_safe = |c: char| c.is_ascii_alphanumeric() || "/-._~%!$&'()*+,;=:@".contains(c);
    if base_url.starts_with('/') {
        if base_url
            .chars()
            .all(|c| path_safe(c) && c != '\'' && c != '&')
        {
            return Ok(());
        }
        return Err(format!(
            "`{base_url}` is not a valid base_url path; use letters, digits, `-`, `_`, `.` and `/`, such as `/ai-claims/`"
        ));
    }
    match url::Url::parse(base_url) {
        Ok(u)
            if matches!(u.scheme(), "http" | "https")
                && u.query().is_none()
                && u.fragment().is_none() =>
        {
            Ok(())
        }
        _ => Err(format!(
            "`{base_url}` is not a valid base_url; write a full address such as `https://example.org/ai-claims/`, or a path such as `/ai-claims/`"
        )),
    }
}

/// One `[[deploy]]` table: where `claimbase deploy` sends the output.
/// Checked when the file is read; `deploy` turns it into a target.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeployTable {
    pub name: toml::Spanned<String>,
    /// `s3://bucket/prefix` or `git+<repository-url>#<branch>`.
    pub url: toml::Spanned<String>,
    /// An S3-compatible store's address, for stores other than AWS.
    pub endpoint: Option<toml::Spanned<String>>,
    pub region: Option<String>,
    /// How many times a failed request is tried again, with backoff.
    pub retries: Option<usize>,
    /// `Cache-Control` per glob of output paths (`"assets/*" = "..."`),
    /// before the built-in values.
    pub cache_control: Option<toml::Spanned<GlobRules>>,
}

/// A table of glob = value pairs, in the order the file gives them: the
/// first glob that matches a path decides.
#[derive(Debug, Clone, Default)]
pub struct GlobRules(pub Vec<(String, String)>);

impl<'de> Deserialize<'de> for GlobRules {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Pairs;
        impl<'de> serde::de::Visitor<'de> for Pairs {
            type Value = GlobRules;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a table of glob = \"Cache-Control value\"")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<GlobRules, A::Error> {
                let mut pairs = Vec::new();
                while let Some(pair) = map.next_entry()? {
                    pairs.push(pair);
                }
                Ok(GlobRules(pairs))
            }
        }
        d.deserialize_map(Pairs)
    }
}

/// Whether line `line` (1-based) of the file is inside a table `[name]`, `[name.x]` or `[[name]]`.
fn in_table(text: &str, line: usize, table: &str) -> bool {
    text.lines()
        .take(line)
        .filter(|l| l.trim_start().starts_with('['))
        .last()
        .is_some_and(|header| {
            let name = header.trim().trim_matches(|c| c == '[' || c == ']').trim();
            name == table || name.starts_with(&format!("{table}."))
        })
}

/// The rules of `[[deploy]]` tables serde cannot check: unique names, the
/// forms of `url` and `endpoint`, and valid globs.
fn check_deploy_tables(tables: &[DeployTable], text: &str) -> Vec<Diagnostic> {
    let lines = LineIndex::new(text);
    let at = |span: std::ops::Range<usize>| lines.pos(span.start);
    let mut errors = Vec::new();
    let mut names = std::collections::HashSet::new();
    for table in tables {
        let name = table.name.get_ref();
        if !names.insert(name.as_str()) {
            errors.push(
                Diagnostic::error(
                    CONFIG_FILE,
                    at(table.name.span()),
                    format!("two [[deploy]] tables are named `{name}`"),
                )
                .with_help("give each target its own name: `claimbase deploy NAME` picks it"),
            );
        }
        let url = table.url.get_ref();
        let git = url.starts_with("git+");
        if let Err(message) = check_deploy_url(url) {
            errors.push(
                Diagnostic::error(CONFIG_FILE, at(table.url.span()), message).with_help(
                    "write `s3://bucket/prefix` for an S3-compatible store, or `git+<repository-url>#<branch>` such as `git+git@github.com:me/site.git#gh-pages`",
                ),
            );
        }
        if let Some(endpoint) = &table.endpoint {
            let valid = url::Url::parse(endpoint.get_ref())
                .is_ok_and(|u| matches!(u.scheme(), "http" | "https"));
            let message = if git {
                Some("`endpoint` is for S3-compatible stores, not git".to_string())
            } else if !valid {
                Some(format!(
                    "`{}` is not a valid endpoint; write the store's address, such as `https://<account>.r2.cloudflarestorage.com`",
                    endpoint.get_ref()
                ))
            } else {
                None
            };
            if let Some(message) = message {
                errors.push(Diagnostic::error(CONFIG_FILE, at(endpoint.span()), message));
            }
        }
        let rules = table.cache_control.iter();
        for (rules, (glob, _)) in rules.flat_map(|r| r.get_ref().0.iter().map(move |g| (r, g))) {
            if let Err(e) = globset::Glob::new(glob) {
                errors.push(Diagnostic::error(
                    CONFIG_FILE,
                    at(rules.span()),
                    format!("`{glob}` is not a valid glob: {}", e.kind()),
                ));
            }
        }
    }
    errors
}

/// A deploy `url` is `s3://bucket[/prefix]` or `git+<url>#<branch>`.
fn check_deploy_url(url: &str) -> Result<(), String> {
    if let Some(rest) = url.strip_prefix("s3://") {
        let bucket = rest.split('/').next().unwrap_or("");
        let bucket_ok = (3..=63).contains(&bucket.len())
            && bucket
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.');
        return if bucket_ok {
            Ok(())
        } else {
            Err(format!(
                "`{url}` does not name a valid bucket (3 to 63 lower-case letters, digits, `-` and `.`)"
            ))
        };
    }
    if let Some(rest) = url.strip_prefix("git+") {
        return match rest.rsplit_once('#') {
            Some((repo, branch)) if !repo.is_empty() && !branch.is_empty() => Ok(()),
            _ => Err(format!(
                "`{url}` names no branch; end it with `#<branch>`, such as `#gh-pages`"
            )),
        };
    }
    Err(format!("`{url}` is not a deploy address"))
}

fn find_key(text: &str, key: &str) -> Pos {
    key_pos(text, key).unwrap_or(Pos::START)
}

/// Where the header of table `header` (`[translated.zh]`) is.
fn table_pos(text: &str, header: &str) -> Pos {
    text.lines()
        .enumerate()
        .find(|(_, l)| l.trim().replace(' ', "") == header)
        .map(|(i, l)| Pos::new(i + 1, l.len() - l.trim_start().len() + 1))
        .unwrap_or(Pos::START)
}

/// Where the line setting `key` (`key = ...`) starts, if there is one.
fn key_pos(text: &str, key: &str) -> Option<Pos> {
    text.lines().enumerate().find_map(|(i, l)| {
        let rest = l.trim_start().strip_prefix(key)?;
        rest.trim_start()
            .starts_with('=')
            .then(|| Pos::new(i + 1, l.len() - l.trim_start().len() + 1))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_apply() {
        let c = Config::parse("").unwrap();
        assert_eq!(c.title, "Claims");
        assert_eq!(c.base_path(), "/");
    }

    #[test]
    fn unknown_keys_suggest_the_right_one() {
        let errors = Config::parse("title = \"x\"\nbase_ur = \"/\"\n").unwrap_err();
        assert_eq!(errors[0].pos, Pos::new(2, 1));
        assert!(
            errors[0].message.contains("did you mean `base_url`?"),
            "{}",
            errors[0].message
        );
    }

    #[test]
    fn a_base_url_path_cannot_carry_markup() {
        assert!(check_base_url("/ai-claims/").is_ok());
        assert!(check_base_url("/\"><script>alert(1)</script>/").is_err());
        assert!(check_base_url("/a b/").is_err());
    }

    #[test]
    fn deploy_tables_are_checked_where_they_are_written() {
        let errors = Config::parse(
            "title = \"x\"\n\n[[deploy]]\nname = \"prod\"\nurl = \"ftp://host/site\"\n",
        )
        .unwrap_err();
        assert_eq!(errors[0].pos, Pos::new(5, 7));
        assert_eq!(
            errors[0].message,
            "`ftp://host/site` is not a deploy address"
        );
        assert!(
            errors[0]
                .help
                .as_deref()
                .unwrap()
                .contains("s3://bucket/prefix")
        );

        let errors =
            Config::parse("[[deploy]]\nname = \"a\"\nurl = \"git+../x.git\"\n").unwrap_err();
        assert!(
            errors[0].message.contains("names no branch"),
            "{}",
            errors[0].message
        );

        let errors = Config::parse(
            "[[deploy]]\nname = \"a\"\nurl = \"s3://bucket\"\nendpiont = \"http://x\"\n",
        )
        .unwrap_err();
        assert_eq!(errors[0].pos.line, 4);
        assert!(
            errors[0].message.contains("did you mean `endpoint`?"),
            "{}",
            errors[0].message
        );
        assert!(
            errors[0]
                .help
                .as_deref()
                .unwrap()
                .starts_with("a [[deploy]] table's keys")
        );

        let errors = Config::parse(
            "[[deploy]]\nname = \"a\"\nurl = \"s3://bucket\"\n[[deploy]]\nname = \"a\"\nurl = \"s3://other\"\n[deploy.cache_control]\n\"a/[\" = \"x\"\n",
        )
        .unwrap_err();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert_eq!(errors[0].pos, Pos::new(5, 8));
        assert!(
            errors[0]
                .message
                .contains("two [[deploy]] tables are named `a`")
        );
        assert!(errors[1].message.contains("`a/[` is not a valid glob"));
    }

    #[test]
    fn base_path_comes_from_the_url() {
        let c = Config::parse("base_url = \"https://example.org/ai-claims\"").unwrap();
        assert_eq!(c.base_path(), "/ai-claims/");
        assert_eq!(c.absolute_base().unwrap(), "https://example.org/ai-claims/");
    }
}
