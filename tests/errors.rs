//! Every rule of FORMAT.md's "What is an error", one broken fixture site
//! each under `tests/fixtures/broken/`. Each test locks the exact
//! `path:line:col: error: message` lines that `check` and `build` print,
//! and shows that a failed build leaves an earlier output folder alone.

mod common;

use common::{Run, Site, fixture};

/// Runs `check` and `build` on `tests/fixtures/broken/<case>`: both must
/// exit 1 and print exactly `errors` (warnings aside), and the build must
/// leave the output folder of an earlier build as it was.
fn assert_fails(case: &str, errors: &[&str]) -> Run {
    let site = fixture(&format!("broken/{case}"));
    earlier_output(&site);
    let before = site.snapshot();

    let check = site.run(&["check"]);
    check
        .assert_code(1)
        .assert_errors(errors)
        .assert_stderr_contains(&failed_line("check", errors.len()));
    let build = site.run(&["build"]);
    build
        .assert_code(1)
        .assert_errors(errors)
        .assert_stderr_contains(&failed_line("build", errors.len()));

    assert_eq!(
        site.snapshot(),
        before,
        "a failed build changed files (the earlier output must stay as it was)"
    );
    check
}

fn failed_line(what: &str, n: usize) -> String {
    let s = if n == 1 { "" } else { "s" };
    // `check` never writes, so it does not say so.
    let kept = if what == "check" {
        ""
    } else {
        "; nothing was written"
    };
    format!("{what} failed: {n} error{s}{kept}")
}

/// An output folder as an earlier build leaves it: the marker that lets
/// claimbase replace it, a page, and a sentinel file a new build would drop.
fn earlier_output(site: &Site) {
    site.write(
        "output/.claimbase-output",
        "This folder is written by claimbase; it is replaced on every build.\n",
    );
    site.write(
        "output/index.html",
        "<!DOCTYPE html><p>the last good build</p>\n",
    );
    site.write("output/sentinel.txt", "left by an earlier build\n");
}

fn assert_help(run: &Run, diagnostic: &str, help: &str) {
    assert_eq!(
        run.help_for(diagnostic),
        Some(help),
        "help after {diagnostic:?}; stderr:\n{}",
        run.stderr
    );
}

#[test]
fn a_missing_required_field() {
    let run = assert_fails(
        "missing-required-field",
        &[
            "claims/_topics/compute-cost.md:1:1: error: missing required field `title`",
            "claims/no-date.md:4:9: error: the claim has no `date`, and its source `acme-report` has no `published` date to report it by",
            "claims/no-topics.md:6:9: error: `topics` needs at least one entry",
        ],
    );
    assert_help(
        &run,
        "claims/no-date.md:4:9: error: the claim has no `date`, and its source `acme-report` has no `published` date to report it by",
        "add `date: YYYY-MM-DD` (when it was said) to the claim, or `published:` to claims/_sources/acme-report.md",
    );
}

#[test]
fn an_unknown_field_suggests_the_closest_known_one() {
    let run = assert_fails(
        "unknown-field",
        &[
            "claims/misspelled.md:3:1: error: unknown field `speeker` for a claim; did you mean `speaker`?",
        ],
    );
    let help = run
        .help_for("claims/misspelled.md:3:1: error: unknown field `speeker` for a claim; did you mean `speaker`?")
        .expect("a help line listing the fields");
    assert!(help.starts_with("the fields of a claim are: claim, speaker, date, source, topics"));
}

#[test]
fn a_value_of_the_wrong_type() {
    assert_fails(
        "wrong-type",
        &[
            "claims/draft-yes.md:7:8: error: `draft` must be true or false, not a string",
            "claims/topics-boolean.md:6:9: error: `topics` must be a list of strings, not a boolean",
        ],
    );
}

