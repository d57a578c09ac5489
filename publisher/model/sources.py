"""Find and parse the ontology/, data/ and shapes/ files; every error names the file and, where known, the line."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import rdflib

from publisher.config import Settings

# File suffix -> (rdflib parser name, pyoxigraph media type). Only formats both libraries read.
RDF_FILE_FORMATS = {
    ".ttl": ("turtle", "text/turtle"),
    ".nt": ("nt", "application/n-triples"),
    ".rdf": ("xml", "application/rdf+xml"),
    ".jsonld": ("json-ld", "application/ld+json"),
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
        return RDF_FILE_FORMATS[self.path.suffix][1]


def _locate_syntax_error(path: Path, base_iri: str) -> tuple[int | None, str | None]:
    """rdflib's errors point near, not at, the fault; pyoxigraph's parser names the exact line and column."""
    try:
        for _ in ox.parse(path=path, format=ox.RdfFormat.from_media_type(RDF_FILE_FORMATS[path.suffix][1]),
                          base_iri=base_iri):
            pass
    except SyntaxError as exc:
        return exc.lineno, str(exc)
    except (OSError, ValueError):
        pass
    return None, None


def parse_file(path: Path, base_iri: str) -> rdflib.Graph:
    """Parse one RDF file with relative IRIs resolved against the canonical base."""
    parser = RDF_FILE_FORMATS.get(path.suffix)
    if parser is None:
        raise SourceError(path, f"unknown RDF file type {path.suffix!r}")
    graph = rdflib.Graph()
    try:
        graph.parse(path, format=parser[0], publicID=base_iri)
    except OSError as exc:
        raise SourceError(path, f"cannot read: {exc.strerror or exc}") from exc
    except Exception as exc:  # rdflib raises many parser-specific types
        line, precise = _locate_syntax_error(path, base_iri)
        message = precise or " ".join(str(exc).split())
        raise SourceError(path, f"syntax error: {message}", line) from exc
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
