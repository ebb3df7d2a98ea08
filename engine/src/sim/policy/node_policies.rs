//! Node policies: the ingress rate limiter (a [`TokenBucket`]), outlier
//! ejection of replicas by the load balancer (an [`OutlierDetector`] over
//! each replica's [`HostHealth`](crate::policy::HostHealth)) and horizontal
//! autoscaling (the engine's [`Autoscaler`], Kubernetes' HPA).
//!
//! An autoscaled node gets `max_replicas` replica slots; each slot is off,
//! starting (cold start), serving, or draining (scaled down: it finishes its
//! work but takes nothing new, then is off). The simulator integrates busy
//! and serving worker time, asks the autoscaler every evaluation period and
//! applies its [`autoscale_plan`]; the emulator drives the same part.

use crate::model::{LoadBalancer, Node, Outcome};

use crate::policy::{Autoscaler, AutoscalerState, OutlierDetector, Scale, TokenBucket, autoscale_plan};
use crate::sampling::Stream;
use crate::sim::core::event_queue::Kind;
use crate::sim::core::plan::NONE;
use crate::sim::core::simulation::{Life, Replica, Simulation};

/// A node's compiled policies.
#[derive(Clone, Debug)]
pub(crate) struct PNodePol {
    /// The rate limiter, full, as each replication starts it.
    pub rate: Option<TokenBucket>,
    pub outlier: Option<OutlierDetector>,
    pub hpa: Option<Autoscaler>,
    /// The load balancer must look at replica states.
    pub dynamic: bool,
}

/// Compile a node's policies: (policy index or `NONE`, replica slots, replicas
/// serving at the start). Validation has checked their ranges.
pub(crate) fn compile(n: &Node, pols: &mut Vec<PNodePol>) -> (u32, u32, u32) {
    let replicas = n.capacity.replicas.max(1);
    let p = &n.policies;
    if p.is_empty() {
        return (NONE, replicas, replicas);
    }
    let rate = p.rate_limit.as_ref().map(TokenBucket::from_model);
    let outlier = p.outlier_ejection.as_ref().map(OutlierDetector::from_model);
    let hpa = p.autoscaling.as_ref().map(Autoscaler::from_model);
    let (slots, initial) = match &hpa {
        Some(h) => (h.slots(replicas), h.initial(replicas)),
        None => (replicas, replicas),
    };
    let dynamic = outlier.is_some() || hpa.is_some();
    pols.push(PNodePol { rate, outlier, hpa, dynamic });
    ((pols.len() - 1) as u32, slots, initial)
}

/// A node policy's live state.
#[derive(Clone, Debug, Default)]
pub(crate) struct NodePolState {
    pub bucket: Option<TokenBucket>,
    /// The autoscaler's memory between evaluations.
    pub hpa: AutoscalerState,
}

impl NodePolState {
    pub fn new(p: &PNodePol) -> Self {
        Self { bucket: p.rate, ..Self::default() }
    }
}

/// The load balancer's choice among `eligible` replica offsets (ascending)
/// of the node whose replicas start at `first`; `rr` is the rotation state.
/// With no eligible replica, offset 0 (the engine's shared
/// [`crate::policy::lb_choose`] over the replicas' requests in flight).
pub(crate) fn lb_choose(
    lb: LoadBalancer,
    eligible: &[u32],
    rr: &mut u32,
    rng: &mut Stream,
    replicas: &[Replica],
    first: u32,
) -> u32 {
    crate::policy::lb_choose(lb, eligible, rr, rng, |o| {
        replicas.get((first + o) as usize).map_or(u32::MAX, |r| r.active)
    })
}

impl Simulation {
    /// Bring each node's replicas to their starting state.
    pub(crate) fn init_replicas(&mut self) {
        self.track_nodes = self.plan.resilient();
        for (ni, n) in self.plan.nodes.iter().enumerate() {
            for o in 0..n.replicas {
                if let Some(r) = self.replicas.get_mut((n.first_replica + o) as usize) {
                    r.life = if o < n.initial_replicas { Life::Serving } else { Life::Off };
                }
            }
            let ext = &mut self.metrics.node_ext[ni];
            ext.serving.set(0, u64::from(n.initial_replicas));
            if n.pol != NONE
                && let Some(st) = self.node_pol_state.get_mut(n.pol as usize)
            {
                st.hpa = AutoscalerState::new(n.initial_replicas);
            }
        }
    }

