"""Catalog, VoID, dumps and sitemap: all from one dataset description, and each what its consumers expect."""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

import pyshacl
import pytest
import rdflib
import requests
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, RDF, VOID

from publisher.config import PROJECT_ROOT
from tests.conftest import BASE

REFERENCE = PROJECT_ROOT.parent / "shared" / "reference" / "shapes"
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SPDX = rdflib.Namespace("http://spdx.org/rdf/terms#")
# How the official validator combines the files for profile v30_de_spec (reference/shapes/dcat-ap-de/SOURCE.md);
# dcat-ap-de-imports.ttl holds only remote owl:imports and is skipped offline.
OFFICIAL_SHAPES = [
    "dcat-ap-3/3.0.0/dcat-ap-SHACL.ttl",
    "dcat-ap-de/v3.0/dcat-ap-SHACL-DE.ttl",
    "dcat-ap-de/v3.0/dcat-ap-de-deprecated.ttl",
    "dcat-ap-de/v3.0/dcat-ap-spec-german-additions.ttl",
    "dcat-ap-de/v3.0/dcat-ap-de-controlledvocabularies.ttl",
]


def turtle(client, path: str) -> rdflib.Graph:
    response = client.get(path, headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    return rdflib.Graph().parse(data=response.data, format="turtle")


@pytest.mark.skipif(not REFERENCE.is_dir(), reason="shared/reference/shapes is not beside the project")
def test_catalog_passes_official_dcat_ap_de_shapes(client):
    shapes = rdflib.Graph()
    for name in OFFICIAL_SHAPES:
        shapes.parse(REFERENCE / name)
    data = turtle(client, "/catalog")
    # Controlled vocabularies go into the data graph (SOURCE.md): the licence list, and the EU table entries we use.
    data.parse(REFERENCE / "dcat-ap-de/vocab/dcat-ap-de-licenses-open.rdf")
    data.parse(FIXTURES / "eu-authority-excerpt.ttl")
    conforms, _, report = pyshacl.validate(data, shacl_graph=shapes, inference="none")
    assert conforms, report


def test_catalog_distributions_match_the_dumps(client):
    catalog = turtle(client, "/catalog")
    distributions = list(catalog.subjects(RDF.type, DCAT.Distribution))
    downloads = [d for d in distributions if catalog.value(d, DCAT.downloadURL)]
    assert len(downloads) == 4
    for distribution in downloads:
        url = str(catalog.value(distribution, DCAT.downloadURL))
        assert url.startswith(BASE)
        body = client.get("/" + url[len(BASE):]).data
        assert int(catalog.value(distribution, DCAT.byteSize)) == len(body)
        checksum = catalog.value(distribution, SPDX.checksum)
        assert str(catalog.value(checksum, SPDX.checksumValue)) == hashlib.sha256(body).hexdigest()
        assert catalog.value(distribution, DCTERMS.license) == rdflib.URIRef("http://dcat-ap.de/def/licenses/dl-by-de/2.0")
    service = catalog.value(None, RDF.type, DCAT.DataService)
    assert catalog.value(service, DCAT.endpointURL) == rdflib.URIRef(BASE + "sparql")


@pytest.mark.parametrize("key,rdflib_format", [("ttl", "turtle"), ("nt", "nt")])
def test_graph_dumps_equal_the_store(client, store, key, rdflib_format):
    response = client.get(f"/dumps/dataset.{key}.gz")
    assert response.status_code == 200 and response.mimetype == "application/gzip"
    graph = rdflib.Graph().parse(data=gzip.decompress(response.data), format=rdflib_format)
    assert len(graph) == store.triple_count()
    reference = rdflib.Graph().parse(data=gzip.decompress(client.get("/dumps/dataset.nt.gz").data), format="nt")
    assert isomorphic(graph, reference)


@pytest.mark.parametrize("key,rdflib_format", [("nq", "nquads"), ("jsonld", "json-ld")])
def test_dataset_dumps_keep_the_named_graphs(client, store, key, rdflib_format):
    dataset = rdflib.Dataset()
    dataset.parse(data=gzip.decompress(client.get(f"/dumps/dataset.{key}.gz").data), format=rdflib_format)
    quads = sum(1 for _ in store.quads())
    assert len(list(dataset.quads((None, None, None, None)))) == quads
    assert {str(g) for g in store.graph_names()} <= {str(c.identifier) for c in dataset.graphs()}


def test_void_describes_the_dataset(client, store):
    void = turtle(client, "/.well-known/void")
    dataset = void.value(None, VOID.sparqlEndpoint, rdflib.URIRef(BASE + "sparql"))
    assert dataset is not None
    assert int(void.value(dataset, VOID.triples)) == store.triple_count()
    assert str(void.value(dataset, VOID.uriSpace)) == BASE + "id/"
    assert len(list(void.objects(dataset, VOID.dataDump))) == 4
    assert len(list(void.objects(dataset, VOID.classPartition))) > 10
    assert len(list(void.objects(dataset, VOID.propertyPartition))) > 20
    targets = {str(void.value(linkset, VOID.objectsTarget)) for linkset in void.objects(dataset, VOID.subset)}
    assert targets == {"http://www.wikidata.org/", "http://sws.geonames.org/", "http://metadata.un.org/sdg"}
    # the same dataset description as the catalog's
    catalog = turtle(client, "/catalog")
    assert void.value(dataset, DCTERMS.title) is not None
    assert set(void.objects(dataset, DCTERMS.title)) == set(catalog.objects(dataset, DCTERMS.title))


def test_sitemap_and_robots(client):
    sitemap = client.get("/sitemap.xml")
    assert sitemap.status_code == 200
    assert "<loc>http://localhost/id/organization/buero-internationale-beziehungen</loc>" in sitemap.text
    assert "<loc>http://localhost/def/Partnership</loc>" in sitemap.text
    robots = client.get("/robots.txt").text
    assert "Sitemap: http://localhost/sitemap.xml" in robots


def test_unknown_dump_is_404(client):
    assert client.get("/dumps/dataset.xls.gz").status_code == 404


def test_live_server_keeps_canonical_iris_on_another_host(live_server):
    """gunicorn serves on 127.0.0.1 while the data's base is https://lod.dortmund.de/."""
    office = "id/organization/buero-internationale-beziehungen"
    response = requests.get(f"{live_server}/{office}", headers={"Accept": "text/turtle"}, timeout=10)
    graph = rdflib.Graph().parse(data=response.content, format="turtle")
    assert (rdflib.URIRef(BASE + office), None, None) in graph
    assert not any(str(s).startswith(live_server) for s in graph.subjects())
    page = requests.get(f"{live_server}/{office}", headers={"Accept": "text/html"}, timeout=10).text
    assert f'href="{live_server}/id/organization/amt-oberbuergermeister-rat"' in page
