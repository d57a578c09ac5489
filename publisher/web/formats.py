"""The table of RDF media types, suffixes and serializers, and negotiation with werkzeug's Accept classes."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pyoxigraph as ox
import rdflib
from functools import lru_cache

from werkzeug.datastructures import MIMEAccept

from publisher.model.sources import rdflib_term
from werkzeug.http import parse_accept_header

# Prefixes used in Turtle output and as the published JSON-LD @context. `base` is added per deployment.
PREFIXES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dct": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "dcatde": "http://dcat-ap.de/def/dcatde/",
    "void": "http://rdfs.org/ns/void#",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "org": "http://www.w3.org/ns/org#",
    "cv": "http://data.europa.eu/m8g/",
    "locn": "http://www.w3.org/ns/locn#",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "schema": "http://schema.org/",
    "prov": "http://www.w3.org/ns/prov#",
    "sh": "http://www.w3.org/ns/shacl#",
    "spdx": "http://spdx.org/rdf/terms#",
}


def deployment_prefixes(base_iri: str) -> dict[str, str]:
    """The shared prefixes plus the deployment's own namespaces."""
    return {**PREFIXES, "lp": f"{base_iri}def/"}


@dataclass(frozen=True)
class Format:
    """One representation of a graph: how it is named in URLs and headers, and how its bytes are made."""

    key: str  # the suffix and the ?format= value
    media_type: str
    label: str
    ox_format: ox.RdfFormat | ox.QueryResultsFormat | None  # None where rendered otherwise (HTML, compact JSON-LD)
    aliases: tuple[str, ...] = ()

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8" if self.media_type.startswith("text/") else self.media_type


TURTLE = Format("ttl", "text/turtle", "Turtle", ox.RdfFormat.TURTLE, ("application/x-turtle",))
JSONLD = Format("jsonld", "application/ld+json", "JSON-LD", None, ("application/json",))
NTRIPLES = Format("nt", "application/n-triples", "N-Triples", ox.RdfFormat.N_TRIPLES)
RDFXML = Format("rdf", "application/rdf+xml", "RDF/XML", ox.RdfFormat.RDF_XML, ("application/xml", "text/xml"))
HTML = Format("html", "text/html", "HTML", None, ("application/xhtml+xml",))

RESULTS_JSON = Format("json", "application/sparql-results+json", "JSON", ox.QueryResultsFormat.JSON, ("application/json",))
RESULTS_XML = Format("xml", "application/sparql-results+xml", "XML", ox.QueryResultsFormat.XML,
                     ("application/xml", "text/xml"))
RESULTS_CSV = Format("csv", "text/csv", "CSV", ox.QueryResultsFormat.CSV)
RESULTS_TSV = Format("tsv", "text/tab-separated-values", "TSV", ox.QueryResultsFormat.TSV)

# Order matters: for "*/*" or a missing Accept header the first one wins.
RDF_FORMATS = (TURTLE, JSONLD, NTRIPLES, RDFXML)
RESOURCE_FORMATS = (*RDF_FORMATS, HTML)
SOLUTION_FORMATS = (RESULTS_JSON, RESULTS_XML, RESULTS_CSV, RESULTS_TSV, HTML)
BOOLEAN_FORMATS = (RESULTS_JSON, RESULTS_XML, HTML)
BY_KEY = {f.key: f for f in RESOURCE_FORMATS}


class NotAcceptable(Exception):
    """No offered format satisfies the request; carries what is available."""

    def __init__(self, offered: tuple[Format, ...]):
        self.offered = offered
        super().__init__("Not acceptable. Available: " + ", ".join(f.media_type for f in offered))


def by_name(name: str, offered: tuple[Format, ...]) -> Format | None:
    """A format named by suffix key or by media type (for ?format=)."""
    for fmt in offered:
        if name == fmt.key or name == fmt.media_type or name in fmt.aliases:
            return fmt
    return None


def negotiate(accept: str, offered: tuple[Format, ...], explicit: str | None = None) -> Format:
    """Pick a format: an explicit suffix or ?format= wins, else the Accept header (werkzeug's parser, q-values and
    wildcards). Clients repeat the same few headers, so answers are remembered per header."""
    return _negotiate(accept or "", offered, explicit)


@lru_cache(maxsize=1024)
def _negotiate(header: str, offered: tuple[Format, ...], explicit: str | None) -> Format:
    accept = parse_accept_header(header, MIMEAccept)
    if explicit is not None:
        fmt = by_name(explicit, offered)
        if fmt is None:
            raise NotAcceptable(offered)
        return fmt
    if not accept:
        return offered[0]
    best = accept.best_match([fmt.media_type for fmt in offered])
    if best is not None:
        return by_name(best, offered)
    # Aliases (application/json, application/x-turtle, …) count only when named exactly, never through a wildcard,
    # so a client asking for application/* is not sent text/turtle.
    named = {value for value, quality in accept if quality > 0}
    for fmt in offered:
        if named.intersection(fmt.aliases):
            return fmt
    raise NotAcceptable(offered)


def format_urls(path: str) -> dict[Format, str]:
    """The URL of every format of this resource: by suffix, or by ?format= for namespace IRIs ending in '/'."""
    if path.endswith("/"):
        return {f: f"{path}?format={f.key}" for f in RESOURCE_FORMATS}
    return {f: f"{path}.{f.key}" for f in RESOURCE_FORMATS}


def jsonld_context(base_iri: str) -> dict:
    """The published @context: prefixes only, so any client can expand the compact form without guessing."""
    return {"@context": deployment_prefixes(base_iri)}


def _stable(value):
    """JSON-LD in a fixed order (rdflib's follows set iteration), so equal graphs give equal bytes and ETags.
    Arrays in JSON-LD are unordered unless @list, which our data does not use."""
    if isinstance(value, dict):
        return {key: _stable(item) for key, item in value.items()}
    if isinstance(value, list):
        return sorted((_stable(item) for item in value), key=lambda item: json.dumps(item, sort_keys=True))
    return value


def serialize_triples(triples: list[ox.Triple], fmt: Format, base_iri: str) -> bytes:
    """Bytes of a graph in an RDF format. Called once per (resource, format, data version), never per request."""
    if fmt is JSONLD:
        # pyoxigraph writes expanded JSON-LD only; rdflib compacts against our own context (no remote fetch).
        graph = rdflib.Graph()
        for t in triples:
            graph.add((rdflib_term(t.subject), rdflib_term(t.predicate), rdflib_term(t.object)))
        compact = graph.serialize(format="json-ld", context=jsonld_context(base_iri)["@context"], auto_compact=True)
        return json.dumps(_stable(json.loads(compact)), ensure_ascii=False, indent=1, sort_keys=True).encode()
    return ox.serialize(triples, format=fmt.ox_format, prefixes=deployment_prefixes(base_iri))
