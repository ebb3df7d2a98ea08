//! Golden files: every sample (and each validator test design) in every
//! export format, with its conversion report. A change to an exporter shows
//! up as a reviewable diff; accept intended ones with
//! `INSTA_UPDATE=always cargo test -p switchboard-tests --test export_golden`
//! (or `cargo insta review`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod export_support;

use engine::export::{ExportFormat, export};

#[test]
fn every_sample_in_every_format_matches_its_golden_file() {
    let designs = export_support::all_designs();
    assert!(!designs.is_empty(), "no designs found");
    let mut snapshots = 0;
    for (name, design) in &designs {
        if design.nodes.len() > export_support::GOLDEN_MAX_NODES {
            continue;
        }
        for format in ExportFormat::ALL {
            let e = match export(design, format) {
                Ok(e) => e,
                Err(err) => panic!("{name} → {format}: {err}"),
            };
            let mut text = e.text();
            text.push_str("\n===== conversion report =====\n");
            for note in &e.report {
                text.push_str(&note.to_string());
                text.push('\n');
            }
            insta::assert_snapshot!(format!("{name}__{}", format.name()), text);
            snapshots += 1;
        }
    }
    assert!(snapshots >= ExportFormat::ALL.len());
}

#[test]
fn exports_are_deterministic() {
    for (name, design) in export_support::all_designs() {
        for format in ExportFormat::ALL {
            let a = export(&design, format).unwrap();
            let b = export(&design.clone(), format).unwrap();
            assert_eq!(a, b, "{name} → {format} differs between two runs");
        }
    }
}
