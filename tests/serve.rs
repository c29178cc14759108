//! `claimbase serve` end to end: the real binary on a free port, the real
//! watcher, and the reload events a browser would receive, while files are
//! edited the ways editors save them.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use common::{Site, fixture};

struct Server {
    child: Child,
    port: u16,
    output: Receiver<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start(site: &Site, extra: &[&str]) -> Server {
    let port = free_port();
    let mut args = vec!["serve".to_string(), "--port".into(), port.to_string()];
    args.extend(extra.iter().map(|a| a.to_string()));
    spawn(site, &args, port, "Serving the site at")
}

/// Runs `claimbase --root <site> <args>` until it prints `ready`.
fn spawn(site: &Site, args: &[String], port: u16, ready: &str) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_claimbase"))
        .arg("--root")
        .arg(site.root())
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start claimbase serve");
    let (tx, rx) = channel();
    for stream in [
        Box::new(child.stdout.take().unwrap()) as Box<dyn Read + Send>,
        Box::new(child.stderr.take().unwrap()),
    ] {
        let tx = tx.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
    }
    let server = Server {
        child,
        port,
        output: rx,
    };
    server.wait_for_line(ready);
    server
}

impl Server {
    fn wait_for_line(&self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut seen = Vec::new();
        while Instant::now() < deadline {
            if let Ok(line) = self.output.recv_timeout(Duration::from_millis(100)) {
                if line.contains(needle) {
                    return line;
                }
                seen.push(line);
            }
        }
        panic!("no line containing {needle:?}; saw:\n{}", seen.join("\n"));
    }

    /// One request; returns (status, headers, body).
    fn request(&self, method: &str, path: &str) -> (u16, String, String) {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap();
        let text = String::from_utf8_lossy(&raw).into_owned();
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        (status, head.to_string(), body.to_string())
    }

    fn get(&self, path: &str) -> (u16, String) {
        let (status, _, body) = self.request("GET", path);
        (status, body)
    }

    /// Opens the reload event stream, as the injected script does.
    fn events(&self, base: &str) -> Events {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        write!(
            stream,
            "GET {base}__claimbase/events HTTP/1.1\r\nHost: localhost\r\n\r\n"
        )
        .unwrap();
        stream
            .set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        let mut events = Events {
            stream,
            buffer: String::new(),
        };
        events.wait_for(": connected");
        events
    }
}

struct Events {
    stream: TcpStream,
    buffer: String,
}

impl Events {
    /// Waits for a reload event that reloads `page` (a URL path): one
    /// naming it, or every page. Returns everything up to it.
    fn wait_for_reload(&mut self, page: &str) -> String {
        let mut seen = String::new();
        loop {
            seen += &self.wait_for("event: reload\ndata: ");
            let data = self.wait_for("\n\n");
            seen += &data;
            let value: serde_json::Value = serde_json::from_str(data.trim()).unwrap();
            let pages = &value["pages"];
            if pages.is_null() || pages.as_array().unwrap().iter().any(|p| p == page) {
                return seen;
            }
        }
    }

    /// Waits for `needle` in the stream; returns everything up to it.
    fn wait_for(&mut self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut chunk = [0u8; 4096];
        loop {
            if let Some(i) = self.buffer.find(needle) {
                let seen: String = self.buffer.drain(..i + needle.len()).collect();
                return seen;
            }
            assert!(
                Instant::now() < deadline,
                "no {needle:?} in the event stream; got {:?}",
                self.buffer
            );
            if let Ok(n) = self.stream.read(&mut chunk) {
                assert!(n > 0, "the event stream closed; got {:?}", self.buffer);
                self.buffer.push_str(&String::from_utf8_lossy(&chunk[..n]));
            }
        }
    }
}

/// Saves like VS Code or JetBrains: a temporary file renamed over the original.
fn safe_write(site: &Site, rel: &str, text: &str) {
    let temp = site.path(&format!("{rel}___jb_tmp___"));
    std::fs::write(&temp, text).unwrap();
    std::fs::rename(&temp, site.path(rel)).unwrap();
}

const CLAIM: &str = "claims/jobs-will-keep-growing.md";

