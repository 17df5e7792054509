"""Webhooks delivered by the worker to a real receiver on 127.0.0.1: signed (checked
with the independent `standardwebhooks` package), nothing for a rolled-back write,
every event once after failures, in order per node, an endpoint that keeps failing
disabled with its reason, rotated secrets signing side by side, and a claimed delivery
whose process died sent again once its lease ran out."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from ipaddress import ip_network

import pytest
from standardwebhooks import Webhook
from tortoise.transactions import in_transaction

from server import models
from server.enums import Role
from server.permissions import Actor
from server.settings import Webhooks
from server.webhooks import delivery
from server.webhooks.criteria import Criteria
from server.webhooks.endpoints import (
    WithSecret,
    create_endpoint,
    rotate_secret,
    update_endpoint,
)
from server.webhooks.worker import WebhookWorker
from server.writes.tasks import create_task, update_task
from tests import factories
from tests.test_events import gid
from tests.webhook_receiver import Receiver, receiving

RULES = Webhooks(
    poll_seconds=0.05,
    timeout_seconds=2,
    lease_seconds=3,
    retry_base_seconds=0.05,
    retry_max_seconds=0.2,
    max_attempts=50,
    allow_networks=(ip_network("127.0.0.1/32"),),
)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiving() as running:
        yield running


@pytest.fixture
async def org(db):
    team = await factories.team(name="Growth")
    admin = await factories.user(name="Ada Admin", role=Role.ADMIN)
    campaign = await factories.campaign(team)
    return team, Actor(admin.pk, Role.ADMIN), campaign


async def pump(condition: Callable[[], bool], rules: Webhooks = RULES, seconds: float = 20) -> None:
    """Run the worker's rounds until `condition` holds."""
    worker = WebhookWorker(rules)
    deadline = time.monotonic() + seconds
    async with delivery.client(rules) as http:
        while not condition():
            assert time.monotonic() < deadline, "timed out waiting for deliveries"
            await worker.run_round(http)
            await asyncio.sleep(0.02)


async def endpoint_for(actor: Actor, receiver: Receiver, **criteria) -> WithSecret:
    return await create_endpoint(actor, receiver.url, Criteria(**criteria), RULES)


async def test_a_change_arrives_signed_with_its_payload(org, receiver):
    # given
    team, actor, campaign = org
    made = await endpoint_for(actor, receiver, events=("task.updated",))
    task = await create_task(actor, title="Draft", campaign_id=campaign.pk)
    # when
    await update_task(actor, task.pk, 1, title="Send")
    await pump(lambda: len(receiver.delivered()) == 1)
    # then
    request = receiver.delivered()[0]
    verified = Webhook(made.secret).verify(request.body, request.headers)
    event = await models.Event.get(type="task.updated")
    assert verified == {
        "type": "task.updated",
        "timestamp": event.at.isoformat().replace("+00:00", "Z"),
        "data": {
            "id": f"evt_{event.id}",
            "node": {"id": gid("Task", task.pk), "type": "Task"},
            "actor": {"id": gid("User", actor.user_id), "name": "Ada Admin"},
            "changes": {"title": {"before": "Draft", "after": "Send"}},
        },
    }
    assert request.webhook_id == f"evt_{event.id}"
    assert request.headers["content-type"] == "application/json"


async def test_a_rolled_back_change_sends_nothing(org, receiver):
    # given
    team, actor, campaign = org
    await endpoint_for(actor, receiver)
    # when
    with pytest.raises(RuntimeError):
        async with in_transaction():
            await create_task(actor, title="Never", campaign_id=campaign.pk)
            raise RuntimeError("rolled back")
    await create_task(actor, title="Kept", campaign_id=campaign.pk)
    await pump(lambda: len(receiver.delivered()) >= 1)
    await asyncio.sleep(0.3)
    await pump(lambda: True)
    # then
    titles = [r.message["data"]["changes"]["title"]["after"] for r in receiver.delivered()]
    assert titles == ["Kept"]