/// `value: [40, "sixty"]` is a list, as a range should be: the error is its
/// second item, a string, and the message and position must say so.
#[test]
fn a_range_with_a_non_number_points_at_the_bad_item() {
    let site = fixture("broken/figure-value");
    let run = site.run(&["check"]);
    run.assert_code(1);
    let errors = run.errors();
    assert_eq!(errors.len(), 1, "{}", run.stderr);
    let error = errors[0];
    assert!(
        error.starts_with("claims/bad-figure.md:8:17: error: "),
        "should point at `\"sixty\"` (8:17): {error}"
    );
    assert!(
        error.contains("`value`") && error.contains("string") && !error.contains("not a list"),
        "should say the range holds a string, not that it is a list: {error}"
    );
}

#[test]
fn invalid_yaml_and_duplicate_keys() {
    assert_fails(
        "invalid-yaml",
        &[
            "claims/bad-indent.md:4:7: error: invalid YAML: mapping values are not allowed in this context",
            "claims/twice.md:7:1: error: duplicate key `speaker`",
        ],
    );
}

#[test]
fn an_enum_value_out_of_range_suggests_the_closest() {
    assert_fails(
        "enum-out-of-range",
        &[
            "claims/bad-kind.md:7:7: error: `predicton` is not a valid `kind`; did you mean `prediction`?",
        ],
    );
}

#[test]
fn an_invalid_date_format() {
    assert_fails(
        "invalid-date",
        &[
            "claims/slashed-date.md:4:7: error: invalid `date`: `2024/12/01` is not a date; write it as YYYY, YYYY-MM or YYYY-MM-DD",
        ],
    );
}

#[test]
fn an_impossible_date() {
    assert_fails(
        "impossible-date",
        &[
            "claims/february-30.md:4:7: error: invalid `date`: `2025-02-30` is not a date: month 2 of 2025 has 28 days",
        ],
    );
}

#[test]
fn an_invalid_id_suggests_a_valid_file_name() {
    let run = assert_fails(
        "invalid-id",
        &[
            "claims/Bad Name.md:1:1: error: `Bad Name` is not a valid claim id",
            "claims/_speakers/徐立.md:1:1: error: `徐立` is not a valid speaker id",
        ],
    );
    assert_help(
        &run,
        "claims/Bad Name.md:1:1: error: `Bad Name` is not a valid claim id",
        "an id is lower-case ASCII letters, digits and single hyphens (`xu-li`), at most 80 characters; rename the file to `bad-name.md`",
    );
    assert_help(
        &run,
        "claims/_speakers/徐立.md:1:1: error: `徐立` is not a valid speaker id",
        "an id is lower-case ASCII letters, digits and single hyphens (`xu-li`), at most 80 characters; Chinese names get a pinyin or English id, such as `xu-li.md`",
    );
}

#[test]
fn a_duplicate_id_in_two_sub_folders() {
    assert_fails(
        "duplicate-id",
        &[
            "claims/pretraining/half-of-jobs.md:1:1: error: duplicate claim id `half-of-jobs`: `claims/jobs/half-of-jobs.md` has the same file name",
        ],
    );
}

#[test]
fn a_reference_to_an_unknown_id_suggests_the_closest() {
    assert_fails(
        "unknown-reference",
        &[
            "claims/_speakers/ada-lee.md:3:6: error: no speaker with id `acme-lab`; did you mean `acme-labs`?",
            "claims/typos.md:3:10: error: no speaker with id `ada-le`; did you mean `ada-lee`?",
            "claims/typos.md:5:9: error: no source with id `acme-reprt`; did you mean `acme-report`?",
            "claims/typos.md:6:10: error: no topic with id `ai-and-job`; did you mean `ai-and-jobs`?",
            "claims/typos.md:7:12: error: no claim with id `half-of-job`; did you mean `half-of-jobs`?",
            "claims/typos.md:8:9: error: no source with id `acme-repor`; did you mean `acme-report`?",
        ],
    );
}

#[test]
fn a_claim_that_relates_to_itself() {
    let run = assert_fails(
        "self-relation",
        &["claims/half-of-jobs.md:7:15: error: a claim cannot list itself in `contradicts`"],
    );
    assert_help(
        &run,
        "claims/half-of-jobs.md:7:15: error: a claim cannot list itself in `contradicts`",
        "remove its own id from the list",
    );
}

