"""`make bench`: every scenario at every size in one run, A and B interleaved, medians with min–max and ratios
against the floors and peers. Loopback only, every load bounded in time. Writes bench/results/."""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote

import requests

from bench.generate import generate
from bench.processes import free_port, server
from publisher.config import PROJECT_ROOT

BASE = "https://lod.example.org/"
RESULTS = PROJECT_ROOT / "bench" / "results"
BIN = Path(sys.executable).parent
PROFILES = {
    "full": {"sizes": [10_000, 100_000, 1_000_000], "seconds": 3, "rounds": 3, "peer_max": 100_000},
    "smoke": {"sizes": [1_000], "seconds": 1, "rounds": 1, "peer_max": 1_000},
}
QUERIES = {
    "one resource": "SELECT ?p ?o WHERE { <%sid/organization/amt-1> ?p ?o }" % BASE,
    "pages on SDG 15": "SELECT ?page ?title WHERE { ?page <http://schema.org/about> <http://metadata.un.org/sdg/15> ; "
                       "<http://schema.org/name> ?title } LIMIT 50",
    "pages per goal": "SELECT ?goal (COUNT(?page) AS ?n) WHERE { ?page <http://schema.org/about> ?goal } GROUP BY ?goal",
    "persons per organisation": "SELECT ?unit (COUNT(?person) AS ?n) WHERE { ?post <http://www.w3.org/ns/org#postIn> ?unit ; "
                                "<http://www.w3.org/ns/org#heldBy> ?person } GROUP BY ?unit ORDER BY DESC(?n) LIMIT 20",
    "text search": "SELECT ?page ?name WHERE { ?page <http://schema.org/name> ?name "
                   "FILTER(CONTAINS(LCASE(?name), \"klima\")) } LIMIT 100",
    "3-hop path": "SELECT ?person ?top WHERE { ?person <http://www.w3.org/ns/org#holds>/<http://www.w3.org/ns/org#postIn>/"
                  "<http://www.w3.org/ns/org#unitOf> ?top } LIMIT 100",
}
WRK_SCRIPT = """
paths = {}
for line in io.lines(os.getenv("WRK_PATHS")) do paths[#paths + 1] = line end
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end
"""


class Results:
    def __init__(self):
        self.rows: list[dict] = []

    def add(self, scenario: str, size: int, variant: str, samples: list[float], unit: str, **extra):
        row = {"scenario": scenario, "size": size, "variant": variant, "unit": unit,
               "median": statistics.median(samples), "min": min(samples), "max": max(samples), **extra}
        self.rows.append(row)
        print(f"  {scenario} @{size:,} {variant}: {row['median']:.3g} {unit} ({row['min']:.3g}–{row['max']:.3g})",
              flush=True)
        return row

    def median(self, scenario: str, size: int, variant: str) -> float | None:
        return next((r["median"] for r in self.rows if (r["scenario"], r["size"], r["variant"]) ==
                     (scenario, size, variant)), None)


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if not found:
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False, capture_output=True, timeout=600)
        found = shutil.which("wrk")
    if not found:
        sys.exit("wrk is needed (Debian package wrk) and could not be installed")
    return found


def wrk(url_root: str, paths: list[str], seconds: int, accept: str, workdir: Path) -> tuple[float, float, float]:
    """Requests per second, p50 and p99 latency in ms, for a bounded run on loopback."""
    paths_file, script = workdir / "paths.txt", workdir / "rotate.lua"
    paths_file.write_text("\n".join(paths) + "\n")
    script.write_text(WRK_SCRIPT)
    output = subprocess.run(
        [ensure_wrk(), "-t1", "-c2", f"-d{seconds}s", "--latency", "--timeout", "10s", "-s", str(script),
         "-H", f"Accept: {accept}", url_root], capture_output=True, text=True, timeout=seconds + 30,
        env={**os.environ, "WRK_PATHS": str(paths_file)}).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non2xx:
        print(f"    warning: {non2xx.group(1)} non-2xx responses", flush=True)

    def percentile(p: str) -> float:
        value, unit = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", output).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    return rps, percentile("50"), percentile("99")


