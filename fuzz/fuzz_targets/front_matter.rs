//! The front-matter splitter and the claim, speaker, source and topic
//! readers on arbitrary text. The checks live in tests/fuzz_checks/, where
//! tests/fuzz_regressions.rs runs them on every input that found a bug.

#![no_main]

#[path = "../../tests/fuzz_checks/mod.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::front_matter(data));
