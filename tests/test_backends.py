"""Releases on the disk and SPARQL backends: atomic switch-over, interrupted loads, a store that goes away."""

from __future__ import annotations

import os
import subprocess
import time

import pytest
import requests

from publisher.release import load_release, open_store
from publisher.store import oxigraph as oxigraph_backend
from publisher.web.app import create_app
from tests.conftest import free_port, lodpub_command, oxigraph_binary, wait_for

OFFICE = "/id/organization/buero-internationale-beziehungen"


def change_data(settings) -> None:
    path = settings.data_dir / "dataset.ttl"
    path.write_text(path.read_text(encoding="utf-8").replace('"SDG"@de', '"SDG"@de, "Agenda"@de'), encoding="utf-8")


def test_disk_release_switches_atomically_for_a_running_reader(source_copy, tmp_path):
    backend = source_copy.with_(store=f"disk:{tmp_path / 'store'}")
    first = load_release(backend)
    reader = open_store(backend)
    assert reader.version == first
    change_data(source_copy)
    second = load_release(backend)
    assert second != first
    time.sleep(reader.CHECK_INTERVAL + 0.1)
    assert reader.version == second
    assert bool(reader.query('ASK { ?d <http://www.w3.org/ns/dcat#keyword> "Agenda"@de }'))


def test_interrupted_disk_load_leaves_the_previous_version(source_copy, tmp_path, monkeypatch):
    backend = source_copy.with_(store=f"disk:{tmp_path / 'store'}")
    first = load_release(backend)
    change_data(source_copy)

    def crash_half_way(store, sources, base_iri, bulk):
        store.bulk_load(path=sources[0].path, format=None, base_iri=base_iri)
        raise OSError("disk full")

    monkeypatch.setattr(oxigraph_backend, "_load_sources", crash_half_way)
    with pytest.raises(OSError):
        load_release(backend)
    assert open_store(backend).version == first


def test_invalid_data_never_reaches_the_disk_store(source_copy, tmp_path):
    backend = source_copy.with_(store=f"disk:{tmp_path / 'store'}")
    first = load_release(backend)
    path = source_copy.data_dir / "dortmund-international.ttl"
    path.write_text(path.read_text(encoding="utf-8").replace('locn:postCode "44135" ;', ""), encoding="utf-8")
    result = subprocess.run([*lodpub_command(), "load", "--store", backend.store, "--data", str(source_copy.data_dir)],
                            capture_output=True, text=True, timeout=120,
                            env={**os.environ, "LODPUB_ONTOLOGY_DIR": str(source_copy.ontology_dir),
                                 "LODPUB_SHAPES_DIR": str(source_copy.shapes_dir)})
    assert result.returncode == 1 and "postCode" in result.stderr
    assert open_store(backend).version == first


def test_a_path_that_is_not_a_store_is_a_clear_error(tmp_path):
    result = subprocess.run([*lodpub_command(), "serve", "--store", f"disk:{tmp_path}"], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 3
    assert "not a lodpub disk store" in result.stderr
    unknown = subprocess.run([*lodpub_command(), "serve", "--store", "mongodb:x"], capture_output=True, text=True, timeout=60)
    assert unknown.returncode == 3 and "unknown --store" in unknown.stderr


def start_oxigraph(location, port):
    process = subprocess.Popen([oxigraph_binary(), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D", process)
    return process


def test_remote_store_down_gives_503_fast_and_recovers(settings, tmp_path):
    port = free_port()
    location = tmp_path / "oxigraph"
    server = start_oxigraph(location, port)
    backend = settings.with_(store=f"sparql:http://127.0.0.1:{port}/query")
    load_release(backend)
    client = create_app(backend).test_client()
    assert client.get(f"{OFFICE}.ttl").status_code == 200
    server.terminate()
    server.wait(timeout=15)
    time.sleep(1.1)  # past the release check interval
    started = time.monotonic()
    down = client.get("/id/organization/stadt-dortmund.ttl")
    assert down.status_code == 503 and "cannot be reached" in down.text
    query = client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }", "format": "json"})
    assert query.status_code == 503
    assert time.monotonic() - started < 10
    server = start_oxigraph(location, port)
    try:
        time.sleep(1.1)
        assert client.get("/id/organization/stadt-dortmund.ttl").status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=15)


def test_remote_release_switch_is_atomic_and_old_graphs_go(oxigraph_server, source_copy):
    backend = source_copy.with_(store=f"sparql:{oxigraph_server}")
    load_release(backend)
    change_data(source_copy)
    second = load_release(backend)
    reader = open_store(backend)
    assert reader.version == second
    graphs = requests.post(oxigraph_server, data={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"},
                           headers={"Accept": "application/sparql-results+json"}, timeout=10).json()
    names = {b["g"]["value"] for b in graphs["results"]["bindings"]}
    assert not any("staging" in name for name in names)
    # put the project's own data back for the other tests that share this server
    load_release(type(backend)(base_iri=backend.base_iri, store=backend.store))
