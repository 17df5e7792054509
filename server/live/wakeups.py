"""What wakes the hub when another process commits events.

- PostgreSQL: every INSERT into `event` runs `pg_notify` in its transaction (migration
  0010), so a write that rolls back notifies nothing; each process LISTENs on a
  connection of its own, outside the pool.
- Redis, where `THROUGHLINE_REDIS_URL` is set: a process that committed events publishes
  on a channel after the commit, and every process subscribes to it.
- Neither (SQLite): the hub's own tail of the event table at a short interval.

A wake-up carries nothing: the hub reads the event table by ID, so a lost or repeated
wake-up loses or repeats no event. A listener that loses its connection connects again
with a growing delay and wakes the hub once it is back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

from server.background import BackgroundTask

log = logging.getLogger(__name__)

CHANNEL = "throughline_events"
REDIS_CHANNEL = "throughline:events"
RETRY_SECONDS = (0.5, 1, 2, 5, 10)


class Listener(BackgroundTask):
    """A background task that keeps a subscription open and calls `wake` on each message."""

    def __init__(self, wake: Callable[[], None]) -> None:
        self.wake = wake
        self.task_name = type(self).__name__
        self.connected = asyncio.Event()

    async def _run(self) -> None:
        failures = 0
        while True:
            try:
                await self.listen(self._on_connected)
                failures = 0
            except asyncio.CancelledError:
                raise
            except Exception as error:  # any loss of the connection
                log.warning("%s lost its connection: %s", type(self).__name__, error)
            self.connected.clear()
            await asyncio.sleep(RETRY_SECONDS[min(failures, len(RETRY_SECONDS) - 1)])
            failures += 1

    def _on_connected(self) -> None:
        self.connected.set()
        self.wake()  # whatever was committed while away is read now

    async def listen(self, connected: Callable[[], None]) -> None:
        raise NotImplementedError


class PostgresListener(Listener):
    def __init__(self, wake: Callable[[], None], dsn: str) -> None:
        super().__init__(wake)
        self.dsn = dsn

    async def listen(self, connected: Callable[[], None]) -> None:
        import asyncpg

        connection = await asyncpg.connect(self.dsn, timeout=10)
        lost = asyncio.Event()
        try:
            connection.add_termination_listener(lambda _connection: lost.set())
            await connection.add_listener(CHANNEL, lambda *_args: self.wake())
            connected()
            await lost.wait()
        finally:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(connection.close(), 5)


class RedisChannel(Listener):
    """Subscribes to the channel, and publishes on it after this process's commits."""

    def __init__(self, wake: Callable[[], None], url: str) -> None:
        super().__init__(wake)
        import redis.asyncio as redis

        self.client: Any = redis.Redis.from_url(url, socket_connect_timeout=5)
        self._publishing: set[asyncio.Task] = set()

    async def listen(self, connected: Callable[[], None]) -> None:
        pubsub = self.client.pubsub()
        try:
            await pubsub.subscribe(REDIS_CHANNEL)
            connected()
            async for message in pubsub.listen():
                if message.get("type") == "message":
                    self.wake()
        finally:
            with contextlib.suppress(Exception):
                await pubsub.aclose()

    def publish(self) -> None:
        """Tell every process (this one included) that events were committed."""
        task = asyncio.create_task(self._publish())
        self._publishing.add(task)
        task.add_done_callback(self._publishing.discard)

    async def _publish(self) -> None:
        try:
            await self.client.publish(REDIS_CHANNEL, b"")
        except Exception as error:  # the tail still finds the events
            log.warning("publishing to Redis failed: %s", error)

    async def stop(self) -> None:
        await super().stop()
        with contextlib.suppress(Exception):
            await self.client.aclose()
