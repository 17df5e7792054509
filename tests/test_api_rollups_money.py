"""Money and results through the API: campaign figures, by channel, and rolled up to key
results and goals through the alignment shares.

The campaigns run 2026-01-01..01-10 and the clock stands on the 5th: five of ten days
are over, so the burn rate projects twice the spend to date.
"""

from __future__ import annotations

from datetime import date

import pytest

from schema.core.node import global_id_of
from server import clock
from server.enums import Channel, ResultMetric
from tests import factories as make

TODAY = date(2026, 1, 5)
START, END = date(2026, 1, 1), date(2026, 1, 10)

FIGURES = """
  currency budget { amount currency } spendToDate { amount currency }
  projectedSpend { amount } revenue { amount } leads costPerLead { amount } roi
  results { metric value }
"""
MONEY = f"""
query ($id: ID!) {{ node(id: $id) {{
  ... on Campaign {{ money {{ {FIGURES} byChannel {{ channel spendToDate {{ amount }}
      projectedSpend {{ amount }} revenue {{ amount }} leads costPerLead {{ amount }} roi
      results {{ metric value }} }} }} }}
  ... on KeyResult {{ money {{ {FIGURES} }} }}
  ... on Goal {{ money {{ {FIGURES} }} }}
}} }}
"""
BY_CURRENCY = """
query ($id: ID!) { node(id: $id) {
  ... on Goal { money { currency budget { amount } spendToDate { amount } roi costPerLead {
      amount } byCurrency { currency budget spendToDate projectedSpend revenue roi } } }
  ... on Campaign { money { currency spendToDate { amount } byCurrency {
      currency budget spendToDate roi } } }
} }
"""


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: TODAY)


async def money_of(gql, row, query: str = MONEY) -> dict:
    return (await gql.data(query, {"id": global_id_of(row)}))["node"]["money"]


def usd(amount: str) -> dict:
    return {"amount": amount, "currency": "USD"}


async def shared_campaign():
    """A campaign supporting key result `one` (60%, under a child goal) and `two` (40%,
    directly on the parent goal)."""
    team = await make.team()
    parent = await make.goal(team, title="Parent")
    child = await make.goal(team, parent=parent, title="Child")
    one = await make.key_result(child, title="one")
    two = await make.key_result(parent, title="two")
    campaign = await make.campaign(
        team,
        start_date=START,
        end_date=END,
        budget="10000.00",
        channels=[Channel.EMAIL, Channel.PAID_SEARCH],
    )
    await make.align(campaign, one, "0.6")
    await make.align(campaign, two, "0.4")
    await make.spend(campaign, "1000.00", date=date(2026, 1, 2), channel=Channel.EMAIL)
    await make.spend(campaign, "1500.00", date=date(2026, 1, 4), channel=Channel.PAID_SEARCH)
    await make.spend(campaign, "500.00", date=TODAY)
    await make.spend(campaign, "9999.00", date=date(2026, 1, 8), channel=Channel.PAID_SEARCH)
    email, search = Channel.EMAIL, Channel.PAID_SEARCH
    await make.result(campaign, ResultMetric.LEADS, 40, date=date(2026, 1, 3), channel=email)
    await make.result(campaign, ResultMetric.LEADS, 20, date=date(2026, 1, 4), channel=search)
    await make.result(campaign, ResultMetric.REVENUE, "4500", date=TODAY, channel=search)
    await make.result(campaign, ResultMetric.MQL, 10, date=TODAY, channel=email)
    await make.result(campaign, ResultMetric.LEADS, 100, date=date(2026, 1, 9), channel=email)
    return campaign, one, two, parent, child


async def test_campaign_money_and_results_to_date(gql):
    # given
    campaign, *_ = await shared_campaign()

    # when
    money = await money_of(gql, campaign)

    # then: entries dated after today do not count yet
    assert money["currency"] == "USD"
    assert money["budget"] == usd("10000.00")
    assert money["spendToDate"] == usd("3000.00")
    assert money["projectedSpend"] == {"amount": "6000.00"}  # 3000 x 10 days / 5 days
    assert money["revenue"] == {"amount": "4500.00"}
    assert money["leads"] == "60"
    assert money["costPerLead"] == {"amount": "50.00"}  # 3000 / 60
    assert money["roi"] == "0.5000"  # (4500 - 3000) / 3000
    assert money["results"] == [
        {"metric": "LEADS", "value": "60"},
        {"metric": "MQL", "value": "10"},
        {"metric": "REVENUE", "value": "4500.00"},
    ]


