"""`throughline import KIND FILE --as EMAIL [--dry-run]`: a CSV file imported as a user.

The file is imported with that user's rights, all or nothing. Progress goes to standard
error as batches are written; the report goes to standard output. Exit status: 0 when
the file was imported (or, with --dry-run, would be), 1 when lines were refused
(nothing written), 2 when the command itself cannot run (no such file or user).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from server import models
from server.ingest.cells import DecodeId
from server.ingest.csv_import import ImportReport, columns_of, import_csv
from server.ingest.kinds import KINDS
from server.permissions import Actor
from server.settings import Settings
from server.writes.errors import Forbidden

RATES = "exchange-rates"
RATES_HELP = "exchange-rates: Date, then one column per currency (units per 1 EUR, as the ECB)"


class ImportCommandError(ValueError):
    """A command that cannot run: printed as one line, nothing written."""


def add_parser(commands: Any) -> argparse.ArgumentParser:
    parser = commands.add_parser(
        "import",
        help="import spend, results, check-ins, tasks or exchange rates from a CSV file",
        description="Create or update entries from a CSV file (UTF-8, a header line), by "
        "their source and external_id, all or nothing, with the rights of the user named "
        "by --as. Columns: "
        + "; ".join(f"{name}: {', '.join(columns_of(kind))}" for name, kind in KINDS.items())
        + f"; {RATES_HELP}",
    )
    parser.add_argument("kind", choices=sorted([*KINDS, RATES]), help="what the file holds")
    parser.add_argument("file", help="the CSV file")
    parser.add_argument(
        "--as", dest="as_email", required=True, metavar="EMAIL", help="the user importing it"
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="report what would change; write nothing"
    )
    return parser


def _progress(rows: int) -> None:
    print(f"throughline import: {rows} rows read", file=sys.stderr, flush=True)


def summary(report: ImportReport) -> list[str]:
    """The report as lines for a person."""
    lines = [
        f"{report.rows} rows: {report.created} created, {report.updated} updated, "
        f"{report.unchanged} unchanged"
        + (" (dry run: nothing written)" if report.dry_run and not report.error_count else "")
    ]
    if report.error_count:
        problems = "1 problem" if report.error_count == 1 else f"{report.error_count} problems"
        lines = [f"{problems}; nothing was written:"]
        for error in report.errors:
            column = f", column {error.column}" if error.column else ""
            lines.append(f"  line {error.line}{column}: {error.message} [{error.code}]")
        if report.error_count > len(report.errors):
            lines.append(f"  ... and {report.error_count - len(report.errors)} more")
    return lines


async def run(settings: Settings, args: argparse.Namespace, decode_id: DecodeId) -> int:
    from server.database import close_database, open_database

    if args.kind == RATES:
        from server.currency.command import run_rates

        return await run_rates(settings, args)
    kind = KINDS[args.kind]
    try:
        stream = open(args.file, "rb")  # noqa: SIM115 (closed below, after the import)
    except OSError as error:
        raise ImportCommandError(f"cannot read {args.file}: {error.strerror}") from None
    await open_database(settings)
    try:
        email = args.as_email.strip().lower()
        user = await models.User.filter(email_key=email, archived_at__isnull=True).first()
        if user is None:
            raise ImportCommandError(f"no active user has the email {args.as_email}")
        actor = Actor(user_id=user.pk, role=user.role)
        try:
            report = await import_csv(
                actor, kind, stream, decode_id, dry_run=args.dry_run, progress=_progress
            )
        except Forbidden:
            raise ImportCommandError(
                f"{user.email} is a {user.role.value.lower()} and may not write"
            ) from None
    finally:
        stream.close()
        await close_database()
    print("\n".join(summary(report)))
    return 1 if report.error_count else 0
