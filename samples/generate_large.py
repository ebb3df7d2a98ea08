#!/usr/bin/env python3
"""Generate the large layered microservice design used as a sample and as a benchmark fixture.

    python3 samples/generate_large.py            # writes samples/large-topology.json (~280 nodes)
    python3 samples/generate_large.py --huge     # writes tests/fixtures/huge-1000.json (1,000 nodes)
    python3 samples/generate_large.py --stdout   # prints instead of writing

The graph is layered like a real estate of microservices: clients -> API gateways -> backends
for frontends -> three tiers of domain services -> caches and databases, with some domain
services publishing events to brokers whose subscriptions feed worker services. Sync calls only
go to a later layer, so the call graph is acyclic by construction.

Everything random comes from one `random.Random(seed)`, and only lists and insertion-ordered
dicts are iterated, so the output is byte-identical on every run and every Python 3 version.
The JSON is written in the canonical form Switchboard saves (field order of the model, defaults
omitted, two-space indent), so loading and re-saving the file changes nothing.

Capacities are sized the way a team would provision them: the script solves the traffic
equations (arrival rate per node), estimates each node's holding time (its own service time,
plus the downstream calls for blocking services), and picks replicas for a target utilisation
between 35% and 60%. Parallel calls are counted as if sequential, which leaves callers that fan
out some headroom. It checks the result and fails if any node would exceed 70%.
"""

import argparse
import json
import math
import os
import random
import sys

Z_P99 = 2.326347874040841
SEED = 20240611
MAX_RHO = 0.70

DOMAINS = [
    "accounts", "billing", "catalog", "checkout", "identity", "inventory", "ledger", "loyalty",
    "media", "orders", "payments", "pricing", "profile", "promotions", "ratings", "returns",
    "reviews", "search", "shipping", "subscriptions", "tax", "wishlist", "fraud", "geo",
    "fulfillment", "invoicing", "support", "content", "sessions", "consent", "referrals",
    "gift-cards", "warehouse", "suppliers", "carriers", "coupons", "audit", "quotas", "partners",
    "ads",
]
ROLES = [
    "api", "core", "query", "rules", "store", "sync", "policy", "lookup", "engine", "registry",
    "scoring", "history", "graph", "import", "export",
]
WORKER_ROLES = ["events", "projector", "indexer", "mailer", "reconciler", "archiver"]
CHANNELS = [
    # (client id, client name, gateway name, base rate per second)
    ("web", "Web browsers", "Web gateway", 400.0),
    ("mobile", "Mobile apps", "Mobile gateway", 300.0),
    ("partners", "Partner integrations", "Partner API gateway", 80.0),
    ("backoffice", "Back-office staff", "Admin gateway", 20.0),
]


def title(slug):
    """`gift-cards` -> `Gift cards`."""
    text = slug.replace("-", " ")
    return text[:1].upper() + text[1:]


def lognormal(p50, p99):
    return {"type": "lognormal", "p50_ms": p50, "p99_ms": p99}


def mean_ms(dist):
    """Mean of a distribution as the engine computes it."""
    if dist["type"] == "lognormal":
        sigma = math.log(dist["p99_ms"] / dist["p50_ms"]) / Z_P99
        return dist["p50_ms"] * math.exp(sigma * sigma / 2.0)
    return dist["mean_ms"]


