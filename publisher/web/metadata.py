"""/catalog (DCAT-AP.de), /.well-known/void, dumps, /sitemap.xml and /robots.txt, all built from one source: the
dataset description in the store plus what the data version determines (sizes, checksums, counts)."""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from xml.sax.saxutils import escape

import pyoxigraph as ox
from flask import Blueprint, Response, abort, current_app, request

from publisher.web import formats
from publisher.web.html import local_url
from publisher.web.http import Representation, send
from publisher.web.resources import check_params

bp = Blueprint("metadata", __name__)

N, L, T = ox.NamedNode, ox.Literal, ox.Triple
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
DCAT, DCT, VOID = formats.PREFIXES["dcat"], formats.PREFIXES["dct"], formats.PREFIXES["void"]
SPDX = formats.PREFIXES["spdx"]
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
IANA = "http://www.iana.org/assignments/media-types/"
LINK_TARGETS = {  # VoID linksets: target dataset IRI -> its URI space
    "http://www.wikidata.org/": "http://www.wikidata.org/entity/",
    "http://sws.geonames.org/": "http://sws.geonames.org/",
    "http://metadata.un.org/sdg": "http://metadata.un.org/sdg/",
}
SITEMAP_LIMIT = 50_000


@dataclass(frozen=True)
class Dump:
    key: str
    label: str
    media_type: str
    file_type: str  # EU file-type authority table code
    ox_format: ox.RdfFormat
    named_graphs: bool  # quads with their source graphs, or the union graph as triples

    @property
    def path(self) -> str:
        return f"dumps/dataset.{self.key}.gz"


DUMPS = (
    Dump("ttl", "Turtle", "text/turtle", "RDF_TURTLE", ox.RdfFormat.TURTLE, False),
    Dump("nt", "N-Triples", "application/n-triples", "RDF_N_TRIPLES", ox.RdfFormat.N_TRIPLES, False),
    Dump("nq", "N-Quads", "application/n-quads", "RDF_N_QUADS", ox.RdfFormat.N_QUADS, True),
    Dump("jsonld", "JSON-LD", "application/ld+json", "JSON_LD", ox.RdfFormat.JSON_LD, True),
)
DUMPS_BY_KEY = {d.key: d for d in DUMPS}


def _publication():
    return current_app.extensions["lodpub"]


def dump_representation(dump: Dump) -> Representation:
    """The gzip-compressed dump, made once per data version: quads with their graphs, or the union graph."""
    publication = _publication()

    def make():
        store = publication.store
        if dump.named_graphs:
            body = ox.serialize(store.quads(), format=dump.ox_format)
        else:
            triples = dict.fromkeys(T(q.subject, q.predicate, q.object) for q in store.quads())
            body = ox.serialize(triples, format=dump.ox_format, prefixes=formats.deployment_prefixes(publication.base))
        return Representation(gzip.compress(body, mtime=0), "application/gzip",
                              headers={"Content-Disposition": f'attachment; filename="dataset.{dump.key}.gz"'})

    return publication.cache.get(("dump", publication.store.version, dump.key), make)


def _described(query: str) -> list[ox.Triple]:
    return list(_publication().store.query(query))


def dataset_iris() -> list[str]:
    rows = _publication().store.query(f"SELECT ?d WHERE {{ ?d a <{DCAT}Dataset> }} ORDER BY ?d")
    return [row["d"].value for row in rows]


