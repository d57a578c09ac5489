"""One Settings object for the whole publisher: CLI flags override environment variables, which override defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _env_list(value: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in value.split(",") if item.strip())


@dataclass(frozen=True)
class Settings:
    """Everything that may differ between deployments; nothing city-specific lives in code."""

    base_iri: str = "https://lod.dortmund.de/"
    data_dir: Path = PROJECT_ROOT / "data"
    ontology_dir: Path = PROJECT_ROOT / "ontology"
    shapes_dir: Path = PROJECT_ROOT / "shapes"
    store: str = "memory"  # memory | disk:PATH | sparql:URL (the query endpoint)
    store_update_url: str = ""  # sparql: backends; default <URL without /query>/update (Oxigraph server)
    store_graph_url: str = ""  # sparql: backends' Graph Store Protocol endpoint; default …/store
    host: str = "127.0.0.1"
    port: int = 5000
    workers: int = 2
    # SPARQL limits: every limit is a setting with a safe default, enforced in one place (publisher.query).
    query_timeout: float = 10.0
    max_query_length: int = 20_000
    max_result_rows: int = 10_000
    max_queries_per_client: int = 2
    max_running_queries: int = 4
    service_allowlist: tuple[str, ...] = field(default_factory=tuple)
    # Ingest: the country code of addresses on the city's pages (locn:adminUnitL1).
    ingest_country_code: str = "DE"
    # Whole responses replayed per worker (publisher.web.response_cache), at most this many bytes.
    response_cache_bytes: int = 64 * 1024 * 1024
    # Resource descriptions list at most this many incoming links per page.
    incoming_page_size: int = 200

    def __post_init__(self) -> None:
        if not self.base_iri.endswith("/"):
            object.__setattr__(self, "base_iri", self.base_iri + "/")
        for name in ("data_dir", "ontology_dir", "shapes_dir"):
            object.__setattr__(self, name, Path(getattr(self, name)))

    @classmethod
    def load(cls, **overrides) -> "Settings":
        """Defaults, then LODPUB_* environment variables, then the given overrides (CLI flags; None means unset)."""
        values: dict = {}
        for f in fields(cls):
            raw = os.environ.get(f"LODPUB_{f.name.upper()}")
            if raw is None:
                continue
            if f.name == "service_allowlist":
                values[f.name] = _env_list(raw)
            elif f.type in ("int", int):
                values[f.name] = int(raw)
            elif f.type in ("float", float):
                values[f.name] = float(raw)
            else:
                values[f.name] = raw
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def with_(self, **changes) -> "Settings":
        return replace(self, **changes)
