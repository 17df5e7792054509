"""Sending queued deliveries: claimed once across processes, in order per node, retried
with exponential backoff and jitter, and an endpoint that keeps failing is disabled.

A claim is a lease: the delivery is marked SENDING until `lease_until`, under a fresh
claim token. A process that dies while sending leaves the lease to run out, and the
next claim sends the delivery again (at least once). Finishing is conditional on the
token, so a process that outlived its lease cannot overwrite a newer claim's outcome.
On PostgreSQL candidates are locked with `FOR UPDATE SKIP LOCKED`, so processes claim
different deliveries without waiting; on SQLite the claim's transaction holds the write
lock and the conditional UPDATE on the token decides.
"""

from __future__ import annotations

import asyncio
import logging
import random
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

import httpx
from tortoise import connections
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from server import clock, models
from server.events.payload import message_id as event_message_id
from server.external_calendars.guarded_transport import AddressDenied, CheckedTransport
from server.settings import Webhooks
from server.webhooks.endpoints import secrets_in_use
from server.webhooks.signing import signature_header

log = logging.getLogger(__name__)


class DeliveryStatus(StrEnum):
    QUEUED = "QUEUED"
    """Behind an earlier delivery of the same node to the same endpoint."""
    PENDING = "PENDING"
    SENDING = "SENDING"
    DELIVERED = "DELIVERED"
    FAILED = "FAILED"


QUEUED, PENDING, SENDING, DELIVERED, FAILED = (status.value for status in DeliveryStatus)
UNFINISHED = (PENDING, SENDING)
WAITING = (QUEUED, PENDING, SENDING)
"""Not yet done: a node's later deliveries queue behind these."""

# The first queued delivery of each endpoint and node whose earlier ones are all done
# becomes due. Finishing a delivery does this for its node at once; this statement
# repairs what a finish racing a dispatch left queued.
PROMOTE_QUEUED = (
    "UPDATE webhook_delivery SET status = 'PENDING', next_attempt_at = created_at "
    "WHERE status = 'QUEUED' AND NOT EXISTS (SELECT 1 FROM webhook_delivery AS earlier "
    "WHERE earlier.endpoint_id = webhook_delivery.endpoint_id "
    "AND earlier.node_key = webhook_delivery.node_key "
    "AND earlier.status IN ('QUEUED', 'PENDING', 'SENDING') "
    "AND earlier.event_id < webhook_delivery.event_id)"
)
MAX_ERROR = 500
USER_AGENT = "Throughline webhooks"
DENIED = "The address is not one webhooks may reach."


@dataclass(frozen=True)
class Outcome:
    succeeded: bool
    status_code: int | None
    latency_ms: int
    error: str


def backoff(attempts: int, rules: Webhooks) -> float:
    """Seconds before try `attempts + 1`: doubling from the base up to the maximum, with
    jitter (half to all of it) so that failing receivers are not hit in step."""
    delay = min(rules.retry_max_seconds, rules.retry_base_seconds * 2 ** (attempts - 1))
    return random.uniform(delay / 2, delay)


async def claim(rules: Webhooks, limit: int = 20) -> list[models.WebhookDelivery]:
    """Deliveries now due, each the oldest unfinished one of its node for its endpoint,
    marked SENDING under a new claim token."""
    now = clock.now()
    live = await models.WebhookEndpoint.filter(enabled=True, archived_at__isnull=True).values_list(
        "id", flat=True
    )
    if not live:
        return []
    is_due = Q(status=PENDING, next_attempt_at__lte=now) | Q(status=SENDING, lease_until__lte=now)
    if not await models.WebhookDelivery.filter(is_due, endpoint_id__in=list(live)).exists():
        return []  # the usual case, answered without taking a lock
    async with in_transaction():
        due = (
            await models.WebhookDelivery.filter(
                Q(status=PENDING, next_attempt_at__lte=now)
                | Q(status=SENDING, lease_until__lte=now),
                endpoint_id__in=list(live),
            )
            .order_by("event_id", "id")
            .limit(limit * 4)
            .select_for_update(skip_locked=True)
        )
        if not due:
            return []
        first = await _first_unfinished(due)
        claimed: list[models.WebhookDelivery] = []
        for delivery in due:
            if (
                first[(delivery.endpoint_id, delivery.node_key)] != delivery.id
                or len(claimed) >= limit
            ):
                continue
            token = secrets.token_hex(8)
            updated = await models.WebhookDelivery.filter(
                id=delivery.id, claim=delivery.claim, status=delivery.status
            ).update(
                status=SENDING,
                claim=token,
                lease_until=now + timedelta(seconds=rules.lease_seconds),
            )
            if updated == 1:
                delivery.status, delivery.claim = SENDING, token
                claimed.append(delivery)
        return claimed