def catalog_triples() -> list[ox.Triple]:
    """DCAT-AP.de: the catalog, its datasets and their publishers and contact points from the store, plus one
    distribution per dump (size, checksum) and the SPARQL endpoint as a data service."""
    publication = _publication()
    base, store = publication.base, publication.store
    catalog, sparql = N(f"{base}catalog"), N(f"{base}sparql")
    service = N(f"{base}catalog#sparql-endpoint")
    triples = _described(f"""DESCRIBE ?x WHERE {{
        {{ ?x a <{DCAT}Catalog> }} UNION {{ ?x a <{DCAT}Dataset> }} UNION {{ ?d a <{DCAT}Dataset> ; <{DCT}publisher>|<{DCT}creator>|<{DCT}spatial> ?x }}
    }}""")
    modified = L(store.modified.strftime("%Y-%m-%dT%H:%M:%SZ"), datatype=N(f"{XSD}dateTime"))
    licence = next((t.object for t in triples if t.predicate == N(f"{DCT}license") and t.subject == catalog), None)
    publisher = next((t.object for t in triples if t.predicate == N(f"{DCT}publisher") and t.subject == catalog), None)
    triples += [T(catalog, N(f"{DCT}modified"), modified), T(catalog, N(f"{DCAT}service"), service),
                T(service, N(f"{RDF}type"), N(f"{DCAT}DataService")),
                T(service, N(f"{DCT}title"), L("SPARQL-Endpunkt", language="de")),
                T(service, N(f"{DCT}title"), L("SPARQL endpoint", language="en")),
                T(service, N(f"{DCAT}endpointURL"), sparql),
                T(service, N(f"{DCAT}endpointDescription"), sparql),
                T(service, N(f"{DCT}conformsTo"), N("https://www.w3.org/TR/sparql11-protocol/"))]
    if licence is not None:
        triples.append(T(service, N(f"{DCT}license"), licence))
    if publisher is not None:
        triples.append(T(service, N(f"{DCT}publisher"), publisher))
    for dataset_iri in dataset_iris():
        dataset = N(dataset_iri)
        triples += [T(service, N(f"{DCAT}servesDataset"), dataset), T(dataset, N(f"{DCT}modified"), modified)]
        dataset_licence = next((t.object for t in triples if t.subject == dataset and t.predicate == N(f"{DCT}license")),
                               licence)
        for dump in DUMPS:
            triples += distribution_triples(dataset, dump, dataset_licence, modified)
        endpoint_distribution = N(f"{base}catalog#distribution-sparql")
        triples += [T(dataset, N(f"{DCAT}distribution"), endpoint_distribution),
                    T(endpoint_distribution, N(f"{RDF}type"), N(f"{DCAT}Distribution")),
                    T(endpoint_distribution, N(f"{DCT}title"), L("SPARQL-Endpunkt", language="de")),
                    T(endpoint_distribution, N(f"{DCAT}accessURL"), sparql),
                    T(endpoint_distribution, N(f"{DCAT}accessService"), service)]
        if dataset_licence is not None:
            triples.append(T(endpoint_distribution, N(f"{DCT}license"), dataset_licence))
    return list(dict.fromkeys(triples))


def distribution_triples(dataset: ox.NamedNode, dump: Dump, licence, modified) -> list[ox.Triple]:
    base = _publication().base
    body = dump_representation(dump).body
    distribution, checksum = N(f"{base}catalog#distribution-{dump.key}"), ox.BlankNode(f"checksum{dump.key}")
    url = N(f"{base}{dump.path}")
    triples = [
        T(dataset, N(f"{DCAT}distribution"), distribution),
        T(distribution, N(f"{RDF}type"), N(f"{DCAT}Distribution")),
        T(distribution, N(f"{DCT}title"), L(f"Gesamter Datensatz als {dump.label} (gzip)", language="de")),
        T(distribution, N(f"{DCT}title"), L(f"Whole dataset as {dump.label} (gzip)", language="en")),
        T(distribution, N(f"{DCAT}accessURL"), url),
        T(distribution, N(f"{DCAT}downloadURL"), url),
        T(distribution, N(f"{DCAT}mediaType"), N(f"{IANA}{dump.media_type}")),
        T(distribution, N(f"{DCAT}compressFormat"), N(f"{IANA}application/gzip")),
        T(distribution, N(f"{DCT}format"), N(f"{FILE_TYPE}{dump.file_type}")),
        T(distribution, N(f"{DCAT}byteSize"), L(str(len(body)), datatype=N(f"{XSD}nonNegativeInteger"))),
        T(distribution, N(f"{DCT}modified"), modified),
        T(distribution, N(f"{SPDX}checksum"), checksum),
        T(checksum, N(f"{RDF}type"), N(f"{SPDX}Checksum")),
        T(checksum, N(f"{SPDX}algorithm"), N(f"{SPDX}checksumAlgorithm_sha256")),
        T(checksum, N(f"{SPDX}checksumValue"), L(hashlib.sha256(body).hexdigest(), datatype=N(f"{XSD}hexBinary"))),
    ]
    if licence is not None:
        triples.append(T(distribution, N(f"{DCT}license"), licence))
    return triples