#[test]
fn edits_creates_renames_and_deletes_reach_the_browser() {
    let site = fixture("full");
    let server = start(&site, &[]);
    let (status, page) = server.get("/claims/jobs-will-keep-growing/");
    assert_eq!(status, 200);
    assert!(page.contains("Employment will keep growing despite AI."));
    assert!(
        page.contains("__claimbase/reload.js"),
        "serve injects the reload script"
    );
    let mut events = server.events("/");

    safe_write(
        &site,
        CLAIM,
        &site.read(CLAIM).replace(
            "Employment will keep growing",
            "Employment will surely keep growing",
        ),
    );
    events.wait_for_reload("/claims/jobs-will-keep-growing/");
    let (_, page) = server.get("/claims/jobs-will-keep-growing/");
    assert!(
        page.contains("Employment will surely keep growing despite AI."),
        "the served page shows the edit"
    );
    // The lists that show it follow, with a reload for pages showing them.
    events.wait_for_reload("/timeline/");
    let (_, timeline) = server.get("/timeline/");
    assert!(timeline.contains("Employment will surely keep growing despite AI."));

    // An editor's swap file changes nothing and starts no build.
    site.write("claims/.jobs-will-keep-growing.md.swp", "binary swap data");

    std::fs::create_dir_all(site.path("claims/new-folder")).unwrap();
    site.write(
        "claims/new-folder/jobs-fall.md",
        &site.read(CLAIM).replace(
            "Employment will surely keep growing despite AI.",
            "Jobs will fall.",
        ),
    );
    let reload = events.wait_for_reload("/claims/jobs-fall/");
    assert_eq!(
        reload.matches("event: reload").count(),
        1,
        "one rebuild for the new folder and file, none for the swap file: {reload}"
    );
    assert_eq!(
        server.get("/claims/jobs-fall/").0,
        200,
        "a new claim in a new folder is served"
    );

    std::fs::rename(
        site.path("claims/new-folder/jobs-fall.md"),
        site.path("claims/jobs-drop.md"),
    )
    .unwrap();
    events.wait_for_reload("/claims/jobs-drop/");
    assert_eq!(
        server.get("/claims/jobs-fall/").0,
        404,
        "a renamed claim's old page is gone"
    );
    assert_eq!(server.get("/claims/jobs-drop/").0, 200);

    std::fs::remove_file(site.path("claims/jobs-drop.md")).unwrap();
    events.wait_for_reload("/claims/jobs-drop/");
    let (status, body) = server.get("/claims/jobs-drop/");
    assert_eq!(status, 404, "a deleted claim's page is gone");
    assert!(body.contains("<h1"), "the site's own 404 page is served");
}

/// A `git checkout` writes hundreds of files at once: one rebuild, not
/// hundreds.
#[test]
fn hundreds_of_files_written_at_once_are_one_rebuild() {
    let site = fixture("full");
    let server = start(&site, &[]);
    let text = site.read(CLAIM);
    std::fs::create_dir_all(site.path("claims/checked-out")).unwrap();
    for k in 0..300 {
        site.write(
            &format!("claims/checked-out/claim-{k}.md"),
            &text.replace("Employment will keep growing", &format!("Claim number {k}")),
        );
    }
    let rebuilt = server.wait_for_line("Rebuilt:");
    assert!(rebuilt.starts_with("Rebuilt: "), "{rebuilt}");
    // Anything more the burst started would be printed within a second.
    let deadline = Instant::now() + Duration::from_secs(1);
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        if let Ok(line) = server.output.recv_timeout(left) {
            assert!(!line.starts_with("Rebuilt"), "a second rebuild: {line}");
        }
    }
    assert_eq!(server.get("/claims/claim-0/").0, 200);
    assert_eq!(server.get("/claims/claim-299/").0, 200);
}

