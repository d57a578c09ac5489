"""What one running app publishes: the settings, the store and the representations made from it, cached per
data version. Blueprints reach it as current_app.extensions["lodpub"]."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import render_template

from publisher.config import Settings
from publisher.query.executor import InProcessExecutor, QueryExecutor, QueryJob, QueryResult
from publisher.query.limits import QuerySlots
from publisher.store.base import Store
from publisher.web import formats, html
from publisher.web.describe import describe
from publisher.web.http import Representation, RepresentationCache


@dataclass
class Publication:
    settings: Settings
    store: Store
    cache: RepresentationCache = field(default_factory=RepresentationCache)

    def __post_init__(self) -> None:
        # Made here, in the process that loads the data (gunicorn's master with preload), so every worker shares
        # the slot files; each worker forks its own query child on first use.
        self.slots = QuerySlots(self.settings.max_queries_per_client, self.settings.max_running_queries)
        limits = (self.store, self.settings.query_timeout, self.settings.max_result_rows, self.settings.base_iri)
        self.executor = QueryExecutor(*limits)
        self.in_process_executor = InProcessExecutor(*limits)

    def run_query(self, job: QueryJob, environ: dict) -> QueryResult:
        """In the worker under gunicorn (its socket lets the watchdog answer), else in the killable child."""
        client_socket = environ.get("gunicorn.socket")
        if client_socket is not None:
            return self.in_process_executor.run(job, client_socket)
        return self.executor.run(job)

    @property
    def base(self) -> str:
        return self.settings.base_iri

    def resource(self, iri: str, fmt: formats.Format, page: int,
                 html_context: tuple[str, str] | None = None) -> Representation | None:
        """The representation of one resource, with its Link and Content-Location headers; None when the IRI is
        unknown. HTML also depends on html_context: the reader's language and the host being browsed."""
        key = ("resource", self.store.version, iri, fmt.key, page, html_context)

        def make():
            description = describe(self.store, iri, page, self.settings.incoming_page_size)
            if description is None:
                return Representation(b"", "", status=404)
            urls = formats.format_urls("/" + iri[len(self.base):])
            headers = {
                "Link": ", ".join(f'<{url}>; rel="alternate"; type="{f.media_type}"' for f, url in urls.items()),
                "Content-Location": urls[fmt] + (f"?page={page}" if page > 1 else ""),
            }
            if fmt is formats.HTML:
                lang, host_url = html_context
                jsonld = formats.serialize_triples(description.triples, formats.JSONLD, self.base).decode()
                view = html.ResourceView(description, lang, self.base, host_url)
                body = render_template("resource.html", view=view, jsonld=html.script_safe(jsonld))
                return Representation(body.encode(), fmt.content_type, headers=headers)
            body = formats.serialize_triples(description.triples, fmt, self.base)
            return Representation(body, fmt.content_type, headers=headers)

        rep = self.cache.get(key, make)
        return None if rep.status == 404 else rep

    def graph_document(self, name: str, title: str, triples_of, fmt: formats.Format) -> Representation:
        """A whole small graph (catalog, VoID, service description) in one format, made once per data version.
        Its HTML form shows the Turtle, readable by people and copyable by tools."""
        key = ("graph", self.store.version, name, fmt.key)

        def make():
            triples = triples_of()
            if fmt is formats.HTML:
                turtle = formats.serialize_triples(triples, formats.TURTLE, self.base).decode()
                body = render_template("graph.html", title=title, name=name, turtle=turtle)
                return Representation(body.encode(), fmt.content_type)
            return Representation(formats.serialize_triples(triples, fmt, self.base), fmt.content_type)

        return self.cache.get(key, make)
