"""The publishing gate and the embedded store: validated data only, all or nothing, one named graph per file."""

from __future__ import annotations

import pytest
import requests

from publisher.model.sources import SourceError
from publisher.model.validate import ValidationFailed
from publisher.release import build_release


def test_every_source_file_is_a_named_graph(store, settings):
    names = store.graph_names()
    assert f"{settings.base_iri}graph/data/dortmund-international" in names
    assert f"{settings.base_iri}graph/ontology/lodpub" in names
    assert f"{settings.base_iri}graph/shapes/lodpub-shapes" in names


def test_default_graph_is_the_union(store):
    rows = list(store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"))
    union = list(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))
    assert int(rows[0]["n"].value) == int(union[0]["n"].value) > 500


def test_triple_count_counts_distinct_triples(store):
    distinct = list(store.query("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"))
    assert store.triple_count() == int(distinct[0]["n"].value)


def test_default_graph_uris_pick_graphs(store, settings):
    only_ontology = f"{settings.base_iri}graph/ontology/lodpub"
    rows = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", default_graph_uris=[only_ontology])
    assert 0 < int(next(iter(rows))["n"].value) < store.triple_count()


def test_relative_iris_follow_the_configured_base(source_copy):
    other = build_release(source_copy.with_(base_iri="https://data.example.org/city/"))
    assert bool(other.query("ASK { <https://data.example.org/city/id/organization/stadt-dortmund> ?p ?o }"))
    assert not bool(other.query("ASK { ?s ?p ?o FILTER(STRSTARTS(STR(?s), 'https://lod.dortmund.de/')) }"))


def test_invalid_data_is_refused(source_copy):
    path = source_copy.data_dir / "dortmund-international.ttl"
    path.write_text(path.read_text(encoding="utf-8").replace('locn:postCode "44135" ;', ""), encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught:
        build_release(source_copy)
    assert "postCode" in str(caught.value)


def test_unparseable_data_is_refused(source_copy):
    (source_copy.data_dir / "extra.ttl").write_text("<a> <b> .\n", encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        build_release(source_copy)
    assert "extra.ttl:1" in str(caught.value)


def test_version_follows_content(source_copy, store):
    first = build_release(source_copy)
    assert first.version == store.version
    path = source_copy.data_dir / "dataset.ttl"
    path.write_text(path.read_text(encoding="utf-8") + "\n# a comment changes the bytes\n", encoding="utf-8")
    assert build_release(source_copy).version != first.version


def test_lodpub_serve_runs_on_gunicorn(live_server):
    health = requests.get(f"{live_server}/health", timeout=10)
    assert health.status_code == 200
    body = health.json()
    assert body["status"] == "ok" and body["triples"] > 500 and len(body["version"]) == 16
    landing = requests.get(live_server, headers={"Accept": "text/html"}, timeout=10)
    assert landing.status_code == 200 and "Dortmund International" in landing.text
