"""Ingest: the seed gives exactly data/'s page facts; other captures of the template work; bad sources fail alone;
fetching honours robots.txt, caches with conditional GET and refuses what is not a page."""

from __future__ import annotations

import http.server
import os
import subprocess
import threading
from pathlib import Path

import pytest
import rdflib
from rdflib.compare import isomorphic

from publisher.config import PROJECT_ROOT
from publisher.ingest.fetch import FetchError, Fetcher
from publisher.ingest.run import change_report, ingest
from tests.conftest import BASE, lodpub_command

SEED = PROJECT_ROOT.parent / "shared" / "seed" / "dortmund-international.txt"
CAPTURES = Path(__file__).resolve().parent / "fixtures" / "captures"
GENERATED = "dortmund-international.ttl"
SCHEMA = rdflib.Namespace("http://schema.org/")
ORG = rdflib.Namespace("http://www.w3.org/ns/org#")
LP = rdflib.Namespace(BASE + "def/")
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")

needs_seed = pytest.mark.skipif(not SEED.is_file(), reason="shared/seed is not beside the project")


def run_ingest(source_copy, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "LODPUB_ONTOLOGY_DIR": str(source_copy.ontology_dir),
           "LODPUB_SHAPES_DIR": str(source_copy.shapes_dir), "LODPUB_DATA_DIR": str(source_copy.data_dir)}
    return subprocess.run([*lodpub_command(), "ingest", *args], capture_output=True, text=True, timeout=180, env=env)


@needs_seed
def test_seed_yields_exactly_the_page_data_in_data(source_copy, tmp_path):
    """data/dortmund-international.ttl is generated from the seed: regenerating it changes nothing."""
    out = source_copy.data_dir / GENERATED
    committed = rdflib.Graph().parse(out, publicID=BASE)
    out.unlink()
    result = run_ingest(source_copy, str(SEED), "--out", str(out))
    assert result.returncode == 0, result.stderr
    regenerated = rdflib.Graph().parse(out, publicID=BASE)
    differences = change_report(committed, regenerated)
    assert isomorphic(committed, regenerated), "\n".join(differences)


@needs_seed
def test_seed_ingest_conforms_and_carries_provenance(source_copy):
    result = ingest(source_copy, [str(SEED)], source_copy.data_dir / GENERATED)
    assert not result.errors and result.report.conforms
    graph = result.graph
    page = rdflib.URIRef(BASE + "id/page/dortmund-international")
    capture = graph.value(page, PROV.wasDerivedFrom)
    extraction = graph.value(page, PROV.wasGeneratedBy)
    software = graph.value(extraction, PROV.wasAssociatedWith)
    assert graph.value(extraction, PROV.used) == capture
    assert str(graph.value(software, SCHEMA.softwareVersion))
    # every described resource says where it came from, unless it is the provenance itself
    for subject in set(graph.subjects()):
        if isinstance(subject, rdflib.URIRef) and "/id/software/" not in subject and "/id/extraction/" not in subject \
                and not str(subject).endswith(("/contact", "/address")):
            assert (subject, PROV.wasDerivedFrom, capture) in graph, subject


def ingested(source_copy, capture: str) -> rdflib.Graph:
    """The graph extracted from one of the test captures; it must conform."""
    result = ingest(source_copy, [str(CAPTURES / capture)], None, url=f"https://example.org/{capture}",
                    retrieved="2026-11-01T10:00:00Z")
    assert result.report.conforms, result.report.describe()
    return result.graph


def test_page_without_contact_block(source_copy):
    g = ingested(source_copy, "no-contact.txt")
    page = rdflib.URIRef(BASE + "id/page/ziel-13-massnahmen-zum-klimaschutz")
    assert (page, SCHEMA.about, rdflib.URIRef("http://metadata.un.org/sdg/13")) in g
    assert (page, SCHEMA.mentions, rdflib.URIRef(BASE + "id/organization/platforma")) in g
    assert g.value(page, SCHEMA.mainEntity) is None
    assert (rdflib.URIRef(BASE + "id/page/ziel-15-leben-an-land"), SCHEMA.about,
            rdflib.URIRef("http://metadata.un.org/sdg/15")) in g


