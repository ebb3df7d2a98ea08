//! Random edit sequences on every sample: whatever the user removes, renames
//! or regroups, the document never refers to something that is gone (no
//! validation error appears that the sample did not have), and undoing every
//! step gives the sample back exactly.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod gui_support;

use engine::model::{Position, format};
use engine::validate::{Severity, validate};
use switchboard::gui::document::{Command, Document};

/// A small deterministic generator (the test must not depend on a seed source).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        if n == 0 { 0 } else { ((self.0 >> 33) as usize) % n }
    }
}

fn errors(d: &engine::Design) -> Vec<String> {
    validate(d).into_iter().filter(|p| p.severity == Severity::Error).map(|p| p.to_string()).collect()
}

fn random_command(d: &engine::Design, rng: &mut Lcg, step: usize) -> Option<Command> {
    let node = d.nodes.get(rng.below(d.nodes.len())).map(|n| n.id.clone());
    Some(match rng.below(7) {
        0 => Command::RemoveNodes(vec![node?]),
        1 => Command::RemoveEdges(vec![d.edges.get(rng.below(d.edges.len()))?.id.clone()]),
        2 => Command::RemoveWorkload(d.workloads.get(rng.below(d.workloads.len().max(1)))?.name.clone()),
        3 => Command::Rename { id: node?, name: format!("renamed {step} 名前") },
        4 => Command::SetGroup { ids: vec![node?], group: Some(format!("group {}", rng.below(3))) },
        5 => Command::MoveNodes(vec![(node?, Position { x: rng.below(2000) as f32, y: rng.below(2000) as f32 })]),
        _ => {
            let mut n = d.nodes.get(rng.below(d.nodes.len()))?.clone();
            n.capacity.replicas = 1 + rng.below(5) as u32;
            Command::SetNode(Box::new(n))
        }
    })
}

#[test]
fn random_edits_keep_the_design_consistent_and_undo_restores_it() {
    let mut samples: Vec<_> = std::fs::read_dir(gui_support::samples_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    samples.sort();
    assert!(samples.len() >= 5);
    for path in samples {
        let original = format::load(&path).unwrap();
        let before = errors(&original);
        for seed in 1..=8_u64 {
            let mut doc = Document::new(original.clone(), None);
            let mut rng = Lcg(seed * 7919 + path.as_os_str().len() as u64);
            let mut applied = 0;
            for step in 0..40 {
                let Some(cmd) = random_command(doc.design(), &mut rng, step) else { continue };
                let what = format!("{cmd:?}");
                if doc.apply(cmd).is_ok() {
                    applied += 1;
                }
                let now = errors(doc.design());
                let new: Vec<_> = now.iter().filter(|e| !before.contains(e)).collect();
                assert!(new.is_empty(), "{}: seed {seed} step {step} ({what}) left {new:?}", path.display());
            }
            // Edits that change nothing leave no undo step: undo until none is left.
            let mut undone = 0;
            while doc.undo() {
                undone += 1;
                assert!(undone <= applied, "more undo steps than edits");
            }
            assert_eq!(doc.design(), &original, "{}: seed {seed}: undo all", path.display());
        }
    }
}
