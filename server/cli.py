"""The `throughline` command: serve, migrate, load-fixtures, export-schema, export,
create-user, reset-password, token, backup, restore, import.

Configuration mistakes end with a one-line message on stderr and exit status 2,
never a traceback. Passwords are read from a prompt or standard input, never from
the command line (where other users of the machine could see them).
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import re
import sqlite3
import sys
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path

import asyncpg
from tortoise.exceptions import BaseORMException

from server import clock
from server.cli_tokens import add_token_commands, run_token_command
from server.enums import Role
from server.ingest import command as ingest_command
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


def demo_wanted(no_demo: bool, settings: Settings) -> bool:
    """The demo's accounts share a published password: never create them in production."""
    return not no_demo and not settings.production


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
        "client. The database must be migrated (`throughline migrate`); an empty one is "
        "first filled with the demo organisation.",
    )
    serve.add_argument(
        "--host", help="interface to listen on (env THROUGHLINE_HOST; default: 127.0.0.1)"
    )
    serve.add_argument("--port", help="port to listen on (env THROUGHLINE_PORT; default: 8000)")
    serve.add_argument(
        "--no-demo",
        action="store_true",
        help="do not load the demo organisation into an empty database "
        "(it is never loaded when THROUGHLINE_ENV=production)",
    )
    serve.add_argument(
        "--workers",
        help="number of server processes (env THROUGHLINE_WORKERS; default: 1)",
    )
    _add_database_flags(serve)

    migrate = commands.add_parser(
        "migrate",
        help="create the database or bring its schema up to date",
        description="Apply every pending migration in server/migrations, keeping the data. "
        "Creates the SQLite database when it does not exist yet.",
    )
    _add_database_flags(migrate)

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

    _add_export(commands)

    create = commands.add_parser(
        "create-user",
        help="add a person who can sign in",
        description="Add a user. The password is asked for twice on a terminal, or read "
        "as one line from standard input; never give it on the command line.",
    )
    create.add_argument("--email", required=True, help="sign-in email (unique)")
    create.add_argument("--name", required=True, help="full name")
    create.add_argument(
        "--role", required=True, choices=[role.value for role in Role], help="what they may do"
    )
    create.add_argument(
        "--team",
        action="append",
        default=[],
        metavar="NAME",
        help="a team they belong to (repeat for several)",
    )
    create.add_argument(
        "--capacity", default="40", metavar="HOURS", help="weekly capacity in hours (default 40)"
    )
    _add_database_flags(create)

    reset = commands.add_parser(
        "reset-password",
        help="set a user's password and end their sessions",
        description="Set a new password (asked for twice on a terminal, or one line from "
        "standard input) and revoke every refresh token of the user.",
    )
    reset.add_argument("--email", required=True, help="sign-in email of the user")
    _add_database_flags(reset)

    add_token_commands(commands, _add_database_flags)

    backup = commands.add_parser(
        "backup",
        help="copy the SQLite database to a new file, safely while serving",
        description="Write a consistent copy of the SQLite database with SQLite's online "
        "backup API; the server may keep serving and writing meanwhile. For PostgreSQL "
        "use pg_dump (README, Backups).",
    )
    backup.add_argument("file", help="the new backup file to write")
    _add_database_flags(backup)

    restore = commands.add_parser(
        "restore",
        help="replace the SQLite database with a backup",
        description="Check a backup file and put it in place of the SQLite database. Stop "
        "the server first.",
    )
    restore.add_argument("file", help="the backup file to restore")
    restore.add_argument(
        "--force", action="store_true", help="replace a database that already exists"
    )
    _add_database_flags(restore)

    _add_database_flags(ingest_command.add_parser(commands))
    return parser


EXPORT_KINDS = ("tree", "campaigns", "risks", "workload", "calendar")