class Generator:
    def __init__(self, huge):
        self.rng = random.Random(SEED + (1 if huge else 0))
        self.huge = huge
        self.nodes = []
        self.by_id = {}
        self.edges = []
        self.used_names = {}
        self.role_cursor = 0

    # --- helpers -------------------------------------------------------------------------

    def r2(self, x):
        return round(x, 2)

    def dist(self, p50_lo, p50_hi, ratio_lo, ratio_hi):
        """A log-normal with a median in range and a p99/p50 ratio typical of measured services."""
        p50 = self.r2(self.rng.uniform(p50_lo, p50_hi))
        p99 = self.r2(p50 * self.rng.uniform(ratio_lo, ratio_hi))
        return lognormal(p50, max(p99, self.r2(p50 * 2.0)))

    def service_dist(self, p50_lo, p50_hi):
        # One service in five is stated as gamma (mean + CV), as load-test reports often give it.
        if self.rng.random() < 0.2:
            mean = self.r2(self.rng.uniform(p50_lo, p50_hi) * 1.3)
            return {"type": "gamma", "mean_ms": mean, "cv": self.r2(self.rng.uniform(0.6, 1.5))}
        return self.dist(p50_lo, p50_hi, 4.0, 10.0)

    def lan(self):
        return self.dist(0.2, 0.45, 4.0, 6.0)

    def unique_name(self, name):
        count = self.used_names.get(name, 0) + 1
        self.used_names[name] = count
        return name if count == 1 else f"{name} {count}"

    def add_node(self, node_id, name, kind, layer, extra):
        node = {"id": node_id, "name": self.unique_name(name), "kind": kind}
        node.update(extra)
        node["_layer"] = layer
        self.nodes.append(node)
        self.by_id[node_id] = node
        return node

    def add_edge(self, src, dst, kind="call", **fields):
        edge = {"id": f"e{len(self.edges) + 1}", "from": src, "to": dst, "kind": kind}
        # Defaults (order 0, probability 1, one call) are omitted, as Switchboard saves them.
        defaults = {"order": 0, "probability": 1.0, "calls_per_request": 1}
        for key in ["order", "parallel_group", "probability", "branch", "calls_per_request"]:
            if key in fields and fields[key] != defaults.get(key):
                edge[key] = fields[key]
        if kind in ("call", "event"):
            edge["network_latency"] = self.lan()
        edge["payload_bytes"] = self.rng.choice([256, 512, 1024, 2048, 4096, 8192])
        if "subscription" in fields:
            edge["subscription"] = fields["subscription"]
        if "policy" in fields:
            edge["policy"] = fields["policy"]
        self.edges.append(edge)
        return edge

    def deployment(self, image, port, cpu, mem, health):
        dep = {"image": image}
        if port is not None:
            dep["port"] = port
        dep["cpu_millicores"] = cpu
        dep["memory_mib"] = mem
        if health is not None:
            dep["healthcheck"] = {"path": health, "interval_s": 10.0}
        return dep

    def app_node(self, node_id, name, layer, blocking, st, group):
        version = f"{self.rng.randint(1, 6)}.{self.rng.randint(0, 20)}.{self.rng.randint(0, 9)}"
        extra = {
            "position": None,
            "group": group,
            "capacity": {
                "replicas": 1,
                "workers": self.rng.choice([4, 8, 8, 16]) if blocking else self.rng.choice([1, 2, 2, 4]),
                "queue_capacity": self.rng.choice([100, 200, 500]),
                "load_balancer": self.rng.choice(["round_robin", "least_outstanding", "power_of_two"]),
                "concurrency": "blocking" if blocking else "async",
            },
            "service_time": st,
        }
        if self.rng.random() < 0.1:
            extra["error_probability"] = self.rng.choice([0.0005, 0.001, 0.002])
        extra["deployment"] = self.deployment(
            f"ghcr.io/megacorp/{node_id}:{version}",
            8080,
            self.rng.choice([250, 500, 1000, 2000]),
            self.rng.choice([256, 512, 1024, 2048]),
            "/healthz",
        )
        return self.add_node(node_id, name, "service", layer, extra)

    def next_domain_service(self, tier):
        """A fresh `domain-role` pair, cycling through roles so names stay varied."""
        while True:
            domain = DOMAINS[self.rng.randrange(len(DOMAINS))]
            role = ROLES[self.role_cursor % len(ROLES)]
            self.role_cursor += 1
            node_id = f"{domain}-{role}"
            if node_id not in self.by_id:
                return node_id, f"{title(domain)} {role}"
            if self.role_cursor > 50 * len(DOMAINS) * len(ROLES):
                node_id = f"{domain}-{role}-{tier}-{len(self.nodes)}"
                return node_id, f"{title(domain)} {role} {len(self.nodes)}"

    # --- topology ------------------------------------------------------------------------

    def build(self):
        huge = self.huge
        n_gw_per_client = 2 if huge else 1
        n_bff_per_gw = 5 if huge else 3
        tiers = [200, 200, 180] if huge else [50, 50, 50]
        n_workers = 150 if huge else 40
        n_brokers = 18 if huge else 6
        n_caches = 70 if huge else 20
        n_dbs = 130 if huge else 40

        clients, gateways, bffs = [], [], []
        for cid, cname, gname, _ in CHANNELS:
            clients.append(self.add_node(cid, cname, "client", 0, {
                "description": "Load source; a workload enters here.",
                "position": None,
                "capacity": {"replicas": 1, "workers": 1024, "load_balancer": "round_robin",
                             "concurrency": "async"},
                "service_time": lognormal(0.05, 0.3),
            }))
            for g in range(n_gw_per_client):
                gid = f"{cid}-gw" if n_gw_per_client == 1 else f"{cid}-gw-{g + 1}"
                gw = self.add_node(gid, gname if n_gw_per_client == 1 else f"{gname} {g + 1}", "gateway", 1, {
                    "preset": "envoy",
                    "position": None,
                    "group": "edge",
                    "capacity": {"replicas": 1, "workers": 2, "queue_capacity": 1024,
                                 "load_balancer": "round_robin", "concurrency": "async"},
                    "service_time": self.dist(0.2, 0.4, 5.0, 7.0),
                    "deployment": self.deployment("envoyproxy/envoy:v1.30-latest", 8080, 1000, 256, "/ready"),
                })
                gateways.append(gw)
                for b in range(n_bff_per_gw):
                    bid = f"{gid}-bff-{b + 1}"
                    bff = self.app_node(bid, f"{gname.replace(' gateway', '')} BFF {len(bffs) + 1}", 2,
                                        self.rng.random() < 0.5, self.service_dist(2.0, 6.0), "bff")
                    bffs.append(bff)

        tier_nodes = []
        for t, count in enumerate(tiers):
            layer_nodes = []
            for _ in range(count):
                node_id, name = self.next_domain_service(t)
                blocking = self.rng.random() < 0.6
                lo, hi = [(2.0, 8.0), (1.5, 6.0), (0.8, 4.0)][t]
                layer_nodes.append(self.app_node(node_id, name, 3 + t, blocking,
                                                 self.service_dist(lo, hi), f"tier-{t + 1}"))
            tier_nodes.append(layer_nodes)

        brokers = []
        kinds = [("kafka", "apache/kafka:3.7.0", 9092, "topic"),
                 ("rabbitmq", "rabbitmq:3-management", 5672, "queue"),
                 ("nats", "nats:2.10", 4222, "topic")]
        for i in range(n_brokers):
            preset, image, port, mode = kinds[i % len(kinds)]
            st = self.dist(2.0, 4.0, 4.0, 6.0) if preset == "kafka" else self.dist(0.2, 0.5, 4.0, 8.0)
            brokers.append(self.add_node(f"{preset}-{i + 1}", f"{title(preset)} {i + 1}", "broker", 6, {
                "preset": preset,
                "position": None,
                "group": "messaging",
                "capacity": {"replicas": 3 if preset == "kafka" else 1, "workers": 2,
                             "load_balancer": "round_robin", "concurrency": "async"},
                "service_time": st,
                "broker": {"mode": mode, "capacity_messages": 1000000},
                "deployment": self.deployment(image, port, 2000, 4096, None),
            }))

        workers = []
        for i in range(n_workers):
            domain = DOMAINS[self.rng.randrange(len(DOMAINS))]
            role = WORKER_ROLES[i % len(WORKER_ROLES)]
            wid = f"{domain}-{role}-worker-{i + 1}"
            workers.append(self.app_node(wid, f"{title(domain)} {role} worker", 7,
                                         self.rng.random() < 0.7, self.service_dist(3.0, 30.0), "workers"))

        caches = []
        for i in range(n_caches):
            memcached = i % 4 == 3
            caches.append(self.add_node(f"cache-{i + 1}", f"{'Memcached' if memcached else 'Redis'} {i + 1}",
                                        "cache", 8, {
                "preset": "memcached" if memcached else "redis",
                "position": None,
                "group": "data",
                "capacity": {"replicas": 1, "workers": 4 if memcached else 1,
                             "load_balancer": "random", "concurrency": "async"},
                "service_time": self.dist(0.1, 0.3, 4.0, 6.0),
                "cache": {"hit_ratio": self.r2(self.rng.uniform(0.8, 0.98))},
                "deployment": self.deployment("memcached:1.6" if memcached else "redis:7",
                                              11211 if memcached else 6379, 500, 1024, None),
            }))

        dbs = []
        for i in range(n_dbs):
            mysql = i % 3 == 2
            dbs.append(self.add_node(f"db-{i + 1}", f"{'MySQL' if mysql else 'Postgres'} {i + 1}", "database", 9, {
                "preset": "mysql" if mysql else "postgres",
                "position": None,
                "group": "data",
                "capacity": {"replicas": 1, "workers": self.rng.choice([16, 20, 32]),
                             "load_balancer": "round_robin", "concurrency": "async"},
                "service_time": self.dist(0.5, 2.0, 6.0, 12.0),
                "deployment": self.deployment("mysql:8.4" if mysql else "postgres:16",
                                              3306 if mysql else 5432, 2000, 4096, None),
            }))

        # Clients -> gateways (a weighted branch when a channel has several gateways).
        per_client = len(gateways) // len(clients)
        for ci, client in enumerate(clients):
            for g in gateways[ci * per_client:(ci + 1) * per_client]:
                if per_client == 1:
                    self.add_edge(client["id"], g["id"])
                else:
                    self.add_edge(client["id"], g["id"], branch={"group": "region", "weight": 1.0})
        # Gateways route each request to exactly one of their BFFs.
        per_gw = len(bffs) // len(gateways)
        for gi, g in enumerate(gateways):
            for b in bffs[gi * per_gw:(gi + 1) * per_gw]:
                weight = float(self.rng.choice([1, 2, 3, 5]))
                self.add_edge(g["id"], b["id"], branch={"group": "route", "weight": weight},
                              policy={"timeout_ms": 5000.0})

        self.connect_layer(bffs, tier_nodes[0], 3 if not huge else 4, (0.6, 1.0), parallel=True)
        self.connect_layer(tier_nodes[0], tier_nodes[1], 2 if not huge else 3, (0.25, 0.7), parallel=False)
        self.connect_layer(tier_nodes[1], tier_nodes[2], 2, (0.25, 0.7), parallel=False)

        # Data stores: every leaf service owns (or shares) a database; some services read
        # through a cache; every cache falls back to one database on a miss.
        for i, svc in enumerate(tier_nodes[2]):
            self.add_edge(svc["id"], dbs[i % len(dbs)]["id"], order=10,
                          calls_per_request=self.rng.choice([1, 1, 2, 3]))
        upper = tier_nodes[0] + tier_nodes[1]
        cache_users = self.rng.sample(upper, max(len(caches), len(upper) * 2 // 5))
        for i, svc in enumerate(cache_users):
            self.add_edge(svc["id"], caches[i % len(caches)]["id"], order=0,
                          calls_per_request=self.rng.choice([1, 2]))
        for i, cache in enumerate(caches):
            self.add_edge(cache["id"], dbs[(i * 7) % len(dbs)]["id"])

        # Events: a subset of domain services publish after their calls; each broker gets at
        # least one publisher. Queue brokers have one consuming service (its replicas compete),
        # topic brokers give every subscribed worker a copy.
        publishers = self.rng.sample(upper, max(len(brokers), len(upper) // 5))
        for i, svc in enumerate(publishers):
            self.add_edge(svc["id"], brokers[i % len(brokers)]["id"], "event", order=20,
                          probability=self.r2(self.rng.uniform(0.05, 0.5)))
        queue_brokers = [b for b in brokers if b["broker"]["mode"] == "queue"]
        topic_brokers = [b for b in brokers if b["broker"]["mode"] == "topic"]
        assignment = []
        for b in queue_brokers:
            assignment.append(b)
        while len(assignment) < len(workers):
            assignment.append(topic_brokers[len(assignment) % len(topic_brokers)])
        for worker, broker in zip(workers, assignment):
            self.add_edge(broker["id"], worker["id"], "subscription",
                          subscription={"concurrency": 1, "max_deliveries": 5, "redelivery_delay_ms": 1000.0})
            self.add_edge(worker["id"], dbs[self.rng.randrange(len(dbs))]["id"],
                          calls_per_request=self.rng.choice([1, 2, 4]))
        return clients

    def connect_layer(self, parents, children, degree, prob_range, parallel):
        """Every child gets at least one caller; parents then get up to `degree` callees."""
        out = {p["id"]: [] for p in parents}
        shuffled = list(children)
        self.rng.shuffle(shuffled)
        for i, child in enumerate(shuffled):
            out[parents[i % len(parents)]["id"]].append(child)
        for p in parents:
            mine = out[p["id"]]
            while len(mine) < degree:
                child = children[self.rng.randrange(len(children))]
                if child not in mine:
                    mine.append(child)
            for order, child in enumerate(mine):
                fields = {"probability": self.r2(self.rng.uniform(*prob_range))}
                if fields["probability"] >= 0.95:
                    del fields["probability"]
                if parallel:
                    fields["parallel_group"] = "fanout"
                    fields["order"] = 1
                else:
                    fields["order"] = 1 + order
                fields["policy"] = {"timeout_ms": 2000.0}
                self.add_edge(p["id"], child["id"], **fields)

    # --- traffic equations and sizing -----------------------------------------------------

    def outgoing(self):
        out = {n["id"]: [] for n in self.nodes}
        for e in self.edges:
            out[e["from"]].append(e)
        return out

    def edge_factor(self, node, edge, out):
        """Expected traversals of `edge` per request at `node`."""
        factor = edge.get("probability", 1.0) * edge.get("calls_per_request", 1)
        branch = edge.get("branch")
        if branch is not None:
            total = sum(e["branch"]["weight"] for e in out[node["id"]]
                        if e.get("branch", {}).get("group") == branch["group"])
            factor *= branch["weight"] / total
        if node["kind"] == "cache":
            factor *= 1.0 - node["cache"]["hit_ratio"]
        return factor

    def size(self, clients):
        out = self.outgoing()
        order = sorted(self.nodes, key=lambda n: n["_layer"])
        rate = {n["id"]: 0.0 for n in self.nodes}
        for client, (_, _, _, rate_per_s) in zip(clients, CHANNELS):
            rate[client["id"]] = rate_per_s
        # Layers are a topological order of every edge kind, so one sweep solves the equations.
        for node in order:
            for e in out[node["id"]]:
                rate[e["to"]] += rate[node["id"]] * self.edge_factor(node, e, out)

        # Mean response time without queueing, bottom-up; events and subscriptions are not
        # waited for. Parallel steps are counted as if sequential: the expected maximum of
        # several skewed durations is well above the largest mean, and the sum bounds it, so
        # a blocking caller that fans out is provisioned for its true holding time.
        resp = {}
        for node in reversed(order):
            total = mean_ms(node["service_time"])
            for e in out[node["id"]]:
                if e["kind"] == "call":
                    total += self.edge_factor(node, e, out) * (resp[e["to"]] + 2.0 * mean_ms(e["network_latency"]))
            resp[node["id"]] = total

        for node in order:
            cap = node["capacity"]
            blocking = cap["concurrency"] == "blocking"
            holding_ms = resp[node["id"]] if blocking else mean_ms(node["service_time"])
            busy = rate[node["id"]] * holding_ms / 1000.0
            if node["kind"] != "client":
                target = self.rng.uniform(0.35, 0.6)
                cap["replicas"] = max(cap["replicas"], math.ceil(busy / (cap["workers"] * target)))
            node["_rho"] = busy / (cap["replicas"] * cap["workers"])
            node["_rate"] = rate[node["id"]]
            node["_resp"] = resp[node["id"]]
        # Subscription concurrency bounds a consumer like its workers do.
        for e in self.edges:
            if e["kind"] == "subscription":
                busy = rate[e["from"]] * resp[e["to"]] / 1000.0
                e["subscription"]["concurrency"] = max(1, math.ceil(busy / 0.5))
        return rate, resp

    # --- layout and output ----------------------------------------------------------------

    def layout(self):
        rows_per_column = 40 if self.huge else 25
        column = 0
        layers = sorted({n["_layer"] for n in self.nodes})
        for layer in layers:
            members = [n for n in self.nodes if n["_layer"] == layer]
            columns = math.ceil(len(members) / rows_per_column)
            rows = math.ceil(len(members) / columns)
            for i, node in enumerate(members):
                node["position"] = {"x": float((column + i // rows) * 220), "y": float((i % rows) * 120)}
            column += columns

    def design(self, resp, clients):
        kind_counts = {}
        for n in self.nodes:
            kind_counts[n["kind"]] = kind_counts.get(n["kind"], 0) + 1
        busiest = max((n for n in self.nodes if n["kind"] != "client"), key=lambda n: n["_rho"])
        description = (
            f"A large generated estate: {len(self.nodes)} nodes ({kind_counts.get('service', 0)} services, "
            f"{kind_counts.get('gateway', 0)} gateways, {kind_counts.get('database', 0)} databases, "
            f"{kind_counts.get('cache', 0)} caches, {kind_counts.get('broker', 0)} brokers) and "
            f"{len(self.edges)} edges, laid out by layer from left to right: clients, API gateways, "
            "backends for frontends, three tiers of domain services, brokers, event workers, caches "
            "and databases. Generated by samples/generate_large.py from a fixed seed; capacities "
            "were sized from the traffic equations for 35-60% utilisation per node "
            f"(the busiest, {busiest['name']}, at about {busiest['_rho'] * 100:.0f}%). Service times "
            "are log-normal (p99 4-10x the median) or gamma; databases p50 0.5-2 ms, caches "
            "0.1-0.3 ms, in-cluster network p50 0.2-0.45 ms. Use it to see how the editor, the "
            "capacity check and the simulator cope with a big design, and to find the bottleneck "
            "after raising a workload's rate."
        )
        workloads, slos = [], []
        for client, (cid, _, _, rate_per_s) in zip(clients, CHANNELS):
            workloads.append({
                "name": cid,
                "entry": client["id"],
                "arrival": {"type": "open", "process": "poisson", "rate_per_s": rate_per_s,
                            "profile": {"type": "constant"}},
            })
            # A p99 bound a few times the mean response, rounded up to 50 ms.
            bound = math.ceil((resp[client["id"]] * 6.0 + 100.0) / 50.0) * 50.0
            slos.append({"workload": cid, "latency": {"percentile": 99.0, "max_ms": bound},
                         "max_error_rate": 0.01})
        nodes = []
        for n in self.nodes:
            nodes.append({k: v for k, v in n.items() if not k.startswith("_")})
        return {
            "version": 1,
            "name": "Large topology (1,000 nodes)" if self.huge else "Large topology",
            "description": description,
            "nodes": nodes,
            "edges": self.edges,
            "workloads": workloads,
            "slos": slos,
            "simulation": {"duration_s": 60.0, "warmup_s": 10.0, "seed": 7 if not self.huge else 8,
                           "replications": 1, "max_in_flight": 100000, "window_s": 1.0},
        }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--huge", action="store_true", help="1,000 nodes for the editor benchmark")
    parser.add_argument("--stdout", action="store_true", help="print instead of writing the file")
    parser.add_argument("--out", help="output path (default by mode)")
    args = parser.parse_args()

    gen = Generator(args.huge)
    clients = gen.build()
    _, resp = gen.size(clients)
    gen.layout()
    worst = max(gen.nodes, key=lambda n: n["_rho"])
    if worst["_rho"] > MAX_RHO:
        sys.exit(f"sizing failed: {worst['id']} at utilisation {worst['_rho']:.2f}")
    ids = [n["id"] for n in gen.nodes]
    if len(set(ids)) != len(ids):
        sys.exit("duplicate node ids")
    text = json.dumps(gen.design(resp, clients), indent=2, ensure_ascii=False) + "\n"

    if args.stdout:
        sys.stdout.write(text)
        return
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    default = os.path.join(root, "tests", "fixtures", "huge-1000.json") if args.huge else \
        os.path.join(root, "samples", "large-topology.json")
    path = args.out or default
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    print(f"{path}: {len(gen.nodes)} nodes, {len(gen.edges)} edges, busiest {worst['id']} "
          f"at {worst['_rho']:.2f}")


if __name__ == "__main__":
    main()
