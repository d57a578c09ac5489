"""The publishing gate: read sources, validate, and only then load them into a store. Nothing invalid is served."""

from __future__ import annotations

from publisher.config import Settings
from publisher.model.sources import data_version, read_sources
from publisher.model.validate import ValidationFailed, validate
from publisher.store.base import Store
from publisher.store.oxigraph import OxigraphStore


def build_release(settings: Settings) -> Store:
    """Validate ontology + data against the shapes and load them; raises SourceError or ValidationFailed."""
    sources = read_sources(settings)
    report = validate(sources)
    if not report.conforms:
        raise ValidationFailed(report)
    return OxigraphStore.from_sources(sources, data_version(sources, settings.base_iri), settings.base_iri)
