"""Hostile and random input: every response a well-formed 2xx/3xx/4xx with the promised media type, never a 500,
never a hang; XML entities, remote JSON-LD contexts and oversized requests refused; the OpenAPI description in step
with the routes."""

from __future__ import annotations

import re
import socket
import string
import subprocess
import time

import pytest
import requests
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from publisher.config import Settings
from publisher.ingest.capture import NotATemplatePage, read_html_capture, read_text_capture
from publisher.release import build_release
from publisher.web.app import create_app
from tests.conftest import BASE, lodpub_command, running_server
from tests.web.test_sparql import Listener

HEADER_TEXT = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=200)
PATH_TEXT = st.text(alphabet=string.ascii_letters + string.digits + "-._~%/:;,=+!$&'()*@?#[] äöü", max_size=120)
FAST = hsettings(max_examples=150, deadline=3000, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def hostile_client():
    """One memory-backed app with a short query time limit, shared by the property tests."""
    settings = Settings(base_iri=BASE, query_timeout=2)
    return create_app(settings, build_release(settings)).test_client()


def assert_well_formed(response, allowed=(200, 301, 302, 304, 307, 308, 400, 404, 405, 406, 413, 414, 415, 429, 503)):
    assert response.status_code in allowed, (response.status_code, response.data[:300])
    assert response.headers.get("Content-Type") or response.status_code == 304


@FAST
@given(accept=HEADER_TEXT)
def test_any_accept_header(hostile_client, accept):
    response = hostile_client.get("/id/organization/stadt-dortmund", headers={"Accept": accept})
    assert_well_formed(response, (200, 406))
    if response.status_code == 200:
        assert response.mimetype in {"text/turtle", "application/ld+json", "application/n-triples",
                                     "application/rdf+xml", "text/html"}


@FAST
@given(language=HEADER_TEXT)
def test_any_accept_language(hostile_client, language):
    response = hostile_client.get("/id/organization/stadt-dortmund",
                                  headers={"Accept": "text/html", "Accept-Language": language})
    assert response.status_code == 200 and response.mimetype == "text/html"


@FAST
@given(path=PATH_TEXT, namespace=st.sampled_from(["id", "def", "shapes", "dumps", "catalog", ".well-known", "x"]))
def test_any_path(hostile_client, path, namespace):
    assert_well_formed(hostile_client.get(f"/{namespace}/{path}", headers={"Accept": "text/turtle"}))


@FAST
@given(params=st.dictionaries(HEADER_TEXT, HEADER_TEXT, max_size=4),
       target=st.sampled_from(["/id/organization/stadt-dortmund", "/sparql", "/catalog", "/", "/.well-known/void"]))
def test_any_query_parameters(hostile_client, params, target):
    assert_well_formed(hostile_client.get(target, query_string=params))


SPARQL_WORDS = st.sampled_from(["SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "{", "}", "(", ")", "?s", "?p",
                                "?o", "<http://schema.org/name>", "FILTER", "OPTIONAL", "UNION", "LIMIT", "10", ".",
                                ";", "*", "GRAPH", "SERVICE", "FROM", "PREFIX", "a", '"x"@de', "COUNT", "GROUP BY",
                                "ORDER BY", "BIND", "AS", "VALUES", "MINUS", "regex", "#", "\\u0053"])


@FAST
@given(query=st.one_of(st.text(max_size=300), st.lists(SPARQL_WORDS, max_size=30).map(" ".join)),
       accept=st.sampled_from(["*/*", "application/sparql-results+json", "text/csv", "text/turtle", "text/html", ""]))
def test_any_sparql_string(hostile_client, query, accept):
    assert_well_formed(hostile_client.get("/sparql", query_string={"query": query}, headers={"Accept": accept}))


@FAST
@given(body=st.binary(max_size=500),
       content_type=st.sampled_from(["application/sparql-query", "application/x-www-form-urlencoded", "text/plain",
                                     "multipart/form-data; boundary=x", "application/json", ""]))
def test_any_post_body(hostile_client, body, content_type):
    assert_well_formed(hostile_client.post("/sparql", data=body, content_type=content_type or None))


@hsettings(max_examples=300, deadline=2000)
@given(text=st.text(max_size=2000))
def test_capture_readers_take_any_text(text):
    for reader in (read_text_capture, read_html_capture):
        try:
            page = reader(text)
        except NotATemplatePage:
            continue
        assert page.title


# --- named hostile inputs ---------------------------------------------------------------------------------

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">
  <rdf:Description rdf:about="http://example.org/a"><ex:p>&lol9;</ex:p></rdf:Description>
</rdf:RDF>
"""


def validate_with_extra_file(source_copy, name: str, content: str) -> subprocess.CompletedProcess:
    (source_copy.data_dir / name).write_text(content, encoding="utf-8")
    return subprocess.run([*lodpub_command(), "validate", "--data", str(source_copy.data_dir)],
                          capture_output=True, text=True, timeout=60)


def test_billion_laughs_in_rdf_xml_is_refused(source_copy):
    started = time.monotonic()
    result = validate_with_extra_file(source_copy, "laughs.rdf", BILLION_LAUGHS)
    assert result.returncode == 2 and "laughs.rdf" in result.stderr
    assert time.monotonic() - started < 30


def test_external_entity_in_rdf_xml_is_never_read(source_copy, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    document = BILLION_LAUGHS.split("<!ENTITY lol ")[0] + f'<!ENTITY xxe SYSTEM "file://{secret}">\n]>' + \
        BILLION_LAUGHS.split("]>", 1)[1].replace("&lol9;", "&xxe;")
    result = validate_with_extra_file(source_copy, "xxe.rdf", document)
    assert result.returncode == 2
    assert "TOP-SECRET-VALUE" not in result.stdout + result.stderr


def test_remote_jsonld_context_is_never_fetched(source_copy):
    listener = Listener()
    document = ('{"@context": "http://127.0.0.1:%d/context.jsonld", "@id": "http://example.org/a", '
                '"name": "x"}' % listener.port)
    result = validate_with_extra_file(source_copy, "remote.jsonld", document)
    assert result.returncode == 2 and "remote.jsonld" in result.stderr
    assert listener.close() == 0


def test_html_capture_entities_are_not_expanded(tmp_path):
    page = ('<!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><html><body><p>Amt</p><ol><li>A</li>'
            '<li>B</li></ol><h1>Titel &xxe;</h1></body></html>')
    structure = read_html_capture(page)
    assert "root:" not in structure.title


def test_ten_megabyte_requests_are_refused():
    with running_server(workers=1) as (url, _):
        long_get = requests.get(f"{url}/sparql", params={"query": "SELECT * {} #" + "x" * 10_000_000}, timeout=30)
        assert long_get.status_code in (400, 414)
        big_post = requests.post(f"{url}/sparql", data={"query": "x" * 10_000_000}, timeout=30)
        assert big_post.status_code == 413
        assert requests.get(f"{url}/health", timeout=10).status_code == 200


def test_deeply_nested_filter_is_refused(hostile_client):
    query = "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }"
    response = hostile_client.post("/sparql", data={"query": query})
    assert response.status_code == 400 and "nests deeper" in response.text


def test_slow_clients_are_dropped_at_the_worker_timeout():
    """Sync workers are held by a client that sends its request slowly; gunicorn's worker timeout frees them."""
    with running_server(workers=1, query_timeout=1) as (url, _):
        host, port = url.split("//")[1].split(":")
        slow = socket.create_connection((host, int(port)))
        slow.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")  # and never finishes the headers
        started = time.monotonic()
        response = requests.get(f"{url}/health", timeout=60)
        assert response.status_code == 200
        assert time.monotonic() - started < 45
        slow.close()


# --- the OpenAPI description --------------------------------------------------------------------------------

def test_openapi_lists_exactly_the_routes(client):
    document = client.get("/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    documented = set(document["paths"])
    routes = {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule) for rule in client.application.url_map.iter_rules()}
    assert documented == routes
    for path, operations in document["paths"].items():
        for operation in operations.values():
            assert "200" in operation["responses"], path
    assert 'href="/openapi.json"' in client.get("/", headers={"Accept": "text/html"}).text


def test_openapi_media_types_are_what_the_server_sends(client):
    document = client.get("/openapi.json").get_json()
    promised = document["paths"]["/id/{rest}"]["get"]["responses"]["200"]["content"]
    for media_type in promised:
        response = client.get("/id/organization/stadt-dortmund", headers={"Accept": media_type})
        assert response.status_code == 200 and response.mimetype == media_type