#[test]
fn a_file_that_is_not_utf8_points_at_the_first_bad_byte() {
    assert_fails(
        "non-utf8",
        &["claims/latin1.md:2:12: error: the file is not valid UTF-8 text"],
    );
}

#[test]
fn unterminated_front_matter() {
    let run = assert_fails(
        "unterminated-front-matter",
        &[
            "claims/never-closed-toml.md:1:1: error: front matter opened here is never closed",
            "claims/never-closed.md:1:1: error: front matter opened here is never closed",
        ],
    );
    assert_help(
        &run,
        "claims/never-closed.md:1:1: error: front matter opened here is never closed",
        "add a `---` line after the last field",
    );
    assert_help(
        &run,
        "claims/never-closed-toml.md:1:1: error: front matter opened here is never closed",
        "add a `+++` line after the last field",
    );
}

#[test]
fn a_file_without_front_matter() {
    assert_fails(
        "no-front-matter",
        &["claims/just-text.md:1:1: error: file has no front matter"],
    );
}

#[test]
fn a_quote_missing_from_the_archived_source() {
    assert_fails(
        "quote-not-in-archive",
        &[
            "claims/_sources/lost-report.md:3:10: error: archive `archive/lost-report.txt` does not exist",
            "claims/misquoted.md:7:8: error: `quote` is not found verbatim in the archived text of source `acme-report`",
        ],
    );
}

#[test]
fn several_errors_are_all_reported_sorted_by_path_then_line() {
    assert_fails(
        "several-errors",
        &[
            "claims/_speakers/ada-lee.md:3:7: error: `persn` is not a valid `kind`; did you mean `person`?",
            "claims/a-two-errors.md:7:1: error: unknown field `staus` for a claim; did you mean `status`?",
            "claims/a-two-errors.md:8:7: error: `forecast` is not a valid `kind`",
            "claims/b-bad-date.md:4:7: error: invalid `date`: `2024-13` is not a date: there is no month 13",
            "claims/c-unknown-speaker.md:3:10: error: no speaker with id `bo-chen`",
        ],
    );
}

/// Diagnostics name files relative to the site folder, so the file to
/// create must be named the same way: `claims/_speakers/…`, not `_speakers/…`.
#[test]
fn the_help_for_an_unknown_id_names_the_file_to_create() {
    let site = fixture("broken/several-errors");
    let run = site.run(&["check"]);
    assert_help(
        &run,
        "claims/a-two-errors.md:8:7: error: `forecast` is not a valid `kind`",
        "use one of: opinion, prediction, statistic, announcement",
    );
    assert_help(
        &run,
        "claims/c-unknown-speaker.md:3:10: error: no speaker with id `bo-chen`",
        "create `claims/_speakers/bo-chen.md`, or use the id of an existing speaker",
    );
}

#[test]
fn toml_front_matter_errors_point_into_the_file() {
    assert_fails(
        "toml-front-matter",
        &[
            "claims/bad-field.md:4:8: error: invalid `date`: `2025-02-30` is not a date: month 2 of 2025 has 28 days",
            "claims/bad-field.md:7:1: error: unknown field `speeker` for a claim; did you mean `speaker`?",
            "claims/bad-syntax.md:5:22: error: invalid TOML: invalid basic string, expected `\"`",
        ],
    );
}

#[test]
fn an_unused_speaker_is_only_a_warning() {
    let site = fixture("broken/unused-speaker");
    let run = site.run(&["build"]);
    run.assert_code(0).assert_errors(&[]).assert_warnings(&[
        "claims/_speakers/bo-chen.md:1:1: warning: speaker `bo-chen` is not used by any claim",
    ]);
    assert!(site.path("output/claims/half-of-jobs/index.html").is_file());
    assert!(site.path("output/speakers/bo-chen/index.html").is_file());
    site.run(&["check"]).assert_code(0).assert_warnings(&[
        "claims/_speakers/bo-chen.md:1:1: warning: speaker `bo-chen` is not used by any claim",
    ]);
}

