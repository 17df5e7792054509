"""POST /import/exchange-rates: a central bank's CSV of rates (the ECB's format,
`server.currency.central_bank`), imported over HTTP by an administrator.

It answers as the other imports do (`server.ingest.endpoint.upload_route`, which handles
the upload): the body is the file (`Content-Type: text/csv`), `?dryRun=true` writes
nothing, the answer is the report as JSON (200 imported, 422 lines refused). The API
token needs the ADMIN scope, as any administrator's write does.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import IO

from starlette.requests import Request
from starlette.routing import Route

from server.api_tokens.gate import TokenGate
from server.currency.central_bank import import_rates
from server.ingest.csv_import import ImportReport
from server.ingest.endpoint import UploadRefused, upload_route
from server.permissions import Actor
from server.settings import Settings

PATH = "/import/exchange-rates"


def rates_import_route(settings: Settings, gate: TokenGate) -> Route:
    """The route (listed before `/import/{kind}`, which would take its path)."""

    def importer(
        request: Request, actor: Actor
    ) -> Callable[[IO[bytes], bool], Awaitable[ImportReport]]:
        if not actor.is_admin:
            raise UploadRefused(403, "FORBIDDEN", "Exchange rates are set by administrators.")
        return lambda spool, dry_run: import_rates(
            actor, settings.reporting_currency, spool, dry_run=dry_run
        )

    return upload_route(PATH, gate, importer)
