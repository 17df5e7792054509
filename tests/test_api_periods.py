"""Fiscal periods through the API: `period` arguments by name, the periods holding work,
and the portfolio converted into the reporting currency, by hand on both engines.

The organisation is `tests.test_api_currency`'s: a USD and a EUR campaign in January
2027 under one goal (January to March 2027). With the fiscal year starting in April,
January 2027 lies in FY2027-Q4 (FY2027 runs from 2026-04-01 to 2027-03-31).
"""

from __future__ import annotations

from datetime import date

import pytest

from schema.core.node import global_id_of
from server import clock
from server.enums import MilestoneKind
from tests import factories as make
from tests.test_api_currency import TODAY, two_currencies

PORTFOLIO = """
query ($period: DateRange!) { portfolio(period: $period) {
  start end campaigns
  total { reporting { budget { amount } spendToDate { amount } projectedSpend { amount }
    revenue { amount } roi complete ratesUsed { date } } }
  byTeam { money { reporting { spendToDate { amount } } } }
} }
"""
GOALS = """
query ($period: DateRange!) { goals(filter: {periodOverlaps: $period}) { nodes { id } } }
"""
PERIODS = "{ fiscalPeriods { name kind start end } }"


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: TODAY)


@pytest.fixture
async def april(client_with):
    """A client of a server whose fiscal year starts in April."""
    return await client_with(fiscal_year_start_month=4)


async def test_a_period_name_is_read_with_the_fiscal_year_start(april):
    # given
    await two_currencies()

    # when
    found = (await april.data(PORTFOLIO, {"period": {"name": "FY2027-Q4"}}))["portfolio"]

    # then: both campaigns lie wholly inside, so nothing is prorated
    assert (found["start"], found["end"], found["campaigns"]) == ("2027-01-01", "2027-03-31", 2)
    assert found["total"]["reporting"] == {
        "budget": {"amount": "3200.00"},
        "spendToDate": {"amount": "670.00"},
        "projectedSpend": {"amount": "670.00"},
        "revenue": {"amount": "1700.00"},
        "roi": "1.5373",
        "complete": True,
        "ratesUsed": [{"date": "2027-01-04"}, {"date": "2027-01-08"}],
    }
    assert found["byTeam"] == [{"money": {"reporting": {"spendToDate": {"amount": "670.00"}}}}]


async def test_a_quarter_across_the_turn_of_the_year(client_with):
    # given: a fiscal year starting in November, whose first quarter is Nov to Jan
    await two_currencies()
    gql = await client_with(fiscal_year_start_month=11)

    # when
    found = (await gql.data(PORTFOLIO, {"period": {"name": "FY2027-Q1"}}))["portfolio"]

    # then
    assert (found["start"], found["end"], found["campaigns"]) == ("2026-11-01", "2027-01-31", 2)
    assert found["total"]["reporting"]["spendToDate"] == {"amount": "670.00"}


async def test_the_portfolio_prorates_converted_budgets_and_projections(gql):
    # given: five of each campaign's ten days fall in the period
    await two_currencies()

    # when
    period = {"start": "2027-01-05", "end": "2027-01-09"}
    reporting = (await gql.data(PORTFOLIO, {"period": period}))["portfolio"]["total"]["reporting"]

    # then
    assert reporting == {
        "budget": {"amount": "1600.00"},  # 1000 x 0.5 + 2000 x 1.10 x 0.5
        "spendToDate": {"amount": "670.00"},  # every spend entry is dated inside
        "projectedSpend": {"amount": "335.00"},  # (200 + 470) x 0.5
        "revenue": {"amount": "500.00"},  # the EUR revenue (Jan 12) is after the period
        "roi": "-0.2537",  # (500 - 670) / 670
        "complete": True,
        "ratesUsed": [{"date": "2027-01-04"}, {"date": "2027-01-08"}],
    }


async def test_a_date_filter_takes_a_period_name(april):
    # given
    o = await two_currencies()
    team = await make.team()
    await make.goal(team, period_start=date(2026, 4, 1), period_end=date(2026, 6, 30))

    # when
    in_q4 = (await april.data(GOALS, {"period": {"name": "FY2027-Q4"}}))["goals"]["nodes"]

    # then
    assert in_q4 == [{"id": global_id_of(o["goal"])}]


@pytest.mark.parametrize(
    ("period", "argument", "says"),
    [
        ({"name": "FY2027-Q5"}, "period.name", "names no period: a fiscal year has Q1 to Q4"),
        ({"name": "2027 Q1"}, "period.name", "is not a period name: use FY2027"),
        ({"name": "FY1900"}, "period.name", "outside the supported dates"),
        (
            {"name": "FY2027", "start": "2027-01-01"},
            "period",
            "takes either a `name` or `start` and `end`, not both",
        ),
    ],
)
async def test_a_bad_period_name_is_refused(april, period, argument, says):
    # when
    body = await april.raw(PORTFOLIO, {"period": period})

    # then
    error = body["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["argument"] == argument
    assert says in error["message"]


async def test_the_periods_holding_work_follow_the_fiscal_year(april, gql):
    # given: January 2027's work, and a milestone in May 2026
    await two_currencies()
    team = await make.team()
    await make.milestone(team, kind=MilestoneKind.EVENT, start_date=date(2026, 5, 12))

    # when
    fiscal = (await april.data(PERIODS))["fiscalPeriods"]
    calendar = (await gql.data(PERIODS))["fiscalPeriods"]

    # then
    assert fiscal == [
        {"name": "FY2027", "kind": "YEAR", "start": "2026-04-01", "end": "2027-03-31"},
        {"name": "FY2027-Q1", "kind": "QUARTER", "start": "2026-04-01", "end": "2026-06-30"},
        {"name": "FY2027-Q4", "kind": "QUARTER", "start": "2027-01-01", "end": "2027-03-31"},
    ]
    assert [p["name"] for p in calendar] == ["FY2026", "FY2026-Q2", "FY2027", "FY2027-Q1"]


async def test_archived_work_holds_no_period(gql):
    # given
    team = await make.team()
    campaign = await make.campaign(team, start_date=date(2027, 5, 1), end_date=date(2027, 5, 9))
    await make.archive(campaign)

    # when
    found = (await gql.data(PERIODS))["fiscalPeriods"]

    # then
    assert found == []
