"""/openapi.json: the HTTP interface as OpenAPI 3.1, built from the same format tables the views negotiate with."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from publisher import __version__
from publisher.web import formats
from publisher.web.metadata import DUMPS

bp = Blueprint("openapi", __name__)

ERRORS = {
    "400": {"description": "Malformed request: unknown parameter, bad value, refused query (message says why)"},
    "404": {"description": "No such resource"},
    "406": {"description": "No offered media type matches Accept; the body lists the available ones"},
}


def _content(offered) -> dict:
    return {f.media_type: {} for f in offered}


def _get(summary: str, offered=None, parameters=(), extra_responses=None) -> dict:
    responses = {"200": {"description": "OK", **({"content": _content(offered)} if offered else {})},
                 "304": {"description": "Not modified (If-None-Match / If-Modified-Since)"}, **ERRORS,
                 **(extra_responses or {})}
    return {"summary": summary, "parameters": list(parameters), "responses": responses}


def _param(name: str, where: str = "query", required: bool = False, schema: dict | None = None) -> dict:
    return {"name": name, "in": where, "required": required, "schema": schema or {"type": "string"}}


def document() -> dict:
    resource_params = [_param("format", schema={"type": "string", "enum": list(formats.BY_KEY)}),
                       _param("page", schema={"type": "integer", "minimum": 1})]
    resource = _get("Describe a resource (CBD, labels of linked resources, incoming links); suffixes .ttl .jsonld "
                    ".nt .rdf .html pick a format", formats.RESOURCE_FORMATS,
                    [_param("rest", "path", True), *resource_params])
    namespace = _get("The namespace itself (ontology or shapes) with its terms", formats.RESOURCE_FORMATS,
                     resource_params)
    graph_doc = lambda summary: _get(summary, formats.RESOURCE_FORMATS, [_param("format")])  # noqa: E731
    sparql_params = [_param("query"), _param("default-graph-uri"), _param("named-graph-uri"), _param("format"),
                     _param("output"), _param("results")]
    sparql_responses = {"200": {"description": "Results, or the service description / query page without a query",
                                "content": _content((*formats.SOLUTION_FORMATS, *formats.RDF_FORMATS))},
                        **ERRORS, "413": {"description": "Query or body too long"},
                        "415": {"description": "Unsupported POST body type"},
                        "429": {"description": "Too many queries from this address"},
                        "503": {"description": "Time limit reached, server saturated or store unreachable"}}
    paths = {
        "/": {"get": _get("Landing page", (formats.HTML,))},
        "/health": {"get": {"summary": "Liveness, triple count and data version",
                            "responses": {"200": {"description": "OK", "content": {"application/json": {}}}}}},
        "/openapi.json": {"get": {"summary": "This description",
                                  "responses": {"200": {"description": "OK", "content": {"application/json": {}}}}}},
        "/context.jsonld": {"get": _get("The JSON-LD context used by every JSON-LD body", (formats.JSONLD,))},
        "/id/": {"get": namespace},
        "/id/{rest}": {"get": resource},
        "/def/": {"get": namespace},
        "/def/{rest}": {"get": resource},
        "/shapes/": {"get": namespace},
        "/shapes/{rest}": {"get": resource},
        "/catalog": {"get": graph_doc("DCAT-AP.de catalog")},
        "/.well-known/void": {"get": graph_doc("VoID description with statistics and linksets")},
        "/sparql": {
            "get": {"summary": "SPARQL 1.1 Protocol query via GET; without query: service description or query page",
                    "parameters": sparql_params, "responses": sparql_responses},
            "post": {"summary": "SPARQL 1.1 Protocol query via POST (form-encoded or application/sparql-query)",
                     "parameters": [_param("default-graph-uri"), _param("named-graph-uri")],
                     "requestBody": {"content": {"application/x-www-form-urlencoded": {},
                                                 "application/sparql-query": {}}},
                     "responses": sparql_responses}},
        "/dumps/dataset.{key}.gz": {"get": _get(
            "The whole dataset, gzip-compressed", None,
            [_param("key", "path", True, {"type": "string", "enum": [d.key for d in DUMPS]})],
            {"200": {"description": "OK", "content": {"application/gzip": {}}}})},
        "/sitemap.xml": {"get": _get("Every resource page", None, (), {"200": {"description": "OK",
                                                                                 "content": {"application/xml": {}}}})},
        "/robots.txt": {"get": {"summary": "Crawler rules", "responses": {
            "200": {"description": "OK", "content": {"text/plain": {}}}}}},
        "/static/{filename}": {"get": {"summary": "Style sheet", "parameters": [_param("filename", "path", True)],
                                       "responses": {"200": {"description": "OK"}, "404": ERRORS["404"]}}},
    }
    return {"openapi": "3.1.0",
            "info": {"title": "lodpub", "version": __version__,
                     "description": "Linked open data server: dereferenceable resources, SPARQL, catalog, dumps."},
            "servers": [{"url": current_app.extensions["lodpub"].base.rstrip("/")}],
            "paths": paths}


@bp.route("/openapi.json", methods=["GET", "HEAD"])
def openapi():
    return jsonify(document())