def test_partnership_page_with_several_persons_and_another_postcode(source_copy):
    g = ingested(source_copy, "klimapartnerschaft.html")
    partnership = rdflib.URIRef(BASE + "id/partnership/dortmund-musterstadt")
    assert (partnership, LP.partnershipKind, LP.ClimatePartnership) in g
    assert str(g.value(partnership, LP.thematicFocus)) == "Energieeffizienz"
    city = next(c for c in g.objects(partnership, LP.partner) if c != rdflib.URIRef(BASE + "id/place/dortmund"))
    assert str(g.value(g.value(city, SCHEMA.containedInPlace), SCHEMA.name)) == "Beispielland"
    office = rdflib.URIRef(BASE + "id/organization/buero-internationale-beziehungen")
    persons = {str(g.value(p, rdflib.URIRef("http://xmlns.com/foaf/0.1/name"))) for p in g.subjects(ORG.holds, None)}
    assert persons == {"Erika Musterfrau", "Max Mustermann", "Martin van der Pütten"}
    heads = set(g.subjects(ORG.headOf, office))
    assert heads == {rdflib.URIRef(BASE + "id/person/martin-van-der-puetten")}
    site = rdflib.URIRef(BASE + "id/site/suedwall-2-4")
    address = g.value(site, ORG.siteAddress)
    assert str(g.value(address, rdflib.URIRef("http://www.w3.org/ns/locn#postCode"))) == "44137"


def test_english_page(source_copy):
    g = ingested(source_copy, "english.html")
    page = rdflib.URIRef(BASE + "id/page/international-dortmund")
    assert g.value(page, SCHEMA.name).language == "en"
    office = rdflib.URIRef(BASE + "id/organization/buero-internationale-beziehungen")
    assert (rdflib.URIRef(BASE + "id/person/martin-van-der-puetten"), ORG.headOf, office) in g
    assert (office, LP.network, rdflib.URIRef(BASE + "id/organization/cemr")) in g
    assert (office, LP.followsFramework, rdflib.URIRef(BASE + "id/framework/new-urban-agenda")) in g
    assert (page, SCHEMA.about, rdflib.URIRef(BASE + "id/sdg")) in g
    assert (rdflib.URIRef(BASE + "id/page/sdg-11-sustainable-cities"), SCHEMA.about,
            rdflib.URIRef("http://metadata.un.org/sdg/11")) in g


