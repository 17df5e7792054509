"""How long the event log keeps events: those delivered everywhere they were due go
after `keep_days`; an event still waiting at some live endpoint stays until it is done
(a deleted endpoint waits for nothing)."""

from __future__ import annotations

from datetime import timedelta

from tortoise.transactions import in_transaction

from server import clock, models

BATCH = 5000
UNFINISHED = ("QUEUED", "PENDING", "SENDING")


async def prune_events(keep_days: int) -> int:
    """Delete old, finished events with their deliveries and attempts; how many went."""
    cutoff = clock.now() - timedelta(days=keep_days)
    old = await (
        models.Event.filter(dispatched=True, at__lt=cutoff)
        .order_by("id")
        .limit(BATCH)
        .values_list("id", flat=True)
    )
    if not old:
        return 0
    waiting = set(
        await models.WebhookDelivery.filter(
            event_id__in=old, status__in=UNFINISHED, endpoint__archived_at__isnull=True
        ).values_list("event_id", flat=True)
    )
    done = [pk for pk in old if pk not in waiting]
    async with in_transaction():
        deliveries = models.WebhookDelivery.filter(event_id__in=done)
        await models.WebhookAttempt.filter(
            delivery_id__in=await deliveries.values_list("id", flat=True)
        ).delete()
        await models.WebhookDelivery.filter(event_id__in=done).delete()
        await models.Event.filter(id__in=done).delete()
    return len(done)
