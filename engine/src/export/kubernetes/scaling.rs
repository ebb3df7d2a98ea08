//! HorizontalPodAutoscalers from the design's autoscaling.

use super::super::{Note, NoteKind};
use super::MAX_STABILIZATION_S;

/// Longest `periodSeconds` of an HPA scaling policy.
const MAX_SCALING_PERIOD_S: f64 = 1800.0;
use super::objects::{
    Behavior, HpaSpec, Metric, MetricTarget, ResourceMetric, ScaleTarget, ScalingPolicy, ScalingRules,
};

/// The HPA of an autoscaled workload, and the notes on what differs.
pub(super) fn hpa_spec(name: &str, a: &crate::model::Autoscaling, subject: &str, notes: &mut Vec<Note>) -> HpaSpec {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "clamped percent")]
    let percent = (a.target_utilization * 100.0).round().clamp(1.0, 100.0) as u32;
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "clamped seconds")]
    let window = a.scale_down_stabilization_s.round().clamp(0.0, MAX_STABILIZATION_S) as u32;
    notes.push(Note::new(
        NoteKind::Approximated,
        subject,
        crate::msg!(
            "engine-export-k8s-hpa-target",
            "the simulator scales on busy workers, the HPA on CPU relative to the request: {percent}% is the same \
             target only while CPU tracks busy workers",
            percent = percent
        ),
    ));
    #[allow(clippy::float_cmp, reason = "the controller's default is exactly 15 s")]
    if a.evaluation_period_s != 15.0 {
        notes.push(Note::new(
            NoteKind::Unsupported,
            subject,
            crate::msg!(
                "engine-export-k8s-hpa-period",
                "evaluation every {period_s} s: the HPA period is the controller's \
                 --horizontal-pod-autoscaler-sync-period (15 s by default)",
                period_s = a.evaluation_period_s
            ),
        ));
    }
    if a.cold_start_s > 0.0 {
        notes.push(Note::new(
            NoteKind::Mapped,
            subject,
            crate::msg!(
                "engine-export-k8s-cold-start",
                "cold start of {cold_start_s} s: the readiness probe waits that long before a new pod serves",
                cold_start_s = a.cold_start_s
            ),
        ));
    }
    let min_replicas = a.min_replicas.max(1);
    let max_replicas = a.max_replicas.max(min_replicas);
    // The simulator scales up at once to its recommendation at every
    // evaluation; the HPA's default (4 pods or 100% per 15 s) would lag it.
    // Allowing every replica in one evaluation period lifts that limit.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "clamped seconds")]
    let up_period = a.evaluation_period_s.round().clamp(1.0, MAX_SCALING_PERIOD_S) as u32;
    notes.push(Note::new(
        NoteKind::Mapped,
        subject,
        crate::msg!(
            "engine-export-k8s-scale-up",
            "scale-up follows the design: no stabilization, up to {max_replicas} pods per {up_period} s, so a \
             recommendation applies at once (the HPA's default allows 4 pods or 100% per 15 s)",
            max_replicas = max_replicas,
            up_period = up_period
        ),
    ));
    HpaSpec {
        scale_target_ref: ScaleTarget { api_version: "apps/v1", kind: "Deployment", name: name.to_owned() },
        min_replicas,
        max_replicas,
        metrics: vec![Metric {
            kind: "Resource",
            resource: ResourceMetric {
                name: "cpu",
                target: MetricTarget { kind: "Utilization", average_utilization: percent },
            },
        }],
        behavior: Behavior {
            scale_up: ScalingRules {
                stabilization_window_seconds: 0,
                select_policy: Some("Max"),
                policies: vec![ScalingPolicy { kind: "Pods", value: max_replicas, period_seconds: up_period }],
            },
            scale_down: ScalingRules {
                stabilization_window_seconds: window,
                select_policy: None,
                policies: Vec::new(),
            },
        },
    }
}
