"""GET /export/{kind}.{csv|jsonl}: an export streamed to a signed-in user (HEAD checks the
request the same way and answers the headers alone).

Signed in as for /graphql (`Authorization: Bearer <access token>`); every signed-in role
reads everything, as in the API, so every role may export. Refusals come before the
first byte, as JSON shaped like a GraphQL error: 401 UNAUTHENTICATED, 404 NOT_FOUND
for an unknown kind or format, 400 BAD_USER_INPUT with the `argument` at fault, 429
RATE_LIMITED when the caller already has `EXPORTS_IN_FLIGHT` exports running in this
process. The file then goes out in chunks as its rows are made, with
`Content-Disposition: attachment` and `Cache-Control: no-store`; a client that goes
away stops the export.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractContextManager

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.types import Receive, Scope, Send

from server import clock
from server.api_tokens.gate import TokenGate
from server.authentication import SNAPSHOT, SignedIn
from server.enums import ApiScope
from server.exports.criteria import ExportInputError, parse_criteria
from server.exports.formats import CONTENT_TYPES, Format
from server.exports.kinds import KINDS, export
from server.exports.source import source_of
from server.in_flight import InFlight, TooManyInFlight, caller_of
from server.json_errors import NO_STORE, error_response
from server.read_model import ReadModel
from server.settings import Settings

EXPORTS_IN_FLIGHT = 2
"""Exports one caller may have running at once in each server process: a file of many
rows keeps its request open for a while, and each chunk takes a turn of the event loop."""
RETRY_AFTER_SECONDS = 5
"""When a caller with every export slot taken may try again."""


class HeldResponse(StreamingResponse):
    """A streamed response that gives back the caller's slot when it ends, however it
    ends (finished, failed, or the client gone before the first chunk)."""

    def __init__(self, slot: AbstractContextManager[None], *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.slot = slot

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.slot.__exit__(None, None, None)


async def _paced(chunks: Iterator[bytes]) -> AsyncIterator[bytes]:
    """Hand chunks on one at a time, letting other requests run between them."""
    for chunk in chunks:
        yield chunk
        await asyncio.sleep(0)


def export_endpoint(settings: Settings, read_model: ReadModel, gate: TokenGate) -> Callable:
    in_flight = InFlight(EXPORTS_IN_FLIGHT)
    names = ", ".join(f"{kind}.{format.value}" for kind in KINDS for format in Format)

    async def export_file(request: Request) -> Response:
        signed_in = request.user
        if not isinstance(signed_in, SignedIn):
            reason = getattr(signed_in, "reason", "Sign in first.")
            response = error_response(401, "UNAUTHENTICATED", reason)
            response.headers["WWW-Authenticate"] = "Bearer"
            return response
        not_allowed = gate.refusal(request, ApiScope.READ)
        if not_allowed is not None:
            return not_allowed
        stem, _, suffix = request.path_params.get("name", "").rpartition(".")
        kind = KINDS.get(stem)
        if kind is None or suffix not in {each.value for each in Format}:
            return error_response(404, "NOT_FOUND", f"No such export; there are {names}.")
        file_format = Format(suffix)
        params: dict[str, list[str]] = {}
        for name, value in request.query_params.multi_items():
            params.setdefault(name, []).append(value)
        try:
            criteria = parse_criteria(kind.accepts, params)
        except ExportInputError as refused:
            return error_response(400, "BAD_USER_INPUT", str(refused), argument=refused.parameter)
        slot = in_flight.slot(caller_of(request.scope))
        try:
            slot.__enter__()
        except TooManyInFlight:
            busy = error_response(
                429,
                "RATE_LIMITED",
                f"You have {EXPORTS_IN_FLIGHT} exports running, the most allowed at once; "
                "start this one when one of them has finished.",
                measure="exports in flight",
                value=EXPORTS_IN_FLIGHT + 1,
                limit=EXPORTS_IN_FLIGHT,
            )
            busy.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return busy
        try:
            snapshot = request.scope.get(SNAPSHOT) or await read_model.current()
            source = await source_of(
                snapshot, clock.today(), settings.thresholds, risks=kind.needs_risks
            )
            chunks = export(kind, file_format, source, criteria)
        except ExportInputError as refused:
            slot.__exit__(None, None, None)
            return error_response(400, "BAD_USER_INPUT", str(refused), argument=refused.parameter)
        except BaseException:
            slot.__exit__(None, None, None)
            raise
        filename = kind.filename(file_format, criteria, source)
        headers = {
            "Content-Disposition": f'attachment; filename="{filename}"',
            **NO_STORE,
            **gate.headers(request),
        }
        if request.method == "HEAD":  # checked as a GET would be; no row is made
            slot.__exit__(None, None, None)
            return Response(media_type=CONTENT_TYPES[file_format], headers=headers)
        return HeldResponse(
            slot, _paced(chunks), media_type=CONTENT_TYPES[file_format], headers=headers
        )

    return export_file
