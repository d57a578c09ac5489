"""Faults: a worker killed mid-request, the server restarted mid-crawl, a disk that fills during a load. Each ends
in a clear error or a recovered service, with the previous data version served and nothing corrupted. (Losing the
remote store is in test_backends.)"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests

from publisher.release import load_release, open_store
from publisher.store import oxigraph as oxigraph_backend
from tests.conftest import BASE, free_port, lodpub_command, running_server, wait_for
from tests.web.test_sparql import process_tree_cpu_seconds

CROSS_JOIN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(c) for c in path.read_text().split()] if path.exists() else []




def test_worker_killed_mid_request_recovers_and_leaves_no_query_running():
    with running_server(workers=2, query_timeout=20) as (url, server):
        outcome = {}

        def slow_query():
            try:
                outcome["response"] = requests.get(f"{url}/sparql", params={"query": CROSS_JOIN}, timeout=60)
            except requests.RequestException as exc:
                outcome["error"] = exc

        thread = threading.Thread(target=slow_query)
        thread.start()
        time.sleep(1.5)
        before = {w: process_tree_cpu_seconds(w) for w in children(server.pid)}
        time.sleep(1)
        busy_worker = max(before, key=lambda w: process_tree_cpu_seconds(w) - before[w])
        assert process_tree_cpu_seconds(busy_worker) - before[busy_worker] > 0.5, "no worker was running the query"
        os.kill(busy_worker, signal.SIGKILL)
        thread.join(timeout=60)
        assert "error" in outcome or outcome["response"].status_code >= 500  # the client learns the request failed
        time.sleep(1)
        idle_from = process_tree_cpu_seconds(server.pid)
        time.sleep(2)
        assert process_tree_cpu_seconds(server.pid) - idle_from < 0.5  # nothing goes on computing the query
        for _ in range(10):  # the arbiter replaced the worker; the service answers
            assert requests.get(f"{url}/id/organization/stadt-dortmund.ttl", timeout=10).status_code == 200


def test_restart_mid_crawl_only_interrupts(tmp_path):
    port = free_port()
    env = {**os.environ, "LODPUB_BASE_IRI": BASE}
    command = [*lodpub_command(), "serve", "--port", str(port), "--workers", "2"]
    url = f"http://127.0.0.1:{port}"
    statuses, stop = [], threading.Event()

    def crawl():
        paths = ["/id/organization/stadt-dortmund", "/id/sdg/15", "/def/", "/catalog", "/id/place/kumasi"]
        while not stop.is_set():
            for path in paths:
                try:
                    statuses.append(requests.get(url + path, headers={"Accept": "text/turtle"}, timeout=5).status_code)
                except requests.RequestException:
                    statuses.append("down")
                    time.sleep(0.1)

    first = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)
    wait_for(f"{url}/health", first)
    crawler = threading.Thread(target=crawl)
    crawler.start()
    time.sleep(1)
    os.killpg(first.pid, signal.SIGTERM)
    first.wait(timeout=30)
    second = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    try:
        wait_for(f"{url}/health", second)
        time.sleep(1)
    finally:
        stop.set()
        crawler.join(timeout=30)
        os.killpg(second.pid, signal.SIGTERM)
        second.wait(timeout=30)
    answered = [s for s in statuses if s != "down"]
    assert answered and set(answered) == {200}, set(statuses)  # no 5xx, ever: only refused connections
    assert statuses[-1] == 200 and "down" in statuses


def test_disk_full_during_load_keeps_the_previous_version(source_copy, tmp_path, monkeypatch):
    backend = source_copy.with_(store=f"disk:{tmp_path / 'store'}")
    first = load_release(backend)
    path = source_copy.data_dir / "dataset.ttl"
    path.write_text(path.read_text(encoding="utf-8") + "\n# new version\n", encoding="utf-8")

    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(oxigraph_backend, "_load_sources", disk_full)
    with pytest.raises(OSError) as caught:
        load_release(backend)
    assert caught.value.errno == errno.ENOSPC
    reader = open_store(backend)
    assert reader.version == first
    assert bool(reader.query("ASK { ?s ?p ?o }"))
