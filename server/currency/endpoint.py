"""POST /import/exchange-rates: a central bank's CSV of rates (the ECB's format,
`server.currency.central_bank`), imported over HTTP by an administrator.

It answers as the other imports do (`server.ingest.endpoint`, whose upload handling it
shares): the body is the file (`Content-Type: text/csv`), `?dryRun=true` writes
nothing, the answer is the report as JSON (200 imported, 422 lines refused). The API
token needs the ADMIN scope, as any administrator's write does.
"""

from __future__ import annotations

import tempfile

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from server.api_tokens.gate import TokenGate
from server.authentication import SNAPSHOT, SignedIn, SignedOut
from server.currency.central_bank import import_rates
from server.enums import ApiScope
from server.ingest.endpoint import (
    CSV_TYPES,
    IN_MEMORY_BYTES,
    NO_STORE,
    _dry_run,
    _error,
    _Refused,
    _spool,
)
from server.settings import Settings
from server.writes.errors import Forbidden

PATH = "/import/exchange-rates"


def rates_import_route(settings: Settings, gate: TokenGate) -> Route:
    """The route (listed before `/import/{kind}`, which would take its path)."""

    async def endpoint(request: Request) -> JSONResponse:
        if isinstance(request.scope.get("user"), SignedIn):
            refused = gate.refusal(request, ApiScope.WRITE)
            if refused is not None:
                return refused
        try:
            response = await _import(request)
        except _Refused as refusal:
            response = _error(refusal)
        response.headers.update(gate.headers(request))
        return response

    async def _import(request: Request) -> JSONResponse:
        user = request.scope.get("user")
        if not isinstance(user, SignedIn):
            reason = user.reason if isinstance(user, SignedOut) else "Sign in first."
            raise _Refused(401, "UNAUTHENTICATED", reason)
        media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type not in CSV_TYPES:
            raise _Refused(415, "BAD_USER_INPUT", "Send the file as `Content-Type: text/csv`.")
        dry_run = _dry_run(request)
        actor = user.actor.reading(request.scope.get(SNAPSHOT))
        if not actor.is_admin:
            raise _Refused(403, "FORBIDDEN", "Exchange rates are set by administrators.")
        with tempfile.SpooledTemporaryFile(max_size=IN_MEMORY_BYTES) as spool:
            await _spool(request, spool)
            try:
                report = await import_rates(
                    actor, settings.reporting_currency, spool, dry_run=dry_run
                )
            except Forbidden as refused:
                raise _Refused(403, "FORBIDDEN", str(refused)) from None
        status = 422 if report.error_count else 200
        return JSONResponse(report.as_json(), status_code=status, headers=NO_STORE)

    return Route(PATH, endpoint, methods=["POST"])
