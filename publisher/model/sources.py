"""Find and parse the ontology/, data/ and shapes/ files; every error names the file and, where known, the line."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import defusedxml
import defusedxml.ElementTree as defused
import pyoxigraph as ox
import rdflib

from publisher.config import Settings

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

# File suffix -> media type of the RDF files lodpub reads.
RDF_FILE_FORMATS = {
    ".ttl": "text/turtle",
    ".nt": "application/n-triples",
    ".rdf": "application/rdf+xml",
    ".jsonld": "application/ld+json",
}

class SourceError(Exception):
    """A source file cannot be read or parsed."""

    def __init__(self, path: Path, message: str, line: int | None = None):
        self.path, self.line = path, line
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Source:
    """One parsed file, published as one named graph."""

    kind: str  # "ontology", "data" or "shapes"
    path: Path
    graph_iri: str
    graph: rdflib.Graph

    @property
    def media_type(self) -> str:
        return RDF_FILE_FORMATS[self.path.suffix]


def rdflib_term(term):
    """pyoxigraph term -> rdflib term, keeping blank node labels."""
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    if term.datatype.value == XSD_STRING:  # rdflib tells plain and xsd:string literals apart; RDF 1.1 does not
        return rdflib.Literal(term.value)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def _refuse_xml_entities(path: Path) -> None:
    """pyoxigraph's RDF/XML reader expands internal entities (a "billion laughs" file grows to gigabytes), so XML
    with entity declarations is refused before it is parsed, by defusedxml."""
    try:
        defused.parse(path, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except (defusedxml.EntitiesForbidden, defusedxml.ExternalReferenceForbidden, defusedxml.DTDForbidden) as exc:
        raise SourceError(path, f"XML entity declarations are not accepted ({exc.__class__.__name__})") from exc
    except defused.ParseError as exc:
        raise SourceError(path, f"syntax error: {exc}", exc.position[0]) from exc


def parse_file(path: Path, base_iri: str) -> rdflib.Graph:
    """Parse one RDF file with relative IRIs resolved against the canonical base.

    pyoxigraph's parsers read every format: they expand no XML entities (no "billion laughs", no external
    entities), fetch no remote JSON-LD context, and name the exact line and column of a syntax error. The triples
    then go into a plain rdflib graph for pyshacl."""
    media_type = RDF_FILE_FORMATS.get(path.suffix)
    if media_type is None:
        raise SourceError(path, f"unknown RDF file type {path.suffix!r}")
    if media_type == "application/rdf+xml":
        _refuse_xml_entities(path)
    graph = rdflib.Graph()
    try:
        for quad in ox.parse(path=path, format=ox.RdfFormat.from_media_type(media_type), base_iri=base_iri):
            graph.add((rdflib_term(quad.subject), rdflib_term(quad.predicate), rdflib_term(quad.object)))
    except SyntaxError as exc:
        raise SourceError(path, f"syntax error: {exc}", exc.lineno) from exc
    except OSError as exc:
        raise SourceError(path, f"cannot read: {exc.strerror or exc}") from exc
    except ValueError as exc:
        raise SourceError(path, f"cannot parse: {exc}") from exc
    return graph


def _files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        raise SourceError(directory, "not a directory")
    return sorted(p for p in directory.iterdir() if p.suffix in RDF_FILE_FORMATS and p.is_file())


def read_sources(settings: Settings) -> list[Source]:
    """All files of ontology/, data/ and shapes/, each as a named graph <base>graph/<kind>/<file stem>."""
    sources = []
    for kind, directory in (("ontology", settings.ontology_dir), ("data", settings.data_dir), ("shapes", settings.shapes_dir)):
        for path in _files(directory):
            graph_iri = f"{settings.base_iri}graph/{kind}/{path.stem}"
            sources.append(Source(kind, path, graph_iri, parse_file(path, settings.base_iri)))
    return sources


def data_version(sources: list[Source], base_iri: str) -> str:
    """A short content hash: changes whenever any published byte or the base changes."""
    digest = hashlib.sha256(base_iri.encode())
    for source in sources:
        digest.update(source.graph_iri.encode())
        digest.update(source.path.read_bytes())
    return digest.hexdigest()[:16]
