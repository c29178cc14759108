//! The development HTTP server: serves the in-memory site under its base
//! path, only files of the site (no path can reach outside it), pretty URLs,
//! the site's 404 page, and the live-reload events.

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::{Arc, RwLock};

use tiny_http::{Header, Method, Request, Response, StatusCode};

use super::reload::{self, Reloader};

/// The built site as the server sees it: output path -> bytes.
pub type Files = Arc<BTreeMap<String, Arc<Vec<u8>>>>;

/// What a request asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// A file of the site, by output path.
    File(String),
    /// Moved: the same page with a trailing slash, or the base path.
    Redirect(String),
    /// No such page: serve the site's 404 page with status 404.
    NotFound,
    /// A path that tries to leave the site (`..`, encoded slashes, ...).
    Forbidden,
    Events,
    Script,
}

/// Maps a request URL to what to serve. Pure: tested on its own.
pub fn resolve(url: &str, base_path: &str, files: &BTreeMap<String, Arc<Vec<u8>>>) -> Resolution {
    let raw = url.split(['?', '#']).next().unwrap_or("");
    let lower = raw.to_ascii_lowercase();
    if lower.contains("%2f") || lower.contains("%5c") || lower.contains("%00") {
        return Resolution::Forbidden;
    }
    let Ok(path) = percent_encoding::percent_decode_str(raw).decode_utf8() else {
        return Resolution::Forbidden;
    };
    if path.contains('\\') || path.contains('\0') || !path.starts_with('/') {
        return Resolution::Forbidden;
    }
    if path
        .split('/')
        .any(|segment| segment == ".." || segment == ".")
    {
        return Resolution::Forbidden;
    }
    let Some(rel) = path.strip_prefix(base_path) else {
        if format!("{path}/") == base_path || path == "/" {
            return Resolution::Redirect(base_path.to_string());
        }
        return Resolution::NotFound;
    };
    if rel.starts_with('/') {
        return Resolution::Forbidden;
    }
    if rel == reload::EVENTS_PATH {
        return Resolution::Events;
    }
    if rel == reload::SCRIPT_PATH {
        return Resolution::Script;
    }
    let file = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    };
    if files.contains_key(&file) {
        return Resolution::File(file);
    }
    if files.contains_key(&format!("{rel}/index.html")) {
        return Resolution::Redirect(format!("{path}/"));
    }
    Resolution::NotFound
}

/// The `Content-Type` for an output path.
pub fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml; charset=utf-8",
        "wasm" => "application/wasm",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// Everything the request handlers share.
pub struct ServerState {
    pub files: RwLock<Files>,
    pub base_path: String,
    pub reloader: Reloader,
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("valid header")
}

/// Answers one request.
pub fn handle(request: Request, state: &ServerState) {
    if !matches!(request.method(), Method::Get | Method::Head) {
        let _ = request.respond(Response::from_string("only GET and HEAD").with_status_code(405));
        return;
    }
    let files = state.files.read().expect("not poisoned").clone();
    let base = state.base_path.as_str();
    let result = match resolve(request.url(), base, &files) {
        Resolution::File(path) => {
            let bytes = &files[&path];
            let body = if path.ends_with(".html") {
                reload::inject(bytes, base)
            } else {
                bytes.to_vec()
            };
            request.respond(
                Response::from_data(body)
                    .with_header(header("Content-Type", content_type(&path)))
                    .with_header(header("Cache-Control", "no-store")),
            )
        }
        Resolution::Redirect(location) => request
            .respond(Response::empty(StatusCode(301)).with_header(header("Location", &location))),
        Resolution::NotFound => {
            let body = files
                .get("404.html")
                .map(|b| reload::inject(b, base))
                .unwrap_or_else(|| {
                    b"<!DOCTYPE html><title>Not found</title><p>Not found</p>".to_vec()
                });
            request.respond(
                Response::from_data(body)
                    .with_status_code(404)
                    .with_header(header("Content-Type", "text/html; charset=utf-8")),
            )
        }
        Resolution::Forbidden => {
            request.respond(Response::from_string("forbidden").with_status_code(403))
        }
        Resolution::Script => request.respond(
            Response::from_string(reload::SCRIPT)
                .with_header(header("Content-Type", "text/javascript; charset=utf-8")),
        ),
        Resolution::Events => {
            stream_events(request, state);
            return;
        }
    };
    // A browser that went away mid-response is not an error worth reporting.
    let _ = result;
}

/// Streams server-sent events until the browser goes away. Written to the
/// socket directly so that each event is flushed as it happens.
fn stream_events(request: Request, state: &ServerState) {
    let rx = state.reloader.subscribe();
    let mut out = request.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n\
                Cache-Control: no-store\r\nConnection: close\r\n\r\n: connected\n\n";
    if out
        .write_all(head.as_bytes())
        .and_then(|()| out.flush())
        .is_err()
    {
        return;
    }
    loop {
        let event = match rx.recv_timeout(std::time::Duration::from_secs(15)) {
            Ok(event) => event,
            // A comment keeps the connection alive and finds closed ones.
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => ": ping\n\n".to_string(),
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return,
        };
        if out
            .write_all(event.as_bytes())
            .and_then(|()| out.flush())
            .is_err()
        {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> BTreeMap<String, Arc<Vec<u8>>> {
        [
            "index.html",
            "claims/a/index.html",
            "assets/style.css",
            "404.html",
        ]
        .iter()
        .map(|p| (p.to_string(), Arc::new(Vec::new())))
        .collect()
    }

    #[test]
    fn pretty_urls_and_redirects() {
        let s = site();
        assert_eq!(resolve("/", "/", &s), Resolution::File("index.html".into()));
        assert_eq!(
            resolve("/claims/a/", "/", &s),
            Resolution::File("claims/a/index.html".into())
        );
        assert_eq!(
            resolve("/claims/a", "/", &s),
            Resolution::Redirect("/claims/a/".into())
        );
        assert_eq!(
            resolve("/claims/a/?x=1", "/", &s),
            Resolution::File("claims/a/index.html".into())
        );
        assert_eq!(resolve("/nope/", "/", &s), Resolution::NotFound);
    }

    #[test]
    fn the_base_path_is_served_as_it_will_be_published() {
        let s = site();
        assert_eq!(
            resolve("/ai-claims/claims/a/", "/ai-claims/", &s),
            Resolution::File("claims/a/index.html".into())
        );
        assert_eq!(
            resolve("/", "/ai-claims/", &s),
            Resolution::Redirect("/ai-claims/".into())
        );
        assert_eq!(
            resolve("/ai-claims", "/ai-claims/", &s),
            Resolution::Redirect("/ai-claims/".into())
        );
        assert_eq!(
            resolve("/claims/a/", "/ai-claims/", &s),
            Resolution::NotFound
        );
    }

    #[test]
    fn nothing_outside_the_site_is_reachable() {
        let s = site();
        for url in [
            "/../etc/passwd",
            "/claims/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E/%2E%2E/etc/passwd",
            "/claims%2f..%2f..%2fetc/passwd",
            "/..%5c..%5cwindows",
            "//etc/passwd",
            "/claims/%00",
        ] {
            assert_eq!(resolve(url, "/", &s), Resolution::Forbidden, "{url}");
        }
    }

    #[test]
    fn text_types_say_utf_8() {
        for p in ["a.html", "a.css", "a.js", "a.json", "a.xml"] {
            assert!(content_type(p).ends_with("charset=utf-8"), "{p}");
        }
    }
}
