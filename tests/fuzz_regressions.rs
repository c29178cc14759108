//! Every input that made a fuzz target (`fuzz/`) fail, kept under
//! `tests/fixtures/hostile/fuzz/<target>/` and run through the same checks
//! the target runs, so a fixed bug stays fixed without cargo-fuzz.

mod fuzz_checks;

use std::fs;
use std::path::Path;

fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/hostile/fuzz")
        .join(target);
    let Ok(entries) = fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut out: Vec<(String, Vec<u8>)> = entries
        .map(|e| {
            let path = e.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, fs::read(&path).unwrap())
        })
        .collect();
    out.sort();
    out
}

fn run_all(target: &str, check: fn(&[u8])) {
    for (name, data) in inputs(target) {
        let result = std::panic::catch_unwind(|| check(&data));
        assert!(result.is_ok(), "{target}/{name} fails again");
    }
}

#[test]
fn front_matter_inputs_that_found_bugs() {
    run_all("front_matter", fuzz_checks::front_matter);
}

#[test]
fn whole_build_inputs_that_found_bugs() {
    run_all("whole_build", fuzz_checks::whole_build);
}

/// The seeds pass the checks, or the fuzzer would only find the checks'
/// own mistakes (the seeds are the fixture files, valid and broken).
#[test]
fn the_seeds_pass_the_checks() {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds");
    for (target, check) in [
        ("front_matter", fuzz_checks::front_matter as fn(&[u8])),
        ("whole_build", fuzz_checks::whole_build),
    ] {
        for entry in fs::read_dir(seeds.join(target)).unwrap() {
            let path = entry.unwrap().path();
            let data = fs::read(&path).unwrap();
            let result = std::panic::catch_unwind(|| check(&data));
            assert!(result.is_ok(), "{target}: {} fails", path.display());
        }
    }
}
