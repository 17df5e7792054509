"""The event log forgets old events once they were delivered everywhere they were due,
with their deliveries and attempts; an event still waiting somewhere stays."""

from __future__ import annotations

from datetime import timedelta

from server import clock, models
from server.events.retention import prune_events
from tests import factories


async def event(days_ago: int, *, delivery_status: str | None = None) -> models.Event:
    at = clock.now() - timedelta(days=days_ago)
    row = await models.Event.create(
        type="task.created", node_type="Task", node_id=1, at=at, changes={}, dispatched=True
    )
    if delivery_status is not None:
        endpoint = await models.WebhookEndpoint.filter().first()
        delivery = await models.WebhookDelivery.create(
            endpoint_id=endpoint.pk,
            event_id=row.id,
            node_key="Task:1",
            body="{}",
            status=delivery_status,
            next_attempt_at=at,
            created_at=at,
        )
        await models.WebhookAttempt.create(
            delivery_id=delivery.id, at=at, succeeded=True, status_code=200, latency_ms=3
        )
    return row


async def test_old_finished_events_go_and_the_rest_stay(db):
    # given
    owner = await factories.user()
    await models.WebhookEndpoint.create(
        owner_id=owner.pk, url="https://example.com/hooks", signing_secret="whsec_x"
    )
    old_delivered = await event(40, delivery_status="DELIVERED")
    old_given_up = await event(40, delivery_status="FAILED")
    old_unsent = await event(40)
    old_waiting = await event(40, delivery_status="PENDING")
    recent = await event(3, delivery_status="DELIVERED")
    # when
    pruned = await prune_events(30)
    # then
    assert pruned == 3
    kept = set(await models.Event.all().values_list("id", flat=True))
    assert kept == {old_waiting.id, recent.id}
    assert {old_delivered.id, old_given_up.id, old_unsent.id}.isdisjoint(kept)
    assert await models.WebhookDelivery.all().count() == 2
    assert await models.WebhookAttempt.all().count() == 2
    # when: the endpoint still waiting is deleted
    await models.WebhookEndpoint.all().update(archived_at=clock.now())
    # then: nothing waits for the old event any more
    assert await prune_events(30) == 1
    assert set(await models.Event.all().values_list("id", flat=True)) == {recent.id}
