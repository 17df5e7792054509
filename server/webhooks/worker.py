"""The background task of each server process that moves events out: it fans new
events out to endpoints, then claims and sends what is due, every `poll_seconds`
(at once again while there is more). Every process runs one; the claims keep them
from sending the same delivery twice."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from server import models
from server.background import BackgroundTask
from server.events.catalogue import EventType
from server.events.measured import record_measured_changes
from server.events.risks import record_risk_changes
from server.faults import database_unavailable, describe
from server.read_model import Snapshot
from server.settings import Thresholds, Webhooks
from server.webhooks import delivery
from server.webhooks.dispatch import dispatch

log = logging.getLogger(__name__)


class WebhookWorker(BackgroundTask):
    task_name = "webhook-worker"

    def __init__(
        self,
        rules: Webhooks,
        before_round: Callable[[], Awaitable[object]] | None = None,
        committed: Callable[[], object] | None = None,
    ) -> None:
        """`before_round` runs first in each round (the steps that write computed events:
        risks, measured values), and `committed` is called once it wrote some (the live
        hub reads them at once, and tells the other processes)."""
        self.rules = rules
        self.before_round = before_round
        self.committed = committed

    async def run_round(self, http) -> bool:
        """One round; whether there may be more to do at once."""
        if self.before_round is not None:
            written = await self.before_round()
            if written and self.committed is not None:
                self.committed()
        dispatched = await dispatch()
        sent = await delivery.deliver_due(http, self.rules)
        return bool(dispatched or sent)

    async def _run(self) -> None:
        async with delivery.client(self.rules) as http:
            while True:
                busy = False
                try:
                    busy = await self.run_round(http)
                except Exception as error:
                    if database_unavailable(error):  # one line; the next round retries
                        log.warning("webhook round: database unavailable (%s)", describe(error))
                    else:
                        log.exception("webhook round failed")
                await asyncio.sleep(0 if busy else self.rules.poll_seconds)


RISK_EVENTS = {EventType.RISK_RAISED.value, EventType.RISK_CLEARED.value}


def risk_step(
    current: Callable[[], Awaitable[Snapshot]], thresholds: Thresholds
) -> Callable[[], Awaitable[int]]:
    """The risk step (`server.events.risks`) as a round runs it: only while some live
    endpoint may want risk events, since it computes every risk of the organisation."""

    async def run() -> int:
        if not await endpoints_want(RISK_EVENTS):
            return 0
        return await record_risk_changes(await current(), thresholds)

    return run


async def endpoints_want(types: set[str]) -> bool:
    """Whether some live endpoint may receive an event of one of `types`."""
    wanted = await models.WebhookEndpoint.filter(
        enabled=True, archived_at__isnull=True
    ).values_list("events", flat=True)
    return any(not events or types & set(events) for events in wanted)


MEASURED_EVENTS = {EventType.KEY_RESULT_UPDATED.value}


def measured_step(
    current: Callable[[], Awaitable[Snapshot]],
    thresholds: Thresholds,
    listening: Callable[[], bool] = lambda: False,
) -> Callable[[], Awaitable[int]]:
    """The measured-value step (`server.events.measured`) as a round runs it: while some
    live endpoint may want `keyResult.updated`, or someone listens live in this process
    (`listening`; the values are the progress engine's, which a reader computes anyway)."""

    async def run() -> int:
        if not listening() and not await endpoints_want(MEASURED_EVENTS):
            return 0
        return await record_measured_changes(await current(), thresholds)

    return run


def in_turn(*steps: Callable[[], Awaitable[int]]) -> Callable[[], Awaitable[int]]:
    """The steps run one after the other; how many events they wrote together."""

    async def run() -> int:
        written = 0
        for step in steps:
            written += await step()
        return written

    return run
