//! Readiness probes. Known images are probed with their native check, run
//! only with programs the image ships (its tool table), an exec check given
//! the time its runtime needs to start (`timeoutSeconds`; Kubernetes'
//! default is 1 s, less than a JVM or an Erlang VM takes); HTTP checks are
//! probed by the kubelet itself (`httpGet`). Applications are probed on
//! their healthcheck path, else on their port; a worker with no port and no
//! callers has nothing to probe over the network and gets no probe.

use super::super::discovery;
use super::super::infra::Health;
use super::super::plan::{Runtime, Unit};
use super::super::{Note, NoteKind};
use super::objects::{Exec, HttpGet, Probe, TcpSocket};

/// The readiness probe of a workload, `None` for a worker without a port.
/// `gateway_health` is the path a generated gateway configuration answers.
pub(super) fn readiness(unit: &Unit<'_>, gateway_health: Option<&str>, notes: &mut Vec<Note>) -> Option<Probe> {
    let node = unit.node;
    let cold_start_s = node.policies.autoscaling.as_ref().map_or(0.0, |a| a.cold_start_s);
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "clamped whole seconds")]
    let initial_delay_seconds = (cold_start_s > 0.0).then(|| cold_start_s.ceil().min(3600.0) as u32);
    let mut probe = Probe {
        http_get: None,
        exec: None,
        tcp_socket: None,
        initial_delay_seconds,
        period_seconds: 10,
        timeout_seconds: None,
        failure_threshold: None,
    };
    match &unit.runtime {
        Runtime::Infra { infra, .. } if gateway_health.is_some() => {
            let path = gateway_health.unwrap_or("/").to_owned();
            probe.http_get = Some(HttpGet { path, port: unit.port });
            probe.timeout_seconds = Some(infra.check_timeout_s);
            if let Some(h) = &node.deployment.healthcheck {
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "clamped")]
                let period = h.interval_s.round().clamp(1.0, 3600.0) as u32;
                probe.period_seconds = period;
            }
        }
        Runtime::Infra { infra, .. } => {
            let tools = super::super::infra::image_tools(unit.image());
            let ships = |program: &String| tools.is_some_and(|t| t.contains(&program.as_str()));
            match infra.health {
                Some(Health::Http { port, path }) => {
                    probe.http_get = Some(HttpGet { path: path.to_owned(), port: port.unwrap_or(unit.port) });
                    probe.timeout_seconds = Some(infra.check_timeout_s);
                }
                Some(health) if health.programs().iter().all(ships) => {
                    let command = match health {
                        Health::Exec(argv) => argv.iter().map(|a| (*a).to_owned()).collect(),
                        Health::Shell(line) => vec!["sh".into(), "-c".into(), line.to_owned()],
                        Health::Http { .. } => Vec::new(),
                    };
                    probe.exec = Some(Exec { command });
                    probe.timeout_seconds = Some(infra.check_timeout_s);
                }
                Some(health) => {
                    notes.push(Note::new(
                        NoteKind::Approximated,
                        &node.name,
                        crate::msg!(
                            "engine-export-k8s-probe-programs",
                            "the `{image}` image is not known to ship {programs}: the readiness probe only opens a \
                             TCP connection",
                            image = unit.image(),
                            programs = health.programs().join(" and ")
                        ),
                    ));
                    probe.tcp_socket = Some(TcpSocket { port: unit.port });
                }
                None => probe.tcp_socket = Some(TcpSocket { port: unit.port }),
            }
        }
        Runtime::App { .. } if !unit.listens => {
            notes.push(Note::new(
                NoteKind::Mapped,
                &node.name,
                crate::msg!(
                    "engine-export-k8s-worker",
                    "no port and nothing calls it: a worker without a Service, a container port or a network probe \
                     (give it an exec probe if it has a health command)"
                ),
            ));
            return None;
        }
        Runtime::App { .. } => {
            if let Some(h) = &node.deployment.healthcheck {
                let path = if h.path.starts_with('/') { h.path.clone() } else { format!("/{}", h.path) };
                probe.http_get = Some(HttpGet { path, port: unit.port });
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "clamped")]
                let period = h.interval_s.round().clamp(1.0, 3600.0) as u32;
                probe.period_seconds = period;
            } else {
                probe.tcp_socket = Some(TcpSocket { port: unit.port });
                notes.push(Note::new(
                    NoteKind::Placeholder,
                    &node.name,
                    crate::msg!(
                        "engine-export-k8s-tcp-probe",
                        "no healthcheck path: the readiness probe only opens a TCP connection"
                    ),
                ));
            }
        }
    }
    if let Some(d) = &node.discovery {
        let (period, failures, note) = discovery::readiness(&node.name, d);
        probe.period_seconds = period;
        probe.failure_threshold = Some(failures);
        notes.push(note);
    }
    Some(probe)
}
