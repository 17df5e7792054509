"""Workload of people and teams, week by week, through the API."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from schema.core.node import global_id_of
from server.enums import TaskStatus
from tests import factories as make

WORKLOAD = """
query ($id: ID!, $from: Date!, $to: Date!) { node(id: $id) {
  ... on User { workload(from: $from, to: $to) { ...Load } }
  ... on Team { workload(from: $from, to: $to) { ...Load } }
} }
fragment Load on Workload {
  start end capacityHours bookedHours
  weeks { weekStart weekEnd capacityHours bookedHours utilisation overbooked
          tasks { task { title } hours estimated } }
}
"""


async def workload(gql, row, start="2026-01-14", end="2026-01-20") -> dict:
    variables = {"id": global_id_of(row), "from": start, "to": end}
    return (await gql.data(WORKLOAD, variables))["node"]["workload"]


@pytest.fixture
async def busy_person():
    """A 40-hour person on teams A and B, a 30-hour colleague on A, and their tasks."""
    a, b = await make.team(name="A"), await make.team(name="B")
    person = await make.user(teams=[a, b], weekly_capacity_hours=Decimal(40))
    await make.user(teams=[a], weekly_capacity_hours=Decimal(30))

    async def task(title, team, start, due, hours=None, **fields):
        estimate = None if hours is None else Decimal(hours)
        return await make.task(
            title=title,
            assignee=person,
            team=team,
            start_date=start,
            due_date=due,
            estimate_hours=estimate,
            **fields,
        )

    await task("five weekdays", a, date(2026, 1, 12), date(2026, 1, 16), 10)
    await task("across two weeks", b, date(2026, 1, 15), date(2026, 1, 20), 8)
    await task("no estimate", a, None, date(2026, 1, 21))
    await task("weekend", a, date(2026, 1, 17), date(2026, 1, 18), 6)
    await task("done", a, date(2026, 1, 12), date(2026, 1, 13), 50, status=TaskStatus.DONE)
    await task("cancelled", a, date(2026, 1, 12), date(2026, 1, 13), 50, status="CANCELLED")
    await task("undated", a, None, None, 50)
    return person, a, b


def week(load: dict, n: int) -> tuple:
    w = load["weeks"][n]
    tasks = [(t["task"]["title"], t["hours"], t["estimated"]) for t in w["tasks"]]
    return w["weekStart"], w["capacityHours"], w["bookedHours"], w["utilisation"], tasks


async def test_a_persons_week_by_week_workload(gql, busy_person):
    # given
    person, _, _ = busy_person

    # when
    load = await workload(gql, person)

    # then: whole weeks; estimates spread over the weekdays of each task's span
    assert (load["start"], load["end"]) == ("2026-01-12", "2026-01-25")
    assert (load["capacityHours"], load["bookedHours"]) == ("80.00", "28.00")
    assert week(load, 0) == (
        "2026-01-12",
        "40.00",
        "20.00",
        "0.5000",
        [
            ("five weekdays", "10.00", True),
            ("across two weeks", "4.00", True),  # Thu, Fri of 4 weekdays x 8h
            ("weekend", "6.00", True),  # no weekday: spread over both days
        ],
    )
    assert week(load, 1) == (
        "2026-01-19",
        "40.00",
        "8.00",
        "0.2000",
        [("across two weeks", "4.00", True), ("no estimate", "4.00", False)],
    )
    assert load["weeks"][1]["weekEnd"] == "2026-01-25"
    assert not any(w["overbooked"] for w in load["weeks"])


async def test_a_person_on_two_teams_lends_each_half_their_capacity(gql, busy_person):
    # given
    _, a, b = busy_person

    # when
    load_a, load_b = await workload(gql, a), await workload(gql, b)

    # then: A has 40 / 2 + 30 hours a week, B 40 / 2
    assert [week(load_a, n)[:3] for n in (0, 1)] == [
        ("2026-01-12", "50.00", "16.00"),
        ("2026-01-19", "50.00", "4.00"),
    ]
    assert [week(load_b, n)[:3] for n in (0, 1)] == [
        ("2026-01-12", "20.00", "4.00"),
        ("2026-01-19", "20.00", "4.00"),
    ]


async def test_overbooked_week_and_no_capacity(gql):
    # given
    person = await make.user(weekly_capacity_hours=Decimal(0))
    await make.task(assignee=person, due_date=date(2026, 1, 14), estimate_hours=Decimal(1))

    # when
    load = await workload(gql, person, "2026-01-14", "2026-01-14")

    # then
    assert [(w["bookedHours"], w["utilisation"], w["overbooked"]) for w in load["weeks"]] == [
        ("1.00", None, True)
    ]


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [("2026-01-20", "2026-01-14", "before"), ("2026-01-01", "2027-03-01", "at most 60 weeks")],
)
async def test_bad_workload_ranges_are_refused(gql, start, end, message):
    person = await make.user()

    error = await gql.error(WORKLOAD, {"id": global_id_of(person), "from": start, "to": end})

    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert message in error["message"]
