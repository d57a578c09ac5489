"""The SPARQL 1.1 Protocol endpoint: every request form and result format, and every safety default."""

from __future__ import annotations

import csv
import io
import json
import socket
import threading
import time
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
import requests

from tests.conftest import BASE, running_server

PAGES_ON_15 = """PREFIX schema: <http://schema.org/>
SELECT ?page ?title WHERE { ?page schema:about <http://metadata.un.org/sdg/15> ; schema:name ?title }"""
CROSS_JOIN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
GOAL_15_PAGE = BASE + "id/page/ziel-15-leben-an-land"


def solutions(response) -> list[dict]:
    fmt = {"application/sparql-results+json": ox.QueryResultsFormat.JSON,
           "application/sparql-results+xml": ox.QueryResultsFormat.XML,
           "text/tab-separated-values": ox.QueryResultsFormat.TSV}[response.mimetype]
    return [{v.value: row[v] for v in rows.variables} for rows in [ox.parse_query_results(response.data, fmt)]
            for row in rows]


def test_get_both_posts_and_all_solution_formats_agree(client):
    requests_made = [
        client.get("/sparql", query_string={"query": PAGES_ON_15}, headers={"Accept": "application/sparql-results+json"}),
        client.post("/sparql", data={"query": PAGES_ON_15}, headers={"Accept": "application/sparql-results+xml"}),
        client.post("/sparql", data=PAGES_ON_15.encode(), content_type="application/sparql-query",
                    headers={"Accept": "text/tab-separated-values"}),
    ]
    for response in requests_made:
        assert response.status_code == 200, response.data
        rows = solutions(response)
        assert [r["page"].value for r in rows] == [GOAL_15_PAGE]
        assert rows[0]["title"] == ox.Literal("Ziel 15: Leben an Land", language="de")
    csv_response = client.get("/sparql", query_string={"query": PAGES_ON_15}, headers={"Accept": "text/csv"})
    assert list(csv.DictReader(io.StringIO(csv_response.text))) == [{"page": GOAL_15_PAGE, "title": "Ziel 15: Leben an Land"}]


def test_format_parameter_overrides_accept(client):
    for key, mimetype in (("json", "application/sparql-results+json"), ("xml", "application/sparql-results+xml"),
                          ("csv", "text/csv"), ("tsv", "text/tab-separated-values")):
        response = client.get("/sparql", query_string={"query": PAGES_ON_15, "format": key}, headers={"Accept": "text/html"})
        assert response.mimetype == mimetype
    sparqlwrapper_style = client.get("/sparql", query_string={"query": PAGES_ON_15, "output": "json"})
    assert sparqlwrapper_style.mimetype == "application/sparql-results+json"


def test_ask(client):
    yes = client.get("/sparql", query_string={"query": f"ASK {{ <{GOAL_15_PAGE}> ?p ?o }}"},
                     headers={"Accept": "application/sparql-results+json"})
    assert yes.get_json() == {"head": {}, "boolean": True}
    no = client.post("/sparql", data={"query": "ASK { <urn:x:none> ?p ?o }"}, headers={"Accept": "application/sparql-results+xml"})
    assert ET.fromstring(no.data).find("{http://www.w3.org/2005/sparql-results#}boolean").text == "false"


@pytest.mark.parametrize("media_type,rdflib_format", [("text/turtle", "turtle"), ("application/ld+json", "json-ld"),
                                                      ("application/n-triples", "nt"), ("application/rdf+xml", "xml")])
def test_construct_and_describe_in_every_rdf_format(client, media_type, rdflib_format):
    construct = client.get("/sparql", headers={"Accept": media_type}, query_string={
        "query": "PREFIX schema: <http://schema.org/> CONSTRUCT { ?p schema:name ?t } WHERE { ?p schema:about ?g ; schema:name ?t }"})
    assert construct.status_code == 200 and construct.mimetype == media_type
    graph = rdflib.Graph().parse(data=construct.data, format=rdflib_format)
    assert (rdflib.URIRef(GOAL_15_PAGE), rdflib.URIRef("http://schema.org/name"),
            rdflib.Literal("Ziel 15: Leben an Land", lang="de")) in graph
    describe = client.get("/sparql", headers={"Accept": media_type}, query_string={"query": f"DESCRIBE <{GOAL_15_PAGE}>"})
    described = rdflib.Graph().parse(data=describe.data, format=rdflib_format)
    assert (rdflib.URIRef(GOAL_15_PAGE), rdflib.URIRef("http://schema.org/about"),
            rdflib.URIRef("http://metadata.un.org/sdg/15")) in described


