"""`make soak`: mixed traffic against a real lodpub on 127.0.0.1 for a fixed time and request budget —
dereferencing in every format, HTML, conditional GETs, cheap and expensive SPARQL — reporting error rate, latency
percentiles and resident memory over time, against the targets: no errors but the intended 429/503, memory flat
after warm-up, dereferencing p99 within 3× its unloaded value while expensive queries run."""

from __future__ import annotations

import argparse
import random
import threading
import time
from collections import defaultdict

import requests

from bench.processes import free_port, server
from bench.run import process_tree, pss_mb
from publisher.config import PROJECT_ROOT

RESOURCES = ["/id/organization/buero-internationale-beziehungen", "/id/organization/stadt-dortmund", "/id/sdg/15",
             "/id/page/dortmund-international", "/id/partnership/dortmund-dabola", "/id/place/kumasi", "/def/",
             "/shapes/Address", "/catalog", "/.well-known/void"]
FORMATS = ["text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml", "text/html"]
CHEAP = "SELECT ?page ?title WHERE { ?page <http://schema.org/about> <http://metadata.un.org/sdg/15> ; " \
        "<http://schema.org/name> ?title } LIMIT 50"
EXPENSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))] if ordered else 0.0


def dereference_latencies(url: str, count: int) -> list[float]:
    session, latencies = requests.Session(), []
    for i in range(count):
        started = time.perf_counter()
        session.get(url + RESOURCES[i % len(RESOURCES)], headers={"Accept": FORMATS[i % len(FORMATS)]}, timeout=30)
        latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--budget", type=int, default=50_000, help="at most this many requests in all")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [str(PROJECT_ROOT / ".venv" / "bin" / "lodpub"), "serve", "--port", str(port),
               "--workers", str(args.workers)]
    env = {"LODPUB_QUERY_TIMEOUT": "2", "LODPUB_MAX_QUERIES_PER_CLIENT": "2"}
    with server(command, env, f"{url}/health") as process:
        dereference_latencies(url, 200)  # warm-up
        unloaded = dereference_latencies(url, 500)
        results: dict[str, list] = defaultdict(list)
        statuses: dict[str, dict] = defaultdict(lambda: defaultdict(int))
        memory: list[tuple[float, float]] = []
        sent = [0]
        stop = threading.Event()
        lock = threading.Lock()

        def record(kind: str, status, latency: float):
            with lock:
                statuses[kind][status] += 1
                results[kind].append(latency)
                sent[0] += 1
                if sent[0] >= args.budget:
                    stop.set()

        def crawler(seed: int):
            rng, session, etags = random.Random(seed), requests.Session(), {}
            while not stop.is_set():
                path, accept = rng.choice(RESOURCES), rng.choice(FORMATS)
                headers = {"Accept": accept}
                conditional = (path, accept) in etags and rng.random() < 0.3
                if conditional:
                    headers["If-None-Match"] = etags[(path, accept)]
                started = time.perf_counter()
                try:
                    response = session.get(url + path, headers=headers, timeout=30)
                    status = response.status_code
                    if "ETag" in response.headers:
                        etags[(path, accept)] = response.headers["ETag"]
                except requests.RequestException as exc:
                    status = type(exc).__name__
                record("conditional" if conditional else "dereference", status, (time.perf_counter() - started) * 1000)

        def querier(query: str, kind: str, pause: float):
            session = requests.Session()
            while not stop.is_set():
                started = time.perf_counter()
                try:
                    status = session.get(f"{url}/sparql", params={"query": query, "format": "json"}, timeout=30).status_code
                except requests.RequestException as exc:
                    status = type(exc).__name__
                record(kind, status, (time.perf_counter() - started) * 1000)
                time.sleep(pause)

        threads = [threading.Thread(target=crawler, args=(i,)) for i in range(3)]
        threads += [threading.Thread(target=querier, args=(CHEAP, "sparql cheap", 0.0)),
                    threading.Thread(target=querier, args=(EXPENSIVE, "sparql expensive", 0.5))]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        while not stop.is_set() and time.monotonic() - started < args.seconds:
            memory.append((time.monotonic() - started, sum(pss_mb(p) for p in process_tree(process.pid))))
            time.sleep(1)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    elapsed = time.monotonic() - started
    print(f"# lodpub soak: {elapsed:.0f} s, {sent[0]} requests ({sent[0] / elapsed:.0f}/s), {args.workers} workers\n")
    print("| traffic | requests | statuses | p50 ms | p99 ms |\n|---|---:|---|---:|---:|")
    for kind in sorted(results):
        print(f"| {kind} | {len(results[kind])} | {dict(statuses[kind])} | {percentile(results[kind], 0.5):.1f} | "
              f"{percentile(results[kind], 0.99):.1f} |")
    unexpected = {kind: {s: n for s, n in counts.items() if s not in (200, 304, 429, 503)}
                  for kind, counts in statuses.items()}
    errors = sum(sum(v.values()) for v in unexpected.values())
    warm = [m for t, m in memory if t >= elapsed * 0.25]
    growth = (warm[-1] - warm[0]) / warm[0] if len(warm) > 1 else 0.0
    p99_unloaded, p99_loaded = percentile(unloaded, 0.99), percentile(results["dereference"], 0.99)
    print(f"\nunexpected statuses: {errors} {unexpected if errors else ''}  (target 0)")
    print(f"memory (PSS of the server tree) after warm-up: {warm[0]:.0f} → {warm[-1]:.0f} MB, "
          f"growth {growth:+.1%} (target: flat, within ±10%)" if warm else "memory: no samples")
    print(f"dereference p99: unloaded {p99_unloaded:.1f} ms, under load {p99_loaded:.1f} ms, "
          f"{p99_loaded / p99_unloaded:.1f}× (target ≤ 3×)")
    print("memory over time (s, MB): " + ", ".join(f"{t:.0f}:{m:.0f}" for t, m in memory[:: max(1, len(memory) // 12)]))


if __name__ == "__main__":
    main()