def void_triples() -> list[ox.Triple]:
    """VoID for each dataset: sizes, class and property partitions, URI space, endpoint, dumps and linksets."""
    publication = _publication()
    base, store = publication.base, publication.store
    triples = _described(f"DESCRIBE ?d WHERE {{ ?d a <{DCAT}Dataset> }}")

    def count(query: str) -> int:
        return int(next(iter(store.query(query)))["n"].value)

    for dataset_iri in dataset_iris():
        dataset = N(dataset_iri)

        def add(predicate: str, obj, subject=dataset):
            triples.append(T(subject, N(predicate), obj))
        add(f"{RDF}type", N(f"{VOID}Dataset"))
        add(f"{VOID}triples", integer(store.triple_count()))
        add(f"{VOID}distinctSubjects", integer(count("SELECT (COUNT(DISTINCT ?s) AS ?n) { ?s ?p ?o }")))
        add(f"{VOID}distinctObjects", integer(count("SELECT (COUNT(DISTINCT ?o) AS ?n) { ?s ?p ?o }")))
        add(f"{VOID}properties", integer(count("SELECT (COUNT(DISTINCT ?p) AS ?n) { ?s ?p ?o }")))
        add(f"{VOID}classes", integer(count("SELECT (COUNT(DISTINCT ?c) AS ?n) { ?s a ?c }")))
        add(f"{VOID}entities", integer(count(f'SELECT (COUNT(DISTINCT ?s) AS ?n) {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{base}id/")) }}')))
        add(f"{VOID}uriSpace", L(f"{base}id/"))
        add(f"{VOID}sparqlEndpoint", N(f"{base}sparql"))
        add(f"{VOID}feature", N("http://www.w3.org/ns/formats/Turtle"))
        add(f"{VOID}feature", N("http://www.w3.org/ns/formats/JSON-LD"))
        add(f"{VOID}feature", N("http://www.w3.org/ns/formats/N-Triples"))
        add(f"{VOID}feature", N("http://www.w3.org/ns/formats/RDF_XML"))
        add(f"{VOID}rootResource", N(f"{base}catalog"))
        for dump in DUMPS:
            add(f"{VOID}dataDump", N(f"{base}{dump.path}"))
        for ns in sorted(set(formats.PREFIXES.values())):
            if bool(store.query(f'ASK {{ ?s ?p ?o FILTER(STRSTARTS(STR(?p), "{ns}")) }}')):
                add(f"{VOID}vocabulary", N(ns))
        for row in store.query("SELECT ?c (COUNT(DISTINCT ?s) AS ?n) { ?s a ?c } GROUP BY ?c ORDER BY ?c"):
            part = ox.BlankNode(f"class{hashlib.sha1(row['c'].value.encode()).hexdigest()[:12]}")
            add(f"{VOID}classPartition", part)
            add(f"{VOID}class", row["c"], part)
            add(f"{VOID}entities", integer(row["n"].value), part)
        for row in store.query("SELECT ?p (COUNT(*) AS ?n) { ?s ?p ?o } GROUP BY ?p ORDER BY ?p"):
            part = ox.BlankNode(f"property{hashlib.sha1(row['p'].value.encode()).hexdigest()[:12]}")
            add(f"{VOID}propertyPartition", part)
            add(f"{VOID}property", row["p"], part)
            add(f"{VOID}triples", integer(row["n"].value), part)
        for target, space in LINK_TARGETS.items():
            links = f'?s ?p ?o FILTER(isIRI(?o) && STRSTARTS(STR(?o), "{space}") && !STRSTARTS(STR(?s), "{space}"))'
            for row in store.query(f"SELECT ?p (COUNT(*) AS ?n) {{ {links} }} GROUP BY ?p ORDER BY ?p"):
                name = row["p"].value.rsplit("/", 1)[-1].rsplit("#", 1)[-1]
                linkset = N(f"{base}.well-known/void#links-{space.split('/')[2]}-{name}")
                add(f"{VOID}subset", linkset)
                add(f"{RDF}type", N(f"{VOID}Linkset"), linkset)
                add(f"{VOID}subjectsTarget", dataset, linkset)
                add(f"{VOID}objectsTarget", N(target), linkset)
                add(f"{VOID}linkPredicate", row["p"], linkset)
                add(f"{VOID}triples", integer(row["n"].value), linkset)
                add(f"{RDF}type", N(f"{VOID}Dataset"), N(target))
                add(f"{VOID}uriSpace", L(space), N(target))
    return list(dict.fromkeys(triples))


