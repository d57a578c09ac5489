"""Embedded pyoxigraph backend: a fresh store is filled per release and only then swapped in (all-or-nothing)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, timezone

import pyoxigraph as ox

from publisher.model.sources import Source
from publisher.store.base import Store


class OxigraphStore(Store):
    """One published data version held in an embedded pyoxigraph store."""

    def __init__(self, store: ox.Store, version: str, modified: datetime):
        self._store = store
        self._version = version
        self._modified = modified
        # Distinct triples of the union graph: the same triple in two files counts once, as in a merged dump.
        self._count = len({(q.subject, q.predicate, q.object) for q in store})

    @classmethod
    def from_sources(cls, sources: list[Source], version: str, base_iri: str) -> "OxigraphStore":
        """Load every source file into its named graph of a new in-memory store; a failure leaves nothing behind."""
        store = ox.Store()
        for source in sources:
            store.load(
                path=source.path,
                format=ox.RdfFormat.from_media_type(source.media_type),
                base_iri=base_iri,
                to_graph=ox.NamedNode(source.graph_iri),
            )
        newest = max((s.path.stat().st_mtime for s in sources), default=0)
        return cls(store, version, datetime.fromtimestamp(int(newest), timezone.utc))

    @property
    def version(self) -> str:
        return self._version

    @property
    def modified(self) -> datetime:
        return self._modified

    def query(self, sparql: str, *, default_graph_uris: Iterable[str] = (), named_graph_uris: Iterable[str] = (),
              union_default_graph: bool = True):
        default = [ox.NamedNode(u) for u in default_graph_uris]
        named = [ox.NamedNode(u) for u in named_graph_uris]
        return self._store.query(
            sparql,
            use_default_graph_as_union=union_default_graph and not default,
            default_graph=default or None,
            named_graphs=named or None,
        )

    def quads(self) -> Iterator[ox.Quad]:
        return iter(self._store)

    def triple_count(self) -> int:
        return self._count

    def graph_names(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs())
