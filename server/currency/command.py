"""`throughline import exchange-rates FILE --as EMAIL [--dry-run]`: a central bank's CSV
of rates (the ECB's format, `server.currency.central_bank`) imported by an administrator.

It runs as the other imports do (`server.ingest.command`): progress on standard error,
the report on standard output, exit status 0 when imported, 1 when lines were refused
(nothing written), 2 when the command cannot run.
"""

from __future__ import annotations

import argparse

from server import models
from server.currency.central_bank import import_rates
from server.enums import Role
from server.ingest.command import ImportCommandError, _progress, summary
from server.permissions import Actor
from server.settings import Settings


async def run_rates(settings: Settings, args: argparse.Namespace) -> int:
    from server.database import close_database, open_database

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
        if user.role != Role.ADMIN:
            raise ImportCommandError(
                f"{user.email} is a {user.role.value.lower()}; exchange rates are set by "
                "administrators"
            )
        report = await import_rates(
            Actor(user_id=user.pk, role=user.role),
            settings.reporting_currency,
            stream,
            dry_run=args.dry_run,
            progress=_progress,
        )
    finally:
        stream.close()
        await close_database()
    print("\n".join(summary(report)))
    return 1 if report.error_count else 0
