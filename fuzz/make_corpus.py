#!/usr/bin/env python3
"""Write the starting corpus for the design fuzzer (fuzz/corpus/design/).

    python3 fuzz/make_corpus.py

Each file is a design (or a near-design) that reaches a different part of the
loader, validation or the simulator: small valid designs of every feature, the
odd inputs that once crashed or hung the program, and malformed text. A
fuzzer run adds the inputs it finds interesting next to them; keep those that
found a bug. The regular test tests/tests/fuzz_corpus.rs replays every file.
"""

import copy
import json
import os

OUT = os.path.join(os.path.dirname(__file__), "corpus", "design")

BASE = {
    "version": 1,
    "name": "fuzz base",
    "nodes": [
        {"id": "c", "name": "Client", "kind": "client"},
        {"id": "gw", "name": "Gateway", "kind": "gateway", "capacity": {"workers": 4},
         "service_time": {"type": "exponential", "mean_ms": 0.5}},
        {"id": "api", "name": "API", "capacity": {"replicas": 2, "workers": 2},
         "service_time": {"type": "gamma", "mean_ms": 2.0, "cv": 0.8}},
        {"id": "db", "name": "DB", "kind": "database",
         "service_time": {"type": "lognormal", "p50_ms": 1.0, "p99_ms": 8.0}},
        {"id": "q", "name": "Queue", "kind": "broker"},
        {"id": "w", "name": "Worker", "service_time": {"type": "uniform", "min_ms": 1, "max_ms": 3}},
    ],
    "edges": [
        {"id": "e1", "from": "c", "to": "gw"},
        {"id": "e2", "from": "gw", "to": "api",
         "policy": {"timeout_ms": 50, "retries": {"max_attempts": 3,
                    "backoff": {"type": "exponential", "base_ms": 5, "max_ms": 40}, "jitter": 0.5},
                    "circuit_breaker": {"consecutive_failures": 5, "open_s": 1}}},
        {"id": "e3", "from": "api", "to": "db", "calls_per_request": 3},
        {"id": "e4", "from": "api", "to": "q", "kind": "event", "order": 1},
        {"id": "e5", "from": "q", "to": "w", "kind": "subscription",
         "subscription": {"concurrency": 2, "max_deliveries": 3}},
    ],
    "workloads": [{"name": "web", "entry": "c", "arrival": {"type": "open", "rate_per_s": 200}}],
    "faults": [{"name": "slow db", "target": "db", "start_s": 1, "end_s": 2,
                "fault": {"type": "latency", "factor": 4}}],
    "slos": [{"workload": "web", "latency": {"percentile": 99, "max_ms": 100}, "max_error_rate": 0.01}],
    "simulation": {"duration_s": 3, "warmup_s": 0.5},
}


def variant(name, change):
    d = copy.deepcopy(BASE)
    change(d)
    return name, json.dumps(d, indent=1)


def set_path(path, value):
    def change(d):
        cur = d
        for key in path[:-1]:
            cur = cur[key]
        cur[path[-1]] = value
    return change


def chain(n):
    nodes = [{"id": "c", "name": "Client", "kind": "client"}]
    edges = [{"id": "e0", "from": "c", "to": "s0"}]
    for i in range(n):
        nodes.append({"id": f"s{i}", "name": f"S{i}", "capacity": {"workers": 8, "concurrency": "async"},
                      "service_time": {"type": "exponential", "mean_ms": 0.01}})
        if i + 1 < n:
            edges.append({"id": f"e{i + 1}", "from": f"s{i}", "to": f"s{i + 1}"})
    return json.dumps({"version": 1, "name": "chain", "nodes": nodes, "edges": edges,
                       "workloads": [{"name": "w", "entry": "c", "arrival": {"type": "open", "rate_per_s": 5}}]})


CASES = [
    ("base.json", json.dumps(BASE, indent=1)),
    variant("closed-huge-population.json", set_path(["workloads", 0, "arrival"],
            {"type": "closed", "users": 4294967295, "think_time": {"type": "constant", "value_ms": 10}})),
    variant("latency-factor-1e15.json", set_path(["faults", 0, "fault", "factor"], 1e15)),
    variant("gamma-cv-1e-200.json", set_path(["nodes", 2, "service_time", "cv"], 1e-200)),
    variant("gamma-cv-1e-160.json", set_path(["nodes", 2, "service_time", "cv"], 1e-160)),
    variant("lognormal-wide.json", set_path(["nodes", 3, "service_time", "p99_ms"], 1e300)),
    variant("escape-names.json", set_path(["nodes", 1, "name"], "GW\u001b]0;x\u0007\u001b[2J\n")),
    variant("max-in-flight-1.json", set_path(["simulation", "max_in_flight"], 1)),
    variant("replications-1000.json", set_path(["simulation", "replications"], 1000)),
    variant("windows-100000.json", set_path(["simulation", "window_s"], 0.00003)),
    variant("rate-1e7.json", set_path(["workloads", 0, "arrival", "rate_per_s"], 1e7)),
    variant("retry-storm.json", set_path(["nodes", 2, "error_probability"], 1.0)),
    variant("event-loop.json", lambda d: d["edges"].append(
        {"id": "back", "from": "w", "to": "q", "kind": "event"})),
    variant("sync-cycle.json", lambda d: d["edges"].append({"id": "back", "from": "db", "to": "api"})),
    variant("empty-empirical.json", set_path(["nodes", 5, "service_time"], {"type": "empirical", "samples_ms": []})),
    ("chain-300.json", chain(300)),
    ("not-json.json", '{"version": 1, "name": "cut'),
    ("deep.json", "[" * 200 + "]" * 200),
    ("yaml-aliases.yaml", "a: &a [x, x, x]\nb: &b [*a, *a, *a]\nc: &c [*b, *b, *b]\nd: [*c, *c, *c]\n"),
    ("yaml-design.yaml", "version: 1\nname: y\nnodes:\n- {id: a, name: A}\nworkloads:\n"
     "- {name: w, entry: a, arrival: {type: open, rate_per_s: 10}}\n"),
    ("bad-utf8.json", "{\"version\": 1, \"name\": \"\udcff\"}"),
]


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, text in CASES:
        with open(os.path.join(OUT, name), "w", encoding="utf-8", errors="surrogateescape") as f:
            f.write(text)
    print(f"wrote {len(CASES)} files to {OUT}")


if __name__ == "__main__":
    main()
