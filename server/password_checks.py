"""A bound on the password hashing one process does at once.

argon2 takes tens of milliseconds and 64 MiB per check, so it runs in a thread of its
own, off the event loop, and at most `concurrent` of them at a time. A few more callers
may wait their turn; beyond that they are refused at once (`Busy`) instead of queueing
behind a crowd of guessers while every other request waits for memory and CPU.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from server.settings import SignInLimits

T = TypeVar("T")
BUSY_RETRY_SECONDS = 1


class Busy(Exception):
    """Every password check of this process is taken, and so is every place in line."""

    def __init__(self) -> None:
        super().__init__(
            f"The server is busy checking passwords; try again in {BUSY_RETRY_SECONDS} second."
        )
        self.retry_after = BUSY_RETRY_SECONDS


class PasswordChecks:
    def __init__(self, concurrent: int, waiting: int) -> None:
        self.concurrent = concurrent
        self.waiting = waiting
        self._free = asyncio.Semaphore(concurrent)
        self._queued = 0
        self._threads = ThreadPoolExecutor(concurrent, thread_name_prefix="password")

    @classmethod
    def from_limits(cls, limits: SignInLimits) -> PasswordChecks:
        return cls(limits.password_checks, limits.password_queue)

    async def run(self, check: Callable[..., T], *args: object) -> T:
        """`check(*args)` in a thread once a place is free, else `Busy`."""
        if self._free.locked() and self._queued >= self.waiting:
            raise Busy()
        self._queued += 1
        try:
            await self._free.acquire()
        finally:
            self._queued -= 1
        loop = asyncio.get_running_loop()

        def give_back(_: object) -> None:
            with contextlib.suppress(RuntimeError):  # the loop has ended, and the semaphore
                loop.call_soon_threadsafe(self._free.release)

        try:
            running = self._threads.submit(check, *args)
        except BaseException:
            self._free.release()
            raise
        # The place is given back when the thread is done, even if the caller stopped
        # waiting for it (a request cut off at its time limit): threads never pile up.
        running.add_done_callback(give_back)
        return await asyncio.wrap_future(running)
