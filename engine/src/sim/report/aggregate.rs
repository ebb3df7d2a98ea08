//! Turning replications' measurements into the report: totals, pooled
//! percentiles, confidence intervals (replications, or batch means with one
//! replication), SLO verdicts, the stability verdict and the conservation
//! check. Replications are folded into an [`Aggregate`] one at a time, in
//! replication order, and dropped; the report is built from the aggregate.

use std::sync::Arc;

use crate::sim::core::plan::Plan;
use crate::sim::core::simulation::Flags;
use crate::sim::discovery::runtime::DiscAcc;
use crate::sim::report::fault_attribution::AttrFold;
use crate::sim::report::resilience_sections::ResFold;
use crate::sim::report::sections::{BrokerFold, EdgeFold, NodeFold, SloFold, WorkloadFold};
use crate::sim::report::trace::Trace;
use crate::sim::report::{
    Conservation, NodeReport, REPORT_VERSION, Report, ReportSettings, TimeSeries, WorkloadReport,
};

/// What one replication hands back.
#[derive(Debug)]
pub(crate) struct RepResult {
    pub metrics: crate::sim::report::metrics::Metrics,
    pub flags: Flags,
    pub events: u64,
    pub traces: Vec<Trace>,
    /// Every sampled trace, when the run exports them.
    pub sampled: crate::sim::report::sampled::SampledTraces,
    pub broker_in_flight: Vec<u64>,
}

pub(in crate::sim) fn measured_s(plan: &Plan) -> f64 {
    (plan.settings.duration_ns.saturating_sub(plan.settings.warmup_ns)) as f64 / 1e9
}

/// a / b, or 0 when b is 0 (no calls, no time).
pub(in crate::sim) fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { 0.0 }
}

/// The report's figures over the replications folded so far. Memory is that
/// of one replication's measurements (merged histograms and summed series)
/// plus a few numbers per replication for the confidence intervals, however
/// many replications are folded.
pub(crate) struct Aggregate {
    plan: Arc<Plan>,
    /// Replications folded.
    reps: usize,
    /// The first replication's traces and window starts.
    traces: Vec<Trace>,
    window_starts_ns: Vec<u64>,
    workloads: Vec<WorkloadFold>,
    nodes: Vec<NodeFold>,
    edges: Vec<EdgeFold>,
    brokers: Vec<BrokerFold>,
    slos: Vec<SloFold>,
    flags: Flags,
    events: u64,
    resilience: ResFold,
    discovery: Vec<DiscAcc>,
    /// What the fault attribution compares (kept when `attribute` was asked).
    attribution: Option<AttrFold>,
}

impl Aggregate {
    /// An empty aggregate; with `attribute`, it also keeps what the fault
    /// attribution compares against the runs without each fault.
    pub fn new(plan: &Arc<Plan>, attribute: bool) -> Self {
        Self {
            plan: Arc::clone(plan),
            reps: 0,
            traces: Vec::new(),
            window_starts_ns: Vec::new(),
            workloads: plan.workloads.iter().map(|_| WorkloadFold::default()).collect(),
            nodes: plan.nodes.iter().map(|_| NodeFold::default()).collect(),
            edges: plan.edges.iter().map(|_| EdgeFold::default()).collect(),
            brokers: plan.brokers.iter().map(|_| BrokerFold::default()).collect(),
            slos: plan.slos.iter().map(|s| SloFold::new(plan, s)).collect(),
            flags: Flags::default(),
            events: 0,
            resilience: ResFold::new(plan),
            discovery: vec![DiscAcc::default(); plan.discs.len()],
            attribution: attribute.then(|| AttrFold::new(plan)),
        }
    }

