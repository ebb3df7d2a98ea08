#!/usr/bin/env python3
"""Write a design of a client calling a chain of N services, each calling the next.

    python3 bench/chain.py 100000 /tmp/chain100000.json

The deepest and longest graph a design can be: it is what the size benchmarks
of validation, the capacity estimate, the exports and the simulator use, and
what the bounded-input tests build in Rust (tests/tests/bounded.rs).
"""

import json
import sys


def main():
    n = int(sys.argv[1])
    out = sys.argv[2]
    nodes = [{"id": "c", "name": "Client", "kind": "client", "position": {"x": 0.0, "y": 0.0}}]
    for i in range(n):
        nodes.append({"id": f"s{i}", "name": f"Svc {i}", "kind": "service",
                      "position": {"x": 10.0 * i, "y": 0.0},
                      "capacity": {"replicas": 1, "workers": 100, "concurrency": "async"},
                      "service_time": {"type": "exponential", "mean_ms": 0.001}})
    edges = [{"id": "e0", "from": "c", "to": "s0", "kind": "call"}]
    for i in range(n - 1):
        edges.append({"id": f"e{i + 1}", "from": f"s{i}", "to": f"s{i + 1}", "kind": "call"})
    design = {"version": 1, "name": f"chain {n}", "nodes": nodes, "edges": edges,
              "workloads": [{"name": "w", "entry": "c",
                             "arrival": {"type": "open", "process": "poisson", "rate_per_s": 1.0}}],
              "simulation": {"duration_s": 2.0, "warmup_s": 0.0}}
    with open(out, "w", encoding="utf-8") as f:
        json.dump(design, f)


if __name__ == "__main__":
    main()
