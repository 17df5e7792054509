"""POST /import/{kind}: a CSV file imported over HTTP by a signed-in user who may write.

The body is the file (`Content-Type: text/csv`, at most `MAX_IMPORT_BYTES`), spooled to
a temporary file as it arrives (kept in memory up to 1 MiB) and imported from there, so
a slow upload holds no transaction open. `?dryRun=true` reports what would change and
writes nothing. Signed in as for /graphql: `Authorization: Bearer <token>`. The answer
is the import's report as JSON: 200 when imported (or, dry, importable), 422 when lines
were refused and nothing was written. Refusals of the request itself answer as GraphQL
errors do, `{"errors": [{"message", "extensions": {"code"}}]}`.
"""

from __future__ import annotations

import tempfile
from collections.abc import Awaitable, Callable
from typing import IO

from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from server.api_tokens.gate import TokenGate
from server.authentication import SNAPSHOT, SignedIn, SignedOut
from server.enums import ApiScope
from server.ingest.cells import DecodeId
from server.ingest.csv_import import ImportReport, import_csv
from server.ingest.kinds import KINDS
from server.json_errors import NO_STORE, error_response
from server.permissions import Actor
from server.writes.errors import Conflict, Forbidden

MAX_IMPORT_BYTES = 64 * 1024 * 1024
IN_MEMORY_BYTES = 1024 * 1024
CSV_TYPES = ("text/csv", "application/csv")


class UploadRefused(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


def _error(refused: UploadRefused) -> JSONResponse:
    return error_response(refused.status, refused.code, str(refused))


def _dry_run(request: Request) -> bool:
    value = request.query_params.get("dryRun", "false").strip().lower()
    if value not in ("true", "false", "1", "0"):
        raise UploadRefused(400, "BAD_USER_INPUT", "`dryRun` must be true or false.")
    return value in ("true", "1")


async def _spool(request: Request, spool: IO[bytes]) -> None:
    """Copy the body to `spool`, refusing it once it is known to pass the limit."""
    declared = request.headers.get("content-length")
    too_large = UploadRefused(
        413, "BAD_USER_INPUT", f"The file is larger than {MAX_IMPORT_BYTES} bytes; split it."
    )
    if declared is not None and declared.strip().isdigit() and int(declared) > MAX_IMPORT_BYTES:
        raise too_large
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_IMPORT_BYTES:
                raise too_large
            spool.write(chunk)
    except ClientDisconnect:
        ended = "The upload ended before the file did."
        raise UploadRefused(400, "BAD_USER_INPUT", ended) from None
    spool.seek(0)


Importer = Callable[[Request, Actor], Callable[[IO[bytes], bool], Awaitable[ImportReport]]]
"""Given the request and its signed-in actor, either refuses (`UploadRefused`) before the
file is read, or answers how the spooled file is imported (dry or not)."""


def upload_route(path: str, gate: TokenGate, importer: Importer) -> Route:
    """A POST route taking a CSV file as its body and answering with the import's report:
    the token gate, sign-in, media type, `dryRun`, the size limit and the spooling, the
    same for every kind of import."""

    async def endpoint(request: Request) -> JSONResponse:
        if isinstance(request.scope.get("user"), SignedIn):
            refused = gate.refusal(request, ApiScope.WRITE)
            if refused is not None:
                return refused
        try:
            response = await _import(request)
        except UploadRefused as refusal:
            response = _error(refusal)
        response.headers.update(gate.headers(request))
        return response

    async def _import(request: Request) -> JSONResponse:
        user = request.scope.get("user")
        if not isinstance(user, SignedIn):
            reason = user.reason if isinstance(user, SignedOut) else "Sign in first."
            raise UploadRefused(401, "UNAUTHENTICATED", reason)
        actor = user.actor.reading(request.scope.get(SNAPSHOT))
        run = importer(request, actor)
        media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type not in CSV_TYPES:
            raise UploadRefused(
                415, "BAD_USER_INPUT", "Send the file as `Content-Type: text/csv`."
            )
        dry_run = _dry_run(request)
        with tempfile.SpooledTemporaryFile(max_size=IN_MEMORY_BYTES) as spool:
            await _spool(request, spool)
            try:
                report = await run(spool, dry_run)
            except Forbidden as refused:
                raise UploadRefused(403, "FORBIDDEN", str(refused)) from None
            except Conflict as conflict:
                raise UploadRefused(409, "CONFLICT", str(conflict)) from None
        status = 422 if report.error_count else 200
        return JSONResponse(report.as_json(), status_code=status, headers=NO_STORE)

    return Route(path, endpoint, methods=["POST"])


def import_route(decode_id: DecodeId, gate: TokenGate) -> Route:
    """POST /import/{kind}, given how the file's IDs are decoded (the API's global IDs)
    and the gate of API tokens' scopes and rate limits."""

    def importer(
        request: Request, actor: Actor
    ) -> Callable[[IO[bytes], bool], Awaitable[ImportReport]]:
        kind = KINDS.get(request.path_params["kind"])
        if kind is None:
            known = ", ".join(sorted(KINDS))
            raise UploadRefused(
                404, "NOT_FOUND", f"Nothing is imported as that; use one of {known}."
            )
        return lambda spool, dry_run: import_csv(actor, kind, spool, decode_id, dry_run=dry_run)

    return upload_route("/import/{kind}", gate, importer)