def test_default_and_named_graph_uris(client):
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    union = solutions(client.get("/sparql", query_string={"query": query, "format": "json"}))[0]["n"]
    ontology_only = solutions(client.get("/sparql", query_string={
        "query": query, "format": "json", "default-graph-uri": BASE + "graph/ontology/lodpub"}))[0]["n"]
    assert 0 < int(ontology_only.value) < int(union.value)
    named = solutions(client.post("/sparql", data={
        "query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": BASE + "graph/data/sdg-goals",
        "format": "json"}))
    assert [r["g"].value for r in named] == [BASE + "graph/data/sdg-goals"]


def test_service_description(client):
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    graph = rdflib.Graph().parse(data=response.data, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    endpoint = rdflib.URIRef(BASE + "sparql")
    assert (endpoint, rdflib.RDF.type, sd.Service) in graph
    assert (endpoint, sd.supportedLanguage, sd.SPARQL11Query) in graph
    assert (endpoint, sd.feature, sd.UnionDefaultGraph) in graph
    assert len(list(graph.objects(endpoint, sd.resultFormat))) == 8
    names = {str(n) for n in graph.objects(None, sd.name)}
    assert BASE + "graph/data/dortmund-international" in names


def test_query_page_and_html_results(client):
    page = client.get("/sparql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "<textarea" in page.text and "PREFIX schema:" in page.text
    assert page.text.count('href="/sparql?query=') >= 6
    result = client.get("/sparql", query_string={"query": PAGES_ON_15, "format": "html"})
    assert 'href="http://localhost/id/page/ziel-15-leben-an-land"' in result.text
    assert "format=csv" in result.text and "<script src" not in result.text


def test_every_example_query_answers(client):
    from publisher.web.sparql_examples import EXAMPLES
    from publisher.web.formats import deployment_prefixes

    prefixes = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in deployment_prefixes(BASE).items())
    for _, title, text in EXAMPLES:
        response = client.get("/sparql", query_string={"query": prefixes + text}, headers={"Accept": "application/sparql-results+json, text/turtle;q=0.9"})
        assert response.status_code == 200, (title, response.text)
        assert len(response.data) > 60, title


def test_update_is_refused(client):
    for attempt in (
        client.post("/sparql", data={"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}),
        client.post("/sparql", data=b"DELETE WHERE { ?s ?p ?o }", content_type="application/sparql-update"),
        client.get("/sparql", query_string={"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}),
        client.get("/sparql", query_string={"query": "LOAD <http://127.0.0.1:9/x>"}),
        client.get("/sparql", query_string={"query": "CLEAR ALL"}),
    ):
        assert attempt.status_code == 400
        assert "read-only" in attempt.text
    assert not bool(client.application.extensions["lodpub"].store.query("ASK { <urn:a> ?p ?o }"))


def test_syntax_error_is_400_with_position(client):
    response = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p }"})
    assert response.status_code == 400
    assert "1:" in response.text


def test_unsupported_result_type_is_406(client):
    assert client.get("/sparql", query_string={"query": PAGES_ON_15}, headers={"Accept": "image/png"}).status_code == 406
    assert client.get("/sparql", query_string={"query": PAGES_ON_15}, headers={"Accept": "text/turtle"}).status_code == 406


def test_bad_requests_are_4xx(client):
    assert client.post("/sparql", data=b"x", content_type="text/plain").status_code == 415
    assert client.post("/sparql", data=b"\xff\xfe", content_type="application/sparql-query").status_code == 400
    assert client.get("/sparql", query_string={"query": PAGES_ON_15, "bogus": "1"}).status_code == 400
    assert client.get("/sparql", query_string={"query": "SELECT * {}", "default-graph-uri": "not an iri"}).status_code == 400
    long_query = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 30_000
    assert client.post("/sparql", data={"query": long_query}).status_code == 413
    assert client.post("/sparql", data=b"q" * (2 * 1024 * 1024), content_type="application/sparql-query").status_code == 413
    assert client.get("/sparql", query_string={"query": "SELECT * WHERE " + "{" * 200 + "}" * 200}).status_code == 400


def test_rows_are_truncated_with_a_signal(settings, store):
    from publisher.web.app import create_app

    small = create_app(settings.with_(max_result_rows=5), store).test_client()
    response = small.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o }", "format": "json"})
    assert len(response.get_json()["results"]["bindings"]) == 5
    assert response.headers["Lodpub-Results-Truncated"].startswith("true")
    whole = small.get("/sparql", query_string={"query": "SELECT * WHERE { ?s a <http://schema.org/Country> }", "format": "json"})
    assert "Lodpub-Results-Truncated" not in whole.headers


class Listener:
    """A loopback socket that records whether anything connected to it."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self):
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
                self.connections += 1
                conn.close()
            except OSError:
                continue

    def close(self) -> int:
        time.sleep(0.5)
        self._stop.set()
        self._thread.join()
        self.sock.close()
        return self.connections


@pytest.mark.parametrize("template", [
    "SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SERVICE SILENT <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ \\u0053ERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ BIND(<http://127.0.0.1:{port}/sparql> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SERVICE <http://169.254.169.254/latest/meta-data/> {{ ?s ?p ?o }} }}",
])
def test_service_to_loopback_is_refused_and_never_connects(client, template):
    listener = Listener()
    response = client.get("/sparql", query_string={"query": template.format(port=listener.port)})
    assert response.status_code == 400 and "SERVICE" in response.text
    assert listener.close() == 0


def test_from_picks_store_graphs_and_never_fetches(client):
    listener = Listener()
    for query in (f"SELECT * FROM <http://127.0.0.1:{listener.port}/data.ttl> WHERE {{ ?s ?p ?o }}",
                  f"SELECT * FROM NAMED <http://127.0.0.1:{listener.port}/data.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"):
        response = client.get("/sparql", query_string={"query": query, "format": "json"})
        assert response.status_code == 200
        assert response.get_json()["results"]["bindings"] == []
    assert listener.close() == 0
    from_store = client.get("/sparql", query_string={"format": "json", "query":
                            f"SELECT (COUNT(*) AS ?n) FROM <{BASE}graph/ontology/lodpub> WHERE {{ ?s ?p ?o }}"})
    ontology = client.get("/sparql", query_string={"format": "json", "default-graph-uri": f"{BASE}graph/ontology/lodpub",
                                                   "query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
    count = from_store.get_json()["results"]["bindings"][0]["n"]["value"]
    assert count == ontology.get_json()["results"]["bindings"][0]["n"]["value"] and int(count) > 50


def process_tree_cpu_seconds(root_pid: int) -> float:
    """utime+stime of a process and all its descendants, from /proc."""
    ticks = 0
    children: dict[int, list[int]] = {}
    stats = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            pid = int(entry.name)
            stats[pid] = int(fields[11]) + int(fields[12])
            children.setdefault(int(fields[1]), []).append(pid)
    pending = [root_pid]
    while pending:
        pid = pending.pop()
        ticks += stats.get(pid, 0)
        pending.extend(children.get(pid, []))
    return ticks / 100


def test_cross_join_stops_at_the_time_limit_and_frees_the_cpu():
    with running_server(workers=1, query_timeout=2) as (url, process):
        started = time.monotonic()
        response = requests.get(f"{url}/sparql", params={"query": CROSS_JOIN}, timeout=30)
        elapsed = time.monotonic() - started
        assert response.status_code == 503
        assert "longer than 2 s" in response.text
        assert elapsed < 8
        time.sleep(0.5)
        before = process_tree_cpu_seconds(process.pid)
        time.sleep(2)
        assert process_tree_cpu_seconds(process.pid) - before < 0.5  # nothing is still computing
        # and the endpoint answers again
        again = requests.get(f"{url}/sparql", params={"query": PAGES_ON_15, "format": "json"}, timeout=10)
        assert again.status_code == 200


def test_too_many_parallel_queries_from_one_address_get_429():
    with running_server(workers=3, query_timeout=3, max_queries_per_client=1) as (url, _):
        def slow():
            return requests.get(f"{url}/sparql", params={"query": CROSS_JOIN}, timeout=30)

        with ThreadPoolExecutor(3) as pool:
            first = pool.submit(slow)
            time.sleep(0.7)
            second = pool.submit(slow).result()
            assert second.status_code == 429 and "Retry-After" in second.headers
            assert first.result().status_code == 503  # the slow one ran to its time limit


def test_sparqlwrapper_style_client(live_server):
    """What SPARQLWrapper sends: GET with query, format/output and an Accept header."""
    response = requests.get(f"{live_server}/sparql", params={"query": PAGES_ON_15, "format": "json", "output": "json",
                                                           "results": "json"},
                            headers={"Accept": "application/sparql-results+json,application/json,text/javascript"},
                            timeout=10)
    assert response.status_code == 200
    assert json.loads(response.text)["results"]["bindings"][0]["page"]["value"] == GOAL_15_PAGE
