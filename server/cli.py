"""The `throughline` command: serve, load-fixtures, export-schema.

Configuration mistakes end with a one-line message on stderr and exit status 2,
never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from tortoise.exceptions import BaseORMException

from server.settings import Settings, SettingsError, configure_logging, load_settings

DEFAULT_SCHEMA_FILE = Path(__file__).resolve().parent.parent / "schema.graphql"


def _add_database_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database-url",
        help="sqlite:///path/file.sqlite3 or postgresql://user@host:5432/name "
        "(env DATABASE_URL; default: a SQLite file in the data directory)",
    )
    parser.add_argument(
        "--data-dir",
        help="folder for the SQLite database and local state "
        "(env THROUGHLINE_DATA_DIR; default: data/)",
    )
    parser.add_argument(
        "--log-level",
        help="CRITICAL, ERROR, WARNING, INFO or DEBUG (env THROUGHLINE_LOG_LEVEL; default: INFO)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="throughline",
        description="Throughline: business objectives linked to the marketing work "
        "that moves them, served over GraphQL.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser(
        "serve",
        help="run the API and the web client",
        description="Serve the GraphQL API (GraphiQL at /graphql), /healthz and the web "
        "client. An empty database is first filled with the demo organisation.",
    )
    serve.add_argument(
        "--host", help="interface to listen on (env THROUGHLINE_HOST; default: 127.0.0.1)"
    )
    serve.add_argument("--port", help="port to listen on (env THROUGHLINE_PORT; default: 8000)")
    serve.add_argument(
        "--no-demo",
        action="store_true",
        help="do not load the demo organisation into an empty database",
    )
    _add_database_flags(serve)

    load = commands.add_parser(
        "load-fixtures",
        help="load the demo organisation or a synthetic one",
        description="Load a data set into the database. Loading the same data set twice "
        "changes nothing the second time.",
    )
    load.add_argument(
        "--synthetic",
        action="store_true",
        help="generate a synthetic organisation instead of the demo",
    )
    load.add_argument(
        "--nodes",
        type=int,
        default=1000,
        help="size of the synthetic organisation in graph nodes (default 1000)",
    )
    load.add_argument("--seed", type=int, default=1, help="seed of the synthetic organisation")
    _add_database_flags(load)

    export = commands.add_parser(
        "export-schema",
        help="write the GraphQL SDL",
        description="Write the schema's SDL to a file (default: schema.graphql in the "
        "repository) or to standard output with -o -.",
    )
    export.add_argument(
        "-o",
        "--output",
        default=str(DEFAULT_SCHEMA_FILE),
        help="file to write, or - for standard output",
    )
    export.add_argument(
        "--check",
        action="store_true",
        help="do not write; exit 1 when the file differs from the schema",
    )
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings(
        overrides={
            "database_url": getattr(args, "database_url", None),
            "data_dir": getattr(args, "data_dir", None),
            "host": getattr(args, "host", None),
            "port": getattr(args, "port", None),
            "log_level": getattr(args, "log_level", None),
        }
    )


def _serve(args: argparse.Namespace) -> int:
    settings = _settings(args)

    import uvicorn

    from server.app import create_app
    from server.data_sets import prepare_database

    configure_logging(settings)
    asyncio.run(prepare_database(settings, load_demo=not args.no_demo))
    app = create_app(settings)
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level.lower(),
        lifespan="on",
    )
    return 0


def _load_fixtures(args: argparse.Namespace) -> int:
    settings = _settings(args)

    from server.data_sets import load_fixtures

    configure_logging(settings)
    message = asyncio.run(load_fixtures(settings, args.synthetic, args.nodes, args.seed))
    print(message)
    return 0


def _export_schema(args: argparse.Namespace) -> int:
    from schema import schema

    sdl = schema.as_str().rstrip("\n") + "\n"
    if args.output == "-":
        sys.stdout.write(sdl)
        return 0
    target = Path(args.output)
    if args.check:
        current = target.read_text(encoding="utf-8") if target.exists() else ""
        if current != sdl:
            print(f"{target} is out of date: run `throughline export-schema`", file=sys.stderr)
            return 1
        print(f"{target} matches the schema")
        return 0
    target.write_text(sdl, encoding="utf-8")
    print(f"wrote {target}")
    return 0


COMMANDS = {"serve": _serve, "load-fixtures": _load_fixtures, "export-schema": _export_schema}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except (SettingsError, ValueError) as error:
        # Bad settings, or a data set that cannot be built or loaded (FixtureError).
        print(f"throughline: {error}", file=sys.stderr)
        return 2
    except (OSError, BaseORMException) as error:
        print(f"throughline: {type(error).__name__}: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
