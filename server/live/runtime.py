"""The hub and what wakes it, chosen by the settings, started and stopped with the app."""

from __future__ import annotations

from server.live.hub import Hub
from server.live.wakeups import Listener, PostgresListener, RedisChannel
from server.read_model import ReadModel
from server.settings import Settings

SAFETY_POLL_SECONDS = 10.0
"""With a wake-up channel, the tail only catches what woke no one (and holes)."""


class LiveRuntime:
    def __init__(self, settings: Settings, read_model: ReadModel) -> None:
        live = settings.live
        postgres = settings.engine != "sqlite"
        self.listener: Listener | None = None
        self.hub = Hub(read_model, queue_size=live.queue_size, ordered_ids=not postgres)
        if live.redis_url:
            channel = RedisChannel(self.hub.wake, live.redis_url)
            self.hub.published = channel.publish
            self.listener = channel
        elif postgres:
            self.listener = PostgresListener(self.hub.wake, settings.database_url)
        self.hub.poll_seconds = (
            max(live.poll_seconds, SAFETY_POLL_SECONDS) if self.listener else live.poll_seconds
        )

    def start(self) -> None:
        self.hub.start()
        if self.listener is not None:
            self.listener.start()

    async def stop(self) -> None:
        if self.listener is not None:
            await self.listener.stop()
        await self.hub.stop()
