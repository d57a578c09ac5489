"""Turn a description's triples into what the HTML templates show: labels in the reader's language, links that
stay on the host being browsed, blank nodes nested under the property that reaches them."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from publisher.web import formats
from publisher.web.describe import LABEL_PREDICATES, RDF_TYPE, Description

FALLBACK_LANGUAGES = ("de", "en", "")


def script_safe(text: str) -> str:
    """JSON embedded in <script> must not be able to close the element."""
    return text.replace("</", "<\\/")


def compact(iri: str, prefixes: dict[str, str]) -> str:
    """prefix:local for IRIs in a known namespace, else the IRI."""
    best = max((ns for ns in prefixes.values() if iri.startswith(ns)), key=len, default=None)
    if best is None:
        return iri
    prefix = next(p for p, ns in prefixes.items() if ns == best)
    return f"{prefix}:{iri[len(best):]}"


def local_url(iri: str, base_iri: str, host_url: str) -> str:
    """The URL of one of our IRIs on the host being browsed; other IRIs stay as they are."""
    return host_url.rstrip("/") + "/" + iri[len(base_iri):] if iri.startswith(base_iri) else iri


@dataclass
class Value:
    kind: str  # "iri", "literal" or "bnode"
    text: str
    href: str | None = None
    lang: str | None = None
    datatype: str | None = None
    rows: list | None = None  # for blank nodes: [(Link, [Value])]


@dataclass
class Link:
    text: str
    href: str
    iri: str


class ResourceView:
    def __init__(self, description: Description, lang: str, base_iri: str, host_url: str):
        self.iri = description.iri
        self.lang = lang
        self.base = base_iri
        self.host_url = host_url
        self.prefixes = formats.deployment_prefixes(base_iri)
        self.description = description
        self._labels = self._collect_labels(description.triples)
        self._by_subject: dict = {}
        for t in description.triples:
            self._by_subject.setdefault(t.subject, []).append(t)
        node = ox.NamedNode(self.iri)
        self.title = self.label(node)
        self.types = [self.link(t.object) for t in description.subject_triples if t.predicate == RDF_TYPE]
        self.properties = self._rows(node, skip_types=True)
        self.incoming = [
            (self.link(t.subject), self.link(t.predicate))
            for t in description.triples if t.object == node and isinstance(t.subject, ox.NamedNode)
        ]
        self.more_incoming = description.more_incoming
        self.page = description.page
        path = self.local(self.iri)
        self.path = path
        self.formats = formats.format_urls(path).items()
        self.members = self._members() if self.iri.endswith("/") else []

    @staticmethod
    def _collect_labels(triples) -> dict:
        labels: dict = {}
        rank = {p: i for i, p in enumerate(LABEL_PREDICATES)}
        for t in triples:
            r = rank.get(t.predicate.value)
            if r is None or not isinstance(t.object, ox.Literal):
                continue
            entry = labels.setdefault(t.subject, {})
            lang = t.object.language or ""
            if lang not in entry or r < entry[lang][0]:
                entry[lang] = (r, t.object.value)
        return labels

    def label(self, term) -> str:
        entry = self._labels.get(term, {})
        for lang in (self.lang, *FALLBACK_LANGUAGES):
            if lang in entry:
                return entry[lang][1]
        if entry:
            return next(iter(entry.values()))[1]
        return compact(term.value, self.prefixes) if isinstance(term, ox.NamedNode) else str(term)

    def local(self, iri: str) -> str:
        return local_url(iri, self.base, self.host_url)

    def link(self, term) -> Link:
        return Link(self.label(term), self.local(term.value), term.value)

    def value(self, term, depth: int = 0) -> Value:
        if isinstance(term, ox.NamedNode) and term.value.startswith(self.iri + "/") and term in self._by_subject:
            # a part of this resource (its contact, its address): shown in place, with a link of its own
            return Value("bnode", self.label(term), href=self.local(term.value), rows=self._rows(term, depth=depth))
        if isinstance(term, ox.NamedNode):
            return Value("iri", self.label(term), href=self.local(term.value))
        if isinstance(term, ox.BlankNode):
            rows = self._rows(term, depth=depth) if depth < 4 else []
            return Value("bnode", "", rows=rows)
        datatype = None if term.language or term.datatype.value.endswith("#string") else compact(
            term.datatype.value, self.prefixes)
        return Value("literal", term.value, lang=term.language, datatype=datatype)

    def _rows(self, subject, skip_types: bool = False, depth: int = 0) -> list:
        grouped: dict = {}
        for t in self._by_subject.get(subject, []):
            if skip_types and t.predicate == RDF_TYPE:
                continue
            grouped.setdefault(t.predicate, []).append(t.object)
        rows = []
        for predicate, objects in grouped.items():
            values = sorted((self.value(o, depth + 1) for o in objects), key=lambda v: (v.kind, v.text))
            rows.append((self.link(predicate), values))
        rows.sort(key=lambda row: row[0].text.lower())
        return rows

    def _members(self) -> list:
        members = [s for s in self._by_subject if isinstance(s, ox.NamedNode)
                   and s.value.startswith(self.iri) and s.value != self.iri]
        return sorted((self.link(m) for m in members), key=lambda link: link.iri)