    /// Fold in the next replication (they must come in replication order).
    pub fn fold(&mut self, mut r: RepResult) {
        let ri = self.reps;
        let plan = Arc::clone(&self.plan);
        let len_s = measured_s(&plan);
        if ri == 0 {
            self.traces = std::mem::take(&mut r.traces);
            self.window_starts_ns.clone_from(&r.metrics.window_starts_ns);
        }
        for (wi, w) in self.workloads.iter_mut().enumerate() {
            let name = plan.workloads.get(wi).map_or("", |w| w.name.as_str());
            w.fold(&r, wi, ri, name, len_s);
        }
        for (ni, n) in self.nodes.iter_mut().enumerate() {
            let id = plan.nodes.get(ni).map_or("", |n| n.id.as_str());
            n.fold(&r, ni, ri, id, len_s);
        }
        for (ei, e) in self.edges.iter_mut().enumerate() {
            e.fold(r.metrics.edges.get(ei));
        }
        for (bi, b) in self.brokers.iter_mut().enumerate() {
            b.fold(&r, bi, len_s);
        }
        for s in &mut self.slos {
            s.fold(&r);
        }
        let f = &r.flags;
        self.flags.in_flight_cap_hit |= f.in_flight_cap_hit;
        self.flags.message_cap_hit |= f.message_cap_hit;
        self.flags.depth_exceeded |= f.depth_exceeded;
        self.flags.stalled_at_ns = self.flags.stalled_at_ns.or(f.stalled_at_ns);
        self.flags.clamped_draws += f.clamped_draws;
        self.events += r.events;
        self.resilience.fold(&r);
        for (t, a) in self.discovery.iter_mut().zip(&r.metrics.disc) {
            add_discovery(t, a);
        }
        // Histograms last, taken over rather than copied: the first
        // replication's become the pooled ones, so folding it never holds two
        // copies.
        // The fault attribution takes the workloads' over after this, so
        // they are copied only when it is kept.
        for (f, a) in self.workloads.iter_mut().zip(&mut r.metrics.workloads) {
            let latency = if self.attribution.is_some() { a.total.latency.clone() } else { a.total.latency.take() };
            f.latency.fold(latency);
        }
        for (f, a) in self.nodes.iter_mut().zip(std::mem::take(&mut r.metrics.nodes)) {
            f.latency.fold(a.latency);
        }
        for (f, a) in self.edges.iter_mut().zip(std::mem::take(&mut r.metrics.edges)) {
            f.latency.fold(a.latency);
        }
        for (f, a) in self.brokers.iter_mut().zip(std::mem::take(&mut r.metrics.brokers)) {
            f.delay.fold(a.delay);
        }
        self.resilience.fold_latencies(std::mem::take(&mut r.metrics.policies));
        if let Some(a) = &mut self.attribution {
            a.fold(r, ri);
        }
        self.reps += 1;
    }

    /// Build the report; `without[i]` is the run without fault `i`.
    pub fn finish(mut self, without: &[AttrFold]) -> Report {
        let plan = Arc::clone(&self.plan);
        let reps = self.reps;
        let fault_reports = crate::sim::report::fault_attribution::fault_reports(
            &plan,
            self.attribution.as_ref().unwrap_or(&AttrFold::default()),
            without,
        );
        let len_s = measured_s(&plan);
        let s = &plan.settings;
        let mut conservation = Conservation { holds: true, violations: Vec::new() };
        let mut warnings = Vec::new();

        let mut workloads: Vec<WorkloadReport> = Vec::new();
        for (w, fold) in plan.workloads.iter().zip(&mut self.workloads) {
            note_violations(&mut conservation, std::mem::take(&mut fold.violations));
            workloads.push(fold.report(&plan, w));
        }

        let mut nodes: Vec<NodeReport> = Vec::new();
        let mut busy_total = 0.0;
        for (ni, (n, fold)) in plan.nodes.iter().zip(&mut self.nodes).enumerate() {
            let autoscaled = plan.node_pols.get(n.pol as usize).is_some_and(|p| p.hpa.is_some());
            let workers = if autoscaled {
                self.resilience.replicas_mean(&plan, ni, reps) * f64::from(n.workers)
            } else {
                f64::from(n.replicas) * f64::from(n.workers)
            };
            let busy_ns = fold.busy_ns.0;
            busy_total += busy_ns;
            note_violations(&mut conservation, std::mem::take(&mut fold.violations));
            let resilience = self.resilience.node(&plan, ni, busy_ns, reps);
            nodes.push(fold.report(&plan, ni, workers, len_s, reps, resilience));
        }

        let edges = plan
            .edges
            .iter()
            .zip(&self.edges)
            .enumerate()
            .map(|(ei, (e, fold))| {
                fold.report(&plan, ei, e, self.resilience.edge_policy(&plan, ei, &fold.counts, reps))
            })
            .collect();

        let brokers: Vec<_> = plan.brokers.iter().zip(&self.brokers).map(|(b, fold)| fold.report(&plan, b)).collect();

        let series = TimeSeries {
            window_s: s.window_ns as f64 / 1e9,
            start_s: self.window_starts_ns.iter().map(|t| *t as f64 / 1e9).collect(),
            workloads: plan.workloads.iter().zip(&mut self.workloads).map(|(w, fold)| fold.series(w, reps)).collect(),
            nodes: plan
                .nodes
                .iter()
                .zip(&mut self.nodes)
                .enumerate()
                .map(|(ni, (n, fold))| fold.series(n, self.resilience.replica_series(ni, reps), reps))
                .collect(),
            brokers: plan
                .brokers
                .iter()
                .zip(&mut self.brokers)
                .enumerate()
                .map(|(bi, (b, fold))| fold.series(&plan, b, self.resilience.lag_series(bi, reps), reps))
                .collect(),
            edges: self.resilience.edge_series(&plan, reps),
            work_per_s: self.resilience.work_series(reps),
        };

        let mut slos = Vec::new();
        for slo in &self.slos {
            slo.verdicts(&mut slos);
        }

        let (reasons, where_) = self.stability(&series, &nodes, &brokers, &mut warnings);
        let wide = workloads.iter().filter(|w| w.throughput_per_s.wide || w.latency_ms.p99.wide).count();
        if wide > 0 {
            warnings.push(crate::msg!("engine-workload-have-95-confidence-interval", "{wide} workload(s) have a 95% confidence interval wider than 5% of the figure: run longer or with more replications", wide = wide));
        }

        let discovery = crate::sim::discovery::summary::discovery(&plan, &self.discovery, reps, len_s, &mut warnings);

        Report {
            report_version: REPORT_VERSION,
            design: plan.name.clone(),
            settings: ReportSettings {
                seed: s.seed,
                duration_s: s.duration_ns as f64 / 1e9,
                warmup_s: s.warmup_ns as f64 / 1e9,
                replications: s.replications,
                rate_scale: s.rate_scale,
                window_s: s.window_ns as f64 / 1e9,
                max_in_flight: s.max_in_flight,
                ci_method: if reps >= 2 { "replications".to_owned() } else { "batch_means".to_owned() },
            },
            unstable: !reasons.is_empty(),
            unstable_reasons: reasons,
            unstable_nodes: where_,
            conservation,
            warnings,
            events: self.events,
            workloads,
            nodes,
            edges,
            brokers,
            slos,
            series,
            traces: std::mem::take(&mut self.traces),
            load: self.resilience.load(&plan, busy_total, reps),
            faults: fault_reports,
            discovery,
        }
    }

