"""Dereferencing: every format by Accept, by suffix and by ?format= gives the same graph; HTTP semantics hold."""

from __future__ import annotations

import gzip

import pytest
import rdflib
from rdflib.compare import isomorphic

from tests.conftest import BASE

OFFICE = "/id/organization/buero-internationale-beziehungen"
RDF_TYPES = {
    "text/turtle": ("ttl", "turtle"),
    "application/ld+json": ("jsonld", "json-ld"),
    "application/n-triples": ("nt", "nt"),
    "application/rdf+xml": ("rdf", "xml"),
}


def parse(body: bytes, rdflib_format: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=body, format=rdflib_format)


def graphs_by_every_route(client, path: str) -> list[rdflib.Graph]:
    graphs = []
    for media_type, (suffix, rdflib_format) in RDF_TYPES.items():
        # Namespace IRIs ending in "/" name their formats by ?format= only.
        by_suffix = [] if path.endswith("/") else [client.get(f"{path}.{suffix}")]
        for response in (client.get(path, headers={"Accept": media_type}), *by_suffix,
                         client.get(f"{path}?format={suffix}", headers={"Accept": "text/html"})):
            assert response.status_code == 200, (media_type, response.status_code)
            assert response.mimetype == media_type
            graphs.append(parse(response.data, rdflib_format))
    return graphs


@pytest.mark.parametrize("path", [OFFICE, "/id/site/betenstrasse-19", "/id/sdg/15", "/def/", "/def/Partnership",
                                  "/shapes/Address", "/id/partnership/dortmund-dabola"])
def test_every_format_by_every_route_is_isomorphic(client, path):
    graphs = graphs_by_every_route(client, path)
    assert len(graphs[0]) > 5
    for graph in graphs[1:]:
        assert isomorphic(graphs[0], graph)


def test_description_has_cbd_labels_and_incoming_links(client):
    graph = parse(client.get(OFFICE, headers={"Accept": "text/turtle"}).data, "turtle")
    office = rdflib.URIRef(BASE + OFFICE[1:])
    locn = rdflib.Namespace("http://www.w3.org/ns/locn#")
    org = rdflib.Namespace("http://www.w3.org/ns/org#")
    skos = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
    schema = rdflib.Namespace("http://schema.org/")
    # its own triples, canonical IRIs although the client called another host
    assert (office, skos.prefLabel, rdflib.Literal("Büro für Internationale Beziehungen", lang="de")) in graph
    # its parts under its own path: the vCard contact point and its address
    contact = graph.value(office, schema.contactPoint)
    assert str(contact).startswith(str(office) + "/")
    address = graph.value(contact, rdflib.URIRef("http://www.w3.org/2006/vcard/ns#hasAddress"))
    assert graph.value(address, rdflib.URIRef("http://www.w3.org/2006/vcard/ns#postal-code")) == rdflib.Literal("44135")
    # labels and types of linked resources
    amt = graph.value(office, org.unitOf)
    assert graph.value(amt, skos.prefLabel) is not None and (amt, rdflib.RDF.type, org.OrganizationalUnit) in graph
    # incoming links
    assert (rdflib.URIRef(BASE + "id/person/martin-van-der-puetten"), org.headOf, office) in graph
    # a site's address is in its own description
    site = parse(client.get("/id/site/betenstrasse-19.ttl").data, "turtle")
    assert set(site.objects(None, locn.postCode)) == {rdflib.Literal("44135")}


def test_incoming_links_are_paged(app, settings, store):
    from publisher.web.app import create_app

    small_pages = create_app(settings.with_(incoming_page_size=3), store).test_client()
    first = small_pages.get("/id/capture/dortmund-international", headers={"Accept": "text/html"})
    assert first.status_code == 200 and "?page=2" in first.text
    one = parse(small_pages.get("/id/capture/dortmund-international.nt").data, "nt")
    two = parse(small_pages.get("/id/capture/dortmund-international.nt?page=2").data, "nt")
    capture = rdflib.URIRef(BASE + "id/capture/dortmund-international")
    page_one, page_two = set(one.subject_predicates(capture)), set(two.subject_predicates(capture))
    assert len(page_one) == 3 and len(page_two) == 3 and not page_one & page_two


def test_wildcards_and_q_values(client):
    assert client.get(OFFICE, headers={"Accept": "*/*"}).mimetype == "text/turtle"
    assert client.get(OFFICE).mimetype == "text/turtle"
    assert client.get(OFFICE, headers={"Accept": "application/*"}).mimetype.startswith("application/")
    assert client.get(OFFICE, headers={"Accept": "application/json"}).mimetype == "application/ld+json"
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    assert client.get(OFFICE, headers={"Accept": browser}).mimetype == "text/html"
    picky = "text/turtle;q=0.2, application/n-triples;q=0.9, text/html;q=0.1"
    assert client.get(OFFICE, headers={"Accept": picky}).mimetype == "application/n-triples"