def integer(n) -> ox.Literal:
    return L(str(n), datatype=N(f"{XSD}integer"))


def graph_endpoint(name: str, title: str, triples_of):
    check_params({"format"})
    fmt = formats.negotiate(request.headers.get("Accept", ""), formats.RESOURCE_FORMATS, request.args.get("format"))
    rep = _publication().graph_document(name, title, triples_of, fmt)
    return send(rep, vary="" if request.args.get("format") else "Accept")


@bp.route("/catalog", methods=["GET", "HEAD"])
def catalog():
    return graph_endpoint("catalog", "DCAT-AP.de", catalog_triples)


@bp.route("/.well-known/void", methods=["GET", "HEAD"])
def void():
    return graph_endpoint("void", "VoID", void_triples)


@bp.route("/dumps/dataset.<key>.gz", methods=["GET", "HEAD"])
def dump(key: str):
    check_params(set())
    if key not in DUMPS_BY_KEY:
        abort(404, f"No dump in that format. Available: {', '.join(d.path for d in DUMPS)}")
    return send(dump_representation(DUMPS_BY_KEY[key]), vary="", compress=False)


def dereferenceable_iris(store, base: str, limit: int | None = None) -> list[str]:
    """Every IRI the server answers under /id/, /def/ and /shapes/ (hash IRIs are answered by their document)."""
    rows = store.query(f"""SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(isIRI(?s) && (
        STRSTARTS(STR(?s), "{base}id/") || STRSTARTS(STR(?s), "{base}def/") || STRSTARTS(STR(?s), "{base}shapes/"))
        && !CONTAINS(STR(?s), "#")) }} ORDER BY ?s {f"LIMIT {limit}" if limit else ""}""")
    return [row["s"].value for row in rows]


@bp.route("/sitemap.xml", methods=["GET", "HEAD"])
def sitemap():
    check_params(set())
    publication = _publication()
    base, host = publication.base, request.host_url

    def make():
        lastmod = publication.store.modified.strftime("%Y-%m-%d")
        entries = "".join(f"<url><loc>{escape(local_url(iri, base, host))}</loc><lastmod>{lastmod}</lastmod></url>\n"
                          for iri in dereferenceable_iris(publication.store, base, SITEMAP_LIMIT))
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{entries}</urlset>\n')
        return Representation(body.encode(), "application/xml")

    return send(publication.cache.get(("sitemap", publication.store.version, host), make), vary="")


@bp.route("/robots.txt", methods=["GET", "HEAD"])
def robots():
    body = f"User-agent: *\nDisallow: /sparql?\nAllow: /\nSitemap: {request.host_url}sitemap.xml\n"
    return Response(body, content_type="text/plain; charset=utf-8")