    /// The stability verdict (reasons, and where), with the warnings of
    /// calls nested too deep and delays held at the horizon.
    fn stability(
        &self,
        series: &TimeSeries,
        nodes: &[NodeReport],
        brokers: &[crate::sim::report::BrokerReport],
        warnings: &mut Vec<crate::message::Message>,
    ) -> (Vec<crate::message::Message>, Vec<String>) {
        let plan = &self.plan;
        let (mut reasons, mut where_) = crate::sim::report::stability::growth(plan, series, nodes, brokers);
        if let Some(at_ns) = self.flags.stalled_at_ns {
            reasons.insert(
                0,
                crate::msg!("engine-simulated-time-stopped-advancing-millions", "simulated time stopped advancing at {at_s} s: millions of events at that instant (a loop with no \
                     delay, such as retries without backoff against a service that fails at once); the run was cut there", at_s = format!("{:.3}", at_ns as f64 / 1e9)),
            );
        }
        if self.flags.in_flight_cap_hit {
            reasons.insert(
                0,
                crate::msg!(
                    "engine-requests-flight-reached-cap-later",
                    "requests in flight reached the cap of {max_in_flight}: later arrivals were rejected",
                    max_in_flight = plan.settings.max_in_flight
                ),
            );
            if where_.is_empty() {
                where_ = crate::sim::report::stability::busiest(nodes);
            }
        }
        if self.flags.message_cap_hit {
            reasons.push(crate::msg!(
                "engine-brokers-held-messages-later-messages",
                "brokers held {max_messages} messages: later messages were dropped",
                max_messages = crate::sim::core::simulation::MAX_MESSAGES
            ));
        }
        if self.flags.depth_exceeded {
            warnings.push(crate::msg!(
                "engine-some-calls-were-nested-deeper",
                "some calls were nested deeper than {max_depth} levels (a call cycle?) and failed",
                max_depth = crate::sim::core::simulation::MAX_DEPTH
            ));
        }
        let clamped = self.flags.clamped_draws;
        if clamped > 0 {
            warnings.push(crate::msg!("engine-drawn-stretched-delay-were-longer", "{clamped} drawn or stretched delay(s) were longer than about 3 years and were held there: their requests stayed in flight past the end of the run", clamped = clamped));
        }
        (reasons, where_)
    }
}

/// Record conservation violations (any breaks the check).
fn note_violations(c: &mut Conservation, violations: Vec<String>) {
    if !violations.is_empty() {
        c.holds = false;
        c.violations.extend(violations);
    }
}

/// Add one replication's discovery counters to the totals.
fn add_discovery(t: &mut DiscAcc, a: &DiscAcc) {
    t.calls += a.calls;
    t.hits += a.hits;
    t.misses += a.misses;
    t.lookups += a.lookups;
    t.lookup_failures += a.lookup_failures;
    t.stale_routed += a.stale_routed;
    t.lookup_failed_calls += a.lookup_failed_calls;
    t.calls_to_dead += a.calls_to_dead;
    t.hung_forever += a.hung_forever;
    t.crashes += a.crashes;
    t.evictions += a.evictions;
    t.eviction_sum_ns += a.eviction_sum_ns;
    t.eviction_max_ns = t.eviction_max_ns.max(a.eviction_max_ns);
}

/// The report of one replication alone (batch-means intervals).
pub(crate) fn build(plan: &Arc<Plan>, rep: RepResult) -> Report {
    let mut agg = Aggregate::new(plan, false);
    agg.fold(rep);
    agg.finish(&[])
}
