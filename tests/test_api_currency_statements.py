"""The reporting currency, the rates and the fiscal periods cost no statement of their
own: on a small organisation and after a ten times larger one has been added, a query
of every new field sends the read model's freshness check alone."""

from __future__ import annotations

from datetime import date

import pytest

from fixtures.generator import generate_document, synthetic_name
from fixtures.loader import load_document
from server import clock
from server.statements import count_statements
from tests import factories as make

TODAY = date(2026, 6, 15)

REPORTING = """
fragment Reporting on ReportingMoney {
  currency budget { amount } spendToDate { amount } projectedSpend { amount }
  revenue { amount } costPerLead { amount } roi complete
  ratesUsed { currency date rate } gaps { currency date figures message }
}

query Reporting {
  organisation { reportingCurrency fiscalYearStartMonth }
  goals(first: 100) { totalCount nodes { money { reporting { ...Reporting } } } }
  keyResults(first: 100) { nodes { money { reporting { ...Reporting } } } }
  campaigns(first: 100) { totalCount nodes { money {
    reporting { ...Reporting } byChannel { reporting { spendToDate { amount } } } } } }
  portfolio(period: {name: "FY2026-Q2"}) { total { reporting { ...Reporting } } }
  fiscalPeriods { name start end }
  exchangeRates(first: 50) { totalCount nodes { currency date rate } }
  risks(filter: {kinds: [MISSING_EXCHANGE_RATE]}, first: 20) { totalCount nodes { message } }
}
"""
STEADY_STATEMENTS = 1  # the freshness check of the read model


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: TODAY)


async def statements(gql) -> tuple[int, int, dict]:
    await gql.signed_in_user()
    await gql.settle()
    with count_statements() as first:
        data = await gql.data(REPORTING)
    with count_statements() as again:
        assert await gql.data(REPORTING) == data
    return first.count, again.count, data


async def test_reporting_statements_do_not_grow_with_the_data(gql):
    # given: a small organisation (with its weekly rates), and a EUR rate from before
    # its first entry
    await make.exchange_rate("EUR", "1.1", date(2024, 1, 1))
    await load_document(generate_document(300, 31, TODAY), name=synthetic_name(300, 31))
    small_first, small_again, small = await statements(gql)

    # when: a ten times larger one is added, and rates on many more days
    await load_document(generate_document(3000, 32, TODAY), name=synthetic_name(3000, 32))
    for day in range(1, 29):
        await make.exchange_rate("CHF", f"1.{day:02d}", date(2026, 2, day))
    large_first, large_again, large = await statements(gql)

    # then
    assert large["campaigns"]["totalCount"] > small["campaigns"]["totalCount"]
    assert large["exchangeRates"]["totalCount"] >= small["exchangeRates"]["totalCount"] + 28
    assert small_first == large_first == STEADY_STATEMENTS
    assert small_again == large_again == STEADY_STATEMENTS
