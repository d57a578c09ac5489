"""The one store interface the server reads from; the web layer never knows which backend is behind it."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from datetime import datetime

import pyoxigraph as ox


class StoreUnavailable(Exception):
    """The backend cannot answer now (remote store down or slow); the web layer turns this into 503."""


class Store(ABC):
    """Read-only view of one published data version. Terms are pyoxigraph terms on every backend."""

    @property
    @abstractmethod
    def version(self) -> str:
        """Content hash of the data version being served."""

    @property
    @abstractmethod
    def modified(self) -> datetime:
        """When the data version was last changed (for Last-Modified)."""

    @abstractmethod
    def query(self, sparql: str, *, default_graph_uris: Iterable[str] = (), named_graph_uris: Iterable[str] = (),
              union_default_graph: bool = True):
        """Run a SPARQL query. The default graph is the union of all named graphs, unless default_graph_uris pick
        some or union_default_graph is False (for queries whose FROM clauses pick their own graphs).

        Returns pyoxigraph QuerySolutions, QueryBoolean or QueryTriples. Raises SyntaxError for malformed queries.
        """

    @abstractmethod
    def quads(self) -> Iterator[ox.Quad]:
        """Every quad of the data version, for dumps."""

    @abstractmethod
    def triple_count(self) -> int:
        """Number of triples in the union graph."""

    @abstractmethod
    def graph_names(self) -> list[str]:
        """The named graphs of this version."""
