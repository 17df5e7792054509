"""Rollups are computed from the read model, once per data version, whatever the size.

Progress, health, money and risks on every goal and campaign of a page, plus the
organisation's risks and portfolio, cost the same statements on a small organisation
and after a ten times larger one has been added: none of their own but the calendar's,
the first time at a data version, and none at all after that.
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

# the freshness check of the read model alone (the signed-in user, the root lists of
# goals, key results, campaigns and teams, every row the pages point at and every
# rollup section are read from it)
STEADY_STATEMENTS = 1
# the first request at a data version computes the rollups and the calendar behind
# CALENDAR_CONFLICT from the model too, so it sends no more statements than the next
FIRST_STATEMENTS = STEADY_STATEMENTS


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: TODAY)


async def rollup_statements(gql) -> tuple[int, int, dict]:
    """Statements of the first request at the current data version, and of the next."""
    await gql.signed_in_user()
    await gql.settle()
    with count_statements() as first:
        data = await gql.data(ROLLUPS)
    with count_statements() as again:
        assert await gql.data(ROLLUPS) == data
    return first.count, again.count, data


async def test_rollup_statements_do_not_grow_with_the_data(gql):
    # given: a small organisation
    await load_document(generate_document(1000, 21, TODAY), name=synthetic_name(1000, 21))
    small_first, small_again, small = await rollup_statements(gql)

    # when: a ten times larger organisation is added
    await load_document(generate_document(10000, 22, TODAY), name=synthetic_name(10000, 22))
    large_first, large_again, large = await rollup_statements(gql)

    # then
    assert large["goals"]["totalCount"] > small["goals"]["totalCount"]
    assert large["risks"]["totalCount"] > small["risks"]["totalCount"]
    assert small_first == large_first == FIRST_STATEMENTS
    assert small_again == large_again == STEADY_STATEMENTS
