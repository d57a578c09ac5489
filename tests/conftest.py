"""Shared fixtures: the published release of the project's data, a Flask test client, copies of the sources to
break, and a real `lodpub serve` on a free loopback port."""

from __future__ import annotations

import shutil
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

from bench.processes import free_port, server, wait_for  # noqa: F401 - re-exported for the tests
from publisher.config import PROJECT_ROOT, Settings
from publisher.release import build_release, load_release, open_store
from publisher.web.app import create_app

# The canonical base differs from any host the tests call, so tests see that bodies keep canonical IRIs.
BASE = "https://lod.dortmund.de/"


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings(base_iri=BASE)


def oxigraph_binary() -> str:
    """The `oxigraph` server from the PyPI package of that name (a dev dependency), next to this Python."""
    found = Path(sys.executable).parent / "oxigraph"
    return str(found) if found.exists() else (shutil.which("oxigraph") or pytest.skip("oxigraph server not installed"))


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory):
    """A real Oxigraph server on a free loopback port, stopped after the session; yields its query URL."""
    port = free_port()
    command = [oxigraph_binary(), "serve", "--location", str(tmp_path_factory.mktemp("oxigraph")),
               "--bind", f"127.0.0.1:{port}"]
    with server(command, {}, f"http://127.0.0.1:{port}/query?query=ASK%7B%7D"):
        yield f"http://127.0.0.1:{port}/query"


BACKENDS = ("memory", "disk", "oxigraph")


@pytest.fixture(scope="session", params=BACKENDS)
def store(request, settings, tmp_path_factory):
    """The project's data on every backend; server tests that use it run once per backend."""
    if request.param == "memory":
        return build_release(settings)
    if request.param == "disk":
        spec = f"disk:{tmp_path_factory.mktemp('disk-store')}"
    else:
        spec = f"sparql:{request.getfixturevalue('oxigraph_server')}"
    backend = settings.with_(store=spec)
    load_release(backend)
    return open_store(backend)


@pytest.fixture(scope="session")
def app(settings, store):
    return create_app(settings, store)


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def source_copy(tmp_path) -> Settings:
    """Settings pointing at a private copy of ontology/, data/ and shapes/ that a test may break."""
    for name in ("ontology", "data", "shapes"):
        shutil.copytree(PROJECT_ROOT / name, tmp_path / name)
    return Settings(base_iri=BASE, data_dir=tmp_path / "data", ontology_dir=tmp_path / "ontology",
                    shapes_dir=tmp_path / "shapes")


def lodpub_command() -> list[str]:
    return [sys.executable, "-m", "publisher.cli"]


@contextmanager
def running_server(workers: int = 2, **settings_env: str):
    """`lodpub serve` on gunicorn on a free loopback port; settings_env become LODPUB_* variables."""
    port = free_port()
    env = {"LODPUB_BASE_IRI": BASE, **{f"LODPUB_{k.upper()}": str(v) for k, v in settings_env.items()}}
    command = [*lodpub_command(), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    url = f"http://127.0.0.1:{port}"
    with server(command, env, f"{url}/health", cwd=PROJECT_ROOT) as process:
        yield url, process


@pytest.fixture(scope="session")
def live_server():
    """The server reached as http://127.0.0.1:PORT while the data keeps its canonical base https://lod.dortmund.de/."""
    with running_server() as (url, _):
        yield url
