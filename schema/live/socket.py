"""The graphql-transport-ws connection: Strawberry's handler, with sign-in at
`connection_init`, bounds per user and per connection, and clear close reasons.

Close codes: 4401 subscribe before the connection was acknowledged (the protocol's);
4403 sign-in refused, or the session ended while connected (the reason says which);
4429 too many connections for this user; 1013 a subscriber too slow to keep up.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLError
from starlette.websockets import WebSocketDisconnect
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.types.execution import PreExecutionError
from strawberry.utils.aio import aclosing

from schema.core.errors import RATE_LIMITED
from server.live.access import ConnectionCount, Credentials, SignInRefused, bearer_in
from server.live.hub import Hub
from server.read_model import ReadModel
from server.settings import Live
from server.tokens import TokenSigner

LIVE = "throughline.live"
"""Where a connection's `LiveConnection` is kept in the WebSocket's ASGI scope."""
SIGNED_OUT = 4403
TOO_MANY = 4429
TOO_SLOW = 1013


class ConnectionRefused(Exception):
    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass
class LiveService:
    """What every connection of this process shares."""

    hub: Hub
    read_model: ReadModel
    signer: TokenSigner
    settings: Live
    connections: ConnectionCount


@dataclass(eq=False)
class LiveConnection:
    service: LiveService
    credentials: Credentials
    user_id: int
    websocket: Any
    closed: bool = False

    async def end(self, code: int, reason: str) -> None:
        """Close the socket once, with `reason` (at most 123 bytes, as WebSocket allows)."""
        if self.closed:
            return
        self.closed = True
        with contextlib.suppress(Exception):
            await self.websocket.close(
                code=code, reason=reason.encode()[:123].decode(errors="ignore")
            )


async def connect(service: LiveService, websocket: Any, payload: dict) -> LiveConnection:
    """Sign the connection in from its `connection_init` payload, or `ConnectionRefused`."""
    try:
        credentials = Credentials(bearer_in(payload), service.signer)
        signed_in = credentials.sign_in(await service.read_model.current())
    except SignInRefused as refused:
        raise ConnectionRefused(SIGNED_OUT, str(refused)) from None
    try:
        service.connections.take(signed_in.user.pk)
    except SignInRefused as refused:
        raise ConnectionRefused(TOO_MANY, str(refused)) from None
    websocket.scope["user"] = signed_in
    connection = LiveConnection(service, credentials, signed_in.user.pk, websocket)
    websocket.scope[LIVE] = connection
    return connection


class TextFrames(ASGIWebSocketAdapter):
    """Messages as text frames, as graphql-transport-ws requires: the view encodes JSON
    to bytes (orjson), which Strawberry would send as binary frames."""

    async def send_json(self, message: Mapping[str, object]) -> None:
        encoded = self.view.encode_json(message)
        try:
            await self.ws.send_text(encoded.decode() if isinstance(encoded, bytes) else encoded)
        except WebSocketDisconnect as gone:
            raise WebSocketDisconnected from gone


class LiveHandler(BaseGraphQLTransportWSHandler):
    """Strawberry's protocol handler; only what Throughline adds is here."""

    async def handle_connection_init(self, message: Any) -> None:
        payload = message.get("payload") or {}
        if not self.connection_init_received and isinstance(payload, dict):
            service = getattr(self.view, "live", None)
            try:
                if service is None:
                    raise ConnectionRefused(1011, "Live updates are not running here.")
                await connect(service, getattr(self.context, "request", None), payload)
            except ConnectionRefused as refused:
                self.connection_init_received = True
                if self.connection_init_timeout_task:
                    self.connection_init_timeout_task.cancel()
                await self.websocket.close(
                    code=refused.code, reason=refused.reason.encode()[:123].decode(errors="ignore")
                )
                return
        await super().handle_connection_init(message)

    async def handle_subscribe(self, message: Any) -> None:
        limit = self.max_subscriptions_per_connection
        if (
            self.connection_acknowledged
            and limit is not None
            and message.get("id") not in self.operations
            and len(self.operations) >= limit
        ):
            error = GraphQLError(
                f"A connection may run at most {limit} subscriptions at once; "
                "complete one first, or open another connection.",
                extensions={
                    "code": RATE_LIMITED,
                    "measure": "subscriptions per connection",
                    "value": limit + 1,
                    "limit": limit,
                },
            )
            await self.send_message(
                {"id": message["id"], "type": "error", "payload": [error.formatted]}
            )
            return
        await super().handle_subscribe(message)

    async def shutdown(self) -> None:
        try:
            await super().shutdown()
        finally:
            scope = getattr(getattr(self.context, "request", None), "scope", {})
            connection = scope.pop(LIVE, None)
            if isinstance(connection, LiveConnection):
                connection.closed = True
                connection.service.connections.release(connection.user_id)


async def wait_forever() -> None:
    """Hold an operation whose connection was closed until the handler cancels it
    (returning would send `complete` on a closed socket)."""
    await asyncio.Event().wait()


async def refusals_as_errors(source: AsyncGenerator[Any, None]) -> AsyncGenerator[Any, None]:
    """A stream whose refusal by a check before execution (the limits raise theirs while
    parsing, which Strawberry's stream does not catch) ends in an `error` message rather
    than a silent `complete`."""
    try:
        async with aclosing(source):
            async for result in source:
                yield result
    except GraphQLError as refused:
        yield PreExecutionError(data=None, errors=[refused])
