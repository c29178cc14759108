//! A build that fails, for whatever reason, leaves the previous `output/`
//! exactly as it was: every byte and every modification time. The reasons
//! covered: a content error, a template error (syntax, unknown variable,
//! missing include, an include loop, a loop that would run for ages), a
//! write error, and the process killed half-way.

mod common;
mod guard;

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use common::{Site, fixture};
use guard::{
    assert_same_tree, file_bytes, leftovers, run_bounded, run_bounded_env, snapshot_with_times,
};

const LIMIT: Duration = Duration::from_secs(60);

/// Builds the `full` fixture, breaks it with `break_it`, builds again: the
/// second build must fail with exactly `errors` and leave `output/` as the
/// first one wrote it, with no staging folder left beside it.
fn assert_failed_build_keeps_output(break_it: impl FnOnce(&Site), errors: &[&str]) {
    let site = fixture("full");
    site.build();
    let before = snapshot_with_times(&site.path("output"));
    assert!(before.len() > 20, "the first build wrote a site");
    break_it(&site);
    let run = run_bounded(site.root(), &["build"], LIMIT);
    run.assert_code(1)
        .assert_errors(errors)
        .assert_stderr_contains("nothing was written");
    assert_same_tree(
        &before,
        &snapshot_with_times(&site.path("output")),
        "a failed build changed the previous output",
    );
    assert_eq!(leftovers(site.root()), Vec::<String>::new());
}

#[test]
fn a_content_error() {
    assert_failed_build_keeps_output(
        |site| {
            let claim = "claims/jobs-will-keep-growing.md";
            site.write(
                claim,
                &site.read(claim).replace("date: 2023", "date: 2023-02-30"),
            );
        },
        &[
            "claims/jobs-will-keep-growing.md:4:7: error: invalid `date`: `2023-02-30` is not a date: month 2 of 2023 has 28 days",
        ],
    );
}

/// A site's own `claim.html` that extends the built-in frame, with `line`
/// as its fourth line.
fn claim_template(line: &str) -> String {
    format!(
        "{{% extends \"base.html\" %}}\n{{% block content %}}\n<h1>{{{{ claim.claim }}}}</h1>\n{line}\n{{% endblock %}}\n"
    )
}

#[test]
fn a_template_with_a_syntax_error() {
    assert_failed_build_keeps_output(
        |site| {
            site.write(
                "templates/claim.html",
                &claim_template("{% if %}yes{% endif %}"),
            )
        },
        &[
            "templates/claim.html:4:7: error: template error: Found `%}` but expected one of: integer, float, string, bool, ident, `-`, `not`, `<`, `{`, `[` or `(`",
        ],
    );
}

#[test]
fn a_template_with_an_unknown_variable() {
    assert_failed_build_keeps_output(
        |site| {
            site.write(
                "templates/claim.html",
                &claim_template("<p>{{ claim.speeker }}</p>"),
            )
        },
        &[
            "templates/claim.html:4:13: error: template error: Field `speeker` is not defined. Available fields: body, claim, context, date, draft, figures, id, kind, kind_label, lang, locator, locator_display, origin, overdue, quote, quote_lang, quote_reported, relations, reported, resolves, source, source_full, speakers, speakers_full, status, status_label, status_note, topics, translation, updated, url",
        ],
    );
}

/// The error must name the template that includes the missing file, and
/// the line of the `include`.
#[test]
fn a_template_with_a_missing_include() {
    assert_failed_build_keeps_output(
        |site| {
            site.write(
                "templates/claim.html",
                &claim_template("{% include \"partials/missing.html\" %}"),
            )
        },
        &[
            "templates/claim.html:4:12: error: template error: Unknown template `partials/missing.html`",
        ],
    );
}

/// A site's own `partials/claim-item.html` is included in every list: an
/// error there is reported at the partial, once.
#[test]
fn a_claim_item_partial_with_an_unknown_variable() {
    assert_failed_build_keeps_output(
        |site| {
            site.write(
                "templates/partials/claim-item.html",
                "<li>\n  {{ item.claim }} {{ item.speeker }}\n</li>\n",
            )
        },
        &[
            "templates/partials/claim-item.html:2:28: error: template error: Field `speeker` is not defined. Available fields: claim, date, draft, html, id, kind, kind_label, lang, overdue, reported, source, speakers, status, status_label, status_note, topics, url",
        ],
    );
}