/// A claim with an error still names its speaker, source and topics: they
/// are used, and warning that they are not only buries the real error.
#[test]
fn a_claim_with_an_error_still_uses_its_speaker_source_and_topics() {
    for case in ["missing-required-field", "impossible-date"] {
        let site = fixture(&format!("broken/{case}"));
        let run = site.run(&["check"]);
        run.assert_code(1).assert_warnings(&[]);
    }
}

/// The same folder as an earlier good build: a broken build must leave
/// every byte of it as it was.
#[test]
fn a_failed_build_leaves_the_last_good_output_untouched() {
    let site = fixture("full");
    site.build();
    let good = common::snapshot(&site.path("output"));
    let claim = "claims/jobs-will-keep-growing.md";
    let text = site
        .read(claim)
        .replace("kind: statistic", "kind: statistc");
    site.write(claim, &text);
    site.run(&["build"]).assert_code(1).assert_errors(&[
        "claims/jobs-will-keep-growing.md:7:7: error: `statistc` is not a valid `kind`; did you mean `statistic`?",
    ]);
    assert_eq!(common::snapshot(&site.path("output")), good);
    let leftovers: Vec<_> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("claimbase-"))
        .collect();
    assert!(leftovers.is_empty(), "staging folders left: {leftovers:?}");
}

#[test]
fn body_links_that_name_nothing() {
    let run = assert_fails(
        "body-links",
        &[
            "claims/_pages/about.md:4:36: error: the link `@claim/` names no claim",
            "claims/_pages/about.md:4:59: error: `@nothing` is not a kind of page to link to",
            "claims/_pages/about.md:6:20: error: no speaker with id `ada-le`; did you mean `ada-lee`?",
            "claims/_pages/about.md:6:52: error: `@speakers` is not a kind of page to link to; did you mean `@speaker`?",
            "claims/_topics/ai-and-jobs.md:4:17: error: no claim with id `half-of-job`; did you mean `half-of-jobs`?",
            "claims/_topics/ai-and-jobs.md:4:50: error: no page with id `abut`; did you mean `about`?",
        ],
    );
    assert_help(
        &run,
        "claims/_pages/about.md:4:36: error: the link `@claim/` names no claim",
        "write the claim's id after the slash: `@claim/<id>`",
    );
    assert_help(
        &run,
        "claims/_pages/about.md:4:59: error: `@nothing` is not a kind of page to link to",
        "link to `@claim/<id>`, `@speaker/<id>`, `@source/<id>`, `@topic/<id>` or `@page/<id>`",
    );
}

#[test]
fn a_page_whose_id_the_site_uses_and_a_misspelled_page_field() {
    let run = assert_fails(
        "reserved-page-id",
        &[
            "claims/_pages/about.md:2:1: error: unknown field `titel` for a page; did you mean `title`?",
            "claims/_pages/about.md:3:7: error: `menu` must be a whole number, not a string",
            "claims/_pages/claims.md:1:1: error: a page cannot have the id `claims`: the site already uses /claims/",
        ],
    );
    let help = run
        .help_for("claims/_pages/claims.md:1:1: error: a page cannot have the id `claims`: the site already uses /claims/")
        .expect("a help line");
    assert!(help.starts_with("rename the file to another id"), "{help}");
}

#[test]
fn aliases_that_are_live_ids_taken_twice_or_not_ids() {
    let run = assert_fails(
        "alias-collision",
        &[
            "claims/half-of-jobs.md:7:22: error: alias `most-jobs` is the id of a claim in the site",
            "claims/most-jobs.md:7:11: error: alias `jobs-gone` is also an alias of claims/half-of-jobs.md",
            "claims/most-jobs.md:7:22: error: alias `Old_Id` is not a valid id",
        ],
    );
    assert_help(
        &run,
        "claims/half-of-jobs.md:7:22: error: alias `most-jobs` is the id of a claim in the site",
        "an alias is an id no longer in use; remove `most-jobs` from `aliases`",
    );
}