def test_negotiation_headers(client):
    response = client.get(OFFICE, headers={"Accept": "application/ld+json"})
    assert "Accept" in response.headers["Vary"]
    assert response.headers["Content-Location"] == f"{OFFICE}.jsonld"
    links = response.headers["Link"]
    for suffix, media_type in (("ttl", "text/turtle"), ("jsonld", "application/ld+json"), ("nt", "application/n-triples"),
                               ("rdf", "application/rdf+xml"), ("html", "text/html")):
        assert f'<{OFFICE}.{suffix}>; rel="alternate"; type="{media_type}"' in links
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_jsonld_is_compact_with_the_published_context(client):
    body = client.get(f"{OFFICE}.jsonld").get_json()
    context = client.get("/context.jsonld").get_json()["@context"]
    assert body["@context"] == context
    assert "org:unitOf" in str(body)


def test_unsupported_type_is_406_listing_formats(client):
    response = client.get(OFFICE, headers={"Accept": "image/png"})
    assert response.status_code == 406
    for media_type in RDF_TYPES:
        assert media_type in response.text
    assert client.get(f"{OFFICE}?format=pdf").status_code == 406


def test_unknown_resource_is_404_in_negotiated_format(client):
    turtle = client.get("/id/organization/nowhere", headers={"Accept": "text/turtle"})
    assert turtle.status_code == 404 and turtle.mimetype == "text/turtle"
    assert len(parse(turtle.data, "turtle")) == 0
    page = client.get("/id/organization/nowhere", headers={"Accept": "text/html"})
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert client.get("/id/organization/nowhere.jsonld").mimetype == "application/ld+json"


def test_conditional_get_and_head(client):
    first = client.get(OFFICE, headers={"Accept": "text/turtle"})
    etag = first.headers["ETag"]
    assert first.headers["Last-Modified"] and "max-age" in first.headers["Cache-Control"]
    again = client.get(OFFICE, headers={"Accept": "text/turtle", "If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    other_format = client.get(OFFICE, headers={"Accept": "application/n-triples", "If-None-Match": etag})
    assert other_format.status_code == 200
    head = client.head(OFFICE, headers={"Accept": "text/turtle"})
    assert head.status_code == 200 and head.data == b"" and head.headers["ETag"] == etag
    assert int(head.headers["Content-Length"]) == len(first.data)


def test_gzip_for_large_bodies(client):
    plain = client.get("/def/", headers={"Accept": "text/turtle"})
    zipped = client.get("/def/", headers={"Accept": "text/turtle", "Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.data) == plain.data
    assert zipped.headers["ETag"] != plain.headers["ETag"]


@pytest.mark.parametrize("path", [
    "/id/..%2f..%2fetc%2fpasswd", "/id/../../etc/passwd", "/id/%00", "/id/a%3Cb%3E", "/id/x.exe", "/id/" + "a" * 5000,
    "/shapes/..%2F..%2Fpyproject.toml", "/id/organization/stadt-dortmund%20FILTER",
])
def test_hostile_paths_are_4xx(client, path):
    response = client.get(path, headers={"Accept": "text/turtle"})
    assert 400 <= response.status_code < 500
    assert b"[build-system]" not in response.data and b"root:" not in response.data


def test_unknown_query_parameter_is_400(client):
    response = client.get(f"{OFFICE}?foo=1")
    assert response.status_code == 400 and "foo" in response.text
    assert client.get(f"{OFFICE}?page=0").status_code == 400
    assert client.get(f"{OFFICE}?page=abc").status_code == 400


@pytest.mark.parametrize("accept", ["", ";;;", "text/turtle;q=abc", "*/*;q=0", "garbage", "text/html;level=1;q=0.5, */*;q=0.1"])
def test_odd_accept_headers_never_500(client, accept):
    response = client.get(OFFICE, headers={"Accept": accept})
    assert response.status_code in (200, 406)


def test_html_page(client):
    page = client.get(OFFICE, headers={"Accept": "text/html", "Accept-Language": "en"})
    assert page.status_code == 200
    html = page.text
    assert "<h1>Office for International Relations</h1>" in html
    assert '<script type="application/ld+json">' in html
    assert 'href="http://localhost/id/organization/amt-oberbuergermeister-rat"' in html  # links stay on this host
    assert "Martin van der Pütten" in html  # incoming link with its label
    assert "<script src" not in html and "cdn" not in html.lower()
    german = client.get(OFFICE, headers={"Accept": "text/html", "Accept-Language": "de"}).text
    assert "<h1>Büro für Internationale Beziehungen</h1>" in german
    ontology = client.get("/def/", headers={"Accept": "text/html"}).text
    assert "Partnerschaft" in ontology and "/def/Partnership" in ontology


def test_landing_page(client):
    page = client.get("/", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "Dortmund International" in page.text
    assert "org:OrganizationalUnit" in page.text and "/sparql" in page.text and "/catalog" in page.text
