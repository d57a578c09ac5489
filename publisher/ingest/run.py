"""`lodpub ingest SOURCE…`: each source fetched or read, extracted, then all validated together with the curated
data; the output is written only when everything that was extracted conforms, and a change report is printed."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import rdflib
from rdflib.compare import graph_diff, to_isomorphic

from publisher.config import Settings
from publisher.ingest.capture import NotATemplatePage, read_capture
from publisher.ingest.extract import Capture, Gazetteer, PageExtractor, slug
from publisher.ingest.fetch import FetchError, Fetcher
from publisher.model.sources import Source, SourceError, read_sources
from publisher.model.validate import ValidationReport, validate

FILE_TYPES = {".html": "text/html", ".htm": "text/html", ".txt": "text/plain"}
PREFIXES = {"lp": "def/", "schema": "http://schema.org/", "org": "http://www.w3.org/ns/org#",
            "cv": "http://data.europa.eu/m8g/", "locn": "http://www.w3.org/ns/locn#",
            "vcard": "http://www.w3.org/2006/vcard/ns#", "prov": "http://www.w3.org/ns/prov#",
            "skos": "http://www.w3.org/2004/02/skos/core#", "foaf": "http://xmlns.com/foaf/0.1/",
            "dct": "http://purl.org/dc/terms/", "un": "http://metadata.un.org/sdg/"}


@dataclass
class IngestResult:
    graph: rdflib.Graph
    errors: list[str] = field(default_factory=list)  # one line per source that failed
    pages: dict[str, str] = field(default_factory=dict)  # page IRI -> source it came from
    report: ValidationReport | None = None


def _read_file(path: Path) -> str:
    raw = path.read_bytes()
    for encoding in ("utf-8", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def extract_sources(settings: Settings, sources: list[str], curated: list[Source], *, url: str | None = None,
                    retrieved: str | None = None, fetcher: Fetcher | None = None) -> IngestResult:
    curated_graph = rdflib.Graph()
    for source in curated:
        if source.kind != "shapes":
            curated_graph += source.graph
    gazetteer = Gazetteer(curated_graph, settings.base_iri)
    extractor = PageExtractor(gazetteer, settings.base_iri, settings.ingest_country_code)
    result = IngestResult(rdflib.Graph())
    for source in sources:
        try:
            if source.startswith(("http://", "https://")):
                fetched = (fetcher or Fetcher()).fetch(source)
                text, media_type, page_url, when, known = fetched.text, fetched.media_type, fetched.url, fetched.retrieved, None
            else:
                path = Path(source)
                if not path.is_file():
                    raise FetchError(f"{source}: no such file")
                media_type = FILE_TYPES.get(path.suffix.lower(), "text/plain")
                text, known = _read_file(path), gazetteer.capture_for(path.name)
                page_url, when = url, retrieved
                if known is None and not (url and retrieved):
                    raise FetchError(f"{source}: unknown capture; describe it in data/captures.ttl or give --url and "
                                     f"--retrieved")
            page = read_capture(text, media_type)
            capture = known or Capture(rdflib.URIRef(f"{settings.base_iri}id/capture/{slug(page.title)}"), page_url,
                                       when, media_type, False)
            graph = extractor.extract(page, capture)
            result.graph += graph
            result.pages[f"{settings.base_iri}id/page/{slug(page.title)}"] = source
        except (FetchError, NotATemplatePage, OSError) as exc:
            result.errors.append(f"{source}: {exc}")
    return result


def ingest(settings: Settings, sources: list[str], out: Path | None, **options) -> IngestResult:
    """Extract every source; validate the extracted graph together with the curated data (minus the file `out`
    replaces); write `out` only when all conforms."""
    replaced = out.resolve() if out else None
    curated = [s for s in read_sources(settings) if s.path.resolve() != replaced]
    result = extract_sources(settings, sources, curated, **options)
    if not len(result.graph):
        return result
    candidate = [*curated, _extracted_source(settings, result.graph)]
    result.report = validate(candidate)
    return result


def _extracted_source(settings: Settings, graph: rdflib.Graph) -> Source:
    return Source("data", Path("extracted.ttl"), f"{settings.base_iri}graph/data/extracted", graph)


def serialize(graph: rdflib.Graph, base_iri: str) -> str:
    """Turtle with IRIs relative to the base, like every file in data/."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace if "://" in namespace else base_iri + namespace, override=True, replace=True)
    text = graph.serialize(format="turtle")
    header = ("# Generated by `lodpub ingest` from page captures; edit the captures or the curated files, not this.\n"
              "# Relative IRIs resolve against the configured canonical base.\n")
    return header + text.replace(f"<{base_iri}", "<")


def write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        stream.write(text)
    os.replace(temporary, path)


def change_report(previous: rdflib.Graph, current: rdflib.Graph) -> list[str]:
    """Per resource: what was added and removed (blank node content shown under the resource that holds it)."""
    _, removed, added = graph_diff(to_isomorphic(previous), to_isomorphic(current))

    def owner(graph: rdflib.Graph, node):
        seen = set()
        while isinstance(node, rdflib.BNode) and node not in seen:
            seen.add(node)
            node = next(graph.subjects(None, node), node)
        return node

    changes: dict[str, list[str]] = {}
    for sign, diff, graph in (("-", removed, previous), ("+", added, current)):
        for s, p, o in sorted(diff):
            changes.setdefault(str(owner(graph, s)), []).append(f"  {sign} {p.n3()} {o.n3()}")
    return [line for resource in sorted(changes) for line in (resource, *changes[resource])]


def load_previous(path: Path, base_iri: str) -> rdflib.Graph | None:
    if not path.is_file():
        return None
    try:
        return rdflib.Graph().parse(path, format="turtle", publicID=base_iri)
    except Exception as exc:  # noqa: BLE001 - an unreadable previous output only means no change report
        raise SourceError(path, f"previous output cannot be read: {exc}") from exc