    /// Schedule policy timers and the fault schedule.
    pub(crate) fn schedule_resilience(&mut self) {
        let plan = std::sync::Arc::clone(&self.plan);
        for (ni, n) in plan.nodes.iter().enumerate() {
            let Some(p) = plan.node_pols.get(n.pol as usize) else { continue };
            if let Some(o) = p.outlier {
                self.queue.push(o.interval_ns, Kind::OutlierSweep, ni as u32, 0);
            }
            if let Some(h) = p.hpa {
                self.queue.push(h.eval_ns, Kind::HpaEval, ni as u32, 0);
            }
        }
        self.schedule_faults();
    }

    /// Token bucket at node ingress: whether the visit may enter.
    pub(crate) fn rate_admit(&mut self, _node: usize, pol: u32) -> bool {
        let now_ns = self.now_ns;
        self.node_pol_state
            .get_mut(pol as usize)
            .and_then(|st| st.bucket.as_mut())
            .is_none_or(|b| b.try_acquire(now_ns))
    }

    /// The load balancer over the replicas that serve and are not ejected
    /// (all serving ones if every one is ejected: Envoy's panic routing).
    pub(crate) fn pick_replica_dynamic(&mut self, node_i: usize) -> u32 {
        let node = &self.plan.nodes[node_i];
        let (first, n, lb) = (node.first_replica, node.replicas, node.lb);
        let mut eligible = std::mem::take(&mut self.scratch);
        eligible.clear();
        for pass in 0..2 {
            for o in 0..n {
                let r = &self.replicas[(first + o) as usize];
                if r.life == Life::Serving && (pass == 1 || !r.health.is_ejected()) {
                    eligible.push(o);
                }
            }
            if !eligible.is_empty() {
                break;
            }
        }
        let offset =
            lb_choose(lb, &eligible, &mut self.rr[node_i], &mut self.node_rng[node_i].lb, &self.replicas, first);
        self.scratch = eligible;
        first + offset
    }

    /// Outlier detection sees a replica's answer.
    // Kept out of line: it runs only on nodes with outlier ejection, and
    // inlined it would make `finish`, run at the end of every visit, too
    // large for its own small helpers to be inlined.
    #[inline(never)]
    pub(crate) fn outlier_note(&mut self, node_i: usize, pol: u32, r: u32, outcome: Outcome) {
        let Some(o) = self.plan.node_pols.get(pol as usize).and_then(|p| p.outlier) else { return };
        let now_ns = self.now_ns;
        let node = &self.plan.nodes[node_i];
        let (first, n) = (node.first_replica, node.replicas);
        let health = &mut self.replicas[r as usize].health;
        let due = match outcome {
            Outcome::Error => health.on_error(&o),
            Outcome::Ok | Outcome::Degraded => {
                health.on_success();
                false
            }
            _ => return,
        };
        if !due {
            return;
        }
        let serving = (first..first + n).filter(|&i| self.replicas[i as usize].life == Life::Serving).count();
        let ejected = (first..first + n).filter(|&i| self.replicas[i as usize].health.is_ejected()).count();
        if !o.may_eject(serving, ejected) {
            return;
        }
        self.replicas[r as usize].health.eject(now_ns, &o);
        let ext = &mut self.metrics.node_ext[node_i];
        ext.ejected.inc(now_ns);
        if now_ns >= self.plan.settings.warmup_ns {
            ext.ejections += 1;
        }
    }

