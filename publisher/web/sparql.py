"""/sparql: the SPARQL 1.1 Protocol query operation, the service description, and the query page for browsers."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Blueprint, Response, abort, current_app, render_template, request

from publisher.query import guard
from publisher.query.executor import QueryError, QueryJob, QueryTimeout
from publisher.query.limits import TooManyQueries
from publisher.store.base import StoreUnavailable
from publisher.web import formats
from publisher.web.describe import is_safe_iri
from publisher.web.errors import error_response
from publisher.web.html import local_url
from publisher.web.metadata import integer
from publisher.web.http import send
from publisher.web.resources import check_params, preferred_language
from publisher.web.sparql_examples import EXAMPLES

bp = Blueprint("sparql", __name__)

# format: ours and YASGUI's; output/results: what SPARQLWrapper sends for tools that cannot set headers.
FORMAT_PARAMS = ("format", "output", "results")
PROTOCOL_PARAMS = {"query", "default-graph-uri", "named-graph-uri", *FORMAT_PARAMS}
FORM_TYPE = "application/x-www-form-urlencoded"
N, L, T = ox.NamedNode, ox.Literal, ox.Triple
SD = formats.PREFIXES["sd"]
W3C_FORMATS = "http://www.w3.org/ns/formats/"
RDF_TYPE = N("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def _publication():
    return current_app.extensions["lodpub"]


def protocol_request() -> tuple[str | None, tuple[str, ...], tuple[str, ...]]:
    """The query and dataset IRIs from GET, POST form or POST application/sparql-query, as the Protocol defines."""
    if request.method == "POST":
        mimetype = request.mimetype
        if mimetype == FORM_TYPE:
            if "update" in request.form:
                abort(400, "This endpoint is read-only: SPARQL Update is not accepted.")
            params = request.form
            check_params_in(params)
            check_params(PROTOCOL_PARAMS)
            return params.get("query"), tuple(params.getlist("default-graph-uri")), tuple(params.getlist("named-graph-uri"))
        if mimetype == "application/sparql-update":
            abort(400, "This endpoint is read-only: SPARQL Update is not accepted.")
        if mimetype != "application/sparql-query":
            abort(415, f"POST a query as {FORM_TYPE} or application/sparql-query.")
        check_params(PROTOCOL_PARAMS)
        try:
            query = request.get_data(cache=True).decode("utf-8")
        except UnicodeDecodeError:
            abort(400, "The query is not valid UTF-8.")
        return query, tuple(request.args.getlist("default-graph-uri")), tuple(request.args.getlist("named-graph-uri"))
    check_params(PROTOCOL_PARAMS)
    return request.args.get("query"), tuple(request.args.getlist("default-graph-uri")), tuple(
        request.args.getlist("named-graph-uri"))


def check_params_in(params) -> None:
    unknown = sorted(set(params) - PROTOCOL_PARAMS)
    if unknown:
        abort(400, f"Unknown parameter(s): {', '.join(unknown)}. Allowed: {', '.join(sorted(PROTOCOL_PARAMS))}.")


def explicit_format() -> str | None:
    source = request.form if request.method == "POST" and request.mimetype == FORM_TYPE else request.args
    return next((source[name] for name in FORMAT_PARAMS if source.get(name)), None)


def offered_formats(form: str) -> tuple[formats.Format, ...]:
    if form == "SELECT":
        return formats.SOLUTION_FORMATS
    if form == "ASK":
        return formats.BOOLEAN_FORMATS
    return formats.RESOURCE_FORMATS


@bp.route("/sparql", methods=["GET", "POST", "HEAD"])
def endpoint():
    query, default_graphs, named_graphs = protocol_request()
    if query is None:
        return service_description_or_page()
    settings = _publication().settings
    for iri in (*default_graphs, *named_graphs):
        if not is_safe_iri(iri):
            abort(400, f"Not a valid graph IRI: {iri!r}")
    try:
        info = guard.inspect(query, service_allowlist=settings.service_allowlist, max_length=settings.max_query_length)
    except guard.QueryTooLong as exc:
        abort(413, str(exc))
    except guard.QueryRefused as exc:
        abort(400, str(exc))
    fmt = formats.negotiate(request.headers.get("Accept", ""), offered_formats(info.form), explicit_format())
    job = QueryJob(query, info.form, fmt.key, default_graphs, named_graphs, info.has_dataset_clause)
    try:
        with _publication().slots.hold(request.remote_addr or "unknown"):
            result = _publication().run_query(job, request.environ)
    except TooManyQueries as exc:
        return error_response(exc.status, "Too Many Requests" if exc.status == 429 else "Service Unavailable",
                              str(exc), {"Retry-After": str(exc.retry_after)})
    except QueryTimeout as exc:
        return error_response(503, "Query Timeout", str(exc))
    except QueryError as exc:
        abort(400, f"The query could not be run: {exc}")
    except StoreUnavailable as exc:
        return error_response(503, "Service Unavailable", str(exc), {"Retry-After": "5"})
    headers = {"Vary": "Accept"}
    if result.truncated:
        limit = settings.max_result_rows
        headers["Lodpub-Results-Truncated"] = f"true; limit={limit}"
        headers["Warning"] = f'199 lodpub "Results truncated to the first {limit}"'
    if fmt is formats.HTML:
        body = query_page(query, result=result, form=info.form)
        return Response(body, content_type=fmt.content_type, headers=headers)
    return Response(result.body, content_type=fmt.content_type, headers=headers)


def service_description_or_page():
    fmt = formats.negotiate(request.headers.get("Accept", ""), formats.RESOURCE_FORMATS, explicit_format())
    if fmt is formats.HTML:
        return Response(query_page(None), content_type=fmt.content_type, headers={"Vary": "Accept"})
    rep = _publication().graph_document("service-description", "SPARQL Service Description", service_description, fmt)
    return send(rep, vary="Accept")


def service_description() -> list[ox.Triple]:
    """W3C SPARQL 1.1 Service Description: endpoint, language, result formats, the default graph as the union."""
    publication = _publication()
    store, base = publication.store, publication.base
    endpoint_node = N(f"{base}sparql")
    dataset, default_graph = ox.BlankNode("dataset"), ox.BlankNode("defaultGraph")
    void_triples = N(formats.PREFIXES["void"] + "triples")
    triples = [
        T(endpoint_node, RDF_TYPE, N(f"{SD}Service")),
        T(endpoint_node, N(f"{SD}endpoint"), endpoint_node),
        T(endpoint_node, N(f"{SD}supportedLanguage"), N(f"{SD}SPARQL11Query")),
        T(endpoint_node, N(f"{SD}feature"), N(f"{SD}UnionDefaultGraph")),
        T(endpoint_node, N(f"{SD}defaultDataset"), dataset),
        T(endpoint_node, N(formats.PREFIXES["dct"] + "description"), L(
            "Read-only SPARQL 1.1 query endpoint. The default graph is the union of all named graphs; FROM and "
            "FROM NAMED pick graphs of this store and never fetch; SERVICE is limited to an allow-list; queries "
            f"stop after {publication.settings.query_timeout:g} s and return at most "
            f"{publication.settings.max_result_rows} rows.", language="en")),
        T(dataset, RDF_TYPE, N(f"{SD}Dataset")),
        T(dataset, N(f"{SD}defaultGraph"), default_graph),
        T(default_graph, RDF_TYPE, N(f"{SD}Graph")),
        T(default_graph, void_triples, integer(store.triple_count())),
    ]
    if publication.settings.service_allowlist:
        triples.append(T(endpoint_node, N(f"{SD}feature"), N(f"{SD}BasicFederatedQuery")))
    for name in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                 "Turtle", "JSON-LD", "N-Triples", "RDF_XML"):
        triples.append(T(endpoint_node, N(f"{SD}resultFormat"), N(f"{W3C_FORMATS}{name}")))
    counts = store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g")
    for row in counts:
        named, graph = ox.BlankNode(), ox.BlankNode()
        triples += [T(dataset, N(f"{SD}namedGraph"), named), T(named, RDF_TYPE, N(f"{SD}NamedGraph")),
                    T(named, N(f"{SD}name"), row["g"]), T(named, N(f"{SD}graph"), graph),
                    T(graph, RDF_TYPE, N(f"{SD}Graph")), T(graph, void_triples, integer(row["n"].value))]
    return triples


def prefix_block() -> str:
    return "\n".join(f"PREFIX {p}: <{ns}>" for p, ns in formats.deployment_prefixes(_publication().base).items()) + "\n"


def result_table(body: bytes) -> dict:
    """SPARQL JSON results as rows of cells with links into the resource pages on this host."""
    data = json.loads(body)
    if "boolean" in data:
        return {"boolean": data["boolean"]}
    base, host = _publication().base, request.host_url
    variables = data["head"]["vars"]
    rows = []
    for binding in data["results"]["bindings"]:
        cells = []
        for var in variables:
            term = binding.get(var)
            if term is None:
                cells.append(None)
            elif term["type"] == "uri":
                cells.append({"href": local_url(term["value"], base, host), "text": term["value"]})
            else:
                cells.append({"text": term["value"], "lang": term.get("xml:lang")})
        rows.append(cells)
    return {"variables": variables, "rows": rows}


def query_page(query: str | None, result=None, form: str | None = None) -> str:
    lang = preferred_language()
    prefixes = prefix_block()
    examples = [(de if lang == "de" else en, prefixes + text) for de, en, text in EXAMPLES]
    table, graph_text = None, None
    if result is not None:
        if form in ("SELECT", "ASK"):
            table = result_table(result.body)
        else:
            graph_text = result.body.decode()
    downloads = []
    if query is not None:
        for fmt in offered_formats(form):
            if fmt is not formats.HTML:
                downloads.append((fmt.label, "/sparql?" + urlencode({"query": query, "format": fmt.key})))
    return render_template(
        "sparql.html", lang=lang, query=query if query is not None else examples[0][1],
        examples=[(title, "/sparql?" + urlencode({"query": text, "format": "html"})) for title, text in examples],
        table=table, graph_text=graph_text, result=result, downloads=downloads,
        limit=_publication().settings.max_result_rows)