async def test_a_failing_receiver_that_recovers_gets_every_event_once_in_order(org, receiver):
    # given
    team, actor, campaign = org
    await endpoint_for(actor, receiver, events=("task.created", "task.updated"))
    receiver.answers = [500, 500, 503, 500]
    first = await create_task(actor, title="A0", campaign_id=campaign.pk)
    second = await create_task(actor, title="B0", campaign_id=campaign.pk)
    for version in range(1, 4):
        await update_task(actor, first.pk, version, title=f"A{version}")
        await update_task(actor, second.pk, version, title=f"B{version}")
    # when
    await pump(lambda: len(receiver.first_of_each()) == 8)
    await asyncio.sleep(0.3)
    await pump(lambda: True)
    # then
    received = receiver.first_of_each()
    assert len(received) == 8
    assert len([r for r in receiver.received if r.status >= 500]) == 4
    by_node: dict[str, list[str]] = {}
    for request in received:
        data = request.message["data"]
        by_node.setdefault(data["node"]["id"], []).append(data["changes"]["title"]["after"])
    assert by_node == {
        gid("Task", first.pk): ["A0", "A1", "A2", "A3"],
        gid("Task", second.pk): ["B0", "B1", "B2", "B3"],
    }
    assert await models.WebhookDelivery.filter(status="DELIVERED").count() == 8
    failed = await models.WebhookAttempt.filter(succeeded=False).order_by("id")
    assert sorted(a.status_code for a in failed) == [500, 500, 500, 503]
    assert all(a.error.startswith("The endpoint answered HTTP 5") for a in failed)


async def test_an_endpoint_that_keeps_failing_is_disabled_with_its_reason(org, receiver):
    # given
    team, actor, campaign = org
    rules = Webhooks(**{**RULES.__dict__, "disable_after_failures": 3, "disable_after_hours": 0})
    made = await endpoint_for(actor, receiver)
    receiver.status = 500
    await create_task(actor, title="Lost", campaign_id=campaign.pk)
    # when
    await pump(lambda: len(receiver.received) >= 3, rules)
    await asyncio.sleep(0.3)
    await pump(lambda: True, rules)
    # then
    endpoint = await models.WebhookEndpoint.get(id=made.endpoint.pk)
    assert not endpoint.enabled
    assert endpoint.disabled_reason.startswith("Disabled after 3 failed deliveries in a row")
    assert endpoint.disabled_reason.endswith("the last: The endpoint answered HTTP 500.")
    assert len(receiver.received) == 3
    still = await models.WebhookDelivery.get()
    assert still.status == "PENDING"
    # when: the owner enables it again and the receiver is back
    receiver.status = 200
    enabled = await update_endpoint(actor, endpoint.pk, 1, rules, {"enabled": True})
    await pump(lambda: len(receiver.delivered()) == 1, rules)
    # then: the delivery it kept arrives, and its failures are forgotten
    assert enabled.enabled and enabled.disabled_reason == "" and enabled.failing_since is None
    assert receiver.delivered()[0].message["data"]["changes"]["title"]["after"] == "Lost"


async def test_during_rotation_both_secrets_sign(org, receiver):
    # given
    team, actor, campaign = org
    made = await endpoint_for(actor, receiver)
    rotated = await rotate_secret(actor, made.endpoint.pk, 1, RULES)
    # when
    await create_task(actor, title="Signed twice", campaign_id=campaign.pk)
    await pump(lambda: len(receiver.delivered()) == 1)
    # then
    request = receiver.delivered()[0]
    assert rotated.secret != made.secret
    assert len(request.headers["webhook-signature"].split(" ")) == 2
    Webhook(made.secret).verify(request.body, request.headers)
    Webhook(rotated.secret).verify(request.body, request.headers)


async def test_after_the_grace_period_only_the_new_secret_signs(org, receiver):
    # given
    team, actor, campaign = org
    made = await endpoint_for(actor, receiver)
    rules = Webhooks(**{**RULES.__dict__, "secret_grace_hours": 0})
    rotated = await rotate_secret(actor, made.endpoint.pk, 1, rules)
    # when
    await create_task(actor, title="Signed once", campaign_id=campaign.pk)
    await pump(lambda: len(receiver.delivered()) == 1)
    # then
    request = receiver.delivered()[0]
    Webhook(rotated.secret).verify(request.body, request.headers)
    with pytest.raises(Exception, match="No matching signature"):
        Webhook(made.secret).verify(request.body, request.headers)


