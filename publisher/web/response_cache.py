"""Replays whole responses of read requests, in front of Flask: a representation is made once per data version,
and after the first request for it, a request that asks the same way is answered from here without routing,
negotiation or header building. Conditional requests go through to Flask, which answers 304."""

from __future__ import annotations

from collections import OrderedDict
from threading import Lock

CACHEABLE = "lodpub.cacheable"  # set in the WSGI environ by views whose 200 response depends only on the key
MAX_BODY = 1024 * 1024
REQUEST_KEYS = ("wsgi.url_scheme", "HTTP_HOST", "PATH_INFO", "QUERY_STRING", "HTTP_ACCEPT", "HTTP_ACCEPT_LANGUAGE",
                "HTTP_ACCEPT_ENCODING")


class ResponseCache:
    def __init__(self, wsgi_app, version_of, max_bytes: int = 256 * 1024 * 1024):
        self.wsgi_app, self.version_of, self.max_bytes = wsgi_app, version_of, max_bytes
        self._entries: OrderedDict[tuple, tuple[str, list, bytes]] = OrderedDict()
        self._size = 0
        self._lock = Lock()

    def __call__(self, environ, start_response):
        method = environ["REQUEST_METHOD"]
        if method not in ("GET", "HEAD") or "HTTP_IF_NONE_MATCH" in environ or "HTTP_IF_MODIFIED_SINCE" in environ:
            return self.wsgi_app(environ, start_response)
        try:
            version = self.version_of()
        except Exception:  # noqa: BLE001 - e.g. the store is unreachable: Flask answers with the right error
            return self.wsgi_app(environ, start_response)
        key = (version, *(environ.get(k) for k in REQUEST_KEYS))
        hit = self._entries.get(key)
        if hit is not None:
            status, headers, body = hit
            start_response(status, headers)
            return [] if method == "HEAD" else [body]
        captured = []

        def capture(status, headers, exc_info=None):
            captured[:] = [status, headers]
            return start_response(status, headers, exc_info)

        result = self.wsgi_app(environ, capture)
        if method != "GET" or not environ.get(CACHEABLE) or not captured or not captured[0].startswith("200"):
            return result
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close:
                close()
        if len(body) <= MAX_BODY:
            self._remember(key, (captured[0], list(captured[1]), body))
        return [body]

    def _remember(self, key: tuple, entry: tuple[str, list, bytes]) -> None:
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = entry
            self._size += len(entry[2])
            while self._size > self.max_bytes and self._entries:
                _, old = self._entries.popitem(last=False)
                self._size -= len(old[2])
