"""What the server says about one IRI: its concise bounded description, labels and types of its neighbours,
and incoming links, page by page. Pure store queries; no HTTP and no serialization here."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyoxigraph as ox

from publisher.store.base import Store

LABEL_PREDICATES = (
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://schema.org/name",
    "http://xmlns.com/foaf/0.1/name",
    "http://purl.org/dc/terms/title",
    "http://www.w3.org/2000/01/rdf-schema#label",
)
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
NAMESPACE_MEMBER_LIMIT = 2000
_LABELS_VALUES = " ".join(f"<{p}>" for p in LABEL_PREDICATES)
# IRIs taken from request paths must not be able to break out of <…> in a query.
_SAFE_IRI = re.compile(r'^[^\x00-\x20\x7f<>"{}|\\^`]+$')


def is_safe_iri(iri: str) -> bool:
    """True for IRIs pyoxigraph accepts and that cannot break out of <…> in a query."""
    if not _SAFE_IRI.match(iri):
        return False
    try:
        ox.NamedNode(iri)
    except ValueError:
        return False
    return True


@dataclass
class Description:
    """The triples published for one IRI, and whether more incoming links exist beyond this page."""

    iri: str
    triples: list[ox.Triple]
    page: int
    more_incoming: bool
    subject_triples: list[ox.Triple] = field(default_factory=list)


def describe(store: Store, iri: str, page: int, page_size: int) -> Description | None:
    """None when the IRI is not the subject of any triple (the caller answers 404)."""
    if not is_safe_iri(iri):
        return None
    node = ox.NamedNode(iri)
    # The resource's CBD, and the CBDs of its parts: resources it links to under its own path (an address at
    # <site>/address belongs to <site>).
    own = list(store.query(f"""DESCRIBE <{iri}> ?part WHERE {{
        OPTIONAL {{ {{ <{iri}> ?p ?part }} UNION {{ <{iri}> ?p ?x . ?x ?q ?part }}
                    FILTER(isIRI(?part) && STRSTARTS(STR(?part), "{iri}/")) }}
    }}"""))
    subject_triples = [t for t in own if t.subject == node]
    if not subject_triples:
        return None
    neighbours = store.query(f"""
        CONSTRUCT {{ ?n a ?type . ?n ?labelProperty ?label }} WHERE {{
            {{ SELECT DISTINCT ?n WHERE {{
                {{ <{iri}> ?p ?n }} UNION {{ <{iri}> ?p ?b . FILTER(isBlank(?b)) ?b ?q ?n }}
            }} }}
            FILTER(isIRI(?n) && ?n != <{iri}>)
            {{ ?n a ?type }} UNION {{ VALUES ?labelProperty {{ {_LABELS_VALUES} }} ?n ?labelProperty ?label }}
        }}""")
    predicate_labels = store.query(f"""
        CONSTRUCT {{ ?p ?labelProperty ?label }} WHERE {{
            {{ SELECT DISTINCT ?p WHERE {{
                {{ <{iri}> ?p ?o }} UNION {{ <{iri}> ?x ?b . FILTER(isBlank(?b)) ?b ?p ?o }} UNION {{ ?s ?p <{iri}> }}
            }} }}
            VALUES ?labelProperty {{ {_LABELS_VALUES} }} ?p ?labelProperty ?label
        }}""")
    members = []
    if iri.endswith("/"):
        # A namespace IRI (the ontology under def/, the shapes under shapes/) is published with its terms.
        members = store.query(f"""
            DESCRIBE ?member WHERE {{
                {{ SELECT DISTINCT ?member WHERE {{ ?member ?p ?o FILTER(STRSTARTS(STR(?member), "{iri}") && ?member != <{iri}>) }}
                  ORDER BY ?member LIMIT {NAMESPACE_MEMBER_LIMIT} }}
            }}""")
    incoming_rows = list(store.query(f"""
        SELECT ?s ?p WHERE {{ ?s ?p <{iri}> FILTER(?s != <{iri}>) }}
        ORDER BY ?s ?p LIMIT {page_size + 1} OFFSET {(page - 1) * page_size}"""))
    more = len(incoming_rows) > page_size
    incoming_rows = incoming_rows[:page_size]
    triples = [*own, *neighbours, *predicate_labels, *members]
    triples.extend(ox.Triple(row["s"], row["p"], node) for row in incoming_rows)
    sources = {row["s"] for row in incoming_rows if isinstance(row["s"], ox.NamedNode)}
    if sources:
        values = " ".join(f"<{s.value}>" for s in sources)
        triples.extend(store.query(f"""
            CONSTRUCT {{ ?s ?labelProperty ?label }} WHERE {{
                VALUES ?s {{ {values} }} VALUES ?labelProperty {{ {_LABELS_VALUES} }} ?s ?labelProperty ?label
            }}"""))
    unique = list(dict.fromkeys(triples))
    return Description(iri, unique, page, more, subject_triples)
