"""Fetching pages politely and safely: a clear User-Agent, timeouts, retries with backoff (urllib3's Retry),
robots.txt (urllib.robotparser), conditional GET against a local cache, and hard limits on size and redirects."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from publisher import __version__

USER_AGENT = f"lodpub/{__version__} (linked open data publisher; +https://github.com/lodpub)"
MAX_BYTES = 5 * 1024 * 1024
ACCEPTED_TYPES = ("text/html", "application/xhtml+xml", "text/plain")


class FetchError(Exception):
    """A page could not be fetched; the message names the address and the reason."""


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    text: str
    media_type: str
    retrieved: str  # xsd:dateTime, UTC


class Fetcher:
    def __init__(self, cache_dir: Path | None = None, timeout: float = 15.0, max_bytes: int = MAX_BYTES):
        self.cache_dir, self.timeout, self.max_bytes = cache_dir, timeout, max_bytes
        self.session = requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        self.session.max_redirects = 5
        retry = Retry(total=3, connect=3, read=2, status=3, backoff_factor=0.5, status_forcelist=(429, 502, 503, 504),
                      allowed_methods=("GET", "HEAD"), respect_retry_after_header=True, raise_on_status=False)
        adapter = HTTPAdapter(max_retries=retry)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self._robots: dict[str, RobotFileParser] = {}

    def allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            parser = RobotFileParser()
            try:
                response = self.session.get(f"{origin}/robots.txt", timeout=self.timeout)
                parser.parse(response.text.splitlines() if response.status_code == 200 else [])
            except requests.RequestException:
                parser.parse([])  # no robots.txt reachable: nothing is disallowed
            self._robots[origin] = parser
        return self._robots[origin].can_fetch(USER_AGENT, url)

    def _cache_paths(self, url: str) -> tuple[Path, Path] | None:
        if self.cache_dir is None:
            return None
        key = hashlib.sha256(url.encode()).hexdigest()[:32]
        return self.cache_dir / f"{key}.body", self.cache_dir / f"{key}.json"

    def fetch(self, url: str) -> Fetched:
        if urlsplit(url).scheme not in ("http", "https"):
            raise FetchError(f"{url}: only http and https addresses can be fetched")
        if not self.allowed(url):
            raise FetchError(f"{url}: disallowed by the site's robots.txt for {USER_AGENT}")
        cached = self._cache_paths(url)
        headers = {"Accept": "text/html, application/xhtml+xml;q=0.9, text/plain;q=0.8"}
        meta = None
        if cached and cached[1].exists():
            meta = json.loads(cached[1].read_text())
            headers.update({k: v for k, v in (("If-None-Match", meta.get("etag")),
                                              ("If-Modified-Since", meta.get("last_modified"))) if v})
        try:
            with self.session.get(url, headers=headers, timeout=self.timeout, stream=True) as response:
                if response.status_code == 304 and meta:
                    return Fetched(meta["url"], cached[0].read_text(encoding="utf-8"), meta["media_type"], _now())
                if response.status_code >= 400:
                    raise FetchError(f"{url}: the site answered {response.status_code} {response.reason}")
                media_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
                if media_type not in ACCEPTED_TYPES:
                    raise FetchError(f"{url}: not a web page (Content-Type {media_type or 'missing'})")
                body = self._read_limited(url, response)
                if not body.strip():
                    raise FetchError(f"{url}: the response is empty")
                text = self._decode(body, response)
                final_url = response.url
                if cached:
                    cached[0].parent.mkdir(parents=True, exist_ok=True)
                    cached[0].write_text(text, encoding="utf-8")
                    cached[1].write_text(json.dumps({"url": final_url, "media_type": media_type,
                                                     "etag": response.headers.get("ETag"),
                                                     "last_modified": response.headers.get("Last-Modified")}))
                return Fetched(final_url, text, media_type, _now())
        except requests.TooManyRedirects as exc:
            raise FetchError(f"{url}: too many redirects (a redirect loop?)") from exc
        except requests.RequestException as exc:
            raise FetchError(f"{url}: cannot be fetched ({exc.__class__.__name__})") from exc

    def _read_limited(self, url: str, response: requests.Response) -> bytes:
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > self.max_bytes:
            raise FetchError(f"{url}: the page is {int(declared)} bytes, more than the limit of {self.max_bytes}")
        chunks, size = [], 0
        for chunk in response.iter_content(64 * 1024):
            size += len(chunk)
            if size > self.max_bytes:
                raise FetchError(f"{url}: the page is larger than the limit of {self.max_bytes} bytes")
            chunks.append(chunk)
        return b"".join(chunks)

    @staticmethod
    def _decode(body: bytes, response: requests.Response) -> str:
        """The declared charset, else UTF-8, else what charset detection finds (requests' apparent_encoding)."""
        for encoding in (response.encoding if "charset" in response.headers.get("Content-Type", "") else None, "utf-8"):
            if encoding:
                try:
                    return body.decode(encoding)
                except (UnicodeDecodeError, LookupError):
                    continue
        return body.decode(response.apparent_encoding or "latin-1", errors="replace")


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
