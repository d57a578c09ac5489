"""Any SPARQL 1.1 store as backend: queries over the SPARQL 1.1 Protocol, loading over the Graph Store Protocol.

The union default graph is asked for the portable way, by naming every data graph as default-graph-uri, so the
remote store needs no special configuration. A release is written into staging graphs and switched in with one
SPARQL Update request of MOVE operations, which Oxigraph and Fuseki run as one transaction."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone

import pyoxigraph as ox
import requests

from publisher.model.sources import Source
from publisher.store.base import Store, StoreUnavailable

RESULTS_ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.8"
RELEASE_GRAPH = "graph/release"  # under the base: which version the data graphs hold
DCT = "http://purl.org/dc/terms/"
LP_GRAPH = "def/graph"


class RemoteStore(Store):
    CHECK_INTERVAL = 1.0

    def __init__(self, query_url: str, update_url: str, graph_store_url: str, base_iri: str, timeout: float = 30.0):
        self.query_url, self.update_url, self.graph_store_url = query_url, update_url, graph_store_url
        self.base_iri, self.timeout = base_iri, timeout
        self._session = requests.Session()
        self._session.headers["User-Agent"] = "lodpub"
        self._release: dict | None = None
        self._checked = 0.0

    # --- protocol ------------------------------------------------------------------------------------------

    def _post(self, url: str, data: dict | bytes, headers: dict, timeout: float | None = None) -> requests.Response:
        try:
            response = self._session.post(url, data=data, headers=headers, timeout=(3, timeout or self.timeout))
        except requests.RequestException as exc:
            raise StoreUnavailable(f"the SPARQL store at {url} cannot be reached: {exc.__class__.__name__}") from exc
        if response.status_code == 400:
            raise SyntaxError(response.text.strip()[:2000])
        if response.status_code >= 300:
            raise StoreUnavailable(f"the SPARQL store at {url} answered {response.status_code}")
        return response

    def _raw_query(self, sparql: str, default_graphs: Iterable[str] = (), named_graphs: Iterable[str] = ()):
        form = {"query": sparql, "default-graph-uri": list(default_graphs), "named-graph-uri": list(named_graphs)}
        response = self._post(self.query_url, form, {"Accept": RESULTS_ACCEPT})
        media_type = response.headers.get("Content-Type", "").split(";")[0].strip()
        if media_type in ("application/sparql-results+json", "application/json"):
            return ox.parse_query_results(response.content, ox.QueryResultsFormat.JSON)
        if media_type in ("application/n-triples", "text/turtle"):
            return iter(ox.parse(response.content, format=ox.RdfFormat.from_media_type(media_type)))
        raise StoreUnavailable(f"the SPARQL store answered with unexpected type {media_type!r}")

    def _release_info(self) -> dict:
        now = time.monotonic()
        if self._release is not None and now - self._checked < self.CHECK_INTERVAL:
            return self._release
        release = f"{self.base_iri}{RELEASE_GRAPH}"
        rows = list(self._raw_query(f"""SELECT ?version ?modified ?graph WHERE {{ GRAPH <{release}> {{
            <{release}> <{DCT}identifier> ?version ; <{DCT}modified> ?modified ; <{self.base_iri}{LP_GRAPH}> ?graph }} }}"""))
        if not rows:
            raise StoreUnavailable(f"no lodpub release in the SPARQL store at {self.query_url}; run `lodpub load` first")
        graphs = sorted({row["graph"].value for row in rows})
        count = self._raw_query("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }",
                                default_graphs=graphs)
        self._release = {"version": rows[0]["version"].value, "graphs": graphs,
                         "modified": datetime.fromisoformat(rows[0]["modified"].value.replace("Z", "+00:00")),
                         "triples": int(next(iter(count))["n"].value)}
        self._checked = now
        return self._release

    # --- Store -----------------------------------------------------------------------------------------------

    @property
    def version(self) -> str:
        return self._release_info()["version"]

    @property
    def modified(self) -> datetime:
        return self._release_info()["modified"]

    def query(self, sparql: str, *, default_graph_uris: Iterable[str] = (), named_graph_uris: Iterable[str] = (),
              union_default_graph: bool = True):
        default = list(default_graph_uris)
        named = list(named_graph_uris)
        if not default and union_default_graph:
            default = self._release_info()["graphs"]
            named = named or default
        return self._raw_query(sparql, default, named)

    def quads(self) -> Iterator[ox.Quad]:
        for graph in self.graph_names():
            try:
                response = self._session.get(self.graph_store_url, params={"graph": graph},
                                             headers={"Accept": "application/n-triples"}, timeout=(3, self.timeout))
                response.raise_for_status()
            except requests.RequestException as exc:
                raise StoreUnavailable(f"cannot read graph {graph} from {self.graph_store_url}: {exc}") from exc
            for triple in ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES):
                yield ox.Quad(triple.subject, triple.predicate, triple.object, ox.NamedNode(graph))

    def triple_count(self) -> int:
        return self._release_info()["triples"]

    def graph_names(self) -> list[str]:
        return list(self._release_info()["graphs"])

    # --- loading ---------------------------------------------------------------------------------------------

    def publish(self, sources: list[Source], version: str, base_iri: str, modified: datetime) -> None:
        """PUT every source into a staging graph, then MOVE all of them into place in one update request."""
        staging = {s.graph_iri: f"{s.graph_iri}/staging-{version}" for s in sources}
        release = f"{base_iri}{RELEASE_GRAPH}"
        release_data = [f"<{release}> <{DCT}identifier> \"{version}\" .",
                        f"<{release}> <{DCT}modified> \"{modified.astimezone(timezone.utc).isoformat()}\" ."]
        release_data += [f"<{release}> <{base_iri}{LP_GRAPH}> <{s.graph_iri}> ." for s in sources]
        uploads = [(staging[s.graph_iri], ox.serialize(ox.parse(path=s.path, format=ox.RdfFormat.from_media_type(
            s.media_type), base_iri=base_iri), format=ox.RdfFormat.N_TRIPLES)) for s in sources]
        uploads.append((f"{release}/staging-{version}", "\n".join(release_data).encode() + b"\n"))
        for graph, body in uploads:
            try:
                response = self._session.put(self.graph_store_url, params={"graph": graph}, data=body,
                                             headers={"Content-Type": "application/n-triples"}, timeout=(3, 600))
                response.raise_for_status()
            except requests.RequestException as exc:
                raise StoreUnavailable(f"loading graph {graph} into {self.graph_store_url} failed: {exc}") from exc
        previous = set(self._previous_graphs(release)) - set(staging)
        operations = [f"DROP SILENT GRAPH <{g}>" for g in sorted(previous)]
        operations += [f"MOVE SILENT GRAPH <{staged}> TO GRAPH <{final}>" for final, staged in staging.items()]
        operations.append(f"MOVE SILENT GRAPH <{release}/staging-{version}> TO GRAPH <{release}>")
        self._post(self.update_url, " ;\n".join(operations).encode(),
                   {"Content-Type": "application/sparql-update"}, timeout=600)
        self._release = None

    def _previous_graphs(self, release: str) -> list[str]:
        try:
            rows = self._raw_query(f"SELECT ?g WHERE {{ GRAPH <{release}> {{ ?r <{self.base_iri}{LP_GRAPH}> ?g }} }}")
            return [row["g"].value for row in rows]
        except SyntaxError:
            return []