    /// Periodic sweep: replicas whose ejection time is over come back.
    pub(crate) fn on_outlier_sweep(&mut self, node_i: u32) {
        let now_ns = self.now_ns;
        let node = &self.plan.nodes[node_i as usize];
        let Some(o) = self.plan.node_pols.get(node.pol as usize).and_then(|p| p.outlier) else { return };
        let (first, n) = (node.first_replica, node.replicas);
        for i in first..first + n {
            if self.replicas[i as usize].health.readmit(now_ns) {
                self.metrics.node_ext[node_i as usize].ejected.dec(now_ns);
            }
        }
        let next = o.next_sweep_ns(now_ns);
        if next <= self.plan.settings.duration_ns {
            self.queue.push(next, Kind::OutlierSweep, node_i, 0);
        }
    }

    /// The autoscaler's periodic evaluation.
    pub(crate) fn on_hpa_eval(&mut self, node_i: u32) {
        let now_ns = self.now_ns;
        let ni = node_i as usize;
        let node = &self.plan.nodes[ni];
        let pol = node.pol;
        let Some(h) = self.plan.node_pols.get(pol as usize).and_then(|p| p.hpa) else { return };
        let (first, slots, workers) = (node.first_replica, node.replicas, node.workers);
        let next = now_ns.saturating_add(h.eval_ns);
        if next <= self.plan.settings.duration_ns {
            self.queue.push(next, Kind::HpaEval, node_i, 0);
        }
        let busy = self.metrics.nodes[ni].busy.area_at(now_ns);
        let serving_area = self.metrics.node_ext[ni].serving.area_at(now_ns) * f64::from(workers);
        let ready = (first..first + slots).filter(|&i| self.replicas[i as usize].life == Life::Serving).count() as u32;
        let st = &mut self.node_pol_state[pol as usize].hpa;
        if let Some(target) = h.evaluate(st, now_ns, busy, serving_area, ready) {
            self.scale_to(ni, target, h.cold_ns);
        }
    }

    /// Start or stop replicas so that `target` are serving or starting.
    fn scale_to(&mut self, ni: usize, target: u32, cold_ns: u64) {
        let now_ns = self.now_ns;
        let node = &self.plan.nodes[ni];
        let first = node.first_replica;
        let lives: Vec<Life> =
            self.replicas[first as usize..(first + node.replicas) as usize].iter().map(|r| r.life).collect();
        for change in autoscale_plan(&lives, target) {
            let (Scale::Revive(o) | Scale::Start(o) | Scale::Cancel(o) | Scale::Stop(o)) = change;
            let i = first + o as u32;
            let rep = &mut self.replicas[i as usize];
            match change {
                // Draining replicas come back at once, others start cold.
                Scale::Revive(_) => {
                    rep.life = Life::Serving;
                    self.metrics.node_ext[ni].serving.inc(now_ns);
                }
                Scale::Start(_) => {
                    rep.epoch = rep.epoch.wrapping_add(1);
                    if cold_ns == 0 {
                        rep.life = Life::Serving;
                        self.metrics.node_ext[ni].serving.inc(now_ns);
                    } else {
                        rep.life = Life::Starting;
                        let epoch = rep.epoch;
                        self.queue.push(now_ns.saturating_add(cold_ns), Kind::ReplicaReady, i, epoch);
                    }
                }
                Scale::Cancel(_) => {
                    rep.life = Life::Off;
                    continue;
                }
                Scale::Stop(_) => {
                    rep.life = if rep.active == 0 { Life::Off } else { Life::Draining };
                    self.metrics.node_ext[ni].serving.dec(now_ns);
                    // A graceful stop deregisters.
                }
            }
            self.relist(ni, i);
        }
    }

    /// A replica's cold start is over.
    pub(crate) fn on_replica_ready(&mut self, r: u32, epoch: u32) {
        let now_ns = self.now_ns;
        let Some(rep) = self.replicas.get_mut(r as usize) else { return };
        if rep.life != Life::Starting || rep.epoch != epoch {
            return;
        }
        rep.life = Life::Serving;
        if let Some(ni) = self.plan.nodes.iter().position(|n| r >= n.first_replica && r < n.first_replica + n.replicas)
        {
            self.metrics.node_ext[ni].serving.inc(now_ns);
            self.relist(ni, r);
        }
    }
}
