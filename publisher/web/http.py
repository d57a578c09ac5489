"""HTTP done once for every read endpoint: precomputed bodies, strong ETags, conditional GET, gzip, caching headers."""

from __future__ import annotations

import gzip
import hashlib
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from threading import Lock

from flask import Response, current_app, request

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
    """A response for a precomputed representation, honouring If-None-Match and Accept-Encoding."""
    store = current_app.extensions["lodpub"].store
    use_gzip = compress and len(rep.body) >= GZIP_MIN_BYTES and "gzip" in request.accept_encodings
    etag = rep.etag + ("-gz" if use_gzip else "")
    headers = {
        **rep.headers,
        **(headers or {}),
        "Vary": f"{vary}, Accept-Encoding" if vary else "Accept-Encoding",
        "Cache-Control": CACHE_CONTROL,
    }
    body = rep.gzipped if use_gzip else rep.body
    response = Response(body, status=rep.status, headers=headers, content_type=rep.content_type)
    if use_gzip:
        response.headers["Content-Encoding"] = "gzip"
    if rep.status != 200:
        return response
    response.set_etag(etag)
    response.last_modified = store.modified
    # werkzeug answers If-None-Match / If-Modified-Since with 304 and keeps the validators.
    return response.make_conditional(request)
