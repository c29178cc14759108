//! What a store sends with each file: its `Content-Type`, and its
//! `Cache-Control`, which a target's `cache_control` globs may override.

use globset::{Glob, GlobMatcher};

/// The `Content-Type` of an output file, from its name.
pub fn content_type(key: &str) -> &'static str {
    let name = key.rsplit('/').next().unwrap_or(key);
    if name == "_redirects" || name == "CNAME" || name == ".nojekyll" {
        return "text/plain; charset=utf-8";
    }
    let extension = match name.rsplit_once('.') {
        Some((_, ext)) => ext.to_ascii_lowercase(),
        None => return "application/octet-stream",
    };
    match extension.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" if name == "feed.xml" => "application/atom+xml",
        "xml" | "xsl" => "application/xml",
        "csv" => "text/csv; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "wasm" => "application/wasm",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "pdf" => "application/pdf",
        "webmanifest" => "application/manifest+json",
        // Pagefind's index, fragments, filters, metadata and its WebAssembly
        // (gzipped, read by pagefind.js, never by the browser as a type).
        "pf_fragment" | "pf_index" | "pf_meta" | "pf_filter" | "pagefind" => {
            "application/octet-stream"
        }
        _ => "application/octet-stream",
    }
}

/// Files named by their content: a new version gets a new name, so a cache
/// may keep them for ever.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Pages, feeds, data and the search entry file: they change when content
/// does, and a reader should see a new claim within minutes.
pub const SHORT: &str = "public, max-age=300, must-revalidate";
/// Style sheets, scripts, images and fonts under fixed names: they change
/// with a new release of the theme, not with content.
pub const ASSET: &str = "public, max-age=3600";

/// Whether a file is one of Pagefind's content-addressed files, whose name
/// carries a hash of its bytes.
pub fn is_content_addressed(key: &str) -> bool {
    let name = key.rsplit('/').next().unwrap_or(key);
    [".pf_fragment", ".pf_index", ".pf_meta", ".pf_filter"]
        .iter()
        .any(|ext| name.ends_with(ext))
}

/// The built-in `Cache-Control` of an output file.
pub fn default_cache_control(key: &str) -> &'static str {
    if is_content_addressed(key) {
        return IMMUTABLE;
    }
    match content_type(key) {
        t if t.starts_with("text/html")
            || t.starts_with("text/plain")
            || t.starts_with("text/csv")
            || t.starts_with("application/json")
            || t.starts_with("application/xml")
            || t.starts_with("application/atom+xml") =>
        {
            SHORT
        }
        _ => ASSET,
    }
}

/// The `Cache-Control` rules of a target: its globs, in order, then the
/// built-in values.
#[derive(Debug, Clone, Default)]
pub struct CacheRules {
    rules: Vec<(GlobMatcher, String)>,
}

impl CacheRules {
    /// Rules from `glob = value` pairs (checked when the config was read).
    pub fn new(pairs: &[(String, String)]) -> Result<CacheRules, String> {
        let rules = pairs
            .iter()
            .map(|(glob, value)| {
                Glob::new(glob)
                    .map(|g| (g.compile_matcher(), value.clone()))
                    .map_err(|e| format!("`{glob}` is not a valid glob: {}", e.kind()))
            })
            .collect::<Result<_, _>>()?;
        Ok(CacheRules { rules })
    }

    /// The first glob that matches `key` decides; then the built-in value.
    pub fn cache_control(&self, key: &str) -> &str {
        self.rules
            .iter()
            .find(|(glob, _)| glob.is_match(key))
            .map(|(_, value)| value.as_str())
            .unwrap_or_else(|| default_cache_control(key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_file_the_site_has_gets_its_type() {
        for (key, expected) in [
            ("index.html", "text/html; charset=utf-8"),
            ("assets/style.css", "text/css; charset=utf-8"),
            ("pagefind/pagefind.js", "text/javascript; charset=utf-8"),
            ("claims.json", "application/json"),
            ("feed.xml", "application/atom+xml"),
            ("sitemap.xml", "application/xml"),
            ("claims.csv", "text/csv; charset=utf-8"),
            ("robots.txt", "text/plain; charset=utf-8"),
            ("_redirects", "text/plain; charset=utf-8"),
            ("img/chart.SVG", "image/svg+xml"),
            ("pagefind/wasm.en.pagefind", "application/octet-stream"),
            (
                "pagefind/fragment/en_1a2b.pf_fragment",
                "application/octet-stream",
            ),
            ("a.wasm", "application/wasm"),
            ("fonts/x.woff2", "font/woff2"),
            ("img/a.png", "image/png"),
        ] {
            assert_eq!(content_type(key), expected, "{key}");
        }
    }

    #[test]
    fn hashed_files_are_immutable_and_pages_short() {
        assert_eq!(
            default_cache_control("pagefind/index/en_5f3a.pf_index"),
            IMMUTABLE
        );
        assert_eq!(default_cache_control("pagefind/pagefind-entry.json"), SHORT);
        assert_eq!(default_cache_control("claims/a/index.html"), SHORT);
        assert_eq!(default_cache_control("feed.xml"), SHORT);
        assert_eq!(default_cache_control("assets/style.css"), ASSET);
    }

    #[test]
    fn the_first_matching_glob_wins_over_the_built_in_value() {
        let rules = CacheRules::new(&[
            ("assets/*.css".into(), "no-cache".into()),
            ("assets/**".into(), "max-age=60".into()),
        ])
        .unwrap();
        assert_eq!(rules.cache_control("assets/style.css"), "no-cache");
        assert_eq!(rules.cache_control("assets/app.js"), "max-age=60");
        assert_eq!(rules.cache_control("index.html"), SHORT);
    }
}
