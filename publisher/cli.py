"""`lodpub validate | serve`: the command line in front of the publishing gate and the web server."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from publisher.config import Settings
from publisher.model.sources import SourceError, read_sources
from publisher.model.validate import ValidationFailed, validate

EXIT_OK, EXIT_INVALID, EXIT_UNREADABLE = 0, 1, 2


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.load(
        data_dir=getattr(args, "data", None),
        base_iri=getattr(args, "base", None),
        host=getattr(args, "host", None),
        port=getattr(args, "port", None),
        workers=getattr(args, "workers", None),
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


def cmd_serve(args: argparse.Namespace) -> int:
    from publisher.web.server import serve  # imported late: validate needs no web stack

    settings = _settings(args)
    try:
        return serve(settings)
    except SourceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    except ValidationFailed as exc:
        print(f"error: the data does not conform; nothing is served.\n{exc}", file=sys.stderr)
        return EXIT_INVALID


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
    serve_cmd.set_defaults(handler=cmd_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
