"""Risk raised and risk cleared: the computed risks of each data version compared with
the set last recorded, written once (a second look at the same version writes nothing),
and delivered like any other event."""

from __future__ import annotations

import asyncio
import time
from datetime import date
from decimal import Decimal

from server import models
from server.enums import Role
from server.events.risks import record_risk_changes
from server.permissions import Actor
from server.read_model import ReadModel
from server.settings import Thresholds
from server.webhooks import delivery
from server.webhooks.criteria import Criteria
from server.webhooks.endpoints import create_endpoint
from server.webhooks.worker import WebhookWorker, risk_step
from server.writes.money_entries import add_spend, archive_spend
from tests import factories
from tests.test_events import gid
from tests.test_webhook_delivery import RULES
from tests.webhook_receiver import receiving

THRESHOLDS = Thresholds()


async def overrun_events() -> list[models.Event]:
    return [
        event
        for event in await models.Event.filter(type__startswith="risk.").order_by("id")
        if (event.changes.get("kind") or {}).get("before") == "BUDGET_OVERRUN"
        or (event.changes.get("kind") or {}).get("after") == "BUDGET_OVERRUN"
    ]


async def setting_up(db):
    team = await factories.team(name="Growth")
    admin = await factories.user(name="Ada Admin", role=Role.ADMIN)
    campaign = await factories.campaign(
        team,
        start_date=date(2027, 1, 1),
        end_date=date(2027, 12, 31),
        budget=Decimal("1000.00"),
    )
    return Actor(admin.pk, Role.ADMIN), campaign


async def test_an_overrun_is_raised_once_and_cleared(db):
    # given: the risks recorded once, without events
    actor, campaign = await setting_up(db)
    model = ReadModel()
    assert await record_risk_changes(await model.current(), THRESHOLDS) == 0
    # when: spend passes the budget
    spend = await add_spend(
        actor, campaign.pk, date=date(2027, 1, 5), amount=Decimal("1500.00"), currency="USD"
    )
    raised_count = await record_risk_changes(await model.current(), THRESHOLDS)
    again = await record_risk_changes(await model.current(), THRESHOLDS)
    # then
    raised = await overrun_events()
    assert raised_count >= 1 and again == 0
    assert [(e.type, e.node_type, e.node_id) for e in raised] == [
        ("risk.raised", "Campaign", campaign.pk)
    ]
    assert raised[0].changes["severity"]["before"] is None
    assert raised[0].changes["severity"]["after"] in ("HIGH", "CRITICAL")
    assert raised[0].actor_id is None
    # when: the spend is archived, the overrun goes
    await archive_spend(actor, spend.pk, 1)
    await record_risk_changes(await model.current(), THRESHOLDS)
    # then
    found = await overrun_events()
    assert [(e.type, e.node_id) for e in found] == [
        ("risk.raised", campaign.pk),
        ("risk.cleared", campaign.pk),
    ]
    assert found[1].changes["kind"] == {"before": "BUDGET_OVERRUN", "after": None}


async def test_a_raised_risk_reaches_an_endpoint_that_wants_it(db):
    # given
    actor, campaign = await setting_up(db)
    model = ReadModel()
    with receiving() as receiver:
        await create_endpoint(actor, receiver.url, Criteria(events=("risk.raised",)), RULES)
        worker = WebhookWorker(RULES, risk_step(model.current, THRESHOLDS))
        async with delivery.client(RULES) as http:
            await worker.run_round(http)  # the baseline
            # when
            await add_spend(
                actor, campaign.pk, date=date(2027, 1, 5), amount=Decimal("1500.00"), currency="USD"
            )
            deadline = time.monotonic() + 20
            while not any(
                r.message["data"]["changes"]["kind"]["after"] == "BUDGET_OVERRUN"
                for r in receiver.delivered()
            ):
                assert time.monotonic() < deadline
                await worker.run_round(http)
                await asyncio.sleep(0.05)
        # then
        overrun = next(
            r.message
            for r in receiver.delivered()
            if r.message["data"]["changes"]["kind"]["after"] == "BUDGET_OVERRUN"
        )
        assert overrun["type"] == "risk.raised"
        assert overrun["data"]["node"] == {"id": gid("Campaign", campaign.pk), "type": "Campaign"}
        assert overrun["data"]["actor"] is None
