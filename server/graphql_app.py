"""Strawberry's ASGI view with Throughline's per-request context and request limits.

A caller with `max_in_flight` requests running is refused with 429 before its body is
read; a body over `max_request_bytes` is refused with 413 before the rest of it is read;
JSON that cannot be read safely (`server.json_body`: not UTF-8, not standard JSON, nested
too deep), in a body or in GET's `variables`, with 400; a batch holds at most
`max_batch` operations; a request still running after `request_seconds` is cut off (a
write in progress rolls back with its transaction); a request signs in (`login`) at
most once, in a batch or through aliases alike. An operation may name its query by
hash (`server.persisted_queries`); it is resolved to its text before any of these
checks reads it. A request with an API token counts against the token's requests per
minute (`server.api_tokens.rate_limits`), and every answer to it reports both of the
token's limits in `RateLimit-*` headers; a request or an operation past a limit is
answered 429 with `Retry-After`. Every refused request gets a JSON body whose error
carries `extensions.code`, as a GraphQL error would.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import orjson
from cross_web import HTTPException
from graphql import GraphQLError
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLRequestData
from strawberry.schema.base import BaseSchema
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult

from schema.core.context import Context
from schema.core.errors import BAD_USER_INPUT, NOT_FOUND, QUERY_TOO_COMPLEX, RATE_LIMITED
from schema.core.sign_in import MAX_LOGINS, logins_in
from schema.live.socket import LiveHandler, LiveService, TextFrames
from server.api_tokens.rate_limits import COST, Refusal, TokenRateLimits
from server.authentication import SNAPSHOT, SignedIn
from server.faults import RETRY_AFTER_SECONDS, SERVICE_UNAVAILABLE
from server.in_flight import InFlight, TooManyInFlight, caller_of
from server.json_body import UnreadableJSON, read_json
from server.json_errors import error_response
from server.password_checks import PasswordChecks
from server.persisted_queries import (
    PersistedQueries,
    PersistedQueryRefused,
    UnknownPersistedQuery,
    not_found,
)
from server.read_model import ReadModel
from server.settings import Settings
from server.tokens import TokenSigner

IN_FLIGHT_RETRY_SECONDS = 1
"""Retry-After of a request refused for too many in flight: requests are short."""

CODES = {404: NOT_FOUND, 429: RATE_LIMITED}
"""The `extensions.code` of a refusal by its HTTP status; any other is BAD_USER_INPUT."""


class RequestRefused(HTTPException):
    """A request refused before any operation runs, with figures for the client."""

    def __init__(
        self,
        status_code: int,
        reason: str,
        headers: dict[str, str] | None = None,
        **details: object,
    ) -> None:
        super().__init__(status_code, reason)
        self.headers = headers or {}
        self.details = details


def refusal_response(refusal: HTTPException) -> JSONResponse:
    code = CODES.get(refusal.status_code, BAD_USER_INPUT)
    details = getattr(refusal, "details", {})
    return error_response(
        refusal.status_code,
        code,
        refusal.reason,
        headers=getattr(refusal, "headers", None),
        **details,
    )


def too_many_in_flight(limit: int) -> RequestRefused:
    return RequestRefused(
        429,
        f"You have {limit} requests running, the most allowed at once; "
        "send this one when one of them has been answered.",
        headers={"retry-after": str(IN_FLIGHT_RETRY_SECONDS)},
        measure="requests in flight",
        value=limit + 1,
        limit=limit,
    )


def too_large(size: int, limit: int) -> RequestRefused:
    return RequestRefused(
        413,
        f"The request body is larger than {limit} bytes.",
        measure="bytes",
        value=size,
        limit=limit,
    )


async def read_body(scope: Scope, receive: Receive, limit: int) -> Receive:
    """Read the body, refusing it as soon as it is known to pass `limit` bytes (from
    Content-Length, or while it streams in); hand it on to the view as one message."""
    declared = Headers(scope=scope).get("content-length")
    if declared is not None:
        if not declared.strip().isdigit():
            raise RequestRefused(400, "The Content-Length header must be a number of bytes.")
        if int(declared) > limit:
            raise too_large(int(declared), limit)
    body = bytearray()
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break  # the client went away; the view answers no one
        body += message.get("body", b"")
        if len(body) > limit:
            raise too_large(len(body), limit)
        if not message.get("more_body", False):
            break
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if replayed:
            return await receive()
        replayed = True
        return {"type": "http.request", "body": bytes(body), "more_body": False}

    return replay


def rate_limited(refusal: Refusal) -> RequestRefused:
    return RequestRefused(
        429,
        refusal.message,
        headers={"retry-after": str(refusal.retry_after)},
        measure=refusal.measure,
        value=refusal.value,
        limit=refusal.limit,
        retryAfter=refusal.retry_after,
    )


def token_of(scope: Scope) -> int | None:
    """The API token a request signed in with, if any."""
    user = scope.get("user")
    return user.actor.token_id if isinstance(user, SignedIn) else None


def timed_out(seconds: float, elapsed: float) -> ExecutionResult:
    error = GraphQLError(
        f"The request ran for more than {seconds:g} seconds and was stopped; "
        "nothing it was writing was saved.",
        extensions={
            "code": QUERY_TOO_COMPLEX,
            "measure": "seconds",
            "value": round(elapsed, 3),
            "limit": seconds,
        },
    )
    return ExecutionResult(data=None, errors=[error])


class GraphQLApp(GraphQL[Context, None]):
    graphql_transport_ws_handler_class = LiveHandler
    websocket_adapter_class = TextFrames
    live: LiveService | None = None
    """Subscriptions' shared state, set by the app when it starts its hub."""

    def __init__(
        self,
        schema: BaseSchema,
        *,
        settings: Settings,
        signer: TokenSigner,
        read_model: ReadModel,
    ) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if settings.graphiql else None,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            max_subscriptions_per_connection=settings.live.max_subscriptions,
        )
        self.settings = settings
        self.signer = signer
        self.read_model = read_model
        self.password_checks = PasswordChecks.from_limits(settings.sign_in)
        self.in_flight = InFlight(settings.limits.max_in_flight)
        self.rate_limits = TokenRateLimits(
            settings.token_limits.requests_per_minute, settings.token_limits.cost_per_minute
        )
        limits = settings.limits
        self.persisted_queries = PersistedQueries(
            limits.query_cache_entries, limits.query_cache_characters
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        try:
            with self.in_flight.slot(caller_of(scope)):
                await self.answer(scope, receive, send)
        except TooManyInFlight as refused:
            response = refusal_response(too_many_in_flight(refused.limit))
            token_id = token_of(scope)
            if token_id is not None:
                response.headers.update(self.rate_limits.headers(token_id))
            await response(scope, receive, send)

    async def answer(self, scope: Scope, receive: Receive, send: Send) -> None:
        response: Response
        token_id = token_of(scope)
        try:
            if token_id is not None:
                refused = self.rate_limits.admit_request(token_id)
                if refused is not None:
                    raise rate_limited(refused)
            body = await read_body(scope, receive, self.settings.max_request_bytes)
            response = await self.run(Request(scope, receive=body))
        except HTTPException as refusal:
            response = refusal_response(refusal)
        if token_id is not None:
            response.headers.update(self.rate_limits.headers(token_id))
        await response(scope, receive, send)

    async def get_context(self, request: Request | WebSocket, response: Response | None) -> Context:
        snapshot = request.scope.get(SNAPSHOT) or await self.read_model.current()
        return Context(
            request=request,
            response=response,
            read_model=self.read_model,
            snapshot=snapshot,
            settings=self.settings,
            signer=self.signer,
            password_checks=self.password_checks,
            rate_limits=self.rate_limits,
        )

    def encode_json(self, data: object) -> bytes:
        """The answer as JSON bytes: orjson writes a whole-tree answer several times
        faster than the standard library; integers past 64 bits, which only the
        standard library writes, take its road."""
        try:
            return orjson.dumps(data)
        except orjson.JSONEncodeError:
            return json.dumps(data, separators=(",", ":")).encode()

    def decode_json(self, data: str | bytes) -> object:
        return readable_json(data, "The request body")

    def parse_query_params(self, params: Any) -> dict[str, Any]:
        """GET's parameters, with `variables` and `extensions` read as JSON objects."""
        parsed = dict(params)
        for name in ("variables", "extensions"):
            if parsed.get(name):
                value = readable_json(parsed[name], f"The `{name}` parameter")
                if not isinstance(value, dict):
                    raise HTTPException(400, f"The `{name}` parameter must be a JSON object.")
                parsed[name] = value
        return parsed

    def parse_json(self, data: str | bytes) -> Any:
        """Refuse JSON that is not an operation object or a bounded list of them (a bare
        string or number would otherwise fail deep inside the view with a 500)."""
        parsed = super().parse_json(data)
        items = parsed if isinstance(parsed, list) else [parsed]
        if not items or not all(isinstance(item, dict) for item in items):
            raise HTTPException(
                400, "The request body must be a JSON object with a `query`, or a list of them."
            )
        limit = self.settings.limits.max_batch
        if isinstance(parsed, list) and len(parsed) > limit:
            raise RequestRefused(
                400,
                f"A batch may hold at most {limit} operations; this one holds {len(parsed)}.",
                measure="operations",
                value=len(parsed),
                limit=limit,
            )
        for item in items:
            check_operation(item)
        return parsed

    async def parse_http_body(self, request_adapter: Any) -> Any:
        """The request's operations, each named by hash resolved to its text."""
        data = await super().parse_http_body(request_adapter)
        operations = data if isinstance(data, list) else [data]
        try:
            resolved = [self.persisted_queries.resolve(each) for each in operations]
        except PersistedQueryRefused as refused:
            raise RequestRefused(400, str(refused)) from None
        self.check_logins(resolved)
        return resolved if isinstance(data, list) else resolved[0]

    def check_logins(self, operations: list[GraphQLRequestData]) -> None:
        """Refuse a request that signs in more than once (a batch, or aliases), before
        any of it runs: each sign-in is one guess at a password."""
        max_tokens = self.settings.limits.max_tokens
        logins = sum(logins_in(each.query, each.operation_name, max_tokens) for each in operations)
        if logins > MAX_LOGINS:
            raise RequestRefused(
                400,
                f"A request may sign in only once; this one signs in {logins} times.",
                measure="logins",
                value=logins,
                limit=MAX_LOGINS,
            )

    async def execute_single(
        self,
        request: Request,
        request_adapter: Any,
        sub_response: Any,
        context: Context,
        root_value: Any,
        request_data: GraphQLRequestData,
    ) -> Any:
        if isinstance(request_data, UnknownPersistedQuery):
            return not_found()  # the client sends the text next
        return await super().execute_single(
            request=request,
            request_adapter=request_adapter,
            sub_response=sub_response,
            context=context,
            root_value=root_value,
            request_data=request_data,
        )

    async def execute_operation(
        self,
        request: Request,
        request_adapter: Any,
        request_data: Any,
        context: Context,
        root_value: Any,
        sub_response: Any,
    ) -> Any:
        """Run the operation (or the whole batch) within the request's time limit."""
        seconds = self.settings.limits.request_seconds
        started = time.monotonic()
        deadline = asyncio.timeout(seconds)
        try:
            async with deadline:
                result = await super().execute_operation(
                    request=request,
                    request_adapter=request_adapter,
                    request_data=request_data,
                    context=context,
                    root_value=root_value,
                    sub_response=sub_response,
                )
            mark_unavailable(result, sub_response)
            mark_rate_limited(result, sub_response)
            return result
        except TimeoutError:
            if not deadline.expired():
                raise
        result = timed_out(seconds, time.monotonic() - started)
        return [result] * len(request_data) if isinstance(request_data, list) else result


def mark_unavailable(result: Any, sub_response: Response) -> None:
    """Answer 503 with Retry-After when the database could not be reached, so clients
    and load balancers retry instead of treating it as a bad request or a bug."""
    results = result if isinstance(result, list) else [result]
    for each in results:
        for error in getattr(each, "errors", None) or []:
            if (error.extensions or {}).get("code") == SERVICE_UNAVAILABLE:
                sub_response.status_code = 503
                sub_response.headers["retry-after"] = str(RETRY_AFTER_SECONDS)
                return


def mark_rate_limited(result: Any, sub_response: Response) -> None:
    """Answer 429 with Retry-After when an operation passed its token's cost per minute."""
    results = result if isinstance(result, list) else [result]
    for each in results:
        for error in getattr(each, "errors", None) or []:
            extensions = error.extensions or {}
            if extensions.get("code") == RATE_LIMITED and extensions.get("measure") == COST:
                sub_response.status_code = 429
                sub_response.headers["retry-after"] = str(extensions.get("retryAfter", 1))
                return


def readable_json(data: str | bytes, what: str) -> Any:
    try:
        return read_json(data, what)
    except UnreadableJSON as unreadable:
        raise RequestRefused(400, str(unreadable), **unreadable.details) from None


def check_operation(item: dict[str, Any]) -> None:
    """The checks Strawberry makes of a single operation, for each one of a batch, and
    of `operationName` for every operation."""
    if not isinstance(item.get("query"), str | None):
        raise HTTPException(400, "An operation's `query` must be a string.")
    if not isinstance(item.get("operationName"), str | None):
        raise HTTPException(400, "An operation's `operationName` must be a string or null.")
    for name in ("variables", "extensions"):
        if not isinstance(item.get(name), dict | None):
            raise HTTPException(400, f"An operation's `{name}` must be an object or null.")