/// A file where the build puts its staging folder (`.output.claimbase-new`
/// beside `output/`) makes writing fail. The file is not claimbase's, so it
/// is not deleted either.
#[test]
fn a_write_error_from_a_blocked_staging_folder() {
    let site = fixture("full");
    site.build();
    let before = snapshot_with_times(&site.path("output"));
    site.write(".output.claimbase-new", "not claimbase's\n");
    let run = run_bounded(site.root(), &["build"], LIMIT);
    run.assert_code(1);
    let errors = run.errors();
    assert_eq!(errors.len(), 1, "{}", run.stderr);
    assert!(
        errors[0].starts_with("output:1:1: error: cannot write `")
            && errors[0].contains(".output.claimbase-new`: Not a directory"),
        "{}",
        errors[0]
    );
    assert_same_tree(
        &before,
        &snapshot_with_times(&site.path("output")),
        "a failed write changed the previous output",
    );
    assert_eq!(site.read(".output.claimbase-new"), "not claimbase's\n");
}

/// An output folder whose parent is a file cannot be created: the build
/// says so, and changes nothing anywhere in the site.
#[test]
fn a_write_error_from_an_output_whose_parent_is_a_file() {
    let site = fixture("full");
    site.build();
    site.write("blocker", "a file, not a folder\n");
    let before = snapshot_with_times(site.root());
    let run = run_bounded(site.root(), &["build", "--output", "blocker/site"], LIMIT);
    run.assert_code(1);
    let errors = run.errors();
    assert_eq!(errors.len(), 1, "{}", run.stderr);
    assert!(
        errors[0].starts_with("blocker/site:1:1: error: cannot write `")
            && errors[0].contains("blocker`"),
        "{}",
        errors[0]
    );
    assert_same_tree(
        &before,
        &snapshot_with_times(site.root()),
        "the site changed",
    );
}

/// Two versions of a generated site, differing on every page (the title);
/// the bytes each builds to.
struct Versions {
    site: Site,
    built: [std::collections::BTreeMap<String, Vec<u8>>; 2],
    /// How long one build takes here, to spread the kills over it.
    build_time: Duration,
}

fn set_version(root: &Path, v: usize) {
    fs::write(
        root.join("claimbase.toml"),
        format!("title = \"Generated v{v}\"\nbase_url = \"https://example.org/g/\"\n"),
    )
    .unwrap();
}

fn versions() -> Versions {
    let site = common::empty_site();
    guard::generate_site(site.root(), 100, 8, 3);
    let mut built = [Default::default(), Default::default()];
    let mut build_time = Duration::ZERO;
    for (v, slot) in built.iter_mut().enumerate() {
        set_version(site.root(), v);
        let reference = site.scratch(&format!("reference-{v}"));
        let start = Instant::now();
        run_bounded(
            site.root(),
            &["build", "--output", reference.to_str().unwrap()],
            LIMIT,
        )
        .assert_code(0);
        build_time = build_time.max(start.elapsed());
        *slot = file_bytes(&reference);
    }
    assert_ne!(built[0], built[1]);
    Versions {
        site,
        built,
        build_time,
    }
}

/// SIGKILL at points spread over a build, and right as the staging folder
/// appears: `output/` is always the old site (bytes and times) or the new
/// one, complete, never a mix; the next build cleans up and succeeds.
#[test]
fn a_build_killed_half_way() {
    let Versions {
        site,
        built,
        build_time,
    } = versions();
    let root = site.root();
    let output = site.path("output");
    set_version(root, 0);
    run_bounded(root, &["build"], LIMIT).assert_code(0);
    let mut current = 0;
    let staging = site.path(".output.claimbase-new");

    // Fractions of a build's time; `None`: as soon as staging appears.
    let mut points: Vec<Option<f64>> = [0.1, 0.5, 0.8, 0.9, 1.0].into_iter().map(Some).collect();
    points.extend([None, None]);
    let mut outcomes = Vec::new();
    for point in points {
        let target = 1 - current;
        set_version(root, target);
        let before = snapshot_with_times(&output);
        let mut child = guard::spawn_build(root);
        let start = Instant::now();
        match point {
            Some(f) => std::thread::sleep(build_time.mul_f64(f)),
            None => {
                while !staging.exists() && start.elapsed() < LIMIT {
                    if child.try_wait().unwrap().is_some() {
                        break;
                    }
                    std::thread::sleep(Duration::from_micros(200));
                }
            }
        }
        let _ = child.kill();
        child.wait().unwrap();

        let now = file_bytes(&output);
        if now == built[target] {
            current = target;
            outcomes.push("new");
        } else {
            assert!(
                now == built[current],
                "killed at {point:?}: output/ is neither the old site nor the new one"
            );
            assert_same_tree(
                &before,
                &snapshot_with_times(&output),
                &format!("killed at {point:?}: the old site's files changed"),
            );
            outcomes.push("old");
        }
    }
    eprintln!("outcomes of the kills: {outcomes:?}");

    // The next build cleans up what the killed ones left and succeeds.
    let target = 1 - current;
    set_version(root, target);
    run_bounded(root, &["build"], LIMIT).assert_code(0);
    assert_eq!(file_bytes(&output), built[target]);
    assert_eq!(leftovers(root), Vec::<String>::new());
}

