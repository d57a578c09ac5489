"""Every error a client can cause becomes a clear 4xx in a form it can read; nothing it sends becomes a 500."""

from __future__ import annotations

import json
import logging

from flask import Flask, Response, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from publisher.store.base import StoreUnavailable
from publisher.web.formats import NotAcceptable

log = logging.getLogger(__name__)

ERROR_MEDIA_TYPES = ("text/plain", "text/html", "application/json")


def error_response(status: int, title: str, message: str, headers: dict | None = None) -> Response:
    """Plain text unless the client prefers HTML or JSON."""
    chosen = request.accept_mimetypes.best_match(ERROR_MEDIA_TYPES, default="text/plain")
    if chosen == "text/html" and request.accept_mimetypes["text/html"] > request.accept_mimetypes["text/plain"]:
        body, content_type = render_template("error.html", status=status, title=title, message=message), "text/html; charset=utf-8"
    elif chosen == "application/json":
        body, content_type = json.dumps({"status": status, "error": title, "message": message}), "application/json"
    else:
        body, content_type = f"{status} {title}: {message}\n", "text/plain; charset=utf-8"
    response = Response(body, status=status, content_type=content_type, headers=headers or {})
    response.headers["Vary"] = "Accept"
    return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(NotAcceptable)
    def not_acceptable(exc: NotAcceptable):
        available = ", ".join(f.media_type for f in exc.offered)
        return error_response(406, "Not Acceptable", f"No representation matches. Available: {available}",
                              {"X-Available-Types": available})

    @app.errorhandler(StoreUnavailable)
    def store_unavailable(exc: StoreUnavailable):
        log.warning("store unavailable on %s %s: %s", request.method, request.path, exc)
        return error_response(503, "Service Unavailable", str(exc), {"Retry-After": "5"})

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if isinstance(exc, InternalServerError):
            return internal_error(exc)
        headers = dict(exc.get_headers()) if exc.code in (405, 429, 503) else {}
        headers.pop("Content-Type", None)
        return error_response(exc.code or 400, exc.name, exc.description or exc.name, headers)

    @app.errorhandler(Exception)
    def internal_error(exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500, "Internal Server Error", "The server failed; this is a bug, please report it.")
