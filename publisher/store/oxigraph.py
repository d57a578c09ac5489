"""Embedded pyoxigraph backends.

memory: a fresh store is filled per release and only then swapped in (all-or-nothing).
disk:PATH: each release is a RocksDB directory under PATH/releases, written by `lodpub load` and made current by
replacing the PATH/current symlink in one rename; servers open it read-only, one handle per process (never across a
fork), and follow the symlink when it moves."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path

import pyoxigraph as ox

from publisher.model.sources import Source
from publisher.store.base import Store, StoreUnavailable

COUNT_TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }"
RELEASE_FILE = "release.json"
KEEP_RELEASES = 2  # the current one and the one before, which servers may still have open


def _load_sources(store: ox.Store, sources: list[Source], base_iri: str, bulk: bool) -> None:
    for source in sources:
        load = store.bulk_load if bulk else store.load
        load(path=source.path, format=ox.RdfFormat.from_media_type(source.media_type), base_iri=base_iri,
             to_graph=ox.NamedNode(source.graph_iri))


def sources_modified(sources: list[Source]) -> datetime:
    newest = max((s.path.stat().st_mtime for s in sources), default=0)
    return datetime.fromtimestamp(int(newest), timezone.utc)


class OxigraphStore(Store):
    """One published data version held in a pyoxigraph store (in memory or opened read-only from disk)."""

    def __init__(self, store: ox.Store, version: str, modified: datetime, triple_count: int | None = None):
        self._store = store
        self._version = version
        self._modified = modified
        # Distinct triples of the union graph: the same triple in two files counts once, as in a merged dump.
        self._count = triple_count if triple_count is not None else int(next(iter(store.query(COUNT_TRIPLES)))["n"].value)

    @classmethod
    def from_sources(cls, sources: list[Source], version: str, base_iri: str) -> "OxigraphStore":
        """Load every source file into its named graph of a new in-memory store; a failure leaves nothing behind."""
        store = ox.Store()
        _load_sources(store, sources, base_iri, bulk=False)
        return cls(store, version, sources_modified(sources))

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


def write_disk_release(root: Path, sources: list[Source], version: str, base_iri: str) -> Path:
    """Write one release under root/releases and make it current with an atomic symlink swap.

    A load that fails or is interrupted leaves only a hidden partial directory; `current` keeps pointing at the
    previous release, which servers go on reading."""
    releases = root / "releases"
    releases.mkdir(parents=True, exist_ok=True)
    target = releases / f"{version}-{int(time.time() * 1000)}"
    partial = releases / f".partial-{target.name}"
    store = ox.Store(str(partial))
    _load_sources(store, sources, base_iri, bulk=True)
    store.flush()
    count = int(next(iter(store.query(COUNT_TRIPLES)))["n"].value)
    graphs = sorted(g.value for g in store.named_graphs())
    del store
    info = {"version": version, "modified": sources_modified(sources).isoformat(), "triples": count, "graphs": graphs}
    (partial / RELEASE_FILE).write_text(json.dumps(info, indent=1))
    partial.rename(target)
    link = root / f".current-{os.getpid()}"
    link.unlink(missing_ok=True)
    link.symlink_to(Path("releases") / target.name)
    os.replace(link, root / "current")
    _prune(releases, keep=target.name)
    return target


def _prune(releases: Path, keep: str) -> None:
    finished = sorted((p for p in releases.iterdir() if not p.name.startswith(".")), key=lambda p: p.stat().st_mtime)
    for old in finished[:-KEEP_RELEASES]:
        if old.name != keep:
            shutil.rmtree(old, ignore_errors=True)
    for partial in releases.glob(".partial-*"):
        if partial.stat().st_mtime < time.time() - 3600:  # an interrupted load, long gone
            shutil.rmtree(partial, ignore_errors=True)


class DiskStore(Store):
    """Reads the current release under a root written by `lodpub load --store disk:PATH`."""

    CHECK_INTERVAL = 1.0

    def __init__(self, root: Path):
        self.root = Path(root)
        if not (self.root / "current" / RELEASE_FILE).is_file():
            raise StoreUnavailable(f"{self.root} is not a lodpub disk store (no current release); "
                                   f"run `lodpub load --store disk:{self.root}` first.")
        self._opened: tuple[int, Path, OxigraphStore] | None = None
        self._checked = 0.0

    def _current(self) -> OxigraphStore:
        now = time.monotonic()
        if self._opened and self._opened[0] == os.getpid() and now - self._checked < self.CHECK_INTERVAL:
            return self._opened[2]
        self._checked = now
        release = (self.root / "current").resolve()
        if self._opened and self._opened[0] == os.getpid() and self._opened[1] == release:
            return self._opened[2]
        try:
            info = json.loads((release / RELEASE_FILE).read_text())
            store = ox.Store.read_only(str(release))
        except (OSError, ValueError) as exc:
            raise StoreUnavailable(f"cannot open release {release}: {exc}") from exc
        opened = OxigraphStore(store, info["version"], datetime.fromisoformat(info["modified"]), info["triples"])
        self._opened = (os.getpid(), release, opened)
        return opened

    @property
    def version(self) -> str:
        return self._current().version

    @property
    def modified(self) -> datetime:
        return self._current().modified

    def query(self, sparql: str, **dataset):
        return self._current().query(sparql, **dataset)

    def quads(self) -> Iterator[ox.Quad]:
        return self._current().quads()

    def triple_count(self) -> int:
        return self._current().triple_count()

    def graph_names(self) -> list[str]:
        return self._current().graph_names()