async def test_campaign_money_by_channel(gql):
    # given
    campaign, *_ = await shared_campaign()

    # when
    channels = (await money_of(gql, campaign))["byChannel"]

    # then
    assert channels == [
        {
            "channel": "EMAIL",
            "spendToDate": {"amount": "1000.00"},
            "projectedSpend": {"amount": "2000.00"},
            "revenue": {"amount": "0.00"},
            "leads": "40",
            "costPerLead": {"amount": "25.00"},
            "roi": "-1.0000",
            "results": [{"metric": "LEADS", "value": "40"}, {"metric": "MQL", "value": "10"}],
        },
        {
            "channel": "PAID_SEARCH",
            "spendToDate": {"amount": "1500.00"},
            "projectedSpend": {"amount": "3000.00"},
            "revenue": {"amount": "4500.00"},
            "leads": "20",
            "costPerLead": {"amount": "75.00"},
            "roi": "2.0000",
            "results": [
                {"metric": "LEADS", "value": "20"},
                {"metric": "REVENUE", "value": "4500.00"},
            ],
        },
        {
            "channel": None,
            "spendToDate": {"amount": "500.00"},
            "projectedSpend": {"amount": "1000.00"},
            "revenue": {"amount": "0.00"},
            "leads": "0",
            "costPerLead": None,
            "roi": "-1.0000",
            "results": [],
        },
    ]


async def test_a_campaign_shared_60_40_counts_60_and_40_never_twice(gql):
    # given
    _, one, two, parent, child = await shared_campaign()

    # when
    first, second = await money_of(gql, one), await money_of(gql, two)
    above, below = await money_of(gql, parent), await money_of(gql, child)

    # then
    assert (first["budget"], first["spendToDate"], first["leads"]) == (
        usd("6000.00"),
        usd("1800.00"),
        "36",
    )
    assert (second["budget"], second["spendToDate"], second["leads"]) == (
        usd("4000.00"),
        usd("1200.00"),
        "24",
    )
    assert (first["costPerLead"], first["roi"]) == ({"amount": "50.00"}, "0.5000")
    assert below == first
    assert above["budget"] == usd("10000.00")
    assert above["spendToDate"] == usd("3000.00")
    assert above["projectedSpend"] == {"amount": "6000.00"}
    assert above["revenue"] == {"amount": "4500.00"}
    assert above["leads"] == "60"


async def test_zero_spend_and_a_campaign_not_started_yet(gql):
    # given: nothing spent but leads; a campaign starting next month, paid in advance
    team = await make.team()
    idle = await make.campaign(team, start_date=START, end_date=END, budget="2000.00")
    await make.result(idle, ResultMetric.LEADS, 5, date=TODAY)
    later = await make.campaign(
        team, start_date=date(2026, 2, 1), end_date=date(2026, 2, 28), budget="5000.00"
    )
    await make.spend(later, "800.00", date=date(2026, 1, 3))

    # when
    zero, upcoming = await money_of(gql, idle), await money_of(gql, later)

    # then: no ROI without spend; no burn rate before the first day
    assert (zero["spendToDate"], zero["roi"], zero["costPerLead"]) == (
        usd("0.00"),
        None,
        {"amount": "0.00"},
    )
    assert (upcoming["spendToDate"], upcoming["projectedSpend"]) == (
        usd("800.00"),
        {"amount": "800.00"},
    )
    assert (upcoming["leads"], upcoming["costPerLead"], upcoming["roi"]) == ("0", None, "-1.0000")


async def test_an_empty_goal_has_no_money(gql):
    goal = await make.goal(await make.team())

    money = await money_of(gql, goal)

    assert (money["currency"], money["budget"], money["leads"], money["results"]) == (
        None,
        None,
        "0",
        [],
    )


async def test_mixed_currencies_are_never_added_together(gql):
    # given: a USD campaign and a EUR campaign supporting the same goal
    team = await make.team()
    goal = await make.goal(team)
    kr = await make.key_result(goal)
    dollars = await make.campaign(team, start_date=START, end_date=END, budget="1000.00")
    euros = await make.campaign(
        team, start_date=START, end_date=END, budget="3000.00", currency="EUR"
    )
    await make.align(dollars, kr)
    await make.align(euros, kr)
    await make.spend(dollars, "100.00", date=TODAY)
    await make.spend(euros, "200.00", date=TODAY)
    await make.result(euros, ResultMetric.REVENUE, "300", date=TODAY)
    await make.result(dollars, ResultMetric.LEADS, 10, date=TODAY)

    # when
    money = await money_of(gql, goal, BY_CURRENCY)

    # then: the single-currency figures are null, each currency is given apart
    assert (money["currency"], money["budget"], money["spendToDate"]) == (None, None, None)
    assert (money["roi"], money["costPerLead"]) == (None, None)
    assert money["byCurrency"] == [
        {
            "currency": "EUR",
            "budget": "3000.00",
            "spendToDate": "200.00",
            "projectedSpend": "400.00",
            "revenue": "300.00",
            "roi": "0.5000",
        },
        {
            "currency": "USD",
            "budget": "1000.00",
            "spendToDate": "100.00",
            "projectedSpend": "200.00",
            "revenue": "0.00",
            "roi": "-1.0000",
        },
    ]


