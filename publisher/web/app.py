"""create_app(settings): the Flask app factory. Validates and loads the data once, registers one blueprint per
concern, and adds the headers every read endpoint shares (CORS)."""

from __future__ import annotations

from flask import Flask, Response, current_app, request

from publisher.config import Settings
from publisher.release import open_store
from publisher.store.base import Store
from publisher.web import errors, html, metadata, openapi, pages, resources, sparql
from publisher.web.publication import Publication
from publisher.web.response_cache import ResponseCache


def local_filter(iri: str) -> str:
    """Jinja filter: our IRIs as links on the host being browsed."""
    return html.local_url(iri, current_app.extensions["lodpub"].base, request.host_url)


def add_cors_headers(response: Response) -> Response:
    """Every endpoint is read-only public data: any origin may read it."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers.setdefault("Access-Control-Expose-Headers", "ETag, Link, Content-Location, Vary")
    return response


def create_app(settings: Settings | None = None, store: Store | None = None) -> Flask:
    settings = settings or Settings.load()
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = 1 * 1024 * 1024
    publication = Publication(settings, store or open_store(settings))
    app.extensions["lodpub"] = publication
    app.add_template_filter(local_filter, "local")
    app.after_request(add_cors_headers)

    errors.register_error_handlers(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(resources.bp)
    app.register_blueprint(metadata.bp)
    app.register_blueprint(sparql.bp)
    app.register_blueprint(openapi.bp)
    app.wsgi_app = ResponseCache(app.wsgi_app, lambda: publication.store.version, settings.response_cache_bytes)
    return app
