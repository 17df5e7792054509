"""At most `max_in_flight` requests of one caller running at a time, in each process.

A caller is a signed-in user, or the client address of a request without a valid token.
One caller's requests then take at most that many of the turns of the event loop,
however many it sends at once; the next one is refused at once (429, Retry-After)
rather than queued behind them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from starlette.types import Scope

from server.authentication import SignedIn


class TooManyInFlight(Exception):
    """The caller already has `limit` requests running."""

    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit


def caller_of(scope: Scope) -> str:
    user = scope.get("user")
    if isinstance(user, SignedIn):
        return f"user:{user.user.pk}"
    client = scope.get("client")
    return f"address:{client[0] if client else 'unknown'}"


class InFlight:
    """Counts each caller's running requests."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.running: dict[str, int] = {}

    @contextmanager
    def slot(self, caller: str) -> Iterator[None]:
        """Hold one of the caller's slots while the request runs; raise TooManyInFlight
        when none is free."""
        count = self.running.get(caller, 0)
        if count >= self.limit:
            raise TooManyInFlight(self.limit)
        self.running[caller] = count + 1
        try:
            yield
        finally:
            left = self.running[caller] - 1
            if left:
                self.running[caller] = left
            else:
                del self.running[caller]
