"""The portfolio of a period through the API: totals by team, channel and category.

Period: January 2026; the clock stands on the 20th.
"""

from __future__ import annotations

from datetime import date

import pytest

from server import clock
from server.enums import Channel, GoalCategory, ResultMetric
from tests import factories as make

TODAY = date(2026, 1, 20)
JANUARY = {"start": "2026-01-01", "end": "2026-01-31"}

PORTFOLIO = """
query ($period: DateRange!) { portfolio(period: $period) {
  start end campaigns
  total { ...Money }
  byTeam { team { name } money { budget { amount } spendToDate { amount } } }
  byChannel { channel spendToDate { amount } leads revenue { amount } }
  byCategory { category money { budget { amount } spendToDate { amount } leads } }
} }
fragment Money on MoneySummary {
  currency budget { amount } spendToDate { amount } projectedSpend { amount }
  revenue { amount } leads costPerLead { amount } roi
}
"""


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: TODAY)


async def january():
    red, blue = await make.team(name="Red"), await make.team(name="Blue")
    leads = await make.goal(red, category=GoalCategory.LEAD_GENERATION)
    revenue = await make.goal(red, category=GoalCategory.REVENUE)
    # Jan 1 - Feb 28: 31 of its 59 days in January
    shared = await make.campaign(
        red, start_date=date(2026, 1, 1), end_date=date(2026, 2, 28), budget="5900.00"
    )
    await make.align(shared, await make.key_result(leads), "0.6")
    await make.align(shared, await make.key_result(revenue), "0.4")
    await make.spend(shared, "1000.00", date=date(2026, 1, 10), channel=Channel.EMAIL)
    await make.spend(shared, "500.00", date=date(2026, 1, 15), channel=Channel.PR)
    await make.spend(shared, "700.00", date=date(2026, 1, 25), channel=Channel.PR)  # future
    await make.result(shared, ResultMetric.LEADS, 50, date=date(2026, 1, 12), channel=Channel.EMAIL)
    await make.result(
        shared, ResultMetric.REVENUE, 3000, date=date(2026, 1, 18), channel=Channel.PR
    )
    # Dec 1 - Jan 10: 10 of its 41 days in January, over by now
    ending = await make.campaign(
        blue, start_date=date(2025, 12, 1), end_date=date(2026, 1, 10), budget="4100.00"
    )
    await make.spend(ending, "1000.00", date=date(2025, 12, 15))
    await make.spend(ending, "200.00", date=date(2026, 1, 5), channel=Channel.EMAIL)
    await make.campaign(blue, start_date=date(2026, 3, 1), end_date=date(2026, 3, 31))
    await make.archive(
        await make.campaign(blue, start_date=date(2026, 1, 1), end_date=date(2026, 1, 31))
    )


async def test_portfolio_totals_of_a_period(gql):
    # given
    await january()

    # when
    data = (await gql.data(PORTFOLIO, {"period": JANUARY}))["portfolio"]

    # then: budgets and projections prorated by days in January; entries of January up
    # to today. Projected: 1500 x 59/20 x 31/59 = 2325 plus 1200 x 10/41 = 292.68...
    assert (data["start"], data["end"], data["campaigns"]) == ("2026-01-01", "2026-01-31", 2)
    assert data["total"] == {
        "currency": "USD",
        "budget": {"amount": "4100.00"},
        "spendToDate": {"amount": "1700.00"},
        "projectedSpend": {"amount": "2617.68"},
        "revenue": {"amount": "3000.00"},
        "leads": "50",
        "costPerLead": {"amount": "34.00"},
        "roi": "0.7647",
    }


async def test_portfolio_by_team_channel_and_category(gql):
    # given
    await january()

    # when
    data = (await gql.data(PORTFOLIO, {"period": JANUARY}))["portfolio"]

    # then
    assert data["byTeam"] == [
        {"team": {"name": "Blue"}, "money": {"budget": {"amount": "1000.00"},
                                              "spendToDate": {"amount": "200.00"}}},
        {"team": {"name": "Red"}, "money": {"budget": {"amount": "3100.00"},
                                             "spendToDate": {"amount": "1500.00"}}},
    ]  # fmt: skip
    assert data["byChannel"] == [
        {"channel": "EMAIL", "spendToDate": {"amount": "1200.00"}, "leads": "50",
         "revenue": {"amount": "0.00"}},
        {"channel": "PR", "spendToDate": {"amount": "500.00"}, "leads": "0",
         "revenue": {"amount": "3000.00"}},
    ]  # fmt: skip
    assert data["byCategory"] == [
        {"category": "REVENUE", "money": {"budget": {"amount": "1240.00"},
                                           "spendToDate": {"amount": "600.00"}, "leads": "20"}},
        {"category": "LEAD_GENERATION", "money": {"budget": {"amount": "1860.00"},
                                                   "spendToDate": {"amount": "900.00"},
                                                   "leads": "30"}},
        {"category": None, "money": {"budget": {"amount": "1000.00"},
                                      "spendToDate": {"amount": "200.00"}, "leads": "0"}},
    ]  # fmt: skip


@pytest.mark.parametrize(
    "period",
    [{"start": "2026-01-01"}, {"start": "2026-02-01", "end": "2026-01-01"}],
)
async def test_a_period_needs_both_ends_in_order(gql, period):
    error = await gql.error(PORTFOLIO, {"period": period})

    assert error["extensions"]["code"] == "BAD_USER_INPUT"
