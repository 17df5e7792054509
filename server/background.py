"""One asyncio task a component runs for the life of the app, started and stopped
with it: the periodic jobs, the webhook worker, the live hub and its listeners.

Stopping cancels the task and waits for it, so nothing of it runs after the app's
database is closed.
"""

from __future__ import annotations

import asyncio
import contextlib


class BackgroundTask:
    """Subclasses say what runs (`_run`) and under which name the task is listed."""

    task_name = "background"
    _task: asyncio.Task | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name=self.task_name)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        raise NotImplementedError
