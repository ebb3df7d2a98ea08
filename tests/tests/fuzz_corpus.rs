//! Every input the design fuzzer keeps (fuzz/corpus/design/) goes through the
//! loader, validation, the capacity estimate and a short simulation on every
//! test run, on stable Rust: an input that once crashed or hung the program
//! stays fixed. Each must finish well within a generous ceiling.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

#[test]
fn every_corpus_input_ends_quickly_without_a_panic() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus/design");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    assert!(files.len() >= 20, "the corpus is missing: {}", dir.display());
    for file in files {
        let bytes = std::fs::read(&file).unwrap();
        let started = Instant::now();
        engine::fuzzing::load_validate_simulate(&bytes);
        // A few hundred ms each in a dev build; the ceiling is far above.
        assert!(started.elapsed() < Duration::from_secs(30), "{} took {:?}", file.display(), started.elapsed());
    }
}

/// The corpus reaches the simulator: its base design loads, validates and runs.
#[test]
fn the_corpus_base_design_is_valid() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus/design/base.json");
    let design = engine::model::format::load(&path).unwrap();
    let problems = engine::validate::validate(&design);
    assert!(!engine::validate::has_errors(&problems), "{problems:?}");
}