async def _first_unfinished(
    due: Iterable[models.WebhookDelivery],
) -> dict[tuple[int, str], int]:
    """For each (endpoint, node) among `due`, the unfinished delivery that goes first
    (the earliest event): a later event of a node waits until it is done."""
    due = list(due)
    rows = await models.WebhookDelivery.filter(
        endpoint_id__in={d.endpoint_id for d in due},
        node_key__in={d.node_key for d in due},
        status__in=UNFINISHED,
    ).values_list("endpoint_id", "node_key", "event_id", "id")
    first: dict[tuple[int, str], tuple[int, int]] = {}
    for endpoint_id, node_key, event_id, pk in rows:
        key = (endpoint_id, node_key)
        if key not in first or (event_id, pk) < first[key]:
            first[key] = (event_id, pk)
    return {key: pk for key, (_, pk) in first.items()}


async def send(
    client: httpx.AsyncClient, endpoint: models.WebhookEndpoint, delivery: models.WebhookDelivery
) -> Outcome:
    """POST the delivery's body, signed with every secret in use; 2xx is success."""
    body = delivery.body.encode()
    timestamp = int(time.time())  # real time: receivers compare it with their own clock
    message_id = event_message_id(delivery.event_id)
    headers = {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature_header(
            secrets_in_use(endpoint), message_id, timestamp, body
        ),
    }
    started = time.perf_counter()
    try:
        async with client.stream("POST", endpoint.url, content=body, headers=headers) as response:
            code = response.status_code
    except httpx.TimeoutException:
        return Outcome(False, None, _since(started), "The endpoint did not answer in time.")
    except (httpx.HTTPError, OSError) as error:
        if _denied(error):
            return Outcome(False, None, _since(started), DENIED)
        return Outcome(False, None, _since(started), f"Could not connect: {type(error).__name__}.")
    except Exception:  # an address the client refuses, or anything unforeseen: a failure
        log.exception("webhook delivery %s could not be sent", delivery.id)
        return Outcome(False, None, _since(started), "The request could not be sent.")
    if 200 <= code < 300:
        return Outcome(True, code, _since(started), "")
    return Outcome(False, code, _since(started), f"The endpoint answered HTTP {code}.")


def _denied(error: BaseException | None) -> bool:
    """Whether the connection was refused by the address rules (httpx wraps the
    transport's error)."""
    while error is not None:
        if isinstance(error, AddressDenied):
            return True
        error = error.__cause__ or error.__context__
    return False


def _since(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)