/// A template that includes itself, directly or through a partial: the
/// error names the template, the line and column of the include, and the
/// loop.
#[test]
fn a_template_that_includes_itself() {
    assert_failed_build_keeps_output(
        |site| {
            site.write(
                "templates/claim.html",
                &claim_template("{% include \"claim.html\" %}"),
            );
        },
        &["templates/claim.html:4:1: error: template error: `claim.html` includes itself"],
    );
}

/// Nested loops of 10¹⁰ steps: the render watchdog stops the build after
/// `CLAIMBASE_RENDER_TIMEOUT` seconds, naming the template.
#[test]
fn a_template_loop_that_would_run_for_ages() {
    let site = fixture("full");
    site.build();
    let before = snapshot_with_times(&site.path("output"));
    site.write(
        "templates/claim.html",
        &claim_template(
            "{% for a in range(end=100000) %}{% for b in range(end=100000) %}{% endfor %}{% endfor %}",
        ),
    );
    let run = run_bounded_env(
        site.root(),
        &["build"],
        &[("CLAIMBASE_RENDER_TIMEOUT", Path::new("1"))],
        LIMIT,
    );
    run.assert_code(1)
        .assert_errors(&["templates/claim.html:1:1: error: template error: rendering a page with `claim.html` has run for 1 s without finishing"])
        .assert_stderr_contains("CLAIMBASE_RENDER_TIMEOUT=<seconds>")
        .assert_stderr_contains("nothing was written");
    assert_same_tree(
        &before,
        &snapshot_with_times(&site.path("output")),
        "a stopped build changed the previous output",
    );
    assert_eq!(leftovers(site.root()), Vec::<String>::new());
}

/// Two templates that extend each other: the error is at the `extends` tag
/// of one of them (Tera may find the loop from either end) and names both.
#[test]
fn templates_that_extend_each_other() {
    let site = fixture("full");
    site.build();
    let before = snapshot_with_times(&site.path("output"));
    site.write(
        "templates/claim.html",
        "{% extends \"partials/x.html\" %}\n",
    );
    site.write(
        "templates/partials/x.html",
        "{% extends \"partials/y.html\" %}\n",
    );
    site.write(
        "templates/partials/y.html",
        "{% extends \"partials/x.html\" %}\n",
    );
    let run = run_bounded(site.root(), &["build"], LIMIT);
    run.assert_code(1);
    let errors = run.errors();
    assert_eq!(errors.len(), 1, "{}", run.stderr);
    let expected = [
        "templates/partials/x.html:1:1: error: template error: `partials/x.html` extends itself through `partials/x.html` → `partials/y.html` → `partials/x.html`",
        "templates/partials/y.html:1:1: error: template error: `partials/y.html` extends itself through `partials/y.html` → `partials/x.html` → `partials/y.html`",
    ];
    assert!(expected.contains(&errors[0]), "{}", errors[0]);
    assert_same_tree(
        &before,
        &snapshot_with_times(&site.path("output")),
        "a failed build changed the previous output",
    );
}

#[test]
fn templates_that_include_each_other() {
    assert_failed_build_keeps_output(
        |site| {
            site.write(
                "templates/claim.html",
                &claim_template("{% include \"partials/a.html\" %}"),
            );
            site.write(
                "templates/partials/a.html",
                "<p>a</p>\n  {%- include 'partials/b.html' -%}\n",
            );
            site.write(
                "templates/partials/b.html",
                "<p>b</p>\n{% include \"partials/a.html\" %}\n",
            );
        },
        &[
            "templates/partials/a.html:2:3: error: template error: `partials/a.html` includes itself through `partials/a.html` → `partials/b.html` → `partials/a.html`",
        ],
    );
}
