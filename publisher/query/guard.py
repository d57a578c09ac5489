"""Look at a query before it runs: read-only, SERVICE only to allow-listed endpoints, bounded size and nesting.

pyoxigraph follows SERVICE to any address and offers no switch to stop it, and parsing with rdflib would cost more
than running most queries, so the guard reads the query with a lexer that follows the SPARQL 1.1 grammar's terminals
(IRIREF, strings, comments, codepoint escapes): it cannot be fooled into not seeing a SERVICE keyword that the
engine would see, because a SERVICE needs a `{` after it and no IRI, string or comment it skips can contain one
without the engine skipping it too."""

from __future__ import annotations

import re
from dataclasses import dataclass

READ_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
MAX_NESTING = 64

_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_TOKENS = re.compile(r"""
      (?P<comment>\#[^\n\r]*)
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''|"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
    | (?P<var>[?$][^\s{}()\[\];,.<>=!|&*/+\-"'#^]+)
    | (?P<pname>(?:[A-Za-z][\w\-.]*)?:[^\s{}()\[\];,<>"'#^]*)
    | (?P<word>[A-Za-z_][A-Za-z0-9_\-]*)
    | (?P<open>[{(\[])
    | (?P<close>[})\]])
    | (?P<space>\s+)
    | (?P<other>.)
""", re.VERBOSE | re.DOTALL)


class QueryRefused(Exception):
    """The query may not run here; the message says why (the web layer answers 400)."""


class QueryTooLong(QueryRefused):
    """The query is longer than the configured limit (the web layer answers 413)."""


@dataclass(frozen=True)
class QueryInfo:
    form: str  # SELECT, ASK, CONSTRUCT or DESCRIBE
    services: tuple[str, ...]
    has_dataset_clause: bool  # FROM or FROM NAMED: the query picks its own graphs


def _decode_codepoints(text: str) -> str:
    """SPARQL applies \\u and \\U escapes to the whole query before parsing; so must we."""
    return _CODEPOINT.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


def _tokens(text: str):
    for match in _TOKENS.finditer(text):
        kind = match.lastgroup
        if kind not in ("space", "comment"):
            yield kind, match.group()


def inspect(query: str, *, service_allowlist: tuple[str, ...] = (), max_length: int = 20_000) -> QueryInfo:
    """The query's form and SERVICE targets, or QueryRefused when it may not run."""
    if len(query) > max_length:
        raise QueryTooLong(f"The query is {len(query)} characters long; the limit is {max_length}.")
    tokens = list(_tokens(_decode_codepoints(query)))
    form, depth, services, has_from = None, 0, [], False
    for index, (kind, text) in enumerate(tokens):
        if kind == "open":
            depth += 1
            if depth > MAX_NESTING:
                raise QueryRefused(f"The query nests deeper than {MAX_NESTING} levels.")
        elif kind == "close":
            depth -= 1
        elif kind == "word":
            word = text.upper()
            if form is None and word in UPDATE_WORDS:
                raise QueryRefused(f"This endpoint is read-only: SPARQL Update ({word}) is not accepted.")
            if form is None and word in READ_FORMS:
                form = word
            has_from = has_from or word == "FROM"
            if word == "SERVICE":
                services.append(_service_target(tokens, index, service_allowlist))
    if form is None:
        raise QueryRefused("Not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE.")
    return QueryInfo(form, tuple(services), has_from)


def _service_target(tokens: list, index: int, allowlist: tuple[str, ...]) -> str:
    following = tokens[index + 1:index + 3]
    if following and following[0][0] == "word" and following[0][1].upper() == "SILENT":
        following = following[1:]
    if not following or following[0][0] != "iri":
        raise QueryRefused("SERVICE must name an allow-listed endpoint by its full IRI.")
    target = following[0][1][1:-1]
    if target not in allowlist:
        allowed = ", ".join(allowlist) or "none are allowed"
        raise QueryRefused(f"SERVICE <{target}> is not allowed on this endpoint (allowed: {allowed}).")
    return target