async def finish(delivery: models.WebhookDelivery, outcome: Outcome, rules: Webhooks) -> None:
    """Record the attempt, schedule a retry or give up, and keep the endpoint's
    failure count (disabling it once it has failed long and often enough)."""
    now = clock.now()
    attempts = delivery.attempts + 1
    async with in_transaction():
        await models.WebhookAttempt.create(
            delivery_id=delivery.id,
            at=now,
            succeeded=outcome.succeeded,
            status_code=outcome.status_code,
            latency_ms=outcome.latency_ms,
            error=outcome.error[:MAX_ERROR],
        )
        if outcome.succeeded:
            state = {"status": DELIVERED, "delivered_at": now}
        elif attempts >= rules.max_attempts:
            state = {"status": FAILED}
        else:
            retry = now + timedelta(seconds=backoff(attempts, rules))
            state = {"status": PENDING, "next_attempt_at": retry}
        mine = await models.WebhookDelivery.filter(id=delivery.id, claim=delivery.claim).update(
            **state, attempts=attempts, claim="", lease_until=None
        )
        if mine:
            await _count(delivery.endpoint_id, outcome, rules, now)
            if state["status"] != PENDING:
                await _next_of_node(delivery, now)


async def _next_of_node(delivery: models.WebhookDelivery, now) -> None:
    """The node's next queued delivery to this endpoint becomes due."""
    following = (
        await models.WebhookDelivery.filter(
            endpoint_id=delivery.endpoint_id, node_key=delivery.node_key, status__in=WAITING
        )
        .order_by("event_id", "id")
        .first()
    )
    if following is not None and following.status == QUEUED:
        await models.WebhookDelivery.filter(id=following.id, status=QUEUED).update(
            status=PENDING, next_attempt_at=now
        )


async def promote_queued() -> None:
    """Make due every queued delivery that nothing waits before (see PROMOTE_QUEUED)."""
    if await models.WebhookDelivery.filter(status=QUEUED).exists():
        await connections.get("default").execute_query(PROMOTE_QUEUED)


async def _count(endpoint_id: int, outcome: Outcome, rules: Webhooks, now) -> None:
    endpoint = await models.WebhookEndpoint.filter(id=endpoint_id).select_for_update().first()
    if endpoint is None:
        return
    if outcome.succeeded:
        if endpoint.consecutive_failures:
            await models.WebhookEndpoint.filter(id=endpoint_id).update(
                consecutive_failures=0, failing_since=None
            )
        return
    failures = endpoint.consecutive_failures + 1
    since = endpoint.failing_since or now
    changes: dict[str, object] = {"consecutive_failures": failures, "failing_since": since}
    long_enough = now - since >= timedelta(hours=rules.disable_after_hours)
    if endpoint.enabled and failures >= rules.disable_after_failures and long_enough:
        hours = (now - since).total_seconds() / 3600
        changes |= {
            "enabled": False,
            "disabled_reason": (
                f"Disabled after {failures} failed deliveries in a row over {hours:.1f} hours; "
                f"the last: {outcome.error}"
            ),
        }
        log.warning("webhook %s disabled: %s", endpoint_id, changes["disabled_reason"])
    await models.WebhookEndpoint.filter(id=endpoint_id).update(**changes)


def client(rules: Webhooks) -> httpx.AsyncClient:
    """Connections only to addresses webhooks may reach; no redirects followed (a
    redirect is an answer, and the signed body must not travel on to another host)."""
    return httpx.AsyncClient(
        transport=CheckedTransport(rules.allow_networks),
        timeout=httpx.Timeout(rules.timeout_seconds),
        follow_redirects=False,
        trust_env=False,
    )


async def deliver_due(http: httpx.AsyncClient, rules: Webhooks, limit: int = 20) -> int:
    """Claim what is due and send it, at most `limit` at once; how many were sent."""
    await promote_queued()
    claimed = await claim(rules, limit)
    if not claimed:
        return 0
    endpoints = {
        e.pk: e
        for e in await models.WebhookEndpoint.filter(id__in={d.endpoint_id for d in claimed})
    }

    async def one(delivery: models.WebhookDelivery) -> None:
        outcome = await send(http, endpoints[delivery.endpoint_id], delivery)
        await finish(delivery, outcome, rules)

    results = await asyncio.gather(*(one(d) for d in claimed), return_exceptions=True)
    for failure in results:
        if isinstance(failure, Exception):  # its lease runs out and it is sent again
            log.error("webhook delivery failed to finish", exc_info=failure)
    return len(claimed)
