"""`server.measured` on its own: the formulas over rows, worked out by hand, with no
database: period bounds, shares, ratios without value, currencies and gaps, points."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from server.currency.rates import RateRow, RateTable
from server.enums import KeyResultSource, ResultMetric
from server.measured.measure import measure
from server.measured.money import ThroughReporting
from server.measured.source import Source
from server.rollups import rows as r

START, DUE, TODAY = date(2026, 1, 1), date(2026, 6, 30), date(2026, 4, 30)
GOAL = r.GoalRow(1, None, 1, "Goal", "OTHER", START, date(2026, 12, 31), D(1))  # type: ignore[arg-type]


def key_result(source: Source, currency: str | None = None) -> r.KeyResultRow:
    return r.KeyResultRow(
        1, 1, "KR", D(0), D(100), D(0), DUE, D(1), currency=currency, source=source
    )


def campaign(pk: int, currency: str = "USD") -> r.CampaignRow:
    return r.CampaignRow(pk, f"C{pk}", 1, "", START, DUE, "ACTIVE", D(0), currency)  # type: ignore[arg-type]


def result(pk: int, campaign_id: int, day: date, metric: ResultMetric, value) -> r.ResultRow:
    return r.ResultRow(campaign_id, day, None, metric, D(value), pk)


def spend(pk: int, campaign_id: int, day: date, amount, currency: str = "USD") -> r.SpendRow:
    return r.SpendRow(campaign_id, day, None, D(amount), currency, pk)


def test_entries_count_from_the_goals_start_through_today_within_the_due_date():
    # given: entries on the first day, the day before it, today and tomorrow
    kr = key_result(Source(KeyResultSource.METRIC, ResultMetric.LEADS))
    results = {
        10: [
            result(1, 10, START, ResultMetric.LEADS, 5),
            result(2, 10, date(2025, 12, 31), ResultMetric.LEADS, 1000),
            result(3, 10, TODAY, ResultMetric.LEADS, 7),
            result(4, 10, date(2026, 5, 1), ResultMetric.LEADS, 1000),
        ]
    }

    # when
    found = measure(
        kr, GOAL, [r.AlignmentRow(10, 1, D("0.25"))], {10: campaign(10)}, results, {}, TODAY
    )

    # then: 0.25 x (5 + 7) = 3
    assert found.value == D(3)
    assert [(p.day, p.value) for p in found.points] == [(START, D("1.25")), (TODAY, D(3))]
    assert [c.entry for c in found.campaigns[0].entries] == [("ResultEntry", 1), ("ResultEntry", 3)]


def test_cost_per_lead_has_no_value_until_a_lead_counts():
    # given
    kr = key_result(Source(KeyResultSource.COST_PER, ResultMetric.LEADS), "USD")
    spent = {10: [spend(1, 10, date(2026, 2, 1), "300")]}
    leads = {10: [result(2, 10, date(2026, 2, 3), ResultMetric.LEADS, 6)]}
    aligned = [r.AlignmentRow(10, 1, D("0.5"))]

    # when
    before = measure(kr, GOAL, aligned, {10: campaign(10)}, {}, spent, TODAY)
    after = measure(kr, GOAL, aligned, {10: campaign(10)}, leads, spent, TODAY)

    # then: no value and a reason, then (0.5 x 300) / (0.5 x 6) = 50
    assert (before.value, before.numerator, before.denominator) == (None, D(150), D(0))
    assert before.reason is not None and "denominator is 0" in before.reason
    assert after.value == D(50)
    assert [(p.day, p.value) for p in after.points] == [
        (date(2026, 2, 1), None),
        (date(2026, 2, 3), D(50)),
    ]


def test_money_without_a_currency_of_its_own_counts_in_the_reporting_currency():
    # given: a key result with no currency, fed by USD and EUR campaigns; 1 EUR = 1.25 USD
    kr = key_result(Source(KeyResultSource.METRIC, ResultMetric.REVENUE))
    table = RateTable("USD", [RateRow("EUR", "USD", date(2026, 1, 1), D("1.25"))])
    campaigns = {10: campaign(10), 20: campaign(20, "EUR")}
    results = {
        10: [result(1, 10, date(2026, 2, 1), ResultMetric.REVENUE, 100)],
        20: [result(2, 20, date(2026, 2, 1), ResultMetric.REVENUE, 100)],
    }
    aligned = [r.AlignmentRow(10, 1, D(1)), r.AlignmentRow(20, 1, D(1))]

    # when
    found = measure(
        kr, GOAL, aligned, campaigns, results, {}, TODAY, ThroughReporting(table), "USD"
    )
    no_fallback = measure(kr, GOAL, aligned, campaigns, results, {}, TODAY)

    # then: 100 + 125 in USD; without a reporting currency nothing to count money in
    assert (found.value, found.currency, found.gaps) == (D(225), "USD", ())
    assert no_fallback.currency is None
    assert [g.code for g in no_fallback.gaps] == ["NO_CURRENCY", "NO_CURRENCY"]


def test_a_rate_into_another_currency_goes_through_the_reporting_one():
    # given: USD reporting; 1 EUR = 1.10 USD, 1 GBP = 1.25 USD; a GBP key result, EUR money
    table = RateTable(
        "USD",
        [
            RateRow("EUR", "USD", date(2026, 1, 1), D("1.10")),
            RateRow("GBP", "USD", date(2026, 1, 1), D("1.25")),
        ],
    )

    # when
    converted = ThroughReporting(table).convert(D(100), "EUR", "GBP", date(2026, 2, 1))
    missing = ThroughReporting(table).convert(D(100), "CHF", "GBP", date(2026, 2, 1))

    # then: 100 EUR = 110 USD = 88 GBP
    assert converted.amount == D(88)
    assert missing.amount is None and "CHF" in (missing.gap or "")
