"""The landing page, /health and the published JSON-LD context: the entry points people and monitors start from."""

from __future__ import annotations

import json

from flask import Blueprint, current_app, jsonify, render_template, request

from publisher.web import formats
from publisher.web.html import compact
from publisher.web.http import Representation, send
from publisher.web.resources import check_params, preferred_language

bp = Blueprint("pages", __name__)

DATASET_QUERY = """
    PREFIX dcat: <http://www.w3.org/ns/dcat#> PREFIX dct: <http://purl.org/dc/terms/>
    SELECT ?dataset ?title ?description WHERE {
        ?dataset a dcat:Dataset ; dct:title ?title .
        OPTIONAL { ?dataset dct:description ?description FILTER(LANG(?description) = LANG(?title)) }
    } ORDER BY ?dataset"""
CLASS_COUNTS_QUERY = """
    SELECT ?class (COUNT(DISTINCT ?s) AS ?n) (MIN(STR(?s)) AS ?example) WHERE { ?s a ?class FILTER(isIRI(?s)) }
    GROUP BY ?class ORDER BY DESC(?n) ?class"""


def landing_context(lang: str) -> dict:
    """Dataset title and description in the reader's language, counts by class, one example per class."""
    publication = current_app.extensions["lodpub"]
    store, prefixes = publication.store, formats.deployment_prefixes(publication.base)
    texts, dataset_iri = {}, None
    for row in store.query(DATASET_QUERY):
        dataset_iri = dataset_iri or row["dataset"].value
        if row["dataset"].value == dataset_iri:
            description = row["description"].value if row["description"] else ""
            texts[row["title"].language or ""] = (row["title"].value, description)
    title, description = next((texts[k] for k in (lang, "de", "en", "") if k in texts), ("lodpub", ""))
    classes = [
        {"iri": row["class"].value, "name": compact(row["class"].value, prefixes), "count": int(row["n"].value),
         "example": row["example"].value}
        for row in store.query(CLASS_COUNTS_QUERY)
    ]
    return {"title": title, "description": description, "dataset_iri": dataset_iri, "classes": classes,
            "triples": store.triple_count(), "version": store.version}


@bp.route("/", methods=["GET", "HEAD"])
def landing():
    check_params(set())
    publication = current_app.extensions["lodpub"]
    lang = preferred_language()
    key = ("landing", publication.store.version, lang, request.host_url)

    def make():
        body = render_template("landing.html", lang=lang, **landing_context(lang))
        return Representation(body.encode(), formats.HTML.content_type)

    return send(publication.cache.get(key, make), vary="Accept-Language")


@bp.route("/health", methods=["GET", "HEAD"])
def health():
    store = current_app.extensions["lodpub"].store
    return jsonify(status="ok", triples=store.triple_count(), version=store.version)


@bp.route("/context.jsonld", methods=["GET", "HEAD"])
def jsonld_context():
    publication = current_app.extensions["lodpub"]

    def make():
        body = json.dumps(formats.jsonld_context(publication.base), indent=1).encode()
        return Representation(body, formats.JSONLD.content_type)

    return send(publication.cache.get(("context", publication.store.version), make), vary="")
