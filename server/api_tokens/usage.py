"""When each token was last used, recorded without a write on every request.

A use is written at most once per `interval` per token and process, by a task of its
own after the request has been authenticated, so no request waits for it; it goes to
`api_token_use`, outside the change record, so it does not make every worker read the
token table again. `lastUsedAt` is therefore up to `interval` behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError

from server import models

log = logging.getLogger(__name__)

INTERVAL = timedelta(minutes=1)
FORGET_AFTER = 10_000
"""Tokens remembered before the ones not used within `interval` are forgotten."""


async def record_use(token_id: int, at: datetime) -> None:
    """Move the token's last use forward to `at` (never back)."""
    moved = await models.ApiTokenUse.filter(token_id=token_id, used_at__lt=at).update(used_at=at)
    if moved:
        return
    # A later use may be recorded already, or another process recorded this one.
    with contextlib.suppress(IntegrityError):
        await models.ApiTokenUse.create(token_id=token_id, used_at=at)


class TokenUses:
    def __init__(self, interval: timedelta = INTERVAL) -> None:
        self.interval = interval
        self._written: dict[int, datetime] = {}
        self._pending: set[asyncio.Task[None]] = set()

    def used(self, token_id: int, at: datetime) -> None:
        last = self._written.get(token_id)
        if last is not None and at - last < self.interval:
            return
        if len(self._written) >= FORGET_AFTER:
            self._written = {k: v for k, v in self._written.items() if at - v < self.interval}
        self._written[token_id] = at
        task = asyncio.ensure_future(self._write(token_id, at))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _write(self, token_id: int, at: datetime) -> None:
        try:
            await record_use(token_id, at)
        except Exception:
            # Not worth failing anything for: the next use tries again.
            self._written.pop(token_id, None)
            log.warning("could not record the use of API token %s", token_id, exc_info=True)

    async def settled(self) -> None:
        """Wait for the uses being written (tests, and shutting down)."""
        while self._pending:
            await asyncio.gather(*list(self._pending), return_exceptions=True)