async def test_a_claim_whose_process_died_is_sent_after_its_lease(org, receiver):
    # given: a delivery claimed by a process that never finished it
    team, actor, campaign = org
    await endpoint_for(actor, receiver)
    await create_task(actor, title="Orphan", campaign_id=campaign.pk)
    rules = Webhooks(**{**RULES.__dict__, "lease_seconds": 2.5})
    worker = WebhookWorker(rules)
    async with delivery.client(rules) as http:
        await worker.run_round(http)  # dispatched and sent once: prove the pipe works
    assert len(receiver.delivered()) == 1
    await update_task(actor, (await models.Task.get()).pk, 1, title="Orphan 2")
    from server.webhooks.dispatch import dispatch

    await dispatch()
    claimed = await delivery.claim(rules)
    assert len(claimed) == 1
    # when: nobody else may take it while the lease runs, then someone does
    assert await delivery.claim(rules) == []
    await asyncio.sleep(2.6)
    await pump(lambda: len(receiver.delivered()) == 2, rules)
    # then
    assert receiver.delivered()[1].message["data"]["changes"]["title"]["after"] == "Orphan 2"


async def test_an_editors_endpoint_receives_only_their_teams_objects(org, receiver):
    # given
    team, admin, campaign = org
    other_team = await factories.team(name="Sales")
    other_campaign = await factories.campaign(other_team)
    editor = await factories.user(teams=[team], role=Role.EDITOR)
    actor = Actor(editor.pk, Role.EDITOR)
    await create_endpoint(actor, receiver.url, Criteria(teams=(team.pk,)), RULES)
    # when
    await create_task(admin, title="Theirs", campaign_id=other_campaign.pk)
    await create_task(admin, title="Ours", campaign_id=campaign.pk)
    await update_task(admin, (await models.Task.get(title="Ours")).pk, 1, estimate_hours=Decimal(2))
    await pump(lambda: len(receiver.delivered()) == 2)
    await asyncio.sleep(0.2)
    await pump(lambda: True)
    # then
    kinds = [(r.message["type"], r.message["data"]["node"]["type"]) for r in receiver.delivered()]
    assert kinds == [("task.created", "Task"), ("task.updated", "Task")]


async def test_a_name_resolving_to_a_closed_address_is_never_reached(org, receiver):
    # given: the default policy (no network opened) and a name for the loopback address
    team, actor, campaign = org
    closed = Webhooks(**{**RULES.__dict__, "allow_networks": ()})
    await create_endpoint(actor, f"http://localhost:{receiver.port}/hooks", Criteria(), closed)
    await create_task(actor, title="Inside", campaign_id=campaign.pk)
    # when
    worker = WebhookWorker(closed)
    async with delivery.client(closed) as http:
        await worker.run_round(http)
    # then
    attempt = await models.WebhookAttempt.get()
    assert not attempt.succeeded and attempt.status_code is None
    assert attempt.error == "The address is not one webhooks may reach."
    assert receiver.received == []


async def test_a_node_that_keeps_failing_holds_back_only_its_own_events(org, receiver):
    # given: the receiver refuses everything about one task
    team, actor, campaign = org
    await endpoint_for(actor, receiver, events=("task.created", "task.updated"))
    stuck = await create_task(actor, title="Stuck 0", campaign_id=campaign.pk)
    stuck_id = gid("Task", stuck.pk)
    receiver.refuse = lambda body: stuck_id.encode() in body
    for version in range(1, 30):
        await update_task(actor, stuck.pk, version, title=f"Stuck {version}")
    # when: other tasks change meanwhile
    others = [
        await create_task(actor, title=f"Other {n}", campaign_id=campaign.pk) for n in range(3)
    ]
    await pump(lambda: len(receiver.first_of_each()) == 3)
    # then: they arrived; the stuck task's later events wait, queued, behind its first
    assert sorted(r.message["data"]["changes"]["title"]["after"] for r in receiver.delivered()) == [
        "Other 0",
        "Other 1",
        "Other 2",
    ]
    stuck_rows = await models.WebhookDelivery.filter(node_key=f"Task:{stuck.pk}").order_by(
        "event_id"
    )
    assert stuck_rows[0].status in ("PENDING", "SENDING") and stuck_rows[0].attempts >= 1
    assert {row.status for row in stuck_rows[1:]} == {"QUEUED"}
    # when: the receiver takes the stuck task again
    receiver.refuse = lambda body: False
    await pump(lambda: len(receiver.first_of_each()) == 3 + 30)
    # then: its events arrive once each, in order
    titles = [
        r.message["data"]["changes"]["title"]["after"]
        for r in receiver.first_of_each()
        if r.message["data"]["node"]["id"] == stuck_id
    ]
    assert titles == [f"Stuck {n}" for n in range(30)]
    assert len(others) == 3
