"""Fanning events out to endpoints: one delivery per event and endpoint that wants it.

One process at a time dispatches (the `dispatch` step row is locked; SQLite writers
are serialised anyway), and events are taken in the order of their IDs. A node's events
are written in commit order (each write locks the node's row first), so each endpoint's
deliveries of one node are queued in the order the changes were made. A delivery made
while an earlier one of its node to the same endpoint is not done is QUEUED, not due:
only the head of each node's queue is claimed, so a node whose receiver keeps failing
holds back its own later events and nobody else's.
"""

from __future__ import annotations

from collections import defaultdict

import orjson
from tortoise.models import Model
from tortoise.transactions import in_transaction

from server import clock, models
from server.enums import Role
from server.events.payload import actor_names, message
from server.events.steps import ensure_step, lock_step
from server.permissions import owning_team_ids
from server.webhooks.criteria import Criteria
from server.webhooks.delivery import PENDING, QUEUED, WAITING

BATCH = 200


async def node_teams(events: list[models.Event]) -> dict[tuple[str, int], frozenset[int]]:
    """The teams owning each event's node (whose editors may change it)."""
    keys_by_type: dict[str, set[int]] = defaultdict(set)
    for event in events:
        keys_by_type[event.node_type].add(event.node_id)
    teams: dict[tuple[str, int], frozenset[int]] = {}
    for node_type, ids in keys_by_type.items():
        if node_type == "Team":
            teams |= {(node_type, pk): frozenset({pk}) for pk in ids}
            continue
        model: type[Model] | None = getattr(models, node_type, None)
        if model is None:
            continue
        for row in await model.filter(id__in=sorted(ids)):
            teams[(node_type, row.pk)] = frozenset(await owning_team_ids(row))
    return teams


async def dispatch(batch: int = BATCH) -> int:
    """Queue deliveries for the next undispatched events; how many events were taken."""
    if not await models.Event.filter(dispatched=False).exists():
        return 0  # the usual case, answered without taking the lock
    await ensure_step("dispatch")
    async with in_transaction():
        await lock_step("dispatch")
        events = await models.Event.filter(dispatched=False).order_by("id").limit(batch)
        if not events:
            return 0
        endpoints = await models.WebhookEndpoint.filter(enabled=True, archived_at__isnull=True)
        deliveries = await _deliveries(events, endpoints) if endpoints else []
        if deliveries:
            await models.WebhookDelivery.bulk_create(deliveries)
        await models.Event.filter(id__in=[event.id for event in events]).update(dispatched=True)
        return len(events)


async def _deliveries(
    events: list[models.Event], endpoints: list[models.WebhookEndpoint]
) -> list[models.WebhookDelivery]:
    owners = {
        user.pk: user for user in await models.User.filter(id__in={e.owner_id for e in endpoints})
    }
    memberships: dict[int, set[int]] = defaultdict(set)
    for user_id, team_id in await models.Membership.filter(user_id__in=list(owners)).values_list(
        "user_id", "team_id"
    ):
        memberships[user_id].add(team_id)
    needs_teams = any(
        Criteria.of(e).teams is not None
        or getattr(owners.get(e.owner_id), "role", None) != Role.ADMIN
        for e in endpoints
    )
    teams = await node_teams(events) if needs_teams else {}
    names = await actor_names(events)
    now = clock.now()
    waiting = set(
        await models.WebhookDelivery.filter(
            endpoint_id__in=[e.pk for e in endpoints],
            node_key__in={f"{e.node_type}:{e.node_id}" for e in events},
            status__in=WAITING,
        ).values_list("endpoint_id", "node_key")
    )
    found = []
    for event in events:
        body: str | None = None
        node_team_ids = teams.get((event.node_type, event.node_id), frozenset())
        for endpoint in endpoints:
            owner = owners.get(endpoint.owner_id)
            if owner is None or owner.archived_at is not None or owner.role == Role.VIEWER:
                continue
            if owner.role != Role.ADMIN and not node_team_ids & memberships[owner.pk]:
                continue  # an editor's endpoint keeps to the teams they belong to now
            if not Criteria.of(endpoint).admits(event, node_team_ids):
                continue
            if body is None:
                body = orjson.dumps(message(event, names.get(event.actor_id or 0))).decode()
            key = (endpoint.pk, f"{event.node_type}:{event.node_id}")
            found.append(
                models.WebhookDelivery(
                    endpoint_id=endpoint.pk,
                    event_id=event.id,
                    node_key=key[1],
                    status=QUEUED if key in waiting else PENDING,
                    body=body,
                    next_attempt_at=now,
                    created_at=now,
                )
            )
            waiting.add(key)
    return found
