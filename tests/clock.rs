//! Clock and time zone (issue #20): the same site builds to the same bytes
//! under any time zone, and "overdue" is decided against one reference
//! date: the UTC day of `SOURCE_DATE_EPOCH` when set (reproducible
//! builds), else of the system clock.

mod common;
mod guard;

use std::path::Path;
use std::time::Duration;

use guard::{file_bytes, run_with_watchdog};

const LIMIT: Duration = Duration::from_secs(120);

fn build(root: &Path, output: &Path, tz: &str, epoch: Option<&str>) {
    let mut cmd = guard::command(
        root,
        &[
            "--root",
            root.to_str().unwrap(),
            "build",
            "--output",
            output.to_str().unwrap(),
        ],
    );
    cmd.env("TZ", tz);
    match epoch {
        Some(e) => cmd.env("SOURCE_DATE_EPOCH", e),
        None => cmd.env_remove("SOURCE_DATE_EPOCH"),
    };
    run_with_watchdog(cmd, &format!("TZ={tz} claimbase build"), LIMIT).assert_code(0);
}

/// 2024-12-31T20:00:00Z: already 2025-01-01 in Shanghai (UTC+8), still
/// 2024-12-31 in UTC. A build that took "today" from the local clock
/// would differ between the two.
const NEW_YEARS_EVE: &str = "1735675200";

#[test]
fn builds_under_any_time_zone_write_the_same_bytes() {
    let site = common::fixture("full");
    let mut trees = Vec::new();
    for tz in [
        "UTC",
        "Asia/Shanghai",
        "America/Los_Angeles",
        "Pacific/Kiritimati",
    ] {
        let out = site.scratch(&format!("out-{}", tz.replace('/', "-")));
        build(site.root(), &out, tz, Some(NEW_YEARS_EVE));
        trees.push((tz, file_bytes(&out)));
    }
    for (tz, tree) in &trees[1..] {
        let differ: Vec<&String> = tree
            .keys()
            .filter(|p| trees[0].1.get(*p) != tree.get(*p))
            .collect();
        assert!(
            differ.is_empty(),
            "TZ={tz} wrote other bytes than TZ=UTC: {differ:?}"
        );
    }
}

/// "Overdue" follows `SOURCE_DATE_EPOCH`'s UTC day: a prediction due on
/// 2025-01-01 is not overdue on 2024-12-31 (UTC) in any time zone.
#[test]
fn overdue_is_decided_by_the_utc_day_of_source_date_epoch() {
    let site = common::fixture("full");
    site.write(
        "claims/due-new-year.md",
        "---\nclaim: Something will happen by the new year.\nspeaker: bo-chen\ndate: 2024-06\nsource: labour-blog\ntopics: [ai-and-jobs]\nkind: prediction\nresolves: 2024-12-31\n---\n",
    );
    let overdue = |epoch: &str, tz: &str| {
        let out = site.scratch(&format!("out-{epoch}-{}", tz.replace('/', "-")));
        build(site.root(), &out, tz, Some(epoch));
        let page = std::fs::read_to_string(out.join("claims/due-new-year/index.html")).unwrap();
        page.to_lowercase().contains("overdue")
    };
    // 2024-12-31 in UTC: due today, not yet overdue, in Shanghai too.
    assert!(!overdue(NEW_YEARS_EVE, "UTC"));
    assert!(!overdue(NEW_YEARS_EVE, "Asia/Shanghai"));
    // A day later it is.
    assert!(overdue("1735776000", "UTC"));
}
