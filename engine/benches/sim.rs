//! Criterion benchmarks of the simulator on the four reference models
//! (1M requests each): `cargo bench -p switchboard-engine --bench sim`.

mod common;

use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use engine::sim::{RunControl, RunOptions, run};

const REQUESTS: u64 = 1_000_000;

fn models(c: &mut Criterion) {
    let mut group = c.benchmark_group("simulate");
    group.sample_size(10).measurement_time(Duration::from_secs(20)).warm_up_time(Duration::from_secs(2));
    group.throughput(Throughput::Elements(REQUESTS));
    for m in common::all(REQUESTS) {
        group.bench_function(m.name, |b| {
            b.iter(|| {
                let report = run(&m.design, &RunOptions::default(), &RunControl::default());
                std::hint::black_box(report.map_or(0, |r| r.events))
            });
        });
    }
    group.finish();
}

criterion_group!(benches, models);
criterion_main!(benches);
