"""Progress, attainment, expected progress, health and breakdowns through the API.

Every period below is ten days long and the clock stands on its fifth day, so the
expected progress is exactly 5/10 = 0.5 unless a test says otherwise.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from schema.core.node import global_id_of
from server import clock, models
from server.enums import CampaignStatus, TaskStatus
from tests import factories as make
from tests.graphql import GraphQLClient

TODAY = date(2026, 1, 5)
START, END = date(2026, 1, 1), date(2026, 1, 10)

KEY_RESULT = """
query ($id: ID!) { node(id: $id) { ... on KeyResult {
  progress attainment expectedProgress health } } }
"""

GOAL = """
query ($id: ID!) { node(id: $id) { ... on Goal {
  progress attainment expectedProgress health
  progressBreakdown { progress totalWeight items {
    node { __typename ... on KeyResult { title } ... on Goal { title } }
    weight progress share contribution counted } }
} } }
"""

CAMPAIGN = """
query ($id: ID!) { node(id: $id) { ... on Campaign {
  progress expectedProgress health
  progressBreakdown { progress totalWeight items {
    node { ... on Task { title } } weight progress share contribution counted } }
} } }
"""


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> date:
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    return TODAY


async def node(gql: GraphQLClient, query: str, row) -> dict:
    return (await gql.data(query, {"id": global_id_of(row)}))["node"]


async def ten_day_goal(**fields) -> models.Goal:
    team = await make.team()
    return await make.goal(team, period_start=START, period_end=END, **fields)


async def key_result(goal, start, target, current, **fields) -> models.KeyResult:
    return await make.key_result(
        goal,
        start_value=Decimal(start),
        target_value=Decimal(target),
        current_value=Decimal(current),
        due_date=END,
        **fields,
    )


async def test_key_result_progress_against_the_elapsed_period(gql):
    # given: 50 of 0 -> 200 on day 5 of 10
    kr = await key_result(await ten_day_goal(), 0, 200, 50)

    # when
    data = await node(gql, KEY_RESULT, kr)

    # then: 50/200 = 0.25 against 0.5 expected, 0.25 behind: AT_RISK (off track only
    # beyond 0.25)
    assert data == {
        "progress": "0.2500",
        "attainment": "0.2500",
        "expectedProgress": "0.5000",
        "health": "AT_RISK",
    }


@pytest.mark.parametrize(
    ("current", "progress", "attainment", "health"),
    [
        ("4", "0.5000", "0.5000", "ON_TRACK"),  # (4-5)/(3-5)
        ("2.5", "1.0000", "1.2500", "DONE"),  # beat the target
        ("6", "0.0000", "-0.5000", "OFF_TRACK"),  # moved the wrong way
    ],
)
async def test_decreasing_key_result(gql, current, progress, attainment, health):
    # given: churn to fall from 5% to 3%
    kr = await key_result(await ten_day_goal(), 5, 3, current)

    # when
    data = await node(gql, KEY_RESULT, kr)

    # then
    assert (data["progress"], data["attainment"], data["health"]) == (
        progress,
        attainment,
        health,
    )


async def test_over_attained_key_result_is_done_with_attainment_above_one(gql):
    # given
    kr = await key_result(await ten_day_goal(), 0, 100, 130)

    # when
    data = await node(gql, KEY_RESULT, kr)

    # then
    assert data == {
        "progress": "1.0000",
        "attainment": "1.3000",
        "expectedProgress": "0.5000",
        "health": "DONE",
    }


async def test_goal_with_nothing_under_it_is_not_started(gql):
    # given
    goal = await ten_day_goal()

    # when
    data = await node(gql, GOAL, goal)

    # then
    assert data == {
        "progress": "0.0000",
        "attainment": "0.0000",
        "expectedProgress": "0.5000",
        "health": "NOT_STARTED",
        "progressBreakdown": {"progress": "0.0000", "totalWeight": "0", "items": []},
    }


async def test_goal_is_the_weighted_mean_of_key_results_and_child_goals(gql):
    # given: A (weight 2) at 0.25, B (weight 1) over-attained at 1.3, a child goal
    # (weight 1) whose only key result is at 0.5, and an empty child goal (weight 1)
    goal = await ten_day_goal(title="Parent")
    await key_result(goal, 0, 200, 50, title="A", weight=Decimal(2))
    await key_result(goal, 0, 100, 130, title="B")
    child = await make.goal(
        await make.team(), parent=goal, title="Child", period_start=START, period_end=END
    )
    await key_result(child, 0, 10, 5, title="D")
    await make.goal(
        await make.team(), parent=goal, title="Empty", period_start=START, period_end=END
    )

    # when
    data = await node(gql, GOAL, goal)

    # then: (2 x 0.25 + 1 x 1 + 1 x 0.5) / 4 = 0.5; attainment (0.5 + 1.3 + 0.5) / 4
    assert data["progress"] == "0.5000"
    assert data["attainment"] == "0.5750"
    assert data["health"] == "ON_TRACK"
    breakdown = data["progressBreakdown"]
    assert breakdown["progress"] == "0.5000"
    assert breakdown["totalWeight"] == "4"
    rows = [
        (
            i["node"]["title"],
            i["weight"],
            i["progress"],
            i["share"],
            i["contribution"],
            i["counted"],
        )
        for i in breakdown["items"]
    ]
    assert rows == [
        ("A", "2", "0.2500", "0.5000", "0.1250", True),
        ("B", "1", "1.0000", "0.2500", "0.2500", True),
        ("Child", "1", "0.5000", "0.2500", "0.1250", True),
        ("Empty", "1", "0.0000", "0.0000", "0.0000", False),
    ]


async def test_breakdown_contributions_add_up_to_the_progress_shown(gql):
    # given: three key results of equal weight, each half way: a third of 0.5 each
    goal = await ten_day_goal()
    for title in ("A", "B", "C"):
        await key_result(goal, 0, 100, 50, title=title)

    # when
    breakdown = (await node(gql, GOAL, goal))["progressBreakdown"]

    # then: 0.16666.. rounded alone is 0.1667, three of them 0.5001; by largest
    # remainder the first two get the missing ten-thousandths (and shares add up to 1)
    assert breakdown["progress"] == "0.5000"
    items = breakdown["items"]
    assert [i["contribution"] for i in items] == ["0.1667", "0.1667", "0.1666"]
    assert [i["share"] for i in items] == ["0.3334", "0.3333", "0.3333"]


async def test_campaign_breakdown_contributions_add_up_to_the_progress_shown(gql):
    # given: three one-hour tasks, two done: 2/3 shown as 0.6667
    team = await make.team()
    campaign = await make.campaign(team, start_date=START, end_date=END)
    for title, status in (("t1", TaskStatus.DONE), ("t2", TaskStatus.DONE), ("t3", None)):
        await make.task(
            campaign=campaign, title=title, estimate_hours=1, status=status or TaskStatus.TODO
        )

    # when
    breakdown = (await node(gql, CAMPAIGN, campaign))["progressBreakdown"]

    # then: 0.3333 + 0.3333 would show 0.6666; the larger remainder (the first) rounds up
    assert breakdown["progress"] == "0.6667"
    assert [i["contribution"] for i in breakdown["items"]] == ["0.3334", "0.3333", "0.0000"]


async def test_archived_children_do_not_count(gql):
    # given
    goal = await ten_day_goal()
    await key_result(goal, 0, 10, 10)
    await make.archive(await key_result(goal, 0, 10, 0))

    # when
    data = await node(gql, GOAL, goal)

    # then
    assert (data["progress"], data["health"]) == ("1.0000", "DONE")


async def test_campaign_progress_is_weighted_by_estimated_hours(gql):
    # given: 6h done, 2h to do, a done task without estimate (4h by default) and a
    # cancelled 10h task that does not count
    campaign = await make.campaign(await make.team(), start_date=START, end_date=END)
    await make.task(campaign=campaign, title="t1", status=TaskStatus.DONE, estimate_hours=6)
    await make.task(campaign=campaign, title="t2", status=TaskStatus.TODO, estimate_hours=2)
    await make.task(campaign=campaign, title="t3", status=TaskStatus.DONE)
    await make.task(campaign=campaign, title="t4", status=TaskStatus.CANCELLED, estimate_hours=10)

    # when
    data = await node(gql, CAMPAIGN, campaign)

    # then: (6 + 4) / 12
    assert data["progress"] == "0.8333"
    assert data["expectedProgress"] == "0.5000"
    assert data["health"] == "ON_TRACK"
    items = [
        (i["node"]["title"], i["weight"], i["share"]) for i in data["progressBreakdown"]["items"]
    ]
    assert items == [("t1", "6", "0.5000"), ("t2", "2", "0.1667"), ("t3", "4", "0.3333")]


async def test_campaign_not_started_yet_and_closed_campaigns(gql):
    # given
    team = await make.team()
    later = await make.campaign(team, start_date=date(2026, 2, 1), end_date=date(2026, 2, 28))
    await make.task(campaign=later, estimate_hours=3)
    completed = await make.campaign(
        team, start_date=START, end_date=END, status=CampaignStatus.COMPLETED
    )
    await make.task(campaign=completed, estimate_hours=3)
    without_tasks = await make.campaign(team, start_date=START, end_date=END)

    # when
    results = [await node(gql, CAMPAIGN, row) for row in (later, completed, without_tasks)]

    # then
    assert [(r["expectedProgress"], r["health"]) for r in results] == [
        ("0.0000", "NOT_STARTED"),
        ("0.5000", "DONE"),
        ("0.5000", "NOT_STARTED"),
    ]


async def test_progress_follows_every_change(gql):
    # given
    kr = await key_result(await ten_day_goal(), 0, 100, 10)
    assert (await node(gql, KEY_RESULT, kr))["health"] == "OFF_TRACK"

    # when
    kr.current_value = Decimal(45)
    await kr.save()

    # then
    data = await node(gql, KEY_RESULT, kr)
    assert (data["progress"], data["health"]) == ("0.4500", "ON_TRACK")


CHECK_IN = """
mutation ($input: KeyResultCheckInInput!) { keyResultCheckIn(input: $input) {
  userErrors { field code }
  keyResult { progress health goal { progress health } risks { nodes { kind } } }
} }
"""


async def test_a_check_in_shows_in_the_same_response(gql):
    # given: read first, so the request-scoped rows would be stale if they were kept
    goal = await ten_day_goal()
    kr = await key_result(goal, 0, 100, 10)
    assert (await node(gql, KEY_RESULT, kr))["health"] == "OFF_TRACK"

    # when
    payload = await gql.mutate(
        CHECK_IN, {"id": global_id_of(kr), "version": kr.version, "value": "60"}, "keyResultCheckIn"
    )

    # then: the payload is computed from the rows as they are after the write
    assert payload["userErrors"] == []
    assert payload["keyResult"] == {
        "progress": "0.6000",
        "health": "ON_TRACK",
        "goal": {"progress": "0.6000", "health": "ON_TRACK"},
        "risks": {"nodes": []},
    }