def _add_export(commands: argparse._SubParsersAction) -> None:
    export = commands.add_parser(
        "export",
        help="write the goal tree, campaigns, risks, workload or a calendar range as "
        "CSV or JSON lines",
        description="Write an export (columns in the README, Exports) to a file or to "
        "standard output, row by row. Each kind takes some of the options: tree "
        "(--root, --team, --campaigns), campaigns (--from, --to, --team), risks "
        "(--severity, --kind, --team, --under), workload (--from, --to required, --team), "
        "calendar (--from, --to required, --time-zone, --team, --kind, --channel, "
        "--under, --campaign, --tasks).",
    )
    export.add_argument("kind", choices=EXPORT_KINDS, help="what to export")
    export.add_argument("--format", choices=("csv", "jsonl"), default="csv", help="default csv")
    export.add_argument(
        "-o", "--output", default="-", help="file to write (default: standard output)"
    )
    export.add_argument("--from", dest="from_", metavar="DATE", help="first day, YYYY-MM-DD")
    export.add_argument("--to", metavar="DATE", help="last day (included), YYYY-MM-DD")
    export.add_argument(
        "--team", action="append", metavar="KEY", help="a team's name or ID (repeat for several)"
    )
    export.add_argument("--time-zone", metavar="ZONE", help="calendar: IANA zone (default UTC)")
    export.add_argument(
        "--kind", dest="kinds", action="append", metavar="KIND", help="calendar entry or risk kind"
    )
    export.add_argument("--channel", action="append", metavar="CHANNEL", help="calendar channel")
    export.add_argument("--under", metavar="GOAL_ID", help="work or risks under this goal")
    export.add_argument("--campaign", metavar="CAMPAIGN_ID", help="calendar: one campaign")
    export.add_argument("--tasks", action="store_true", help="calendar: task due dates too")
    export.add_argument("--root", metavar="GOAL_ID", help="tree: one goal's subtree")
    export.add_argument("--campaigns", action="store_true", help="tree: campaign rows too")
    export.add_argument("--severity", help="risks: at least this severe")
    _add_database_flags(export)


def _export_params(args: argparse.Namespace) -> dict[str, list[str]]:
    """The options given, as the export's parameters."""
    given = {
        "from": args.from_,
        "to": args.to,
        "teams": args.team,
        "timeZone": args.time_zone,
        "kinds": args.kinds,
        "channels": args.channel,
        "under": args.under,
        "campaign": args.campaign,
        "root": args.root,
        "severity": args.severity,
        "includeTasks": "true" if args.tasks else None,
        "campaigns": "true" if args.campaigns else None,
    }
    return {
        name: value if isinstance(value, list) else [value]
        for name, value in given.items()
        if value is not None
    }


def _export(args: argparse.Namespace) -> int:
    settings = _settings(args)

    from server.exports.command import run_export

    configure_logging(settings)
    done = asyncio.run(
        run_export(settings, args.kind, args.format, _export_params(args), args.output)
    )
    if done:
        print(done)
    return 0


def _settings(args: argparse.Namespace) -> Settings:
    settings = load_settings(
        overrides={
            "database_url": getattr(args, "database_url", None),
            "data_dir": getattr(args, "data_dir", None),
            "host": getattr(args, "host", None),
            "port": getattr(args, "port", None),
            "log_level": getattr(args, "log_level", None),
            "workers": getattr(args, "workers", None),
        }
    )
    if settings.clock_start is not None:  # the demo's dates are seen from its day
        clock.start_at(settings.clock_start.instant, settings.clock_start.real)
    return settings


def _serve(args: argparse.Namespace) -> int:
    settings = _settings(args)

    from server.data_sets import prepare_database
    from server.serving import serve

    configure_logging(settings)
    asyncio.run(prepare_database(settings, load_demo=demo_wanted(args.no_demo, settings)))
    serve(settings)
    return 0


def _migrate(args: argparse.Namespace) -> int:
    settings = _settings(args)

    from server.database import migrate_database

    configure_logging(settings)
    applied = asyncio.run(migrate_database(settings))
    if applied:
        print(f"applied {len(applied)} migration(s): {', '.join(applied)}")
    else:
        print("the database schema is up to date")
    return 0


def _backup(args: argparse.Namespace) -> int:
    from server.backup import backup

    print(backup(_settings(args), Path(args.file)))
    return 0


def _restore(args: argparse.Namespace) -> int:
    from server.backup import restore

    print(restore(_settings(args), Path(args.file), force=args.force))
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


class CommandError(ValueError):
    """A refused command: printed as one line, nothing written."""


def read_password() -> str:
    """Twice from a hidden prompt on a terminal (both must match), else one line of stdin."""
    if sys.stdin.isatty():
        try:
            first = getpass.getpass("Password: ")
            again = getpass.getpass("Password again: ")
        except EOFError:
            raise CommandError("no password given; nothing was written") from None
        if again != first:
            raise CommandError("the two passwords differ; nothing was written")
        return first
    return sys.stdin.readline().removesuffix("\n").removesuffix("\r")


def _new_password_hash() -> str:
    from server import passwords

    password = read_password()
    problem = passwords.problem_with(password)
    if problem is not None:
        raise CommandError(f"{problem} Nothing was written.")
    return passwords.hash_password(password)


EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
MAX_HOURS = Decimal(168)


def _account_fields(args: argparse.Namespace) -> tuple[str, str, Decimal]:
    """The email, name and capacity given, checked before the database is opened."""
    from server.writes.checks import is_single_line

    email, name = args.email.strip(), args.name.strip()
    if len(email) > 254 or not EMAIL.fullmatch(email) or not is_single_line(email):
        raise CommandError(f"{args.email!r} is not an email address")
    if not 0 < len(name) <= 120 or not is_single_line(name):
        raise CommandError("the name must have 1 to 120 characters and no control characters")
    try:
        hours = Decimal(args.capacity.strip())
    except InvalidOperation:
        hours = Decimal(-1)
    if not hours.is_finite() or not 0 <= hours <= MAX_HOURS or hours != round(hours, 2):
        raise CommandError(f"--capacity must be 0 to {MAX_HOURS} hours, got {args.capacity!r}")
    return email, name, hours


async def _create_user_in(settings: Settings, args: argparse.Namespace) -> str:
    from tortoise.transactions import in_transaction

    from server import models
    from server.database import close_database, open_database
    from server.enums import HistoryAction
    from server.history import created, record

    email, name, hours = _account_fields(args)
    await open_database(settings)
    try:
        if await models.User.filter(email_key=email.lower()).exists():
            raise CommandError(f"a user with the email {email} already exists")
        teams = []
        for team_name in dict.fromkeys(args.team):
            found = await models.Team.filter(
                name__iexact=team_name.strip(), archived_at__isnull=True
            )
            if len(found) != 1:
                raise CommandError(f"no team is called {team_name!r}")
            teams.append(found[0])
        password_hash = _new_password_hash()
        async with in_transaction():
            user = models.User(
                email=email, name=name, role=Role(args.role), weekly_capacity_hours=hours
            )
            user.password_hash = password_hash
            await user.save()
            for team in teams:
                await models.Membership.create(team_id=team.pk, user_id=user.pk)
            changes = created(user)
            if teams:
                changes["team_ids"] = {"before": None, "after": sorted(t.pk for t in teams)}
            await record(None, user, HistoryAction.CREATED, changes)
    finally:
        await close_database()
    team_names = ", ".join(team.name for team in teams) or "no team"
    return f"created {email} ({args.role}; {team_names})"


async def _reset_password_in(settings: Settings, email: str) -> str:
    from server import models, sessions
    from server.database import close_database, open_database

    await open_database(settings)
    try:
        user = await models.User.filter(email_key=email.strip().lower()).first()
        if user is None:
            raise CommandError(f"no user has the email {email}")
        if user.service_account:
            raise CommandError(
                f"{user.email} is a service account, which never has a password; "
                "make it a token with `throughline token create` instead"
            )
        ended = await sessions.set_password(user.pk, _new_password_hash())
    finally:
        await close_database()
    return f"new password set for {user.email}; {ended} session(s) ended"


def _create_user(args: argparse.Namespace) -> int:
    settings = _settings(args)
    configure_logging(settings)
    print(asyncio.run(_create_user_in(settings, args)))
    return 0


def _token(args: argparse.Namespace) -> int:
    settings = _settings(args)
    configure_logging(settings)
    print(asyncio.run(run_token_command(settings, args)))
    return 0


def _reset_password(args: argparse.Namespace) -> int:
    settings = _settings(args)
    configure_logging(settings)
    print(asyncio.run(_reset_password_in(settings, args.email)))
    return 0


def _import(args: argparse.Namespace) -> int:
    from schema.core.mutations import key_of

    settings = _settings(args)
    configure_logging(settings)
    return asyncio.run(
        ingest_command.run(settings, args, lambda type_name, text: key_of(text, type_name))
    )


COMMANDS = {
    "serve": _serve,
    "migrate": _migrate,
    "load-fixtures": _load_fixtures,
    "export-schema": _export_schema,
    "export": _export,
    "create-user": _create_user,
    "reset-password": _reset_password,
    "token": _token,
    "backup": _backup,
    "restore": _restore,
    "import": _import,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except (SettingsError, ValueError) as error:
        # Bad settings, or a data set that cannot be built or loaded (FixtureError).
        print(f"throughline: {error}", file=sys.stderr)
        return 2
    except (OSError, BaseORMException, sqlite3.Error, asyncpg.PostgresError) as error:
        message = f"{type(error).__name__}: {error}".splitlines()[0]
        print(f"throughline: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
