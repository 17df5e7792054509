"""Risks through the API: each kind firing just past its threshold and not at it.

The clock stands on Wednesday 2026-01-14; default thresholds (README, "Progress,
health and risk"). Each test lists only the risks of its kind.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from schema.core.node import global_id_of
from server import clock
from server.enums import CampaignStatus, Channel, MilestoneKind, TaskStatus
from tests import factories as make

TODAY = date(2026, 1, 14)

RISKS = """
query ($filter: RiskFilter, $first: Int) { risks(filter: $filter, first: $first) {
  totalCount nodes { kind severity message figures { name value }
    node { id __typename } related { id } } } }
"""
NODE_RISKS = """
query ($id: ID!) { node(id: $id) {
  ... on Campaign { risks { nodes { kind severity } } }
  ... on Task { risks { nodes { kind severity node { id } } } }
  ... on Goal { risks { totalCount nodes { kind node { id } } } }
  ... on User { risks { nodes { kind severity } } }
} }
"""


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: TODAY)


def gid(row) -> str:
    return global_id_of(row)


async def risks_of(gql, kinds=None, **filter) -> list[dict]:
    if kinds:
        filter["kinds"] = kinds
    data = await gql.data(RISKS, {"filter": filter, "first": 100})
    return data["risks"]["nodes"]


def by_node(risks: list[dict]) -> dict[str, str]:
    return {risk["node"]["id"]: risk["severity"] for risk in risks}


def figures(risk: dict) -> dict[str, str]:
    return {f["name"]: f["value"] for f in risk["figures"]}


async def ended_campaign(team, budget="1000.00", **fields):
    return await make.campaign(
        team,
        start_date=date(2025, 12, 1),
        end_date=date(2025, 12, 31),
        status=CampaignStatus.COMPLETED,
        budget=budget,
        **fields,
    )


async def running_campaign(team, budget="1000.00", **fields):
    """Twenty days from Jan 5: on Jan 14, ten days are over (burn factor 2)."""
    fields.setdefault("status", CampaignStatus.ACTIVE)
    return await make.campaign(
        team, start_date=date(2026, 1, 5), end_date=date(2026, 1, 24), budget=budget, **fields
    )


async def test_budget_overrun(gql):
    # given: spend against a 1000.00 budget
    team = await make.team()
    spent = {}
    for amount in ("1000.00", "1000.01", "1100.00", "1100.01"):
        campaign = await ended_campaign(team)
        await make.spend(campaign, amount, date=date(2025, 12, 20))
        spent[amount] = campaign

    # when
    risks = await risks_of(gql, ["BUDGET_OVERRUN"])

    # then: not at the budget; HIGH up to 10% over, CRITICAL beyond
    assert by_node(risks) == {
        gid(spent["1100.01"]): "CRITICAL",
        gid(spent["1000.01"]): "HIGH",
        gid(spent["1100.00"]): "HIGH",
    }
    worst = risks[0]
    assert figures(worst) == {
        "budget": "1000.00",
        "spendToDate": "1100.01",
        "overrun": "100.01",
        "currency": "USD",
    }
    assert "1,100.01 USD of its 1,000.00 USD budget" in worst["message"]


async def test_budget_burn(gql):
    # given: half the days over, so spend to date x 2 is the projection
    team = await make.team()
    spent = {}
    for amount in ("500.00", "500.01", "550.00", "550.01"):
        campaign = await running_campaign(team)
        await make.spend(campaign, amount, date=date(2026, 1, 10))
        spent[amount] = campaign
    paused_before_start = await make.campaign(
        team, start_date=date(2026, 2, 1), end_date=date(2026, 2, 20), budget="10.00"
    )
    await make.spend(paused_before_start, "9.00", date=date(2026, 1, 10))

    # when
    risks = await risks_of(gql, ["BUDGET_BURN"])

    # then: projected exactly at budget is fine; up to 10% over MEDIUM, beyond HIGH
    assert by_node(risks) == {
        gid(spent["550.01"]): "HIGH",
        gid(spent["500.01"]): "MEDIUM",
        gid(spent["550.00"]): "MEDIUM",
    }
    assert figures(risks[0])["projectedSpend"] == "1100.02"


async def test_schedule_slip(gql):
    # given: campaigns half-way through, with done hours out of 100
    team = await make.team()
    done = {}
    for hours in (40, 39, 25, 24):
        campaign = await running_campaign(team)
        await make.task(campaign=campaign, status=TaskStatus.DONE, estimate_hours=hours)
        await make.task(campaign=campaign, estimate_hours=100 - hours)
        done[hours] = campaign
    late = await make.campaign(team, start_date=date(2026, 1, 1), end_date=date(2026, 1, 10))
    await make.task(campaign=late, status=TaskStatus.DONE, estimate_hours=9)
    await make.task(campaign=late, estimate_hours=1)
    finished = await ended_campaign(team)
    await make.task(campaign=finished, estimate_hours=1)
    await running_campaign(team)  # no tasks: nothing can slip

    # when
    risks = await risks_of(gql, ["SCHEDULE_SLIP"])

    # then: 0.10 behind is on track, beyond 0.10 MEDIUM, beyond 0.25 HIGH, past the end
    # with open work CRITICAL
    assert by_node(risks) == {
        gid(late): "CRITICAL",
        gid(done[24]): "HIGH",
        gid(done[39]): "MEDIUM",
        gid(done[25]): "MEDIUM",
    }
    assert figures(risks[1]) == {
        "progress": "0.2400",
        "expectedProgress": "0.5000",
        "endDate": "2026-01-24",
    }


async def test_overdue_tasks(gql):
    # given
    team = await make.team()
    goal = await make.goal(team)
    kr = await make.key_result(goal)
    two, three = await running_campaign(team), await running_campaign(team)
    yesterday, today = date(2026, 1, 13), TODAY
    late_two = [await make.task(campaign=two, due_date=yesterday) for _ in range(2)]
    await make.task(campaign=two, due_date=today)  # due today: not late yet
    await make.task(campaign=two, due_date=yesterday, status=TaskStatus.DONE)
    for _ in range(3):
        await make.task(campaign=three, due_date=date(2026, 1, 2))
    await make.task(key_result=kr, due_date=yesterday)
    loose = await make.task(due_date=yesterday, status=TaskStatus.BLOCKED)

    # when
    risks = await risks_of(gql, ["OVERDUE_TASKS"])

    # then: gathered on the campaign, else the key result, else the task
    assert by_node(risks) == {
        gid(three): "HIGH",
        gid(two): "MEDIUM",
        gid(kr): "MEDIUM",
        gid(loose): "MEDIUM",
    }
    on_two = next(r for r in risks if r["node"]["id"] == gid(two))
    assert sorted(n["id"] for n in on_two["related"]) == sorted(gid(t) for t in late_two)
    assert figures(risks[0]) == {
        "overdueTasks": "3",
        "oldestDueDate": "2026-01-02",
        "daysOverdue": "12",
    }
    assert on_two["message"].startswith("2 tasks are overdue on ")


async def key_result_at(goal, progress: str, **fields):
    return await make.key_result(
        goal,
        start_value=Decimal(0),
        target_value=Decimal(100),
        current_value=Decimal(progress) * 100,
        **fields,
    )


async def test_key_result_off_track(gql):
    # given: a goal from Jan 5, key results due Jan 24: half their period is over
    goal = await make.goal(
        await make.team(), period_start=date(2026, 1, 5), period_end=date(2026, 1, 24)
    )
    krs = {p: await key_result_at(goal, p, due_date=date(2026, 1, 24)) for p in ("0.4", "0.39")}
    krs |= {p: await key_result_at(goal, p, due_date=date(2026, 1, 24)) for p in ("0.25", "0.24")}
    overdue = await key_result_at(goal, "0.5", due_date=date(2026, 1, 10))

    # when
    risks = await risks_of(gql, ["KEY_RESULT_OFF_TRACK"])

    # then
    assert by_node(risks) == {
        gid(overdue): "CRITICAL",
        gid(krs["0.24"]): "HIGH",
        gid(krs["0.39"]): "MEDIUM",
        gid(krs["0.25"]): "MEDIUM",
    }
    assert figures(risks[1])["health"] == "OFF_TRACK"


async def test_stale_check_in(gql):
    # given: the goal's period started on Dec 1; stale after 14 days without a check-in
    team = await make.team()
    goal = await make.goal(team, period_start=date(2025, 12, 1), period_end=date(2026, 12, 31))
    checked = {}
    for day in (31, 30, 15):
        kr = await key_result_at(goal, "0.1")
        await make.check_in(kr, 10, checked_in_at=datetime(2025, 12, day, 23, 59, tzinfo=UTC))
        checked[day] = kr
    never = await key_result_at(goal, "0")
    done = await key_result_at(goal, "1")
    recent = await make.goal(team, period_start=date(2025, 12, 31), period_end=date(2026, 12, 31))
    await key_result_at(recent, "0")  # its period started 14 days ago
    future = await make.goal(team, period_start=date(2026, 2, 1), period_end=date(2026, 12, 31))
    await key_result_at(future, "0")

    # when
    risks = await risks_of(gql, ["STALE_CHECK_IN"])

    # then: 14 days is fine; LOW after that, MEDIUM after 28
    assert by_node(risks) == {
        gid(checked[15]): "MEDIUM",
        gid(never): "MEDIUM",
        gid(checked[30]): "LOW",
    }
    assert gid(done) not in by_node(risks)
    stale_never = next(r for r in risks if r["node"]["id"] == gid(never))
    assert figures(stale_never) == {
        "lastCheckIn": "never",
        "daysSinceCheckIn": "44",
        "staleAfterDays": "14",
    }


async def test_over_capacity_of_people_and_teams(gql):
    # given: people with 10 hours a week and a task spread over this week's weekdays
    team = await make.team()
    people = {}
    for hours in ("10", "10.01", "12.5", "12.51"):
        person = await make.user(teams=[team], weekly_capacity_hours=Decimal(10))
        await make.task(
            assignee=person,
            start_date=date(2026, 1, 12),
            due_date=date(2026, 1, 18),
            estimate_hours=Decimal(hours),
        )
        people[hours] = person
    # a person on two teams lends each 20 of their 40 hours
    easy, busy = await make.team(), await make.team()
    await make.user(teams=[easy, busy])
    await make.task(team=easy, start_date=TODAY, due_date=TODAY, estimate_hours=20)
    await make.task(team=busy, start_date=TODAY, due_date=TODAY, estimate_hours="20.5")
    # a task beyond the four weeks looked at
    await make.task(assignee=people["10"], due_date=date(2026, 2, 9), estimate_hours=100)

    # when
    risks = await risks_of(gql, ["OVER_CAPACITY"])

    # then
    assert by_node(risks) == {
        gid(people["12.51"]): "HIGH",
        gid(people["10.01"]): "MEDIUM",
        gid(people["12.5"]): "MEDIUM",
        gid(busy): "MEDIUM",
    }
    assert figures(risks[0]) == {
        "weekStart": "2026-01-12",
        "capacityHours": "10.00",
        "bookedHours": "12.51",
        "overbookedWeeks": "1",
    }


async def test_unaligned_work(gql):
    # given
    team = await make.team()
    kr = await make.key_result(await make.goal(team))
    aligned = await running_campaign(team)
    await make.align(aligned, kr)
    unaligned = await running_campaign(team)
    await ended_campaign(team)  # completed: nothing left to steer
    archived_kr = await make.key_result(await make.goal(team))
    on_archived = await running_campaign(team)
    await make.align(on_archived, archived_kr)
    await make.archive(archived_kr)
    loose = await make.task()
    await make.task(status=TaskStatus.DONE)
    await make.task(key_result=kr)
    await make.task(campaign=unaligned)  # its campaign carries the risk

    # when
    risks = await risks_of(gql, ["UNALIGNED_WORK"])

    # then
    assert by_node(risks) == {
        gid(unaligned): "MEDIUM",
        gid(on_archived): "MEDIUM",
        gid(loose): "LOW",
    }


async def test_calendar_conflicts(gql):
    # given: campaigns for the same audience on e-mail
    team = await make.team()
    audience = {"audience": "Mid-market data leaders, NA", "channels": [Channel.EMAIL]}

    async def campaign(start, end, **fields):
        fields = {**audience, **fields}
        return await make.campaign(team, start_date=start, end_date=end, **fields)

    first = await campaign(date(2026, 1, 20), date(2026, 1, 30))
    touching = await campaign(date(2026, 1, 30), date(2026, 2, 10))
    await campaign(date(2026, 1, 31), date(2026, 2, 5), channels=[Channel.PAID_SEARCH])
    await campaign(date(2026, 1, 20), date(2026, 1, 30), audience="Enterprise CIOs, EMEA")
    await campaign(date(2026, 1, 2), date(2026, 1, 13))  # over already
    await campaign(date(2026, 1, 25), date(2026, 1, 26), status=CampaignStatus.CANCELLED)
    # launch days: two launches, a launch and a webinar, three launches, two in the past
    launch = MilestoneKind.LAUNCH
    pair = [await make.milestone(team, kind=launch, start_date=date(2026, 1, 20)) for _ in "ab"]
    await make.milestone(team, kind=launch, start_date=date(2026, 1, 21))
    await make.milestone(team, kind=MilestoneKind.WEBINAR, start_date=date(2026, 1, 21))
    trio = [
        await make.milestone(team, kind=MilestoneKind.RELEASE, start_date=date(2026, 1, 22))
        for _ in "abc"
    ]
    for _ in "ab":
        await make.milestone(team, kind=launch, start_date=date(2026, 1, 13))

    # when
    risks = await risks_of(gql, ["CALENDAR_CONFLICT"])

    # then
    assert by_node(risks) == {
        gid(trio[0]): "HIGH",
        gid(first): "MEDIUM",
        gid(pair[0]): "MEDIUM",
    }
    clash = next(r for r in risks if r["node"]["id"] == gid(first))
    assert [n["id"] for n in clash["related"]] == [gid(touching)]
    assert figures(clash) == {
        "audience": "Mid-market data leaders, NA",
        "channels": "EMAIL",
        "overlapStart": "2026-01-30",
        "overlapEnd": "2026-01-30",
    }
    crowded = next(r for r in risks if r["node"]["id"] == gid(trio[0]))
    assert [n["id"] for n in crowded["related"]] == [gid(m) for m in trio[1:]]


async def test_risks_are_ordered_filtered_and_on_their_nodes(gql):
    # given: an overrun (CRITICAL) and overdue work (MEDIUM) on a campaign serving a
    # goal, and an unaligned task (LOW) of another team
    team, other = await make.team(), await make.team()
    parent = await make.goal(team)
    child = await make.goal(team, parent=parent)
    kr = await make.key_result(child)
    campaign = await ended_campaign(team, budget="100.00")
    await make.align(campaign, kr)
    await make.spend(campaign, "200.00", date=date(2025, 12, 5))
    overdue = await make.task(campaign=campaign, due_date=date(2026, 1, 1), team=team)
    loose = await make.task(team=other)

    # when
    everything = await risks_of(gql)
    severe = await risks_of(gql, severity="MEDIUM")
    theirs = await risks_of(gql, teams=[gid(other)])
    under = await risks_of(gql, under=gid(parent))
    on_campaign = (await gql.data(NODE_RISKS, {"id": gid(campaign)}))["node"]["risks"]
    on_task = (await gql.data(NODE_RISKS, {"id": gid(overdue)}))["node"]["risks"]
    on_goal = (await gql.data(NODE_RISKS, {"id": gid(parent)}))["node"]["risks"]

    # then
    assert [(r["kind"], r["severity"]) for r in everything] == [
        ("BUDGET_OVERRUN", "CRITICAL"),
        ("OVERDUE_TASKS", "MEDIUM"),
        ("UNALIGNED_WORK", "LOW"),
    ]
    assert [r["kind"] for r in severe] == ["BUDGET_OVERRUN", "OVERDUE_TASKS"]
    assert [r["node"]["id"] for r in theirs] == [gid(loose)]
    assert [r["kind"] for r in under] == ["BUDGET_OVERRUN", "OVERDUE_TASKS"]
    assert [r["kind"] for r in on_campaign["nodes"]] == ["BUDGET_OVERRUN", "OVERDUE_TASKS"]
    assert on_task["nodes"] == [
        {"kind": "OVERDUE_TASKS", "severity": "MEDIUM", "node": {"id": gid(campaign)}}
    ]
    assert on_goal["totalCount"] == 2


async def test_risk_filters_refuse_wrong_ids(gql):
    team = await make.team()

    error = await gql.error(RISKS, {"filter": {"under": gid(team)}, "first": 5})

    assert error["extensions"]["code"] == "BAD_USER_INPUT"


async def test_risks_follow_every_change(gql):
    # given
    campaign = await ended_campaign(await make.team(), budget="100.00")
    assert await risks_of(gql, ["BUDGET_OVERRUN"]) == []

    # when
    await make.spend(campaign, "150.00", date=date(2025, 12, 5))

    # then
    assert [r["severity"] for r in await risks_of(gql, ["BUDGET_OVERRUN"])] == ["CRITICAL"]
