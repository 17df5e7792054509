"""A background task that runs one job every few seconds for the life of the app.

A failed run is logged and the next one retries: one bad poll must not end the loop.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from server.background import BackgroundTask

log = logging.getLogger(__name__)


class Periodic(BackgroundTask):
    def __init__(self, name: str, job: Callable[[], Awaitable[object]], seconds: float) -> None:
        self.name, self.job, self.seconds = name, job, seconds
        self.task_name = name

    async def _run(self) -> None:
        while True:
            try:
                await self.job()
            except Exception:
                log.exception("%s failed", self.name)
            await asyncio.sleep(self.seconds)
