//! `claimbase deploy` to a real S3-compatible server (`s3s-fs`, which
//! `.ci/run` installs) on loopback: what reaches the bucket, what is sent
//! again, and what a failing server leaves behind. Faults come from a small
//! proxy in front of the real server that answers 503 or finds the server
//! stopped, never from a mock of the protocol.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{Site, fixture, snapshot};
use object_store::aws::AmazonS3Builder;
use object_store::{Attribute, ObjectStore, ObjectStoreExt};

const BUCKET: &str = "site";
const FOLDER: &str = "www";

/// The `s3s-fs` binary: on PATH, or where `.ci/run` installs it.
fn server_binary() -> Option<PathBuf> {
    let installed = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/ci-tools/bin/s3s-fs");
    if installed.is_file() {
        return Some(installed);
    }
    let on_path = std::env::var_os("PATH")?;
    std::env::split_paths(&on_path)
        .map(|dir| dir.join("s3s-fs"))
        .find(|p| p.is_file())
}

/// A running `s3s-fs` serving the folder `data` on a loopback port.
struct Server {
    child: Child,
    port: u16,
    data: PathBuf,
}

impl Server {
    /// Starts the server, or skips the test (outside CI) when it is not
    /// installed.
    fn start(data: &Path) -> Option<Server> {
        let Some(binary) = server_binary() else {
            assert!(
                std::env::var_os("CI").is_none(),
                "s3s-fs is not installed: .ci/run installs it with cargo install"
            );
            eprintln!("skipped: s3s-fs is not installed (bash .ci/run installs it)");
            return None;
        };
        std::fs::create_dir_all(data.join(BUCKET)).unwrap();
        let port = free_port();
        let child = Command::new(binary)
            .args(["--host", "127.0.0.1", "--port", &port.to_string()])
            .args(["--access-key", "test-key", "--secret-key", "test-secret"])
            .arg(data)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start s3s-fs");
        wait_for(port);
        Some(Server {
            child,
            port,
            data: data.to_path_buf(),
        })
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// The same folder served again, on a new port.
    fn restart(&mut self) {
        self.stop();
        *self = Server::start(&self.data.clone()).unwrap();
    }

    fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Every object under the site's folder: key → (bytes, content type,
    /// cache control), read back through the S3 API.
    fn bucket(&self) -> BTreeMap<String, Stored> {
        let store = AmazonS3Builder::new()
            .with_bucket_name(BUCKET)
            .with_endpoint(self.endpoint())
            .with_allow_http(true)
            .with_region("us-east-1")
            .with_access_key_id("test-key")
            .with_secret_access_key("test-secret")
            .build()
            .unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            use futures::TryStreamExt;
            let prefix = object_store::path::Path::from(FOLDER);
            let listed: Vec<_> = store.list(Some(&prefix)).try_collect().await.unwrap();
            let mut objects = BTreeMap::new();
            for meta in listed {
                let got = store.get(&meta.location).await.unwrap();
                let attribute = |a| got.attributes.get(&a).map(|v| v.to_string());
                let stored = Stored {
                    content_type: attribute(Attribute::ContentType),
                    cache_control: attribute(Attribute::CacheControl),
                    bytes: Vec::new(),
                };
                let bytes = got.bytes().await.unwrap().to_vec();
                let key = meta.location.as_ref()[FOLDER.len() + 1..].to_string();
                objects.insert(key, Stored { bytes, ..stored });
            }
            objects
        })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

#[derive(Debug, Clone, PartialEq)]
struct Stored {
    bytes: Vec<u8>,
    content_type: Option<String>,
    cache_control: Option<String>,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wait_for(port: u16) {
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "s3s-fs did not start"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The fixture site with a `[[deploy]]` table for `endpoint`, and one
/// extra claim that a test may remove.
fn site_for(endpoint: &str, retries: usize) -> Site {
    let site = fixture("full");
    let config = site.read("claimbase.toml");
    site.write(
        "claimbase.toml",
        &format!(
            "{config}\n[[deploy]]\nname = \"test\"\nurl = \"s3://{BUCKET}/{FOLDER}\"\nendpoint = \"{endpoint}\"\nregion = \"us-east-1\"\nretries = {retries}\n\n[deploy.cache_control]\n\"assets/*.css\" = \"public, max-age=60\"\n"
        ),
    );
    site.write(
        "claims/short-lived.md",
        "---\nclaim: \"A claim that will be withdrawn.\"\nspeaker: ada-lee\ndate: 2024-03\nsource: labour-blog\ntopics: [ai-and-jobs]\nkind: prediction\nstatus: open\n---\n",
    );
    site
}

/// `claimbase deploy <args>` in the site, with the test server's keys.
fn deploy(site: &Site, args: &[&str]) -> common::Run {
    let output = Command::new(env!("CARGO_BIN_EXE_claimbase"))
        .arg("--root")
        .arg(site.root())
        .arg("deploy")
        .args(args)
        .env("SOURCE_DATE_EPOCH", common::TODAY_EPOCH)
        .env("AWS_ACCESS_KEY_ID", "test-key")
        .env("AWS_SECRET_ACCESS_KEY", "test-secret")
        .env_remove("AWS_ENDPOINT")
        .env_remove("AWS_PROFILE")
        .stdin(Stdio::null())
        .output()
        .expect("run claimbase deploy");
    common::Run {
        command: format!("claimbase deploy {}", args.join(" ")),
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// The output's files as the bucket should hold them (without the marker
/// that is the build's, not the site's).
fn output_files(site: &Site) -> BTreeMap<String, Vec<u8>> {
    let mut files = snapshot(&site.path("output"));
    files.remove(".claimbase-output");
    files
        .into_iter()
        .map(|(k, v)| (k.replace('\\', "/"), v))
        .collect()
}

/// The keys a deploy said it sent.
fn sent(run: &common::Run) -> BTreeSet<String> {
    run.stdout
        .lines()
        .filter_map(|l| l.trim().strip_prefix("send"))
        .map(|l| l.trim().rsplit_once(" (").unwrap().0.to_string())
        .collect()
}

fn changed(
    before: &BTreeMap<String, Vec<u8>>,
    after: &BTreeMap<String, Vec<u8>>,
) -> BTreeSet<String> {
    after
        .iter()
        .filter(|(k, v)| before.get(*k) != Some(v))
        .map(|(k, _)| k.clone())
        .collect()
}

#[test]
fn a_first_deploy_makes_the_bucket_equal_to_the_output_and_a_second_sends_nothing() {
    let data = tempfile::tempdir().unwrap();
    let Some(server) = Server::start(data.path()) else {
        return;
    };
    let site = site_for(&server.endpoint(), 3);
    let first = deploy(&site, &[]);
    first.assert_code(0);
    assert!(
        first
            .stdout
            .contains(&format!("Deployed to s3://{BUCKET}/{FOLDER}: ")),
        "{}",
        first.stdout
    );
    let files = output_files(&site);
    let bucket = server.bucket();
    assert_eq!(
        bucket.keys().collect::<Vec<_>>(),
        files.keys().collect::<Vec<_>>(),
        "the bucket holds other keys than the output"
    );
    for (key, bytes) in &files {
        let stored = &bucket[key];
        assert!(stored.bytes == *bytes, "{key}: other bytes in the bucket");
        assert_eq!(
            stored.content_type.as_deref(),
            Some(claimbase::deploy::media::content_type(key)),
            "{key}"
        );
    }
    assert_eq!(
        bucket["index.html"].content_type.as_deref(),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(
        bucket["assets/style.css"].cache_control.as_deref(),
        Some("public, max-age=60"),
        "the target's glob sets the cache rule"
    );
    assert_eq!(
        bucket["index.html"].cache_control.as_deref(),
        Some(claimbase::deploy::media::SHORT)
    );
    // Served as a website, the bucket gives the output's pages.
    let page = &bucket["claims/short-lived/index.html"].bytes;
    assert_eq!(page, &files["claims/short-lived/index.html"]);

    let second = deploy(&site, &[]);
    second.assert_code(0);
    assert!(
        second.stdout.contains(": 0 uploaded, 0 deleted, "),
        "{}",
        second.stdout
    );
    assert!(sent(&second).is_empty());
}

#[test]
fn an_edit_sends_only_the_files_whose_bytes_changed_and_a_removal_deletes() {
    let data = tempfile::tempdir().unwrap();
    let Some(server) = Server::start(data.path()) else {
        return;
    };
    let site = site_for(&server.endpoint(), 3);
    deploy(&site, &[]).assert_code(0);
    let before = output_files(&site);

    let claim = site.read("claims/jobs-will-keep-growing.md");
    site.write(
        "claims/jobs-will-keep-growing.md",
        &format!("{claim}\nOne more sentence in the body.\n"),
    );
    let edit = deploy(&site, &[]);
    edit.assert_code(0);
    let after = output_files(&site);
    let expected = changed(&before, &after);
    assert!(!expected.is_empty());
    assert_eq!(sent(&edit), expected, "{}", edit.stdout);
    assert!(expected.contains("claims/jobs-will-keep-growing/index.html"));

    std::fs::remove_file(site.path("claims/short-lived.md")).unwrap();
    let kept = deploy(&site, &["--no-delete"]);
    kept.assert_code(0);
    assert!(kept.stdout.contains("left in place"), "{}", kept.stdout);
    assert!(
        server
            .bucket()
            .contains_key("claims/short-lived/index.html"),
        "--no-delete deleted a page"
    );

    let removal = deploy(&site, &[]);
    removal.assert_code(0);
    assert!(
        removal
            .stdout
            .contains("delete       claims/short-lived/index.html"),
        "{}",
        removal.stdout
    );
    let bucket = server.bucket();
    assert!(!bucket.contains_key("claims/short-lived/index.html"));
    assert_eq!(
        bucket.keys().collect::<Vec<_>>(),
        output_files(&site).keys().collect::<Vec<_>>()
    );
}

#[test]
fn a_dry_run_prints_the_plan_and_changes_nothing() {
    let data = tempfile::tempdir().unwrap();
    let Some(server) = Server::start(data.path()) else {
        return;
    };
    let site = site_for(&server.endpoint(), 3);
    deploy(&site, &[]).assert_code(0);
    let before = server.bucket();
    std::fs::remove_file(site.path("claims/short-lived.md")).unwrap();
    let dry = deploy(&site, &["--dry-run"]);
    dry.assert_code(0);
    assert!(dry.stdout.contains("would delete"), "{}", dry.stdout);
    assert!(dry.stdout.contains("Dry run for s3://"), "{}", dry.stdout);
    assert_eq!(server.bucket(), before, "a dry run changed the bucket");
}

#[test]
fn a_failing_build_deploys_nothing() {
    let data = tempfile::tempdir().unwrap();
    let Some(server) = Server::start(data.path()) else {
        return;
    };
    let site = site_for(&server.endpoint(), 3);
    site.write(
        "claims/broken.md",
        "---\nclaim: \"x\"\nspeeker: ada-lee\n---\n",
    );
    deploy(&site, &[])
        .assert_code(1)
        .assert_stderr_contains("build failed");
    assert!(server.bucket().is_empty());
}

/// A proxy in front of the server: `fault(n)` decides, for the n-th
/// request (from 0), whether it is answered 503 instead of forwarded;
/// `before(n)` runs before each request is forwarded. A request the
/// server cannot take (it is stopped) has its connection dropped.
struct Proxy {
    port: u16,
    requests: Arc<AtomicUsize>,
    refused: Arc<AtomicUsize>,
}

type Hook = Arc<dyn Fn(usize) -> bool + Send + Sync>;

impl Proxy {
    fn start(upstream: u16, fault: Hook, before: Hook) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(AtomicUsize::new(0));
        let refused = Arc::new(AtomicUsize::new(0));
        let (count, failed) = (requests.clone(), refused.clone());
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let (count, failed, fault, before) =
                    (count.clone(), failed.clone(), fault.clone(), before.clone());
                std::thread::spawn(move || {
                    let _ = relay(client, upstream, &count, &failed, &*fault, &*before);
                });
            }
        });
        Proxy {
            port,
            requests,
            refused,
        }
    }

    fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

/// One request per connection: read it, answer 503 or forward it with
/// `Connection: close` and pass the whole answer back.
fn relay(
    mut client: TcpStream,
    upstream: u16,
    count: &AtomicUsize,
    failed: &AtomicUsize,
    fault: &(dyn Fn(usize) -> bool + Send + Sync),
    before: &(dyn Fn(usize) -> bool + Send + Sync),
) -> std::io::Result<()> {
    let request = read_request(&mut client)?;
    let n = count.fetch_add(1, Ordering::SeqCst);
    if fault(n) {
        failed.fetch_add(1, Ordering::SeqCst);
        let body = "<?xml version=\"1.0\"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>";
        write!(
            client,
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )?;
        return Ok(());
    }
    before(n);
    let mut server = TcpStream::connect(("127.0.0.1", upstream))?;
    server.write_all(&request)?;
    let mut answer = Vec::new();
    server.read_to_end(&mut answer)?;
    client.write_all(&answer)
}

/// A whole HTTP request (head with `Connection: close`, then the body its
/// `Content-Length` gives).
fn read_request(client: &mut TcpStream) -> std::io::Result<Vec<u8>> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if client.read(&mut byte)? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        head.push(byte[0]);
    }
    let text = String::from_utf8_lossy(&head).into_owned();
    let mut length = 0;
    let mut lines: Vec<String> = Vec::new();
    for line in text.trim_end().split("\r\n") {
        let lower = line.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
        if !lower.starts_with("connection:") {
            lines.push(line.to_string());
        }
    }
    lines.push("Connection: close".into());
    let mut request = format!("{}\r\n\r\n", lines.join("\r\n")).into_bytes();
    let mut body = vec![0; length];
    client.read_exact(&mut body)?;
    request.extend(body);
    Ok(request)
}

/// Deploys the site once, then changes it: one claim edited, one removed.
fn deployed_then_changed(server: &Server, site: &Site) -> BTreeMap<String, Vec<u8>> {
    deploy(site, &[]).assert_code(0);
    let old = output_files(site);
    let claim = site.read("claims/jobs-will-keep-growing.md");
    site.write(
        "claims/jobs-will-keep-growing.md",
        &format!("{claim}\nAn edit the store never fully gets.\n"),
    );
    std::fs::remove_file(site.path("claims/short-lived.md")).unwrap();
    assert_eq!(server.bucket().len(), old.len());
    old
}

/// Every page that was live still is: every old key is still there, each
/// with its old bytes or its new ones.
fn assert_whole(
    bucket: &BTreeMap<String, Stored>,
    old: &BTreeMap<String, Vec<u8>>,
    new: &BTreeMap<String, Vec<u8>>,
) {
    for (key, bytes) in old {
        let stored = bucket
            .get(key)
            .unwrap_or_else(|| panic!("{key} was deleted by a failed deploy"));
        assert!(
            stored.bytes == *bytes || new.get(key) == Some(&stored.bytes),
            "{key} holds neither its old nor its new bytes"
        );
    }
}

/// Points the site's deploy table at another endpoint.
fn retarget(site: &Site, from: &str, to: &str) {
    let config = site.read("claimbase.toml").replace(from, to);
    site.write("claimbase.toml", &config);
}

#[test]
fn a_server_that_answers_503_for_a_while_is_retried_until_it_takes_the_files() {
    let data = tempfile::tempdir().unwrap();
    let Some(server) = Server::start(data.path()) else {
        return;
    };
    let site = site_for(&server.endpoint(), 5);
    // Every third request of the first thirty is refused.
    let proxy = Proxy::start(
        server.port,
        Arc::new(|n| n < 30 && n % 3 == 0),
        Arc::new(|_| true),
    );
    retarget(&site, &server.endpoint(), &proxy.endpoint());
    deploy(&site, &[]).assert_code(0);
    assert_eq!(proxy.refused.load(Ordering::SeqCst), 10);
    let files = output_files(&site);
    let bucket = server.bucket();
    assert_eq!(bucket.len(), files.len());
    assert!(files.iter().all(|(k, v)| bucket[k].bytes == *v));
}

#[test]
fn a_server_that_keeps_failing_stops_the_deploy_with_exit_1_and_the_site_whole() {
    let data = tempfile::tempdir().unwrap();
    let Some(server) = Server::start(data.path()) else {
        return;
    };
    let site = site_for(&server.endpoint(), 2);
    let old = deployed_then_changed(&server, &site);
    // The listing and a few files get through; then every request fails.
    let allowed = old.len() + 4;
    let proxy = Proxy::start(
        server.port,
        Arc::new(move |n| n >= allowed),
        Arc::new(|_| true),
    );
    retarget(&site, &server.endpoint(), &proxy.endpoint());
    let run = deploy(&site, &[]);
    run.assert_code(1)
        .assert_stderr_contains("nothing was deleted");
    assert!(run.stderr.contains("503"), "{}", run.stderr);
    assert!(proxy.refused.load(Ordering::SeqCst) >= 3, "no retries");
    assert_whole(&server.bucket(), &old, &output_files(&site));
    assert!(!run.stderr.contains("test-secret"));
}

#[test]
fn a_server_stopped_mid_deploy_leaves_every_live_page_working() {
    let data = tempfile::tempdir().unwrap();
    let Some(mut server) = Server::start(data.path()) else {
        return;
    };
    let site = site_for(&server.endpoint(), 2);
    let old = deployed_then_changed(&server, &site);
    let stop_at = old.len() + 3;
    let child = Arc::new(Mutex::new(Some(server.child.id())));
    let killer = child.clone();
    let proxy = Proxy::start(
        server.port,
        Arc::new(|_| false),
        Arc::new(move |n| {
            if n == stop_at
                && let Some(pid) = killer.lock().unwrap().take()
            {
                let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
                std::thread::sleep(Duration::from_millis(100));
            }
            true
        }),
    );
    retarget(&site, &server.endpoint(), &proxy.endpoint());
    let run = deploy(&site, &[]);
    run.assert_code(1)
        .assert_stderr_contains("every page that was live still works");
    assert!(proxy.requests.load(Ordering::SeqCst) > stop_at);
    server.restart();
    assert_whole(&server.bucket(), &old, &output_files(&site));
}
