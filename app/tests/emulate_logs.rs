//! The emulator's logs from the binary: events through `tracing` on stderr,
//! warnings only unless `RUST_LOG` asks for more, a `RUST_LOG` that does
//! not parse reported by name; stdout keeps the results. A front calling a
//! failing back through a breaker (five failures open it for 0.5 s), and
//! the events fixture with its broker down and its worker crashed for a
//! moment: 1.5 s at time scale ×1 each, loopback only.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_switchboard");

fn design() -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/emulate/errors.json");
    let mut doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    doc["nodes"][1]["error_probability"] = serde_json::json!(1.0);
    doc["edges"][0]["policy"] = serde_json::json!({ "circuit_breaker":
        { "consecutive_failures": 5, "window_calls": 20, "open_s": 0.5, "half_open_probes": 1 } });
    let out = tmp("breaker.json");
    std::fs::write(&out, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    out
}

/// A file of this run's own directory (each test writes its own files: they run in parallel).
fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("switchboard-logs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// `emulate` with `RUST_LOG` set to `log` (unset when `None`): stdout and stderr.
fn emulate(file: &Path, log: Option<&str>) -> (String, String) {
    let mut cmd = Command::new(BIN);
    cmd.arg("emulate").arg(file).args(["--duration", "1.5s", "--warmup", "0s", "--time-scale", "1"]);
    cmd.env_remove("RUST_LOG");
    if let Some(l) = log {
        cmd.env("RUST_LOG", l);
    }
    let out = cmd.output().unwrap();
    // Every page fails: exit 0 all the same (no gate was asked for).
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    (String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

#[test]
fn the_emulator_logs_through_tracing_as_rust_log_asks() {
    let file = design();
    let (stdout, stderr) = emulate(&file, Some("info"));
    assert!(stderr.contains("listening node=front addr=127.0.0.1:"), "{stderr}");
    assert!(stderr.contains("listening node=backend addr=127.0.0.1:"), "{stderr}");
    // Opened, probed after 0.5 s, opened again: the breaker's changes, by edge.
    let opened = stderr.lines().filter(|l| l.contains("circuit breaker opened edge=front-backend")).count();
    let probing = stderr.lines().filter(|l| l.contains("circuit breaker half-open")).count();
    assert!(opened >= 2 && probing >= 1, "{stderr}");
    assert!(!stderr.contains("visit failed"), "failed visits are debug: {stderr}");
    assert!(stdout.contains("front-backend") && !stdout.contains("INFO"), "results on stdout only: {stdout}");

    let (_, stderr) = emulate(&file, Some("emulator=debug"));
    assert!(stderr.contains("visit failed node=backend outcome=\"error\""), "{stderr}");

    let (_, stderr) = emulate(&file, None);
    assert!(!stderr.contains("INFO") && !stderr.contains("listening"), "warnings only by default: {stderr}");

    let (_, stderr) = emulate(&file, Some("emulator=["));
    assert!(stderr.contains("RUST_LOG=\"emulator=[\" is not a log filter"), "{stderr}");
}

#[test]
fn a_broker_outage_and_a_crash_are_logged_as_they_begin_and_end() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/emulate/events.json");
    let mut doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    doc["faults"] = serde_json::json!([
        { "name": "bus down", "target": "bus", "start_s": 0.4, "end_s": 0.8, "fault": { "type": "broker_outage" } },
        { "name": "worker down", "target": "worker", "start_s": 0.5, "end_s": 1.0,
          "fault": { "type": "outage", "replicas": 1 } }
    ]);
    let file = tmp("events-faults.json");
    std::fs::write(&file, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    let (_, stderr) = emulate(&file, Some("info"));
    let at = |what: &str| stderr.find(what).unwrap_or_else(|| panic!("{what}: {stderr}"));
    assert!(at("broker outage began (fault schedule) node=bus") < at("broker outage ended node=bus"));
    assert!(at("replica down (fault schedule) node=worker replica=0") < at("replica back up node=worker replica=0"));
}