def test_bad_sources_fail_alone_and_nothing_half_written(source_copy, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    other_site = tmp_path / "other.html"
    other_site.write_text("<html><body><h1>Shop</h1><p>Buy now!</p></body></html>")
    out = tmp_path / "out.ttl"
    result = run_ingest(source_copy, str(empty), str(other_site), str(CAPTURES / "no-contact.txt"), "--out", str(out),
                        "--url", "https://example.org/p", "--retrieved", "2026-11-01T10:00:00Z")
    assert result.returncode == 2
    assert "empty.txt: the capture is empty" in result.stderr
    assert "other.html: no breadcrumb" in result.stderr
    assert "ziel-13" in out.read_text()  # the good source was still processed


def test_invalid_extraction_writes_nothing_and_names_the_page(source_copy, tmp_path):
    bad = tmp_path / "bad-postcode.txt"
    bad.write_text((CAPTURES / "klimapartnerschaft.html").read_text().replace("44137", "4413"))
    bad = bad.rename(tmp_path / "bad-postcode.html")
    out = tmp_path / "out.ttl"
    result = run_ingest(source_copy, str(bad), "--out", str(out), "--url", "https://example.org/p",
                        "--retrieved", "2026-11-01T10:00:00Z")
    assert result.returncode == 1
    assert "bad-postcode.html" in result.stderr and "postCode" in result.stderr
    assert not out.exists()


@needs_seed
def test_change_report_after_the_page_changes(source_copy, tmp_path):
    capture = tmp_path / "dortmund-international.txt"
    capture.write_text(SEED.read_text(encoding="utf-8").replace("Betenstraße 19", "Betenstraße 21"), encoding="utf-8")
    result = run_ingest(source_copy, str(capture), "--out", str(source_copy.data_dir / GENERATED))
    assert result.returncode == 0, result.stderr
    assert "betenstrasse-21" in result.stdout and "+ " in result.stdout and "- " in result.stdout


# --- fetching from a local site -----------------------------------------------------------------------------

class Site(http.server.BaseHTTPRequestHandler):
    pages: dict = {}
    hits: list = []

    def log_message(self, *args):
        pass

    def do_GET(self):  # noqa: N802 - the stdlib's name
        Site.hits.append((self.path, self.headers.get("If-None-Match"), self.headers.get("User-Agent")))
        if self.path == "/robots.txt":
            return self._send(200, "text/plain", b"User-agent: *\nDisallow: /private/\n")
        if self.path == "/page.html":
            if self.headers.get("If-None-Match") == '"v1"':
                self.send_response(304)
                self.end_headers()
                return None
            return self._send(200, "text/html; charset=utf-8", (CAPTURES / "english.html").read_bytes(), {"ETag": '"v1"'})
        if self.path == "/latin1.html":
            body = (CAPTURES / "klimapartnerschaft.html").read_text().replace('<meta charset="utf-8">', "")
            return self._send(200, "text/html; charset=iso-8859-1", body.encode("latin-1"))
        if self.path == "/moved":
            return self._send(301, "text/plain", b"", {"Location": "/page.html"})
        if self.path == "/loop":
            return self._send(302, "text/plain", b"", {"Location": "/loop"})
        if self.path == "/error":
            return self._send(500, "text/plain", b"boom")
        if self.path == "/file.pdf":
            return self._send(200, "application/pdf", b"%PDF-1.4")
        if self.path == "/empty.html":
            return self._send(200, "text/html", b"")
        if self.path == "/huge.html":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            chunk = b"<p>" + b"x" * 65536 + b"</p>"
            try:
                for _ in range(800):  # 50 MB, unless the client stops reading first
                    self.wfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass
            return None
        return self._send(404, "text/plain", b"not found")

    def _send(self, status, content_type, body, headers=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def site():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_fetch_with_conditional_get_and_redirects(site, tmp_path):
    fetcher = Fetcher(cache_dir=tmp_path / "cache")
    first = fetcher.fetch(f"{site}/page.html")
    assert "International Dortmund" in first.text and first.media_type == "text/html"
    second = fetcher.fetch(f"{site}/page.html")
    assert second.text == first.text
    assert ("/page.html", '"v1"', Site.hits[-1][2]) == Site.hits[-1] and "lodpub" in Site.hits[-1][2]
    moved = fetcher.fetch(f"{site}/moved")
    assert moved.url == f"{site}/page.html"


def test_fetch_decodes_the_declared_encoding(site):
    fetched = Fetcher().fetch(f"{site}/latin1.html")
    assert "Südwall" in fetched.text and "Bürgermeister" not in fetched.text.replace("Oberbürgermeister", "")


@pytest.mark.parametrize("path,reason", [
    ("/private/page.html", "robots.txt"), ("/loop", "too many redirects"), ("/error", "answered 500"),
    ("/missing", "answered 404"), ("/file.pdf", "not a web page"), ("/empty.html", "empty"),
    ("/huge.html", "larger than the limit"),
])
def test_fetch_failures_are_clear(site, path, reason):
    with pytest.raises(FetchError) as caught:
        Fetcher(timeout=10).fetch(f"{site}{path}")
    assert reason in str(caught.value) and path in str(caught.value)


def test_unreachable_site_is_a_clear_error():
    with pytest.raises(FetchError) as caught:
        Fetcher(timeout=2).fetch("http://127.0.0.1:9/page.html")
    assert "cannot be fetched" in str(caught.value)


def test_ingest_from_the_site_alongside_failures(site, source_copy, tmp_path):
    out = tmp_path / "live.ttl"
    result = run_ingest(source_copy, f"{site}/page.html", f"{site}/error", "--out", str(out))
    assert result.returncode == 2 and "answered 500" in result.stderr
    graph = rdflib.Graph().parse(out, publicID=BASE)
    page = rdflib.URIRef(BASE + "id/page/international-dortmund")
    assert (page, SCHEMA.url, rdflib.URIRef(f"{site}/page.html")) in graph
    capture = graph.value(page, PROV.wasDerivedFrom)
    assert graph.value(capture, PROV.generatedAtTime) is not None
