"""Rollups load whole-organisation sections, one statement each, whatever the size.

Progress, health, money and risks on every goal and campaign of a page, plus the
organisation's risks and portfolio, cost the same statements on a small organisation
and after a ten times larger one has been added.
"""

from __future__ import annotations

from datetime import date

import pytest

from fixtures.generator import generate_document, synthetic_name
from fixtures.loader import load_document
from server import clock
from server.statements import count_statements

TODAY = date(2026, 6, 15)

ROLLUPS = """
fragment Money on MoneySummary {
  budget { amount } spendToDate { amount } projectedSpend { amount } leads roi
}
fragment Risks on RiskConnection { totalCount nodes { kind severity } }

query Rollups {
  goals(first: 100) { totalCount nodes {
    progress expectedProgress health
    progressBreakdown { items { share node { id } } }
    money { ...Money }
    risks(first: 3) { ...Risks }
  } }
  keyResults(first: 100) { nodes { progress health money { spendToDate { amount } } } }
  campaigns(first: 100) { totalCount nodes {
    progress health
    progressBreakdown { totalWeight items { weight node { id } } }
    money { ...Money byChannel { channel spendToDate { amount } } }
    risks(first: 3) { ...Risks }
  } }
  teams(first: 20) { nodes { workload(from: "2026-06-15", to: "2026-06-28") { bookedHours } } }
  risks(first: 20) { totalCount nodes { kind severity message figures { name value } } }
  portfolio(period: {start: "2026-01-01", end: "2026-12-31"}) {
    total { ...Money } byTeam { money { budget { amount } } } byCategory { category }
  }
}
"""

# the signed-in user; goals, key results, campaigns and teams: COUNT + SELECT each;
# thirteen rollup sections, each once; the nodes breakdowns point at, one statement per
# type (key results, goals, tasks); the calendar section behind CALENDAR_CONFLICT,
# eight (server/calendar/sources.py). (A risk's `node` and `related` add one statement per
# type of node in the page, at most six, like `nodes(ids:)`.)
ROLLUP_STATEMENTS = 1 + 8 + 13 + 3 + 8


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: TODAY)


async def rollup_statements(gql) -> tuple[int, dict]:
    await gql.signed_in_user()
    with count_statements() as counter:
        data = await gql.data(ROLLUPS)
    return counter.count, data


async def test_rollup_statements_do_not_grow_with_the_data(gql):
    # given: a small organisation
    await load_document(generate_document(1000, 21, TODAY), name=synthetic_name(1000, 21))
    small_count, small = await rollup_statements(gql)

    # when: a ten times larger organisation is added
    await load_document(generate_document(10000, 22, TODAY), name=synthetic_name(10000, 22))
    large_count, large = await rollup_statements(gql)

    # then
    assert large["goals"]["totalCount"] > small["goals"]["totalCount"]
    assert large["risks"]["totalCount"] > small["risks"]["totalCount"]
    assert small_count == large_count == ROLLUP_STATEMENTS
