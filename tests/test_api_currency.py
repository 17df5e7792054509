"""One reporting currency through the API, by hand, on both engines.

A goal's key result is supported by two campaigns, one in USD and one in EUR, with EUR
rates on two dates (1.10 from 2027-01-04, 1.20 from 2027-01-08). Each EUR amount
converts at the latest rate on or before its own date, the budget at the campaign's
start; the clock stands on 2027-01-20, after both campaigns ended (nothing projected
beyond the spend).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from schema.core.node import global_id_of
from server import clock, models
from server.currency.model import ExchangeRate
from server.enums import ResultMetric, Role
from tests import factories as make

TODAY = date(2027, 1, 20)

REPORTING = """
  reporting { currency budget { amount currency } spendToDate { amount currency }
    projectedSpend { amount } revenue { amount } costPerLead { amount } roi complete
    ratesUsed { currency date rate } gaps { currency date figures message } }
"""
MONEY = f"""
query ($id: ID!) {{ node(id: $id) {{
  ... on Goal {{ money {{ currency budget {{ amount }} roi {REPORTING} }} }}
  ... on KeyResult {{ money {{ currency {REPORTING} }} }}
  ... on Campaign {{ money {{ currency budget {{ amount }} {REPORTING}
      byChannel {{ channel reporting {{ spendToDate {{ amount }} ratesUsed {{ date }} }} }} }} }}
}} }}
"""
RATE_SET = """
mutation ($input: ExchangeRateSetInput!) { exchangeRateSet(input: $input) {
  exchangeRate { currency quote date rate source }
  userErrors { field code message }
} }
"""
RISKS = """{ risks(filter: {kinds: [MISSING_EXCHANGE_RATE]}) {
  nodes { severity message node { id } figures { name value } } } }"""


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: TODAY)


async def two_currencies() -> dict:
    o: dict = {}
    team = await make.team()
    o["goal"] = await make.goal(team, period_start=date(2027, 1, 1), period_end=date(2027, 3, 31))
    o["kr"] = await make.key_result(o["goal"])
    o["us"] = await make.campaign(
        team,
        name="US launch",
        currency="USD",
        budget=D("1000.00"),
        start_date=date(2027, 1, 4),
        end_date=date(2027, 1, 13),
    )
    o["eu"] = await make.campaign(
        team,
        name="EU launch",
        currency="EUR",
        budget=D("2000.00"),
        start_date=date(2027, 1, 5),
        end_date=date(2027, 1, 14),
    )
    await make.align(o["us"], o["kr"])
    await make.align(o["eu"], o["kr"])
    await make.spend(o["us"], "200.00", date=date(2027, 1, 5))
    await make.result(o["us"], ResultMetric.REVENUE, "500", date=date(2027, 1, 6))
    await make.result(o["us"], ResultMetric.LEADS, 10, date=date(2027, 1, 6))
    await make.spend(o["eu"], "100.00", date=date(2027, 1, 6))  # x 1.10 = 110
    await make.spend(o["eu"], "300.00", date=date(2027, 1, 9))  # x 1.20 = 360
    await make.result(o["eu"], ResultMetric.REVENUE, "1000", date=date(2027, 1, 12))  # 1200
    await make.result(o["eu"], ResultMetric.LEADS, 30, date=date(2027, 1, 12))
    await make.exchange_rate("EUR", "1.10", date(2027, 1, 4))
    await make.exchange_rate("EUR", "1.20", date(2027, 1, 8))
    await make.exchange_rate("EUR", "0.85", date(2027, 1, 4), quote="GBP")  # not ours
    return o


async def money_of(gql, row) -> dict:
    return (await gql.data(MONEY, {"id": global_id_of(row)}))["node"]["money"]


def usd(amount: str) -> dict:
    return {"amount": amount, "currency": "USD"}


RATES_USED = [
    {"currency": "EUR", "date": "2027-01-04", "rate": "1.1"},
    {"currency": "EUR", "date": "2027-01-08", "rate": "1.2"},
]


async def test_a_mixed_currency_goal_shows_budget_spend_and_roi_in_the_reporting_currency(gql):
    # given
    o = await two_currencies()

    # when
    money = await money_of(gql, o["goal"])

    # then: the native figures still refuse to add USD to EUR
    assert (money["currency"], money["budget"], money["roi"]) == (None, None, None)
    assert money["reporting"] == {
        "currency": "USD",
        "budget": usd("3200.00"),  # 1000 + 2000 x 1.10 (the EU start, Jan 5, takes Jan 4's)
        "spendToDate": usd("670.00"),  # 200 + 100 x 1.10 + 300 x 1.20
        "projectedSpend": {"amount": "670.00"},  # both ended: nothing more projected
        "revenue": {"amount": "1700.00"},  # 500 + 1000 x 1.20
        "costPerLead": {"amount": "16.75"},  # 670 / 40
        "roi": "1.5373",  # (1700 - 670) / 670
        "complete": True,
        "ratesUsed": RATES_USED,
        "gaps": [],
    }


async def test_campaign_and_key_result_figures_in_the_reporting_currency(gql):
    # given
    o = await two_currencies()

    # when
    eu, us, kr = [await money_of(gql, o[name]) for name in ("eu", "us", "kr")]

    # then
    assert (eu["currency"], eu["budget"]) == ("EUR", {"amount": "2000.00"})
    assert eu["reporting"]["budget"] == usd("2200.00")
    assert eu["reporting"]["spendToDate"] == usd("470.00")
    assert eu["reporting"]["revenue"] == {"amount": "1200.00"}
    assert eu["reporting"]["costPerLead"] == {"amount": "15.67"}  # 470 / 30
    assert eu["reporting"]["roi"] == "1.5532"  # 730 / 470
    assert eu["reporting"]["ratesUsed"] == RATES_USED
    assert eu["byChannel"] == [
        {
            "channel": None,
            "reporting": {
                "spendToDate": {"amount": "470.00"},
                "ratesUsed": [{"date": "2027-01-04"}, {"date": "2027-01-08"}],
            },
        }
    ]
    # the reporting currency converts at 1 and uses no rate
    assert us["reporting"]["spendToDate"] == usd("200.00")
    assert us["reporting"]["ratesUsed"] == []
    assert kr["reporting"]["spendToDate"] == usd("670.00")


async def test_a_missing_rate_is_a_named_gap_and_a_risk_never_a_zero(gql):
    # given: EUR spend dated before the first EUR rate
    o = await two_currencies()
    await make.spend(o["eu"], "50.00", date=date(2027, 1, 3))

    # when
    reporting = (await money_of(gql, o["goal"]))["reporting"]
    risks = (await gql.data(RISKS))["risks"]["nodes"]

    # then: the figures that need it have no total; the others still do
    assert reporting["spendToDate"] is None
    assert reporting["projectedSpend"] is None
    assert reporting["costPerLead"] is None and reporting["roi"] is None
    assert reporting["budget"] == usd("3200.00")
    assert reporting["revenue"] == {"amount": "1700.00"}
    assert reporting["complete"] is False
    assert reporting["gaps"] == [
        {
            "currency": "EUR",
            "date": "2027-01-03",
            "figures": ["spendToDate", "projectedSpend"],
            "message": "No exchange rate for EUR on or before 2027-01-03.",
        }
    ]
    assert risks == [
        {
            "severity": "HIGH",
            "message": "EU launch cannot be reported in USD: no exchange rate for EUR on or "
            "before 2027-01-03.",
            "node": {"id": global_id_of(o["eu"])},
            "figures": [
                {"name": "currency", "value": "EUR"},
                {"name": "date", "value": "2027-01-03"},
                {"name": "missingRates", "value": "1"},
                {"name": "reportingCurrency", "value": "USD"},
            ],
        }
    ]


async def test_setting_the_missing_rate_converts_the_figures_at_the_next_read(gql):
    # given
    o = await two_currencies()
    await make.spend(o["eu"], "50.00", date=date(2027, 1, 3))
    assert (await money_of(gql, o["goal"]))["reporting"]["complete"] is False

    # when
    payload = (
        await gql.data(
            RATE_SET, {"input": {"currency": "eur", "date": "2027-01-01", "rate": "1.0"}}
        )
    )["exchangeRateSet"]

    # then
    assert payload == {
        "exchangeRate": {
            "currency": "EUR",
            "quote": "USD",
            "date": "2027-01-01",
            "rate": "1",
            "source": "manual",
        },
        "userErrors": [],
    }
    reporting = (await money_of(gql, o["goal"]))["reporting"]
    assert reporting["spendToDate"] == usd("720.00")  # 670 + 50 x 1.0
    assert reporting["complete"] is True
    assert (await gql.data(RISKS))["risks"]["nodes"] == []


async def test_setting_a_rate_again_replaces_it(gql):
    # given
    o = await two_currencies()

    # when: Jan 8's rate corrected from 1.20 to 1.25
    await gql.data(RATE_SET, {"input": {"currency": "EUR", "date": "2027-01-08", "rate": "1.25"}})

    # then: 200 + 110 + 300 x 1.25
    reporting = (await money_of(gql, o["goal"]))["reporting"]
    assert reporting["spendToDate"] == usd("685.00")
    listed = await gql.data('{ exchangeRates(currency: "EUR") { totalCount nodes { date rate } } }')
    assert listed["exchangeRates"] == {
        "totalCount": 2,
        "nodes": [{"date": "2027-01-08", "rate": "1.25"}, {"date": "2027-01-04", "rate": "1.1"}],
    }


@pytest.mark.parametrize(
    ("sent", "field", "code"),
    [
        ({"currency": "XYZ", "date": "2027-01-01", "rate": "1"}, "currency", "UNKNOWN_CURRENCY"),
        ({"currency": "USD", "date": "2027-01-01", "rate": "1"}, "currency", "INVALID"),
        ({"currency": "EUR", "date": "2027-01-01", "rate": "0"}, "rate", "OUT_OF_RANGE"),
        ({"currency": "EUR", "date": "2027-01-01", "rate": "-1.1"}, "rate", "NEGATIVE"),
        ({"currency": "EUR", "date": "2027-01-01", "rate": "1.0000000000001"}, "rate", "INVALID"),
        ({"currency": "EUR", "date": "1899-12-31", "rate": "1"}, "date", "OUT_OF_RANGE"),
    ],
)
async def test_a_bad_rate_is_refused_and_changes_nothing(gql, sent, field, code):
    # given
    o = await two_currencies()

    # when
    body = await gql.raw(RATE_SET, {"input": sent})

    # then
    if "errors" in body:  # a date outside the range is refused before the mutation runs
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    else:
        payload = body["data"]["exchangeRateSet"]
        assert payload["exchangeRate"] is None
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, code)]
    assert (await money_of(gql, o["goal"]))["reporting"]["spendToDate"] == usd("670.00")
    assert (await gql.data("{ exchangeRates { totalCount } }"))["exchangeRates"]["totalCount"] == 2


async def test_only_administrators_set_rates(gql):
    # given
    team = await make.team()
    editor = await make.user([team], role=Role.EDITOR)

    # when
    body = await gql.as_user(editor).raw(
        RATE_SET, {"input": {"currency": "EUR", "date": "2027-01-01", "rate": "1.1"}}
    )

    # then
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await gql.data("{ exchangeRates { totalCount } }"))["exchangeRates"]["totalCount"] == 0


async def test_the_organisation_tells_its_reporting_currency_and_fiscal_year(client_with):
    # given
    gql = await client_with(reporting_currency="eur", fiscal_year_start_month=4)

    # when
    data = await gql.data("{ organisation { reportingCurrency fiscalYearStartMonth } }")

    # then
    assert data["organisation"] == {"reportingCurrency": "EUR", "fiscalYearStartMonth": 4}


async def test_another_reporting_currency_uses_only_its_own_rates(client_with):
    # given: GBP reporting; only the EUR rate set for GBP applies, and USD has none
    o = await two_currencies()
    gql = await client_with(reporting_currency="GBP")

    # when
    eu = (await money_of(gql, o["eu"]))["reporting"]
    us = (await money_of(gql, o["us"]))["reporting"]

    # then
    assert eu["currency"] == "GBP"
    assert eu["spendToDate"] == {"amount": "340.00", "currency": "GBP"}  # 400 x 0.85
    assert us["spendToDate"] is None
    # the budget at the start, the spend and the revenue at their dates
    assert [(gap["currency"], gap["date"], gap["figures"]) for gap in us["gaps"]] == [
        ("USD", "2027-01-04", ["budget"]),
        ("USD", "2027-01-05", ["spendToDate", "projectedSpend"]),
        ("USD", "2027-01-06", ["revenue"]),
    ]


RATE_DELETE = """
mutation ($input: ExchangeRateDeleteInput!) { exchangeRateDelete(input: $input) {
  exchangeRate { currency quote date rate source }
  userErrors { field code message }
} }
"""
LISTED = '{ exchangeRates(currency: "EUR") { totalCount nodes { date rate } } }'


async def test_deleting_a_wrong_rate_converts_at_the_previous_one_from_the_next_read(gql):
    # given: Jan 8's rate (1.20) was wrong; the figures use it
    o = await two_currencies()
    assert (await money_of(gql, o["goal"]))["reporting"]["spendToDate"] == usd("670.00")

    # when
    sent = {"input": {"currency": "eur", "date": "2027-01-08"}}
    payload = (await gql.data(RATE_DELETE, sent))["exchangeRateDelete"]

    # then: the rate as it was; the Jan 9 spend and Jan 12 revenue now take Jan 4's 1.10
    assert payload == {
        "exchangeRate": {
            "currency": "EUR",
            "quote": "USD",
            "date": "2027-01-08",
            "rate": "1.2",
            "source": "manual",
        },
        "userErrors": [],
    }
    reporting = (await money_of(gql, o["goal"]))["reporting"]
    assert reporting["spendToDate"] == usd("640.00")  # 200 + 100 x 1.10 + 300 x 1.10
    assert reporting["revenue"] == {"amount": "1600.00"}  # 500 + 1000 x 1.10
    assert reporting["ratesUsed"] == RATES_USED[:1]
    assert (await gql.data(LISTED))["exchangeRates"] == {
        "totalCount": 1,
        "nodes": [{"date": "2027-01-04", "rate": "1.1"}],
    }
    (entry,) = await models.HistoryEntry.filter(node_type="ExchangeRate", action="DELETED")
    assert D(entry.changes["rate"]["before"]) == D("1.2") and entry.changes["rate"]["after"] is None
    assert entry.changes["date"] == {"before": "2027-01-08", "after": None}
    assert entry.actor_id is not None


async def test_deleting_the_only_earlier_rate_leaves_gaps_and_a_risk(gql):
    # given
    o = await two_currencies()
    assert (await gql.data(RISKS))["risks"]["nodes"] == []

    # when: Jan 4's rate goes; the EU budget (Jan 5) and Jan 6 spend have none before them
    body = await gql.data(RATE_DELETE, {"input": {"currency": "EUR", "date": "2027-01-04"}})

    # then
    assert body["exchangeRateDelete"]["userErrors"] == []
    reporting = (await money_of(gql, o["goal"]))["reporting"]
    assert reporting["budget"] is None and reporting["spendToDate"] is None
    assert reporting["revenue"] == {"amount": "1700.00"}  # Jan 12 still takes Jan 8's
    assert reporting["complete"] is False
    assert [(g["currency"], g["date"], g["figures"]) for g in reporting["gaps"]] == [
        ("EUR", "2027-01-05", ["budget"]),
        ("EUR", "2027-01-06", ["spendToDate", "projectedSpend"]),
    ]
    risks = (await gql.data(RISKS))["risks"]["nodes"]
    assert [(r["severity"], r["node"]["id"]) for r in risks] == [("HIGH", global_id_of(o["eu"]))]
    # the rate set for GBP on the same day is another rate, and stays
    assert await ExchangeRate.filter(currency="EUR", date=date(2027, 1, 4)).count() == 1


async def test_an_editor_cannot_delete_a_rate(gql):
    # given
    o = await two_currencies()
    editor = await make.user([await make.team()], role=Role.EDITOR)

    # when
    body = await gql.as_user(editor).raw(
        RATE_DELETE, {"input": {"currency": "EUR", "date": "2027-01-08"}}
    )

    # then
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await gql.data(LISTED))["exchangeRates"]["totalCount"] == 2
    assert (await money_of(gql, o["goal"]))["reporting"]["spendToDate"] == usd("670.00")


@pytest.mark.parametrize(
    ("sent", "field", "code"),
    [
        ({"currency": "EUR", "date": "2027-01-07"}, "date", "NOT_FOUND"),
        ({"currency": "GBP", "date": "2027-01-04"}, "date", "NOT_FOUND"),  # set for GBP
        ({"currency": "XYZ", "date": "2027-01-08"}, "currency", "UNKNOWN_CURRENCY"),
        ({"currency": "USD", "date": "2027-01-08"}, "currency", "INVALID"),
    ],
)
async def test_deleting_a_rate_that_is_not_set_is_refused_and_changes_nothing(
    gql, sent, field, code
):
    # given
    await two_currencies()

    # when
    payload = (await gql.data(RATE_DELETE, {"input": sent}))["exchangeRateDelete"]

    # then
    assert payload["exchangeRate"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, code)]
    assert await ExchangeRate.all().count() == 3
    assert await models.HistoryEntry.filter(node_type="ExchangeRate").count() == 0
