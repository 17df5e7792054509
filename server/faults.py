"""Telling "the database cannot be reached right now" apart from a bug.

An unreachable database is a passing condition, not a server error: clients get
SERVICE_UNAVAILABLE (HTTP 503 with Retry-After) instead of a 500, the log gets one line
instead of a traceback, and the next request simply tries again, so service resumes by
itself when the database is back.
"""

from __future__ import annotations

import errno
import json
import logging
import socket
import sqlite3
from collections.abc import Iterator

import asyncpg
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from tortoise.exceptions import DBConnectionError

log = logging.getLogger(__name__)

SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
RETRY_AFTER_SECONDS = 5
MESSAGE = "The database cannot be reached right now; nothing was read or saved. Try again shortly."

# PostgreSQL: lost or refused connections, the server shutting down, no free
# connection slots, a statement cancelled by the statement timeout.
POSTGRES_UNAVAILABLE = (
    asyncpg.PostgresConnectionError,
    asyncpg.CannotConnectNowError,
    asyncpg.TooManyConnectionsError,
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
    asyncpg.QueryCanceledError,
    asyncpg.ConnectionDoesNotExistError,
)
# SQLite: the file cannot be opened or read, or another process holds the write lock
# past the busy timeout.
SQLITE_UNAVAILABLE = (
    "unable to open database file",
    "disk i/o error",
    "database is locked",
    "readonly database",
)

NETWORK_ERRNOS = {errno.EHOSTUNREACH, errno.ENETUNREACH, errno.ETIMEDOUT, errno.EPIPE}


def _causes(error: BaseException) -> Iterator[BaseException]:
    """The error, what it was raised from, and exceptions wrapped as its arguments
    (Tortoise wraps driver errors as `OperationalError(driver_error)`)."""
    seen: set[int] = set()
    pending = [error]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        pending.extend(a for a in current.args if isinstance(a, BaseException))
        for linked in (current.__cause__, current.__context__):
            if linked is not None:
                pending.append(linked)


def _unavailable(error: BaseException) -> bool:
    if isinstance(error, DBConnectionError | ConnectionError | TimeoutError):
        return True
    if isinstance(error, POSTGRES_UNAVAILABLE):
        return True
    if isinstance(error, asyncpg.InterfaceError) and "closed" in str(error):
        return True
    if isinstance(error, socket.gaierror):
        return True  # the database host name does not resolve
    if isinstance(error, OSError) and (
        error.errno in NETWORK_ERRNOS or str(error).startswith(("Multiple exceptions", "Connect"))
    ):
        return True  # asyncio's "Connect call failed" and its per-address summary
    if isinstance(error, sqlite3.OperationalError):
        text = str(error).lower()
        return any(reason in text for reason in SQLITE_UNAVAILABLE)
    return False


def database_unavailable(error: BaseException) -> bool:
    """True when `error` (or what caused it) says the database cannot be reached."""
    return any(_unavailable(cause) for cause in _causes(error))


def describe(error: BaseException) -> str:
    """One line for the log: the deepest cause's type and message."""
    deepest = list(_causes(error))[-1]
    return f"{type(deepest).__name__}: {deepest}".splitlines()[0]


def unavailable_body() -> bytes:
    error = {"message": MESSAGE, "extensions": {"code": SERVICE_UNAVAILABLE}}
    return json.dumps({"errors": [error]}).encode()


class DatabaseFaults:
    """ASGI middleware: a database fault raised outside a resolver (signing a request
    in reads the user) answers 503 SERVICE_UNAVAILABLE instead of a 500."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception as error:
            if started or not database_unavailable(error):
                raise
            log.warning("database unavailable at %s: %s", scope.get("path"), describe(error))
            body = unavailable_body()
            await send(
                {
                    "type": "http.response.start",
                    "status": 503,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode()),
                        (b"retry-after", str(RETRY_AFTER_SECONDS).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})
