"""/id/…, /def/… and /shapes/…: every IRI of the dataset answers with its description in the negotiated format."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, request

from publisher.web import formats
from publisher.web.errors import error_response
from publisher.web.http import send

bp = Blueprint("resources", __name__)

NAMESPACES = ("id", "def", "shapes")
RESOURCE_PARAMS = {"format", "page"}
MAX_PATH_LENGTH = 1024
MAX_PAGE = 100_000


def preferred_language() -> str:
    return request.accept_languages.best_match(("de", "en"), default="de")


def check_params(allowed: set[str]) -> None:
    if not request.args:
        return
    unknown = sorted(set(request.args) - allowed)
    if unknown:
        abort(400, f"Unknown query parameter(s): {', '.join(unknown)}. Allowed: {', '.join(sorted(allowed))}.")


def page_number() -> int:
    raw = request.args.get("page", "1")
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
        abort(400, f"'page' must be a whole number from 1 to {MAX_PAGE}.")
    return int(raw)


def split_suffix(rest: str) -> tuple[str, str | None]:
    """'x.ttl' -> ('x', 'ttl') when the suffix names a format; otherwise the path is the IRI as it is."""
    stem, dot, suffix = rest.rpartition(".")
    if dot and suffix in formats.BY_KEY and stem and not stem.endswith("/"):
        return stem, suffix
    return rest, None


def not_found(iri: str, fmt: formats.Format) -> Response:
    """404 in the negotiated format: an empty graph for RDF clients, a page for people."""
    message = f"No resource <{iri}> in this dataset."
    if fmt is formats.HTML:
        return error_response(404, "Not Found", message)
    publication = current_app.extensions["lodpub"]
    body = formats.serialize_triples([], fmt, publication.base)
    return Response(body, status=404, content_type=fmt.content_type, headers={"Vary": "Accept"})


def resource(namespace: str, rest: str = ""):
    if len(request.path) > MAX_PATH_LENGTH:
        abort(414, f"The path is longer than {MAX_PATH_LENGTH} characters.")
    check_params(RESOURCE_PARAMS)
    page = page_number()
    rest, suffix = split_suffix(rest)
    explicit = suffix or request.args.get("format")
    fmt = formats.negotiate(request.headers.get("Accept", ""), formats.RESOURCE_FORMATS, explicit)
    publication = current_app.extensions["lodpub"]
    iri = f"{publication.base}{namespace}/{rest}"
    html_context = (preferred_language(), request.host_url) if fmt is formats.HTML else None
    rep = publication.resource(iri, fmt, page, html_context)
    if rep is None:
        return not_found(iri, fmt)
    # A suffix or ?format= fixes the format, so such a URL does not vary by Accept.
    return send(rep, vary="" if explicit else "Accept")


for _namespace in NAMESPACES:
    bp.add_url_rule(f"/{_namespace}/", f"{_namespace}_root", resource, defaults={"namespace": _namespace},
                    methods=["GET", "HEAD"])
    bp.add_url_rule(f"/{_namespace}/<path:rest>", _namespace, resource, defaults={"namespace": _namespace},
                    methods=["GET", "HEAD"])
