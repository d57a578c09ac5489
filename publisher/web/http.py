"""HTTP done once for every read endpoint: precomputed bodies, strong ETags, conditional GET, gzip, caching headers."""

from __future__ import annotations

import gzip
import hashlib
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from threading import Lock

from flask import Response, current_app, request

from publisher.web.response_cache import CACHEABLE
from werkzeug.http import http_date, parse_date

GZIP_MIN_BYTES = 1024
CACHE_CONTROL = "public, max-age=300"


@dataclass
class Representation:
    """The bytes of one representation, made once per data version, with a strong ETag derived from them."""

    body: bytes
    content_type: str
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    etag: str = field(init=False)
    _gzipped: bytes | None = None

    def __post_init__(self) -> None:
        self.etag = hashlib.sha256(self.body).hexdigest()[:24]

    @property
    def gzipped(self) -> bytes:
        if self._gzipped is None:
            self._gzipped = gzip.compress(self.body, compresslevel=6, mtime=0)
        return self._gzipped


class RepresentationCache:
    """A bounded LRU of representations keyed by anything that determines their bytes (IRI, format, page, …)."""

    def __init__(self, max_entries: int = 20_000):
        self._entries: OrderedDict[Hashable, Representation] = OrderedDict()
        self._max = max_entries
        self._lock = Lock()

    def get(self, key: Hashable, make: Callable[[], Representation]) -> Representation:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                return found
        made = make()
        with self._lock:
            self._entries[key] = made
            if len(self._entries) > self._max:
                self._entries.popitem(last=False)
        return made


def send(rep: Representation, *, vary: str = "Accept", headers: dict[str, str] | None = None,
         compress: bool = True) -> Response:
    """A response for a precomputed representation: strong ETag, Last-Modified, 304 on If-None-Match or
    If-Modified-Since, gzip when asked for. Kept lean: it runs on every hit of every cached representation."""
    environ = request.environ
    use_gzip = (compress and len(rep.body) >= GZIP_MIN_BYTES and "HTTP_ACCEPT_ENCODING" in environ
                and request.accept_encodings["gzip"] > 0)
    etag = f'"{rep.etag}-gz"' if use_gzip else f'"{rep.etag}"'
    modified = current_app.extensions["lodpub"].store.modified
    header_list = [("Vary", f"{vary}, Accept-Encoding" if vary else "Accept-Encoding"), ("Cache-Control", CACHE_CONTROL)]
    header_list += rep.headers.items()
    if headers:
        header_list += headers.items()
    if rep.status != 200:
        return Response(rep.body, status=rep.status, headers=header_list, content_type=rep.content_type)
    header_list += [("ETag", etag), ("Last-Modified", _http_date(modified))]
    if _not_modified(environ, etag, modified):
        return Response(status=304, headers=header_list)
    environ[CACHEABLE] = True
    if use_gzip:
        header_list.append(("Content-Encoding", "gzip"))
    return Response(rep.gzipped if use_gzip else rep.body, headers=header_list, content_type=rep.content_type)


@lru_cache(maxsize=64)
def _http_date(moment: datetime) -> str:
    return http_date(moment)


def _not_modified(environ: dict, etag: str, modified: datetime) -> bool:
    """RFC 9110: If-None-Match (weak comparison) wins over If-Modified-Since."""
    if_none_match = environ.get("HTTP_IF_NONE_MATCH")
    if if_none_match is not None:
        return if_none_match.strip() == "*" or etag in if_none_match
    since = environ.get("HTTP_IF_MODIFIED_SINCE")
    if since:
        parsed = parse_date(since)
        return parsed is not None and modified.replace(microsecond=0) <= parsed
    return False