def measured(command: list[str], env: dict | None = None) -> tuple[float, float]:
    """Wall seconds and peak resident MB of a child process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    return elapsed, usage.ru_maxrss / 1024


def python_snippet(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def lodpub_server(data: Path, store: str, workers: int = 2):
    port = free_port()
    env = {"LODPUB_DATA_DIR": str(data), "LODPUB_BASE_IRI": BASE, "LODPUB_STORE": store,
           "LODPUB_MAX_QUERIES_PER_CLIENT": "8", "LODPUB_MAX_RUNNING_QUERIES": "8"}
    command = [str(BIN / "gunicorn"), "-w", str(workers), "-k", "sync", "--preload", "-b", f"127.0.0.1:{port}",
               "--timeout", "600", "bench.apps:bench_app()"]
    return port, server(command, env, f"http://127.0.0.1:{port}/health", timeout=900)


def pss_mb(pid: int) -> float:
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
        return int(re.search(r"^Pss:\s+(\d+)", text, re.M).group(1)) / 1024
    except (OSError, AttributeError):
        return 0.0


def process_tree(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children")
    found = [pid]
    if children.exists():
        for child in children.read_text().split():
            found += process_tree(int(child))
    return found


def resource_paths(data: Path, limit: int = 500) -> list[str]:
    paths = []
    with open(data / "data.nt", encoding="utf-8") as stream:
        for line in stream:
            subject = line.split(" ", 1)[0][1:-1]
            if subject.startswith(BASE + "id/") and "/address" not in subject:
                path = "/" + subject[len(BASE):]
                if not paths or paths[-1] != path:
                    paths.append(path)
            if len(paths) >= limit * 4:
                break
    return sorted(set(paths))[:limit]


# --- scenarios -----------------------------------------------------------------------------------------------

def load_and_validate(results: Results, size: int, data: Path, planted: Path, rounds: int, workdir: Path):
    nt = data / "data.nt"
    alone = python_snippet(f"import pyoxigraph as ox; s = ox.Store(); s.load(path={str(nt)!r}, format=ox.RdfFormat.N_TRIPLES)")
    # lodpub's load into memory, without validation (reported separately): the store side of the release.
    ours = python_snippet(
        "from pathlib import Path; from publisher.model.sources import Source\n"
        "from publisher.store.oxigraph import OxigraphStore\n"
        f"srcs = [Source('data', p, {BASE!r} + 'graph/data/' + p.stem, None) for p in sorted(Path({str(data)!r}).iterdir())]\n"
        f"OxigraphStore.from_sources(srcs, 'v', {BASE!r})")
    a_times, b_times, a_mem, b_mem = [], [], [], []
    for _ in range(rounds):  # interleaved
        t, m = measured(alone)
        a_times.append(t)
        a_mem.append(m)
        t, m = measured(ours)
        b_times.append(t)
        b_mem.append(m)
    a = results.add("load", size, "pyoxigraph alone (floor)", a_times, "s", peak_mb=max(a_mem))
    b = results.add("load", size, "lodpub memory store", b_times, "s", peak_mb=max(b_mem))
    b["ratio"] = b["median"] / a["median"]
    b["target"] = "≤ 1.5× floor (issue 5)"
    b["met"] = b["ratio"] <= 1.5
    validate_cmd = [str(BIN / "lodpub"), "validate", "--data", str(planted), "--base", BASE]
    t, m = measured(validate_cmd)
    results.add("validate", size, "lodpub validate (3 planted violations)", [t], "s", peak_mb=m)
    if size <= 100_000:
        pyshacl_alone = python_snippet(
            "import rdflib, pyshacl; from pathlib import Path\n"
            f"d = rdflib.Graph(); [d.parse(p, publicID={BASE!r}) for p in sorted(Path({str(planted)!r}).iterdir())]\n"
            f"d.parse({str(PROJECT_ROOT / 'ontology' / 'lodpub.ttl')!r}, publicID={BASE!r})\n"
            f"s = rdflib.Graph().parse({str(PROJECT_ROOT / 'shapes' / 'lodpub-shapes.ttl')!r}, publicID={BASE!r})\n"
            "pyshacl.validate(d, shacl_graph=s, inference='none', advanced=True)")
        t, m = measured(pyshacl_alone)
        results.add("validate", size, "pyshacl alone", [t], "s", peak_mb=m)
    disk = workdir / f"disk-{size}"
    t, m = measured([str(BIN / "lodpub"), "load", "--store", f"disk:{disk}", "--data", str(data), "--base", BASE])
    results.add("load", size, "lodpub load disk: (validate + bulk load + switch)", [t], "s", peak_mb=m)
    return disk


def dereference(results: Results, size: int, port: int, paths: list[str], seconds: int, rounds: int, workdir: Path,
                label: str = ""):
    root = f"http://127.0.0.1:{port}"
    variants = [("fixed bytes (floor)", ["/bench/fixed"], "text/turtle"), ("Turtle", paths, "text/turtle"),
                ("JSON-LD", paths, "application/ld+json"), ("HTML", paths, "text/html")]
    # Warm-up, not measured: every worker makes each representation once per data version, then replays it.
    # Repeated until throughput settles (two runs within 10%), at most 10 runs a format.
    for _, variant_paths, accept in variants[1:]:
        previous = 0.0
        for _ in range(10):
            current = wrk(root, variant_paths, seconds, accept, workdir)[0]
            if previous and abs(current - previous) <= 0.1 * previous:
                break
            previous = current
    samples: dict[str, list] = {}
    for _ in range(rounds):
        for name, variant_paths, accept in variants:
            samples.setdefault(name, []).append(wrk(root, variant_paths, seconds, accept, workdir))
    floor = None
    for name, _, _ in variants:
        rps = [s[0] for s in samples[name]]
        row = results.add(f"dereference{label}", size, name, rps, "req/s",
                          p50_ms=statistics.median(s[1] for s in samples[name]),
                          p99_ms=statistics.median(s[2] for s in samples[name]))
        if floor is None:
            floor = row["median"]
        else:
            row["ratio"] = row["median"] / floor
            if name == "Turtle" and not label:
                row["target"], row["met"] = "≥ 0.9× fixed bytes (issue 3)", row["ratio"] >= 0.9


def sparql(results: Results, size: int, port: int, seconds: int, rounds: int, workdir: Path, peers: dict[str, str]):
    root = f"http://127.0.0.1:{port}"
    store_code = (
        "import time, pyoxigraph as ox, sys\n"
        f"s = ox.Store(); s.load(path={str(workdir / f'gen-{size}' / 'data.nt')!r}, format=ox.RdfFormat.N_TRIPLES)\n"
        "q = sys.argv[1]; n = 0; t = time.perf_counter()\n"
        f"while time.perf_counter() - t < {seconds}:\n"
        "    s.query(q).serialize(format=ox.QueryResultsFormat.JSON); n += 1\n"
        "print(n / (time.perf_counter() - t))")
    for title, query in QUERIES.items():
        encoded = quote(query)
        samples: dict[str, list] = {}
        for _ in range(rounds):
            output = subprocess.run([sys.executable, "-c", store_code, query], capture_output=True, text=True,
                                    timeout=600).stdout
            samples.setdefault("pyoxigraph in-process", []).append((float(output.strip()), 0, 0))
            samples.setdefault("bare Flask route (floor)", []).append(
                wrk(root, [f"/bench/floor-sparql?query={encoded}"], seconds, "*/*", workdir))
            samples.setdefault("lodpub /sparql", []).append(
                wrk(root, [f"/sparql?query={encoded}"], seconds, "application/sparql-results+json", workdir))
            for peer, url in peers.items():
                samples.setdefault(peer, []).append(
                    wrk(url, [f"{urlpath(url)}?query={encoded}"], seconds, "application/sparql-results+json", workdir))
        floor = None
        for variant, values in samples.items():
            row = results.add(f"SPARQL: {title}", size, variant, [v[0] for v in values], "req/s",
                              p50_ms=statistics.median(v[1] for v in values),
                              p99_ms=statistics.median(v[2] for v in values))
            if variant == "bare Flask route (floor)":
                floor = row["median"]
            elif variant != "pyoxigraph in-process" and floor:
                row["ratio"] = row["median"] / floor
                if variant == "lodpub /sparql" and title == "pages on SDG 15":
                    row["target"], row["met"] = "≥ 0.8× bare route (issue 4)", row["ratio"] >= 0.8
        ours = results.median(f"SPARQL: {title}", size, "lodpub /sparql")
        endpoint = results.median(f"SPARQL: {title}", size, "rdflib-endpoint (peer)")
        if ours and endpoint and title == "pages on SDG 15":
            results.add(f"SPARQL: {title}", size, "lodpub ÷ rdflib-endpoint", [ours / endpoint], "×",
                        target="≥ 10× (issue 4)", met=ours / endpoint >= 10)


def urlpath(url: str) -> str:
    return "/" + url.split("/", 3)[3] if url.count("/") >= 3 else "/"


@contextmanager
def peers_for(size: int, data: Path, workdir: Path, enabled: bool):
    if not enabled:
        yield {}
        return
    oxi_dir, oxi_port, rdflib_port = workdir / f"oxigraph-{size}", free_port(), free_port()
    subprocess.run([str(BIN / "oxigraph"), "load", "--location", str(oxi_dir), "--file", str(data / "data.nt")],
                   check=True, capture_output=True, timeout=900)
    oxi_cmd = [str(BIN / "oxigraph"), "serve-read-only", "--location", str(oxi_dir), "--bind", f"127.0.0.1:{oxi_port}"]
    rdflib_cmd = [str(BIN / "rdflib-endpoint"), "serve", str(data / "data.nt"), "--host", "127.0.0.1",
                  "--port", str(rdflib_port)]
    with server(oxi_cmd, {}, f"http://127.0.0.1:{oxi_port}/query?query=ASK%7B%7D"), \
            server(rdflib_cmd, {}, f"http://127.0.0.1:{rdflib_port}/?query=ASK%7B%7D"):
        yield {"Oxigraph server (peer)": f"http://127.0.0.1:{oxi_port}/query",
               "rdflib-endpoint (peer)": f"http://127.0.0.1:{rdflib_port}/"}


def worker_memory(results: Results, size: int, disk: Path, paths: list[str]):
    """Resident memory (PSS) of the whole server with 1 and with 2 workers on the disk: store."""
    totals = {}
    for workers in (1, 2):
        port, context = lodpub_server(disk.parent / f"gen-{size}", f"disk:{disk}", workers)
        with context as process:
            for path in paths[:200]:
                requests.get(f"http://127.0.0.1:{port}{path}", headers={"Accept": "text/turtle"}, timeout=60)
            time.sleep(1)
            totals[workers] = sum(pss_mb(pid) for pid in process_tree(process.pid))
    results.add("memory (disk:, PSS)", size, "1 worker", [totals[1]], "MB")
    row = results.add("memory (disk:, PSS)", size, "2 workers", [totals[2]], "MB")
    growth = (totals[2] - totals[1]) / totals[1]
    row["ratio"], row["target"], row["met"] = growth, "extra worker ≤ 0.25× single footprint (issue 5)", growth <= 0.25


def remote_dereference(results: Results, size: int, data: Path, paths: list[str], seconds: int, rounds: int,
                       workdir: Path):
    """The sparql: backend (Oxigraph server on loopback) against the memory backend, same requests."""
    oxi_dir, oxi_port = workdir / f"oxigraph-remote-{size}", free_port()
    oxi_cmd = [str(BIN / "oxigraph"), "serve", "--location", str(oxi_dir), "--bind", f"127.0.0.1:{oxi_port}"]
    with server(oxi_cmd, {}, f"http://127.0.0.1:{oxi_port}/query?query=ASK%7B%7D"):
        spec = f"sparql:http://127.0.0.1:{oxi_port}/query"
        subprocess.run([str(BIN / "lodpub"), "load", "--store", spec, "--data", str(data), "--base", BASE],
                       check=True, capture_output=True, timeout=1800)
        port, context = lodpub_server(data, spec)
        with context:
            dereference(results, size, port, paths[:100], seconds, rounds, workdir, label=" (sparql: backend)")
    remote = results.median("dereference (sparql: backend)", size, "Turtle")
    local = results.median("dereference", size, "Turtle")
    if remote and local:
        results.add("dereference (sparql: backend)", size, "Turtle ÷ memory backend", [remote / local], "×",
                    target="≥ 0.5× (issue 5)", met=remote / local >= 0.5)


# --- report --------------------------------------------------------------------------------------------------

def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1)) // 1024
    return f"{os.cpu_count()} cores ({cpu}), {memory} MB, Python {platform.python_version()}, {platform.platform()}"


def report(results: Results, profile: str, started: float) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    lines = [f"# lodpub benchmark ({profile}), {stamp}", "", f"Machine: {machine()}", "",
             f"Run time: {time.monotonic() - started:.0f} s. Medians of interleaved rounds, min–max in brackets; "
             "ratios against the floor of the same scenario (or as named). wrk: 1 thread, 2 connections, loopback.", "",
             "| scenario | triples | variant | median | min–max | p50 / p99 ms | ratio | target | met |",
             "|---|---:|---|---:|---|---|---:|---|---|"]
    for r in results.rows:
        latency = f"{r['p50_ms']:.2f} / {r['p99_ms']:.2f}" if r.get("p99_ms") else ""
        peak = f" (peak {r['peak_mb']:.0f} MB)" if r.get("peak_mb") else ""
        ratio = f"{r['ratio']:.2f}" if "ratio" in r else ""
        met = {True: "yes", False: "**no**"}.get(r.get("met"), "")
        lines.append(f"| {r['scenario']} | {r['size']:,} | {r['variant']} | {r['median']:.3g} {r['unit']}{peak} | "
                     f"{r['min']:.3g}–{r['max']:.3g} | {latency} | {ratio} | {r.get('target', '')} | {met} |")
    text = "\n".join(lines) + "\n"
    (RESULTS / f"{stamp}-{profile}.md").write_text(text)
    (RESULTS / f"{stamp}-{profile}.json").write_text(json.dumps(results.rows, indent=1))
    (RESULTS / f"latest-{profile}.md").write_text(text)
    plot(results, profile)
    return RESULTS / f"latest-{profile}.md"


def plot(results: Results, profile: str) -> None:
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib not installed: no plots", flush=True)
        return
    groups = {"load": "load", "dereference": "dereference", "SPARQL: pages on SDG 15": "sparql"}
    for scenario, name in groups.items():
        rows = [r for r in results.rows if r["scenario"] == scenario]
        variants = sorted({r["variant"] for r in rows})
        if not rows or len({r["size"] for r in rows}) < 2:
            continue
        figure, axes = plt.subplots(figsize=(7, 4.5))
        for variant in variants:
            points = sorted((r["size"], r["median"]) for r in rows if r["variant"] == variant)
            if len(points) >= 2:
                axes.plot(*zip(*points), marker="o", label=variant)
        axes.set_xscale("log")
        axes.set_yscale("log")
        axes.set_xlabel("triples")
        axes.set_ylabel(rows[0]["unit"])
        axes.set_title(f"{scenario} against data size")
        axes.legend(fontsize=8)
        axes.grid(True, which="both", alpha=0.3)
        figure.tight_layout()
        figure.savefig(RESULTS / f"latest-{profile}-{name}.png", dpi=110)
        plt.close(figure)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--profile", choices=sorted(PROFILES), default="full")
    args = parser.parse_args()
    profile = PROFILES[args.profile]
    started = time.monotonic()
    results = Results()
    with tempfile.TemporaryDirectory(prefix="lodpub-bench-") as tmp:
        workdir = Path(tmp)
        for size in profile["sizes"]:
            print(f"== {size:,} triples", flush=True)
            data = generate(workdir / f"gen-{size}", size)
            planted = generate(workdir / f"planted-{size}", size, violations=3)
            disk = load_and_validate(results, size, data, planted, profile["rounds"] if size < 1_000_000 else 1, workdir)
            paths = resource_paths(data)
            store = "memory" if size < 1_000_000 else f"disk:{disk}"
            port, context = lodpub_server(data, store)
            with context, peers_for(size, data, workdir, size <= profile["peer_max"]) as peers:
                dereference(results, size, port, paths, profile["seconds"], profile["rounds"], workdir)
                sparql(results, size, port, profile["seconds"], profile["rounds"] if size < 1_000_000 else 1, workdir,
                       peers)
            if size >= 100_000 or args.profile == "smoke":
                worker_memory(results, size, disk, paths)
            if size == 100_000 or args.profile == "smoke":
                remote_dereference(results, size, data, paths, profile["seconds"], profile["rounds"], workdir)
    path = report(results, args.profile, started)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
