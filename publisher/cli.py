"""`lodpub validate | serve`: the command line in front of the publishing gate and the web server."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from publisher.config import Settings
from publisher.model.sources import SourceError, read_sources
from publisher.model.validate import ValidationFailed, validate
from publisher.release import StoreSpecError, load_release
from publisher.store.base import StoreUnavailable

EXIT_OK, EXIT_INVALID, EXIT_UNREADABLE, EXIT_STORE = 0, 1, 2, 3


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.load(
        data_dir=getattr(args, "data", None),
        base_iri=getattr(args, "base", None),
        host=getattr(args, "host", None),
        port=getattr(args, "port", None),
        workers=getattr(args, "workers", None),
        store=getattr(args, "store", None),
    )


def cmd_validate(args: argparse.Namespace) -> int:
    settings = _settings(args)
    try:
        sources = read_sources(settings)
    except SourceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    report = validate(sources)
    print(report.describe(), file=sys.stdout if report.conforms else sys.stderr)
    return EXIT_OK if report.conforms else EXIT_INVALID


def _publishing(action, args: argparse.Namespace) -> int:
    """Run a command that validates and publishes; every failure ends in a message and its exit code."""
    try:
        return action(_settings(args))
    except SourceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    except ValidationFailed as exc:
        print(f"error: the data does not conform; nothing is published.\n{exc}", file=sys.stderr)
        return EXIT_INVALID
    except (StoreSpecError, StoreUnavailable) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_STORE


def cmd_serve(args: argparse.Namespace) -> int:
    from publisher.web.server import serve  # imported late: validate needs no web stack

    return _publishing(serve, args)


def cmd_load(args: argparse.Namespace) -> int:
    def load(settings: Settings) -> int:
        version = load_release(settings)
        print(f"loaded data version {version} into {settings.store}")
        return EXIT_OK

    return _publishing(load, args)


def cmd_export(args: argparse.Namespace) -> int:
    from publisher.export import export

    def write(settings: Settings) -> int:
        count = export(settings, args.directory, args.listen)
        print(f"wrote {count} files and nginx.conf to {args.directory}; run: nginx -c {args.directory.resolve()}/nginx.conf")
        return EXIT_OK

    return _publishing(write, args)


def cmd_ingest(args: argparse.Namespace) -> int:
    from publisher.ingest.fetch import Fetcher
    from publisher.ingest.run import change_report, ingest, load_previous, serialize, write_atomically

    settings = _settings(args)
    try:
        previous = load_previous(args.out, settings.base_iri) if args.out else None
        result = ingest(settings, args.sources, args.out, url=args.url, retrieved=args.retrieved,
                        fetcher=Fetcher(cache_dir=args.cache))
    except SourceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    for error in result.errors:
        print(f"error: {error}", file=sys.stderr)
    if result.report is None:
        print("error: nothing was extracted; nothing is written.", file=sys.stderr)
        return EXIT_UNREADABLE
    if not result.report.conforms:
        for violation in result.report.violations:
            page = next((src for iri, src in result.pages.items() if violation.focus and violation.focus.startswith(iri)),
                        ", ".join(result.pages.values()))
            print(f"from {page}:\n{violation.describe()}", file=sys.stderr)
        print("error: the extracted data does not conform; nothing is written.", file=sys.stderr)
        return EXIT_INVALID
    text = serialize(result.graph, settings.base_iri)
    if args.out is None:
        sys.stdout.write(text)
    else:
        write_atomically(args.out, text)
        current = load_previous(args.out, settings.base_iri)
        changes = change_report(previous, current) if previous is not None else ["(new file)"]
        print(f"wrote {len(result.graph)} triples to {args.out}")
        print("\n".join(changes) if changes else "no changes")
    return EXIT_UNREADABLE if result.errors else EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lodpub", description="Publish municipal web content as linked open data.")
    commands = parser.add_subparsers(dest="command", required=True)

    validate_cmd = commands.add_parser("validate", help="validate ontology and data against the SHACL shapes")
    validate_cmd.add_argument("--data", type=Path, help="data directory (default: the project's data/)")
    validate_cmd.add_argument("--base", help="canonical base IRI that relative IRIs resolve against")
    validate_cmd.set_defaults(handler=cmd_validate)

    serve_cmd = commands.add_parser("serve", help="validate, load and serve the data over HTTP (gunicorn)")
    serve_cmd.add_argument("--host", help="address to bind (default 127.0.0.1)")
    serve_cmd.add_argument("--port", type=int, help="port to bind (default 5000)")
    serve_cmd.add_argument("--workers", type=int, help="gunicorn sync workers (default 2)")
    serve_cmd.add_argument("--data", type=Path, help="data directory")
    serve_cmd.add_argument("--base", help="canonical base IRI of the published data")
    serve_cmd.add_argument("--store", help="memory (default), disk:PATH or sparql:URL")
    serve_cmd.set_defaults(handler=cmd_serve)

    load_cmd = commands.add_parser("load", help="validate and publish a new data version into a disk or SPARQL store")
    load_cmd.add_argument("--store", required=True, help="disk:PATH or sparql:URL (a SPARQL 1.1 query endpoint)")
    load_cmd.add_argument("--data", type=Path, help="data directory")
    load_cmd.add_argument("--base", help="canonical base IRI of the published data")
    load_cmd.set_defaults(handler=cmd_load)

    ingest_cmd = commands.add_parser("ingest", help="extract linked data from city web pages (URLs or saved captures)")
    ingest_cmd.add_argument("sources", nargs="+", help="page URLs, or saved captures (.txt as the CMS renders them, .html)")
    ingest_cmd.add_argument("--out", type=Path, help="Turtle file to write (default: standard output)")
    ingest_cmd.add_argument("--url", help="for a saved capture not in data/captures.ttl: the page's address")
    ingest_cmd.add_argument("--retrieved", help="for such a capture: when it was taken (xsd:dateTime)")
    ingest_cmd.add_argument("--cache", type=Path, help="directory for conditional GET (ETag / Last-Modified)")
    ingest_cmd.add_argument("--data", type=Path, help="data directory (curated gazetteer, captures)")
    ingest_cmd.add_argument("--base", help="canonical base IRI of the published data")
    ingest_cmd.set_defaults(handler=cmd_ingest)

    export_cmd = commands.add_parser("export", help="write the site as static files with an nginx configuration")
    export_cmd.add_argument("directory", type=Path)
    export_cmd.add_argument("--listen", default="127.0.0.1:8080", help="nginx listen address (default 127.0.0.1:8080)")
    export_cmd.add_argument("--store", help="memory (default), disk:PATH or sparql:URL")
    export_cmd.add_argument("--data", type=Path, help="data directory")
    export_cmd.add_argument("--base", help="canonical base IRI of the published data")
    export_cmd.set_defaults(handler=cmd_export)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
