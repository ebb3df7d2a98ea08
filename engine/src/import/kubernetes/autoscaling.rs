//! HorizontalPodAutoscalers: a CPU utilization target becomes the node's
//! worker-utilization target, with the HPA's bounds and scale-down window.

use serde_json::Value;

use super::super::build::Builder;
use super::super::values;
use super::workloads::Workload;
use super::{find, kind_of, namespace_of, str_at};
use crate::model::Autoscaling;
use crate::msg;

pub(super) fn read(b: &mut Builder, objects: &[&Value], workloads: &[Workload]) {
    for h in objects.iter().filter(|o| kind_of(o) == "HorizontalPodAutoscaler") {
        let Some(target) = str_at(h, "/spec/scaleTargetRef/name") else { continue };
        let min = h.pointer("/spec/minReplicas").and_then(values::uint).unwrap_or(1);
        let max = h.pointer("/spec/maxReplicas").and_then(values::uint).unwrap_or(min);
        let cpu_percent = h
            .pointer("/spec/metrics")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .find(|m| str_at(m, "/resource/name") == Some("cpu"))
            .and_then(|m| m.pointer("/resource/target/averageUtilization"))
            .or_else(|| h.pointer("/spec/targetCPUUtilizationPercentage"))
            .and_then(values::uint);
        let id = find(workloads, namespace_of(h), target).map(|w| w.id.clone());
        let Some(node) = id.and_then(|id| b.design.nodes.iter_mut().find(|n| n.id == id)) else {
            b.note(msg!(
                "engine-import-hpa-no-workload",
                "HorizontalPodAutoscaler for {target}: no such workload",
                target = target
            ));
            continue;
        };
        let Some(percent) = cpu_percent else {
            b.note(msg!(
                "engine-import-hpa-other-metrics",
                "{target}: autoscaling on metrics other than CPU utilization is not mapped",
                target = target
            ));
            continue;
        };
        #[allow(clippy::cast_precision_loss, reason = "small whole numbers")]
        let stabilization = h
            .pointer("/spec/behavior/scaleDown/stabilizationWindowSeconds")
            .and_then(values::uint)
            .map_or(300.0, |s| s as f64);
        #[allow(clippy::cast_precision_loss, reason = "a percentage")]
        let target_utilization = (percent as f64 / 100.0).clamp(0.01, 1.0);
        node.policies.autoscaling = Some(Autoscaling {
            min_replicas: u32::try_from(min).unwrap_or(1).max(1),
            max_replicas: u32::try_from(max).unwrap_or(u32::MAX).max(1),
            target_utilization,
            evaluation_period_s: 15.0,
            scale_down_stabilization_s: stabilization,
            cold_start_s: 0.0,
        });
        let name = node.name.clone();
        b.note(msg!(
            "engine-import-hpa-cpu",
            "{name}: the HPA's CPU target became a worker-utilization target",
            name = name
        ));
    }
}
