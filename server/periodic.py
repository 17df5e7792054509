"""A background task that runs one job every few seconds for the life of the app.

A failed run is logged and the next one retries: one bad poll must not end the loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)


class Periodic:
    def __init__(self, name: str, job: Callable[[], Awaitable[object]], seconds: float) -> None:
        self.name, self.job, self.seconds = name, job, seconds
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name=self.name)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            try:
                await self.job()
            except Exception:
                log.exception("%s failed", self.name)
            await asyncio.sleep(self.seconds)
