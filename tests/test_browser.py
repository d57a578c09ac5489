"""A real browser: headless Debian Chromium driven by Playwright opens the landing page, a resource page and the
query page, runs an example query and reads the result table, with no request leaving this machine."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.conftest import running_server

CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]


def chromium() -> str:
    found = shutil.which("chromium")
    if not found:
        try:
            subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=True, capture_output=True, timeout=900)
        except (OSError, subprocess.SubprocessError):
            try:
                subprocess.run(["apt-get", "update", "-qq"], check=True, capture_output=True, timeout=600)
                subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=True, capture_output=True,
                               timeout=900)
            except (OSError, subprocess.SubprocessError) as exc:
                pytest.skip(f"Chromium (Debian package chromium) cannot be installed here: {exc}")
        found = shutil.which("chromium")
    return found or pytest.skip("chromium not found after installing")


def playwright_api():
    """Playwright's Python package (a dev dependency) drives the Debian Chromium; it downloads no browser."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        pytest.skip(f"Playwright is not installed: {exc}")
    return sync_playwright


def test_pages_and_an_example_query_in_a_real_browser():
    executable = chromium()
    sync_playwright = playwright_api()
    with running_server() as (url, _), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(locale="de-DE")
            outside = []
            page.on("request", lambda r: None if r.url.startswith(url) else outside.append(r.url))
            page.goto(url + "/", wait_until="load")
            assert "Dortmund International" in page.title()
            assert page.locator("table.classes tr").count() > 5
            page.goto(url + "/id/organization/buero-internationale-beziehungen", wait_until="load")
            assert page.locator("h1").inner_text() == "Büro für Internationale Beziehungen"
            page.click("text=Amt für Angelegenheiten des Oberbürgermeisters und des Rates")
            assert page.url.endswith("/id/organization/amt-oberbuergermeister-rat")
            page.goto(url + "/sparql", wait_until="load")
            page.click("ul.examples >> text=Partnerstädte und ihre Länder")
            page.wait_for_selector("table.results")
            rows = page.locator("table.results tr")
            assert rows.count() == 3  # header + Kumasi + Dabola
            assert "Kumasi" in page.locator("table.results").inner_text()
            page.fill("textarea[name=query]", "SELECT ?s WHERE { ?s a <http://schema.org/Country> }")
            page.click("button[type=submit]")
            page.wait_for_selector("table.results")
            assert page.locator("table.results tr").count() == 3
            assert outside == [], outside
        finally:
            browser.close()
