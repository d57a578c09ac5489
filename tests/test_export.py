"""The static export served by a real nginx answers like the live server: same Accept rules, suffixes, Vary, CORS."""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
import time

import pytest
import rdflib
import requests
from rdflib.compare import isomorphic

from publisher.export import export
from publisher.release import build_release
from publisher.web.app import create_app
from tests.conftest import free_port

RDF_PARSERS = {"text/turtle": "turtle", "application/ld+json": "json-ld", "application/n-triples": "nt",
               "application/rdf+xml": "xml"}
CASES = [
    ("/id/organization/buero-internationale-beziehungen", "text/turtle"),
    ("/id/organization/buero-internationale-beziehungen", "application/ld+json"),
    ("/id/organization/buero-internationale-beziehungen", "application/n-triples"),
    ("/id/organization/buero-internationale-beziehungen", "application/rdf+xml"),
    ("/id/organization/buero-internationale-beziehungen", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
    ("/id/organization/buero-internationale-beziehungen", "*/*"),
    ("/id/organization/buero-internationale-beziehungen", ""),
    ("/id/organization/buero-internationale-beziehungen", "application/json"),
    ("/id/sdg/15.nt", "text/html"),
    ("/id/partnership/dortmund-dabola.jsonld", ""),
    ("/id/place/kumasi?format=rdf", "text/html"),
    ("/def/", "text/turtle"),
    ("/def/Partnership", "application/ld+json"),
    ("/shapes/Address", "text/turtle"),
    ("/catalog", "text/turtle"),
    ("/.well-known/void", "application/n-triples"),
    ("/sparql", "text/turtle"),
    ("/", "text/html"),
]


def ensure_nginx() -> str:
    found = shutil.which("nginx") or (shutil.which("nginx", path="/usr/sbin:/sbin"))
    if found:
        return found
    try:
        subprocess.run(["apt-get", "install", "-y", "-qq", "nginx-light"], check=True, capture_output=True, timeout=600)
    except (OSError, subprocess.SubprocessError):
        try:
            subprocess.run(["apt-get", "update", "-qq"], check=True, capture_output=True, timeout=600)
            subprocess.run(["apt-get", "install", "-y", "-qq", "nginx-light"], check=True, capture_output=True, timeout=600)
        except (OSError, subprocess.SubprocessError) as exc:
            pytest.skip(f"nginx is not installed and could not be installed here: {exc}")
    return shutil.which("nginx", path="/usr/sbin:/usr/bin:/sbin") or pytest.skip("nginx not found after install")


@pytest.fixture(scope="module")
def exported_site(tmp_path_factory):
    from publisher.config import Settings
    from tests.conftest import BASE

    settings = Settings(base_iri=BASE)
    nginx = ensure_nginx()
    port = free_port()
    root = tmp_path_factory.mktemp("export")
    store = build_release(settings)  # one load for both sides, so blank node labels and checksums agree
    export(settings, root, f"127.0.0.1:{port}", store)
    # pytest's temporary folders are private to their owner, so nginx's workers run as that owner too.
    owner = "user root;" if os.geteuid() == 0 else ""
    process = subprocess.Popen([nginx, "-c", str(root / "nginx.conf"), "-p", str(root), "-g", f"daemon off; {owner}"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=1)
            break
        except requests.RequestException:
            if process.poll() is not None:
                pytest.fail(f"nginx exited: {process.stdout.read().decode()}")
            time.sleep(0.2)
    live = create_app(settings, store).test_client()
    yield url, live, BASE.rstrip("/")
    process.terminate()
    process.wait(timeout=10)


@pytest.mark.parametrize("path,accept", CASES)
def test_export_answers_like_the_live_server(exported_site, path, accept):
    url, live, canonical_host = exported_site
    headers = {"Accept": accept} if accept else {}
    static = requests.get(url + path, headers=headers, timeout=10)
    expected = live.get(path, headers=headers, base_url=canonical_host)
    assert static.status_code == expected.status_code == 200
    static_type = static.headers["Content-Type"].split(";")[0]
    assert static_type == expected.mimetype
    if static_type in RDF_PARSERS:
        assert isomorphic(rdflib.Graph().parse(data=static.content, format=RDF_PARSERS[static_type]),
                          rdflib.Graph().parse(data=expected.data, format=RDF_PARSERS[static_type]))
    else:
        assert static.content == expected.data
    assert static.headers["Access-Control-Allow-Origin"] == "*"
    assert "Accept" in static.headers["Vary"]


def test_export_refuses_what_the_live_server_refuses(exported_site):
    url, _, _ = exported_site
    assert requests.get(f"{url}/id/organization/stadt-dortmund", headers={"Accept": "image/png"}, timeout=10).status_code == 406
    assert requests.get(f"{url}/id/organization/nowhere", headers={"Accept": "text/turtle"}, timeout=10).status_code == 404
    assert requests.get(f"{url}/nginx.conf", timeout=10).status_code == 404


def test_export_dumps_match(exported_site):
    url, live, canonical_host = exported_site
    static = requests.get(f"{url}/dumps/dataset.nt.gz", timeout=10)
    expected = live.get("/dumps/dataset.nt.gz", base_url=canonical_host).data
    assert static.headers["Content-Type"] == "application/gzip"
    assert isomorphic(rdflib.Graph().parse(data=gzip.decompress(static.content), format="nt"),
                      rdflib.Graph().parse(data=gzip.decompress(expected), format="nt"))
