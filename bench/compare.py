"""Side by side: Switchboard's engine and SimPy on the same four models.

Usage: python bench/compare.py [REQUESTS] [REPEATS]   (defaults 1000000, 3)
Run through bench/run.sh, which makes the virtual environment.
"""

import json
import statistics
import subprocess
import sys
from pathlib import Path

import simpy_models

ROOT = Path(__file__).resolve().parent.parent


def rust_binary():
    out = subprocess.run(
        ["cargo", "bench", "-p", "switchboard-engine", "--bench", "throughput", "--no-run", "--message-format=json"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout
    for line in out.splitlines():
        msg = json.loads(line)
        if msg.get("reason") == "compiler-artifact" and msg.get("target", {}).get("name") == "throughput":
            if msg.get("executable"):
                return msg["executable"]
    sys.exit("could not find the throughput bench binary")


def rust(binary, model, requests):
    """(requests per second, peak RSS MiB); the binary reports the median of three runs."""
    out = subprocess.run([binary, "--model", model, str(requests)], check=True, capture_output=True, text=True).stdout
    label, arrived, secs, _events, rss = out.strip().splitlines()[-1].split("|")
    return float(arrived) / float(secs), float(rss)


def main():
    requests = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    binary = rust_binary()
    print(f"| model | SimPy {simpy_models.simpy.__version__} req/s | Switchboard req/s | ratio | Switchboard peak RSS |")
    print("|---|---|---|---|---|")
    for model in ["M/M/1", "M/M/4", "tandem", "gateway"]:
        times = []
        for r in range(repeats):
            secs, n = simpy_models.run(model, requests, seed=r + 1)
            times.append(n / secs)
        py = statistics.median(times)
        rs, rss = rust(binary, model, requests)
        print(f"| {model} | {py / 1e3:.0f}k | {rs / 1e6:.2f}M | {rs / py:.0f}× | {rss:.0f} MiB |", flush=True)


if __name__ == "__main__":
    main()
