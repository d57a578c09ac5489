"""The apps the benchmark serves with gunicorn: lodpub itself plus the two floors on the same server setup —
a route returning fixed bytes (the HTTP floor) and a bare route running a query on pyoxigraph in-process with no
guard, no child process and no limits (the SPARQL floor)."""

from __future__ import annotations

import pyoxigraph as ox
from flask import Response, request

from publisher.config import Settings
from publisher.web.app import create_app

FIXED_BODY = b"x" * 4096


def bench_app():
    app = create_app(Settings.load())
    store = app.extensions["lodpub"].store

    def fixed():
        return Response(FIXED_BODY, content_type="text/turtle")

    def floor_sparql():
        results = store.query(request.args["query"])
        return Response(results.serialize(format=ox.QueryResultsFormat.JSON),
                        content_type="application/sparql-results+json")

    app.add_url_rule("/bench/fixed", "bench_fixed", fixed)
    app.add_url_rule("/bench/floor-sparql", "bench_floor_sparql", floor_sparql)
    return app