async def test_spend_in_another_currency_than_the_campaign(gql):
    # given
    campaign = await make.campaign(await make.team(), start_date=START, end_date=END)
    await make.spend(campaign, "70.00", date=TODAY, currency="GBP")

    # when
    money = await money_of(gql, campaign, BY_CURRENCY)

    # then
    assert (money["currency"], money["spendToDate"]) == (None, None)
    assert money["byCurrency"] == [
        {"currency": "GBP", "budget": "0.00", "spendToDate": "70.00", "roi": "-1.0000"},
        {"currency": "USD", "budget": "10000.00", "spendToDate": "0.00", "roi": None},
    ]


async def test_money_follows_every_change(gql):
    # given
    campaign, one, *_ = await shared_campaign()
    assert (await money_of(gql, one))["spendToDate"] == usd("1800.00")

    # when
    await make.spend(campaign, "1000.00", date=TODAY)

    # then
    assert (await money_of(gql, one))["spendToDate"] == usd("2400.00")


RESULTS = """
query ($id: ID!) { node(id: $id) {
  ... on KeyResult { money { currency revenue { amount } roi results { metric currency value }
      byCurrency { currency revenue roi } } }
  ... on Goal { money { currency revenue { amount } roi results { metric currency value }
      byCurrency { currency revenue roi } } }
} }
"""
PORTFOLIO_RESULTS = """
query ($period: DateRange!) { portfolio(period: $period) {
  total { currency revenue { amount } results { metric currency value } }
} }
"""


async def two_currency_revenue():
    """A USD campaign (3000 revenue, 30 leads, 1000 spent) and a EUR one (150 revenue,
    20 leads, 100 spent) supporting the same key result."""
    team = await make.team()
    goal = await make.goal(team)
    kr = await make.key_result(goal)
    dollars = await make.campaign(team, start_date=START, end_date=END)
    euros = await make.campaign(team, start_date=START, end_date=END, currency="EUR")
    await make.align(dollars, kr)
    await make.align(euros, kr)
    await make.spend(dollars, "1000.00", date=TODAY)
    await make.spend(euros, "100.00", date=TODAY)
    await make.result(dollars, ResultMetric.REVENUE, "3000", date=TODAY)
    await make.result(euros, ResultMetric.REVENUE, "150", date=TODAY)
    await make.result(dollars, ResultMetric.LEADS, 30, date=TODAY)
    await make.result(euros, ResultMetric.LEADS, 20, date=TODAY)
    return goal, kr


TWO_CURRENCY_RESULTS = [
    {"metric": "LEADS", "currency": None, "value": "50"},
    {"metric": "REVENUE", "currency": "EUR", "value": "150.00"},
    {"metric": "REVENUE", "currency": "USD", "value": "3000.00"},
]


@pytest.mark.parametrize("level", ["key result", "goal"])
async def test_revenue_results_are_never_added_across_currencies(gql, level):
    # given
    goal, kr = await two_currency_revenue()

    # when
    money = await money_of(gql, kr if level == "key result" else goal, RESULTS)

    # then: one REVENUE line per currency (never 3150), counts without a currency
    assert money["results"] == TWO_CURRENCY_RESULTS
    assert (money["currency"], money["revenue"], money["roi"]) == (None, None, None)
    assert money["byCurrency"] == [
        {"currency": "EUR", "revenue": "150.00", "roi": "0.5000"},  # (150 - 100) / 100
        {"currency": "USD", "revenue": "3000.00", "roi": "2.0000"},  # (3000 - 1000) / 1000
    ]


async def test_portfolio_results_are_never_added_across_currencies(gql):
    # given
    await two_currency_revenue()

    # when
    period = {"start": START.isoformat(), "end": END.isoformat()}
    total = (await gql.data(PORTFOLIO_RESULTS, {"period": period}))["portfolio"]["total"]

    # then
    assert total == {"currency": None, "revenue": None, "results": TWO_CURRENCY_RESULTS}
