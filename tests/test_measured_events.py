"""A measured key result's value moving is a `keyResult.updated` event: the values of each
data version and day compared with those last reported, written once (a second look
writes nothing), delivered to webhooks and live subscribers like any other event.

Figures by hand. The suite's clock stands on 2027-03-10. "Leads" (LEADS, 0 -> 1000) is
fed by campaign A at a share of 0.6 (A's other 0.4 goes to a typed key result); A
recorded 100 leads on 2027-02-01, so the value is 0.6 x 100 = 60, progress 60 / 1000.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, date, datetime
from decimal import Decimal

from server import clock, models
from server.enums import KeyResultSource, MeasureUnit, ResultMetric, Role
from server.events.measured import record_measured_changes
from server.live.hub import Hub
from server.permissions import Actor
from server.read_model import ReadModel
from server.settings import Thresholds
from server.webhooks import delivery
from server.webhooks.criteria import Criteria
from server.webhooks.endpoints import create_endpoint
from server.webhooks.worker import WebhookWorker, measured_step
from server.writes.alignments import set_alignments
from server.writes.campaigns import update_campaign
from server.writes.key_results import archive_key_result, check_in, update_key_result
from server.writes.money_entries import add_result
from tests import factories
from tests.test_events import gid
from tests.test_webhook_delivery import RULES
from tests.webhook_receiver import receiving

THRESHOLDS = Thresholds()
LEADS = ResultMetric.LEADS

KEY_RESULT = """
query ($id: ID!) { node(id: $id) { ... on KeyResult { currentValue progress } } }
"""


class Org:
    def __init__(self, actor, team, measured, typed, campaign) -> None:
        self.actor, self.team = actor, team
        self.measured, self.typed, self.campaign = measured, typed, campaign


async def org() -> Org:
    team = await factories.team(name="Growth")
    admin = await factories.user(name="Ada Admin", role=Role.ADMIN)
    goal = await factories.goal(
        team, title="Pipeline", period_start=date(2027, 1, 1), period_end=date(2027, 12, 31)
    )
    measured = await factories.key_result(
        goal,
        title="Leads",
        target_value=Decimal(1000),
        due_date=date(2027, 12, 31),
        source=KeyResultSource.METRIC,
        source_metric=LEADS,
    )
    typed = await factories.key_result(goal, title="Typed", due_date=date(2027, 12, 31))
    campaign = await factories.campaign(
        team, name="A", start_date=date(2027, 1, 1), end_date=date(2027, 6, 30)
    )
    await factories.align(campaign, measured, "0.6")
    await factories.align(campaign, typed, "0.4")
    await factories.result(campaign, LEADS, 100, date=date(2027, 2, 1))
    return Org(Actor(admin.pk, Role.ADMIN), team, measured, typed, campaign)


async def value_events() -> list[tuple[str, int, int | None, dict]]:
    rows = await models.Event.filter(type="keyResult.updated").order_by("id")
    return [(row.node_type, row.node_id, row.actor_id, row.changes) for row in rows]


async def computed_changes() -> list[dict]:
    """The changes of the events the step wrote (no actor), in order."""
    return [changes for _, _, actor, changes in await value_events() if actor is None]


async def record(model: ReadModel) -> int:
    return await record_measured_changes(await model.current(), THRESHOLDS)


async def test_a_result_recorded_moves_the_value_once(gql) -> None:
    # given: the values recorded once, without events
    o = await org()
    model = ReadModel()
    assert await record(model) == 0
    assert await value_events() == []
    # when: 37 more leads on A, dated today
    await add_result(
        o.actor, o.campaign.pk, date=date(2027, 3, 10), metric=LEADS, value=Decimal(37)
    )
    written = await record(model)
    # then: 60 + 0.6 x 37 = 82.2; progress 82.2 / 1000 = 0.0822
    assert written == 1
    assert await value_events() == [
        (
            "KeyResult",
            o.measured.pk,
            None,
            {
                "currentValue": {"before": "60", "after": "82.2"},
                "progress": {"before": "0.0600", "after": "0.0822"},
            },
        )
    ]
    # the API shows the same figures
    shown = (await gql.data(KEY_RESULT, {"id": gid("KeyResult", o.measured.pk)}))["node"]
    assert shown == {"currentValue": "82.2", "progress": "0.0822"}
    # when: a second look at the same version, then a write that moves no value
    again = await record(model)
    campaign = await models.Campaign.get(id=o.campaign.pk)
    await update_campaign(o.actor, campaign.pk, campaign.version, {"name": "A renamed"})
    after_rename = await record(model)
    # then: nothing more
    assert (again, after_rename) == (0, 0)
    assert len(await value_events()) == 1
    step = await models.EventStep.get(name="measured")
    assert step.data_version == (await model.current()).version


async def test_a_share_changed_and_a_day_passing_move_it_too(db, monkeypatch) -> None:
    # given: 20 leads dated 2027-04-01, not counted yet; recorded at 60
    o = await org()
    await factories.result(o.campaign, LEADS, 20, date=date(2027, 4, 1))
    model = ReadModel()
    await record(model)
    # when: A gives the measured key result 0.5 instead of 0.6
    await set_alignments(
        o.actor, o.campaign.pk, 1, [(o.measured.pk, Decimal("0.5")), (o.typed.pk, Decimal("0.5"))]
    )
    assert await record(model) == 1
    # when: 2027-04-01 comes, with no write meanwhile
    monkeypatch.setattr(clock, "today", lambda: date(2027, 4, 1))
    assert await record(model) == 1
    assert await record(model) == 0
    # then: 0.5 x 100 = 50; then 0.5 x (100 + 20) = 60
    assert await computed_changes() == [
        {
            "currentValue": {"before": "60", "after": "50"},
            "progress": {"before": "0.0600", "after": "0.0500"},
        },
        {
            "currentValue": {"before": "50", "after": "60"},
            "progress": {"before": "0.0500", "after": "0.0600"},
        },
    ]


async def test_an_exchange_rate_recorded_moves_a_value_in_another_currency(db) -> None:
    # given: revenue counted in EUR; A records 1000 USD of it on 2027-02-01, and
    # 1 EUR = 1.25 USD from 2027-01-01
    o = await org()
    await update_key_result(
        o.actor,
        o.measured.pk,
        1,
        {
            "unit": MeasureUnit.CURRENCY,
            "currency": "EUR",
            "source": (KeyResultSource.METRIC, ResultMetric.REVENUE, None),
        },
    )
    await factories.result(o.campaign, ResultMetric.REVENUE, "1000", date=date(2027, 2, 1))
    await factories.exchange_rate("EUR", "1.25", date(2027, 1, 1))
    model = ReadModel()
    await record(model)
    # when: 1 EUR = 1.6 USD from 2027-01-15, before the entry's date
    await factories.exchange_rate("EUR", "1.6", date(2027, 1, 15))
    assert await record(model) == 1
    # then: 0.6 x 1000 / 1.25 = 480, then 0.6 x 1000 / 1.6 = 375 (of 1000)
    assert await computed_changes() == [
        {
            "currentValue": {"before": "480", "after": "375"},
            "progress": {"before": "0.4800", "after": "0.3750"},
        }
    ]


async def test_a_ratio_without_value_is_reported_as_null(db) -> None:
    # given: cost per lead over A (spend 0.6 x 300 / leads 0.6 x 100 = 3), recorded
    o = await org()
    await update_key_result(
        o.actor, o.measured.pk, 1, {"source": (KeyResultSource.COST_PER, LEADS, None)}
    )
    await factories.spend(o.campaign, "300.00", date=date(2027, 2, 1))
    model = ReadModel()
    await record(model)
    # when: A no longer serves it: nothing counted, no value
    await set_alignments(o.actor, o.campaign.pk, 1, [(o.typed.pk, Decimal(1))])
    await record(model)
    # then: the value goes from 3 to none; progress from 3 / 1000 to 0
    assert await computed_changes() == [
        {
            "currentValue": {"before": "3", "after": None},
            "progress": {"before": "0.0030", "after": "0.0000"},
        }
    ]


async def test_a_check_in_on_a_typed_key_result_gives_no_extra_event(db) -> None:
    # given
    o = await org()
    model = ReadModel()
    await record(model)
    # when
    await check_in(
        o.actor,
        o.typed.pk,
        1,
        value=Decimal("12.5"),
        note="",
        checked_in_at=datetime(2027, 3, 9, 9, tzinfo=UTC),
    )
    written = await record(model)
    # then: its check-in event, and nothing from the step
    assert written == 0
    found = [(e.type, e.node_id) for e in await models.Event.all().order_by("id")]
    assert found == [("checkIn.recorded", o.typed.pk)]
    assert await value_events() == []


async def test_a_key_result_gone_typed_or_archived_drops_out_silently(db) -> None:
    # given: two measured key results fed by A, recorded
    o = await org()
    other = await factories.key_result(
        await models.Goal.get(id=o.measured.goal_id),
        title="Leads too",
        due_date=date(2027, 12, 31),
        source=KeyResultSource.METRIC,
        source_metric=LEADS,
    )
    await factories.align(await factories.campaign(o.team, name="B"), other, "1")
    model = ReadModel()
    await record(model)
    assert set(await models.MeasuredState.all().values_list("key_result_id", flat=True)) == {
        o.measured.pk,
        other.pk,
    }
    # when: one goes back to check-ins (its stored value, 0, shows again), the other's
    # campaign is aligned elsewhere and it is archived, in one version
    await update_key_result(
        o.actor, o.measured.pk, 1, {"source": (KeyResultSource.MANUAL, None, None)}
    )
    b = await models.Campaign.get(name="B")
    await set_alignments(o.actor, b.pk, b.version, [(o.typed.pk, Decimal(1))])
    await archive_key_result(o.actor, other.pk, 1)
    written = await record(model)
    # then: no event from the step, and neither is tracked any more
    assert written == 0
    found = await value_events()
    assert [(node_id, actor) for _, node_id, actor, _ in found] == [
        (o.measured.pk, o.actor.user_id)  # the source change itself
    ]
    assert "source" in found[0][3] and "currentValue" not in found[0][3]
    assert await models.MeasuredState.all().count() == 0


async def test_the_move_reaches_the_endpoints_whose_filter_admits_it(db) -> None:
    # given: one endpoint for the key result's team, one for another team's
    o = await org()
    elsewhere = await factories.team(name="Elsewhere")
    model = ReadModel()
    with receiving() as ours, receiving() as theirs:
        wants = ("keyResult.updated",)
        await create_endpoint(o.actor, ours.url, Criteria(events=wants, teams=(o.team.pk,)), RULES)
        await create_endpoint(
            o.actor, theirs.url, Criteria(events=wants, teams=(elsewhere.pk,)), RULES
        )
        worker = WebhookWorker(RULES, measured_step(model.current, THRESHOLDS))
        async with delivery.client(RULES) as http:
            await worker.run_round(http)  # the baseline
            # when
            await add_result(
                o.actor, o.campaign.pk, date=date(2027, 3, 1), metric=LEADS, value=Decimal(37)
            )
            deadline = time.monotonic() + 20
            while not ours.delivered():
                assert time.monotonic() < deadline, "timed out waiting for the delivery"
                await worker.run_round(http)
                await asyncio.sleep(0.05)
        # then
        assert [r.message["type"] for r in ours.delivered()] == ["keyResult.updated"]
        data = ours.delivered()[0].message["data"]
        assert data["node"] == {"id": gid("KeyResult", o.measured.pk), "type": "KeyResult"}
        assert data["actor"] is None
        assert data["changes"]["currentValue"] == {"before": "60", "after": "82.2"}
        assert theirs.received == []


async def test_without_listeners_the_step_does_not_run(db) -> None:
    # given: no endpoint and no one listening
    o = await org()
    model = ReadModel()
    worker = WebhookWorker(RULES, measured_step(model.current, THRESHOLDS))
    async with delivery.client(RULES) as http:
        await worker.run_round(http)
        await add_result(
            o.actor, o.campaign.pk, date=date(2027, 3, 1), metric=LEADS, value=Decimal(37)
        )
        await worker.run_round(http)
    # then
    assert not await models.EventStep.filter(name="measured").exists()
    assert await value_events() == []


async def test_a_live_subscriber_is_woken_by_the_step(db) -> None:
    # given: a hub that reads only when woken (its tail would take a minute); someone
    # listens, so the step runs without any endpoint
    o = await org()
    model = ReadModel()
    hub = Hub(model, poll_seconds=60)
    hub.start()
    try:
        subscriber = hub.subscribe(lambda e: e.type == "keyResult.updated", lambda: None)
        while hub.cursor is None:  # it has read where the log stands
            await asyncio.sleep(0.01)
        listening = measured_step(model.current, THRESHOLDS, lambda: bool(hub.subscribers))
        worker = WebhookWorker(RULES, listening, committed=hub.committed)
        async with delivery.client(RULES) as http:
            await worker.run_round(http)  # the baseline
            # when
            await add_result(
                o.actor, o.campaign.pk, date=date(2027, 3, 1), metric=LEADS, value=Decimal(37)
            )
            await worker.run_round(http)
        # then: delivered at once, well before the tail's minute
        delivered = await asyncio.wait_for(subscriber.queue.get(), 10)
    finally:
        await hub.stop()
    assert (delivered.event.node_type, delivered.event.node_id) == ("KeyResult", o.measured.pk)
    assert delivered.event.changes["currentValue"] == {"before": "60", "after": "82.2"}
