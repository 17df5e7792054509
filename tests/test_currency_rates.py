"""Which exchange rate applies on a date, and campaign money converted with it, by hand
(no database)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from server.currency.rates import Converted, Gap, Rate, RateRow, RateTable
from server.enums import CampaignStatus, Channel, ResultMetric
from server.rollups.money import campaign_money, total_of
from server.rollups.rows import CampaignRow, ResultRow, SpendRow

JAN_4, JAN_5, JAN_8 = date(2027, 1, 4), date(2027, 1, 5), date(2027, 1, 8)
ROWS = [
    RateRow("EUR", "USD", JAN_8, D("1.2")),
    RateRow("EUR", "USD", JAN_4, D("1.1")),
    RateRow("EUR", "GBP", date(2027, 1, 1), D("0.8")),  # set for another reporting currency
    RateRow("GBP", "USD", JAN_5, D("1.25")),
]


@pytest.mark.parametrize(
    ("currency", "on", "expected"),
    [
        ("EUR", JAN_4, Converted(D("110.0"), "USD", Rate("EUR", JAN_4, D("1.1")))),
        # a day without a rate takes the latest before it (a weekend, a holiday)
        ("EUR", date(2027, 1, 7), Converted(D("110.0"), "USD", Rate("EUR", JAN_4, D("1.1")))),
        ("EUR", JAN_8, Converted(D("120.0"), "USD", Rate("EUR", JAN_8, D("1.2")))),
        ("EUR", date(2030, 1, 1), Converted(D("120.0"), "USD", Rate("EUR", JAN_8, D("1.2")))),
        # before the first rate: a gap, never a later rate nor zero
        ("EUR", date(2027, 1, 3), Gap("EUR", date(2027, 1, 3))),
        ("GBP", JAN_5, Converted(D("125.00"), "USD", Rate("GBP", JAN_5, D("1.25")))),
        ("JPY", JAN_5, Gap("JPY", JAN_5)),
        # the reporting currency converts at 1, without a rate
        ("USD", date(1999, 1, 1), Converted(D(100), "USD", None)),
    ],
)
def test_the_latest_rate_on_or_before_the_date_applies(currency, on, expected):
    table = RateTable("USD", ROWS)

    assert table.convert(D(100), currency, on) == expected


def test_rates_for_another_reporting_currency_are_not_used():
    table = RateTable("GBP", ROWS)

    assert table.convert(D(10), "EUR", JAN_8) == Converted(
        D("8.0"), "GBP", Rate("EUR", date(2027, 1, 1), D("0.8"))
    )
    assert table.convert(D(10), "USD", JAN_8) == Gap("USD", JAN_8)
    assert table.currencies() == ("EUR",)


def test_a_gap_names_the_currency_and_the_date():
    assert Gap("EUR", JAN_4).message == "No exchange rate for EUR on or before 2027-01-04."


def campaign(pk: int, currency: str, budget: str, start: date, end: date) -> CampaignRow:
    return CampaignRow(pk, f"c{pk}", 1, "", start, end, CampaignStatus.ACTIVE, D(budget), currency)


def test_campaign_money_converts_each_entry_at_its_own_date_and_the_budget_at_the_start():
    # given: a EUR campaign from Jan 4 to Jan 13 (10 days), seen on Jan 8 (5 days over)
    table = RateTable("USD", ROWS)
    eur = campaign(1, "EUR", "1000", JAN_4, date(2027, 1, 13))
    spend = [
        SpendRow(1, JAN_5, Channel.EMAIL, D(100), "EUR"),  # at 1.1 (Jan 4) = 110
        SpendRow(1, JAN_8, Channel.EMAIL, D(50), "EUR"),  # at 1.2 (Jan 8) = 60
        SpendRow(1, JAN_8, None, D(40), "GBP"),  # at 1.25 (Jan 5) = 50
    ]
    results = [
        ResultRow(1, JAN_5, Channel.EMAIL, ResultMetric.REVENUE, D(500)),  # EUR at 1.1 = 550
        ResultRow(1, JAN_8, None, ResultMetric.LEADS, D(11)),
    ]

    # when
    money = campaign_money(eur, [], spend, results, JAN_8, rates=table)

    # then
    reported = money.total.reported
    assert reported is not None
    assert reported.budget is not None and reported.budget.total == D("1100.0")  # 1000 x 1.1
    assert reported.spend.total == D("220.00")  # 110 + 60 + 50
    assert reported.projected.total == D("440.00")  # x 10 days / 5 elapsed
    assert reported.revenue.total == D("550.0")
    assert reported.roi() == D("1.5")  # (550 - 220) / 220
    assert reported.cost_per_lead(money.total.leads) == D(20)  # 220 / 11
    assert reported.gaps == ()
    assert sorted(reported.rates) == [
        Rate("EUR", JAN_4, D("1.1")),
        Rate("EUR", JAN_8, D("1.2")),
        Rate("GBP", JAN_5, D("1.25")),
    ]
    email = money.channels[Channel.EMAIL].reported
    assert email is not None and email.spend.total == D("170.0")
    assert sorted(email.rates) == [Rate("EUR", JAN_4, D("1.1")), Rate("EUR", JAN_8, D("1.2"))]


def test_a_missing_rate_leaves_the_figure_without_a_total_and_names_the_gap():
    # given: spend dated before the first EUR rate
    table = RateTable("USD", ROWS)
    eur = campaign(1, "EUR", "1000", JAN_4, date(2027, 1, 13))
    spend = [SpendRow(1, date(2027, 1, 2), None, D(100), "EUR")]

    # when
    money = campaign_money(eur, [], spend, [], JAN_8, rates=table)

    # then
    reported = money.total.reported
    assert reported is not None
    assert reported.spend.total is None and reported.projected.total is None
    assert reported.roi() is None and reported.cost_per_lead(D(3)) is None
    assert reported.budget is not None and reported.budget.total == D("1100.0")
    assert reported.gaps == (Gap("EUR", date(2027, 1, 2)),)


def test_two_campaigns_in_two_currencies_add_up_by_their_shares():
    # given: a USD campaign (no rate needed) and a EUR one, 60% and 50% towards one goal
    table = RateTable("USD", ROWS)
    usd = campaign(1, "USD", "300", JAN_4, JAN_8)
    eur = campaign(2, "EUR", "200", JAN_5, JAN_8)
    usd_money = campaign_money(
        usd, [], [SpendRow(1, JAN_4, None, D(100), "USD")], [], JAN_8, rates=table
    )
    eur_money = campaign_money(
        eur, [], [SpendRow(2, JAN_8, None, D(100), "EUR")], [], JAN_8, rates=table
    )

    # when
    total = total_of([(usd_money, D("0.6")), (eur_money, D("0.5"))]).total

    # then: budget 300 x 0.6 + 200 x 1.1 (Jan 5 uses Jan 4's rate) x 0.5 = 180 + 110
    reported = total.reported
    assert reported is not None
    assert reported.budget is not None and reported.budget.total == D("290.00")
    # spend 100 x 0.6 + 100 x 1.2 x 0.5 = 60 + 60
    assert reported.spend.total == D("120.00")
    assert total.currency is None  # the native figures still never mix
    assert sorted(reported.rates) == [Rate("EUR", JAN_4, D("1.1")), Rate("EUR", JAN_8, D("1.2"))]