/// The search index is rebuilt off the reload path: `watch` writes the
/// changed pages first, then the index; once it says so, the output folder
/// is byte for byte what a full build writes.
#[test]
fn watch_writes_the_search_index_after_the_pages() {
    let site = fixture("full");
    let watcher = spawn(&site, &["watch".to_string()], 0, "watching for changes");
    // The first index, too, follows the pages.
    watcher.wait_for_line("Search index updated:");
    let index = |files: &std::collections::BTreeMap<String, Vec<u8>>| {
        files
            .iter()
            .filter(|(p, _)| p.starts_with("pagefind/"))
            .map(|(p, b)| (p.clone(), b.clone()))
            .collect::<Vec<_>>()
    };
    let index_before = index(&common::snapshot(&site.path("output")));
    let text = site.read(CLAIM);
    safe_write(
        &site,
        CLAIM,
        &text.replace("keep growing despite AI", "keep growing despite robots"),
    );
    let rebuilt = watcher.wait_for_line("Rebuilt:");
    assert!(
        rebuilt.ends_with("; updating the search index"),
        "{rebuilt}"
    );
    watcher.wait_for_line("Search index updated:");
    let watched = common::snapshot(&site.path("output"));
    assert_ne!(index(&watched), index_before, "the index did not change");
    let fresh = site.scratch("fresh");
    site.build_with(&["--output", fresh.to_str().unwrap()]);
    let built = common::snapshot(&fresh);
    assert_eq!(
        watched.keys().collect::<Vec<_>>(),
        built.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &built {
        assert!(watched[path] == *bytes, "{path} differs from a full build");
    }
}

#[test]
fn a_broken_edit_shows_errors_and_keeps_the_last_good_site() {
    let site = fixture("full");
    let server = start(&site, &[]);
    let mut events = server.events("/");
    let good = site.read(CLAIM);
    site.write(CLAIM, &good.replace("kind: statistic", "kind: statistc"));
    events.wait_for("event: errors\ndata: ");
    let data = events.wait_for("\n\n");
    assert!(
        data.contains("claims/jobs-will-keep-growing.md"),
        "the overlay names the file: {data}"
    );
    assert!(data.contains("\"line\":7"), "and the line: {data}");
    assert!(data.contains("statistc"), "and what is wrong: {data}");
    server.wait_for_line("claims/jobs-will-keep-growing.md:7:7: error:");
    let (status, page) = server.get("/claims/jobs-will-keep-growing/");
    assert_eq!(status, 200);
    assert!(
        page.contains("Employment will keep growing despite AI."),
        "the last good page is served"
    );

    site.write(CLAIM, &good);
    events.wait_for("event: reload");
}

#[test]
fn nothing_outside_the_output_is_served() {
    let site = fixture("full");
    let server = start(&site, &[]);
    for path in [
        "/../claimbase.toml",
        "/%2e%2e/claimbase.toml",
        "/claims%2f..%2f..%2fclaimbase.toml",
        "//etc/passwd",
    ] {
        let (status, body) = server.get(path);
        assert!(status == 403 || status == 404, "{path}: {status}");
        assert!(!body.contains("base_url"), "{path} leaked the config");
    }
    let (status, head, body) = server.request("HEAD", "/");
    assert_eq!(status, 200);
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: text/html; charset=utf-8"),
        "{head}"
    );
    assert!(body.is_empty(), "HEAD has no body");
    let (status, head, _) = server.request("GET", "/claims/jobs-will-keep-growing");
    assert_eq!(status, 301);
    assert!(
        head.contains("Location: /claims/jobs-will-keep-growing/"),
        "{head}"
    );
    let (_, head, _) = server.request("GET", "/feed.xml");
    assert!(
        head.to_ascii_lowercase()
            .contains("application/xml; charset=utf-8"),
        "{head}"
    );
}

#[test]
fn a_sub_path_base_url_is_served_under_that_path() {
    let site = fixture("full");
    let server = start(&site, &["--base-url", "https://example.org/ai-claims/"]);
    let (status, page) = server.get("/ai-claims/");
    assert_eq!(status, 200);
    assert!(page.contains("href=\"/ai-claims/assets/style.css\""));
    assert_eq!(
        server.get("/ai-claims/claims/jobs-will-keep-growing/").0,
        200
    );
    let (status, head, _) = server.request("GET", "/");
    assert_eq!(status, 301);
    assert!(head.contains("Location: /ai-claims/"), "{head}");
}

#[test]
fn a_busy_port_is_named_in_the_error() {
    let site = fixture("full");
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let run = site.run(&["serve", "--port", &port]);
    run.assert_code(1);
    run.assert_stderr_contains(&format!("port {port}"));
}
