"""The four reference models in SimPy, as Switchboard simulates them.

Service rate mu = 1 per time unit (Switchboard: 1 per millisecond). Each model
runs until `requests` arrivals and reports the wall time, so requests per
second can be compared with the Rust engine's figures for the same model.
"""

import random
import time

import simpy


def mm_c(env, rng, lam, c, n, done):
    server = simpy.Resource(env, capacity=c)

    def job():
        with server.request() as req:
            yield req
            yield env.timeout(rng.expovariate(1.0))
        done.append(1)

    def source():
        for _ in range(n):
            yield env.timeout(rng.expovariate(lam))
            env.process(job())

    env.process(source())


def tandem(env, rng, lam, n, done, stations=5, c=2):
    servers = [simpy.Resource(env, capacity=c) for _ in range(stations)]

    def job():
        for s in servers:
            with s.request() as req:
                yield req
                yield env.timeout(rng.expovariate(1.0))
        done.append(1)

    def source():
        for _ in range(n):
            yield env.timeout(rng.expovariate(lam))
            env.process(job())

    env.process(source())


def gateway(env, rng, lam, n, done):
    gw = simpy.Resource(env, capacity=4)
    a = simpy.Resource(env, capacity=4)
    db = simpy.Resource(env, capacity=2)
    b = simpy.Resource(env, capacity=2)

    def call_db():
        with db.request() as req:
            yield req
            yield env.timeout(rng.expovariate(1 / 0.5))

    def call_a():
        with a.request() as req:
            yield req
            yield env.timeout(rng.expovariate(1 / 0.8))
            yield env.process(call_db())  # a blocking worker waits for the database

    def call_b():
        with b.request() as req:
            yield req
            yield env.timeout(rng.expovariate(1 / 0.6))

    def job():
        with gw.request() as req:  # the gateway's worker is held through the fork/join
            yield req
            yield env.timeout(rng.expovariate(1 / 0.5))
            yield env.all_of([env.process(call_a()), env.process(call_b())])
        done.append(1)

    def source():
        for _ in range(n):
            yield env.timeout(rng.expovariate(lam))
            env.process(job())

    env.process(source())


MODELS = {
    "M/M/1": lambda env, rng, n, done: mm_c(env, rng, 0.9, 1, n, done),
    "M/M/4": lambda env, rng, n, done: mm_c(env, rng, 3.2, 4, n, done),
    "tandem": lambda env, rng, n, done: tandem(env, rng, 1.6, n, done),
    "gateway": lambda env, rng, n, done: gateway(env, rng, 1.0, n, done),
}


def run(model, requests, seed=1):
    """Wall seconds to simulate `requests` arrivals (and their completion)."""
    env = simpy.Environment()
    rng = random.Random(seed)
    done = []
    MODELS[model](env, rng, requests, done)
    t = time.perf_counter()
    env.run()
    return time.perf_counter() - t, len(done)
