"""Rollups are computed once per data version and shared by every request reading it.

A second request at the same version sends nothing but the read model's freshness
check; requests arriving together at a new version compute once; a write moves every
later request on to figures computed from the new rows.

The goal's period is ten days long and the clock stands on its fifth day, so the
expected progress is 0.5.
"""

from __future__ import annotations

import asyncio
from datetime import date
from decimal import Decimal

import pytest

from schema.core.node import global_id_of
from server import clock, models
from server.rollups import shared
from server.statements import count_statements
from tests import factories as make
from tests.graphql import GraphQLClient

TODAY = date(2026, 1, 5)
START, END = date(2026, 1, 1), date(2026, 1, 10)

FIGURES = """
query ($goal: ID!) {
  node(id: $goal) { ... on Goal {
    progress health money { budget { amount } }
    risks { totalCount nodes { kind } }
  } }
  risks(first: 10) { totalCount nodes { kind severity node { id } } }
}
"""

KEY_RESULT_CREATE = """
mutation ($input: KeyResultCreateInput!) { keyResultCreate(input: $input) {
  userErrors { field code } keyResult { id }
} }
"""


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: TODAY)


async def off_track_goal() -> tuple[models.Goal, models.KeyResult]:
    """A goal whose one key result stands at 10 of 0 -> 100: 0.1 against 0.5 expected."""
    goal = await make.goal(await make.team(), period_start=START, period_end=END)
    key_result = await make.key_result(
        goal, start_value=Decimal(0), target_value=Decimal(100), current_value=Decimal(10),
        due_date=END,
    )  # fmt: skip
    return goal, key_result


def off_track(severity: str, node_id: str) -> dict:
    return {"kind": "KEY_RESULT_OFF_TRACK", "severity": severity, "node": {"id": node_id}}


async def figures(gql: GraphQLClient, goal: models.Goal) -> tuple[int, dict]:
    with count_statements() as counter:
        data = await gql.data(FIGURES, {"goal": global_id_of(goal)})
    return counter.count, data


async def test_a_second_request_at_the_same_version_only_checks_freshness(gql):
    # given
    goal, _ = await off_track_goal()
    await gql.signed_in_user()
    await gql.settle()
    first_count, first = await figures(gql, goal)

    # when
    again_count, again = await figures(gql, goal)

    # then: the first computed the engine of this version from the model, the second
    # read everything from it; each sent only the freshness check
    assert again == first
    assert first_count == 1
    assert again_count == 1


async def test_requests_arriving_together_compute_the_organisation_once(gql, monkeypatch):
    # given
    goal, _ = await off_track_goal()
    await gql.signed_in_user()
    await gql.settle()
    computed: list[bool] = []
    compute = shared._computed

    def counted(snapshot, sections, calendar, today, thresholds, carried=None):
        computed.append(calendar)
        return compute(snapshot, sections, calendar, today, thresholds, carried)

    monkeypatch.setattr(shared, "_computed", counted)

    # when
    with count_statements() as counter:
        answers = await asyncio.gather(*(figures(gql, goal) for _ in range(3)))

    # then: one engine without the calendar (progress), one with it (risks), and no
    # statement but the freshness check the three requests arriving together share
    assert [data for _, data in answers] == [answers[0][1]] * 3
    assert sorted(computed) == [False, True]
    assert counter.statements == [counter.statements[0]]
    assert counter.statements[0].startswith("SELECT version, tbl, row_id FROM")


async def test_a_write_between_two_requests_changes_the_figures(gql):
    # given: 0.1 against 0.5 expected, behind by more than 0.25
    goal, key_result = await off_track_goal()
    _, before = await figures(gql, goal)

    # when: a second key result, four times the weight, at 30 of 0 -> 100
    payload = await gql.mutate(
        KEY_RESULT_CREATE,
        {
            "goalId": global_id_of(goal),
            "title": "Win rate",
            "startValue": "0",
            "targetValue": "100",
            "currentValue": "30",
            "weight": "4",
            "dueDate": END.isoformat(),
        },
        "keyResultCreate",
    )
    _, after = await figures(gql, goal)

    # then: (0.1 * 1 + 0.3 * 4) / 5 = 0.26, behind by 0.24: at risk; the new key result
    # is behind by 0.2 (at risk, MEDIUM), the first still by 0.4 (off track, HIGH)
    assert payload["userErrors"] == []
    assert before["node"]["progress"] == "0.1000"
    assert before["node"]["health"] == "OFF_TRACK"
    assert before["risks"]["nodes"] == [
        {
            "kind": "KEY_RESULT_OFF_TRACK",
            "severity": "HIGH",
            "node": {"id": global_id_of(key_result)},
        }
    ]
    assert after["node"]["progress"] == "0.2600"
    assert after["node"]["health"] == "AT_RISK"
    assert after["risks"]["nodes"] == [
        off_track("HIGH", global_id_of(key_result)),
        off_track("MEDIUM", payload["keyResult"]["id"]),
    ]
    assert after["node"]["risks"]["totalCount"] == 2
