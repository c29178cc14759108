//! A bound on the time one template may take to render a page.
//!
//! Tera bounds much of what a template can do (a `range` has at most
//! 100,000 numbers, components recurse at most so deep, includes cannot
//! loop), but nested loops can still ask for more work than any build
//! should do: `range(end=100000)` inside another is 10¹⁰ steps. A render
//! cannot be interrupted from outside, so a watchdog thread ends the
//! process instead, with a diagnostic naming the template, once one render
//! has run for [`limit`] without finishing, after removing the new site's
//! staging folder: the output folder is left as it was.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use crate::diagnostics::{Diagnostic, Pos};
use crate::sync::lock;

/// How long one render may run: 30 seconds, or `CLAIMBASE_RENDER_TIMEOUT`
/// seconds.
pub fn limit() -> Duration {
    std::env::var("CLAIMBASE_RENDER_TIMEOUT")
        .ok()
        .and_then(|s| s.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s > 0.0)
        .map(Duration::from_secs_f64)
        .unwrap_or(Duration::from_secs(30))
}

struct Running {
    started: Instant,
    /// The template as diagnostics show it (`templates/claim.html`).
    shown: String,
    name: String,
}

#[derive(Default)]
struct Watchdog {
    running: Mutex<BTreeMap<u64, Running>>,
    next: AtomicU64,
}

static WATCHDOG: OnceLock<Watchdog> = OnceLock::new();

/// Registered while a render runs; dropping it ends the watch.
pub struct Guard {
    id: u64,
}

/// Watches one render of the template `name`, shown as `shown`.
pub fn watch(name: &str, shown: &str) -> Guard {
    let dog = WATCHDOG.get_or_init(|| {
        let limit = limit();
        std::thread::Builder::new()
            .name("claimbase-watchdog".into())
            .spawn(move || patrol(limit))
            .expect("cannot start the render watchdog thread");
        Watchdog::default()
    });
    let id = dog.next.fetch_add(1, Ordering::Relaxed);
    let running = Running {
        started: Instant::now(),
        shown: shown.to_string(),
        name: name.to_string(),
    };
    registry(dog).insert(id, running);
    Guard { id }
}

impl Drop for Guard {
    fn drop(&mut self) {
        if let Some(dog) = WATCHDOG.get() {
            registry(dog).remove(&self.id);
        }
    }
}

fn registry(dog: &Watchdog) -> std::sync::MutexGuard<'_, BTreeMap<u64, Running>> {
    lock(&dog.running)
}

fn patrol(limit: Duration) -> ! {
    let tick = (limit / 4).clamp(Duration::from_millis(20), Duration::from_secs(1));
    loop {
        std::thread::sleep(tick);
        let Some(dog) = WATCHDOG.get() else { continue };
        let overdue = registry(dog)
            .values()
            .find(|r| r.started.elapsed() >= limit)
            .map(|r| overdue(r, limit));
        if let Some(diagnostic) = overdue {
            crate::write::abandon_all();
            eprintln!("{diagnostic}");
            eprintln!("build failed: 1 error; nothing was written");
            std::process::exit(1);
        }
    }
}

fn overdue(running: &Running, limit: Duration) -> Diagnostic {
    Diagnostic::error(
        running.shown.clone(),
        Pos::START,
        format!(
            "template error: rendering a page with `{}` has run for {} s without finishing",
            running.name,
            limit.as_secs_f64()
        ),
    )
    .with_help(
        "a loop in this template (or one it includes) does too much work, such as nested `range` loops; \
         make it smaller, or raise the limit with CLAIMBASE_RENDER_TIMEOUT=<seconds>",
    )
}
