"""Noticing that a request wrote events, so the hub can be woken once it has committed.

Event writes (`server.events.log`) mark the request's holder; the request's middleware
(`WritesWake`) wakes the hub after the response, that is after the write committed (a
mutation commits before its payload is read). A write that rolled back wakes the hub
for nothing: it reads no new event.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

from starlette.types import ASGIApp, Receive, Scope, Send

_WROTE: ContextVar[list[bool] | None] = ContextVar("throughline_wrote_events", default=None)


def events_written() -> None:
    """Called by every event write; marks the surrounding request, if any."""
    holder = _WROTE.get()
    if holder is not None and not holder:
        holder.append(True)


class WritesWake:
    """ASGI middleware: after an HTTP request that wrote events, call `committed`."""

    def __init__(self, app: ASGIApp, committed: Callable[[], None]) -> None:
        self.app = app
        self.committed = committed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        holder: list[bool] = []
        token = _WROTE.set(holder)
        try:
            await self.app(scope, receive, send)
        finally:
            _WROTE.reset(token)
            if holder:
                self.committed()
