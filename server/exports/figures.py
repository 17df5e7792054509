"""Progress and money columns, written as the API shows them.

The same rounding as the GraphQL fields (`schema/rollups`): fractions to 4 places,
money to 2, counts to at most 4; a single-currency figure is empty when the amounts
are in several currencies, as the API's is null.
"""

from __future__ import annotations

from decimal import Decimal

from server.exports.columns import columns
from server.rollups.arithmetic import amount, cents, fraction
from server.rollups.money import Bag, MoneySummary
from server.rollups.progress import Progress

PROGRESS_COLUMNS = columns(
    ("progress", "Progress in [0, 1], as `progress` in the API."),
    ("expected_progress", "The elapsed fraction of the period, as `expectedProgress`."),
    ("health", "ON_TRACK, AT_RISK, OFF_TRACK, NOT_STARTED or DONE."),
)

MONEY_COLUMNS = columns(
    ("currency", "ISO 4217 code of every amount; empty when there are several."),
    ("budget", "Planned budget (through the alignment shares above a campaign)."),
    ("spend_to_date", "Spend entries dated up to today."),
    ("projected_spend", "Spend at the end date at the current burn rate."),
    ("revenue", "REVENUE results."),
    ("leads", "LEADS results."),
    ("cost_per_lead", "Spend to date / leads; empty without leads."),
    ("roi", "(revenue - spend) / spend; empty when nothing was spent."),
)

NO_PROGRESS = (None,) * len(PROGRESS_COLUMNS)
NO_MONEY = (None,) * len(MONEY_COLUMNS)


def progress_values(result: Progress) -> tuple:
    return (fraction(result.progress), fraction(result.expected), result.health.value)


def _in(bag: Bag | None, currency: str | None) -> Decimal | None:
    return None if bag is None or currency is None else cents(bag.get(currency))


def money_values(summary: MoneySummary) -> tuple:
    figures = summary.total
    currency = figures.currency
    per_lead = figures.cost_per_lead()
    roi = None if currency is None else figures.roi(currency)
    return (
        currency,
        _in(figures.budget, currency),
        _in(figures.spend, currency),
        _in(figures.projected, currency),
        _in(figures.revenue, currency),
        amount(figures.leads),
        None if per_lead is None else cents(per_lead),
        None if roi is None else fraction(roi),
    )
