"""The publishing gate: read sources, validate, and only then load them into a backend. Nothing invalid is served.

`--store` chooses the backend: memory (validated and loaded at start), disk:PATH (written by `lodpub load`, then
opened read-only by every worker) or sparql:URL (any SPARQL 1.1 store, loaded by `lodpub load`)."""

from __future__ import annotations

from pathlib import Path

from publisher.config import Settings
from publisher.model.sources import Source, data_version, read_sources
from publisher.model.validate import ValidationFailed, validate
from publisher.store.base import Store
from publisher.store.oxigraph import DiskStore, OxigraphStore, sources_modified, write_disk_release
from publisher.store.remote import RemoteStore


class StoreSpecError(ValueError):
    """--store names no known backend."""


def validated_sources(settings: Settings) -> list[Source]:
    """Read and validate ontology + data; raises SourceError or ValidationFailed."""
    sources = read_sources(settings)
    report = validate(sources)
    if not report.conforms:
        raise ValidationFailed(report)
    return sources


def build_release(settings: Settings) -> Store:
    """Validate and load into a fresh in-memory store."""
    sources = validated_sources(settings)
    return OxigraphStore.from_sources(sources, data_version(sources, settings.base_iri), settings.base_iri)


def remote_store(settings: Settings, url: str) -> RemoteStore:
    """Oxigraph server's layout by default (/query, /update, /store); other stores set the URLs explicitly."""
    root = url[: -len("/query")] if url.endswith("/query") else url
    return RemoteStore(url, settings.store_update_url or f"{root}/update",
                       settings.store_graph_url or f"{root}/store", settings.base_iri, settings.query_timeout)


def open_store(settings: Settings) -> Store:
    kind, _, location = settings.store.partition(":")
    if kind == "memory":
        return build_release(settings)
    if kind == "disk" and location:
        return DiskStore(Path(location))
    if kind == "sparql" and location:
        return remote_store(settings, location)
    raise StoreSpecError(f"unknown --store {settings.store!r}: use memory, disk:PATH or sparql:URL")


def load_release(settings: Settings) -> str:
    """`lodpub load`: validate, write the new version into a disk or SPARQL store, switch over atomically."""
    sources = validated_sources(settings)
    version = data_version(sources, settings.base_iri)
    kind, _, location = settings.store.partition(":")
    if kind == "disk" and location:
        write_disk_release(Path(location), sources, version, settings.base_iri)
    elif kind == "sparql" and location:
        remote_store(settings, location).publish(sources, version, settings.base_iri, sources_modified(sources))
    else:
        raise StoreSpecError("`lodpub load` writes to disk:PATH or sparql:URL; the memory store loads at start")
    return version
