"""Money columns in the organisation's reporting currency, written as the API's
`money { reporting { ... } }` shows them.

The converted figures are the rollups engine's own (`Figures.reported`, each amount at
the rate of its date, added up by the same shares), so nothing is converted here: this
module only rounds them as the API does and names the gaps. A figure with an amount no
rate converts is empty, never a total that left the amount out, and `reporting_gaps`
says which rate is missing and which figures it empties.
"""

from __future__ import annotations

from server.currency.rates import Gap
from server.exports.columns import Item, columns
from server.rollups.arithmetic import cents, fraction
from server.rollups.money import Figures
from server.rollups.reporting import Amount, Reported, reported_or_zeros

FIGURE_COLUMNS = {
    "budget": "budget",
    "spend": "spend_to_date",
    "projected": "projected_spend",
    "revenue": "revenue",
}
"""The native column each converted figure (`server.rollups.reporting.FIGURES`) mirrors."""

REPORTING_COLUMNS = columns(
    ("reporting_currency", "The organisation's reporting currency (ISO 4217)."),
    ("budget_reporting", "`budget` converted at the rates of its campaigns' start dates; "
     "empty when a rate is missing."),
    ("spend_to_date_reporting", "`spend_to_date` converted at each entry's date's rate."),
    ("projected_spend_reporting", "`projected_spend` in the reporting currency."),
    ("revenue_reporting", "`revenue` converted at each result's date's rate."),
    ("cost_per_lead_reporting", "spend_to_date_reporting / leads; empty without leads or "
     "with a missing rate."),
    ("roi_reporting", "(revenue - spend) / spend in the reporting currency; empty when "
     "nothing was spent or with a missing rate."),
    ("reporting_gaps", "The missing rates, by currency and date, with the figures each "
     "leaves empty: in CSV `EUR 2027-01-03: spend_to_date, projected_spend; ...`, in JSON "
     "lines objects with `currency`, `date`, `figures` and `message`."),
)  # fmt: skip


def _total(amount: Amount | None):
    total = None if amount is None else amount.total
    return None if total is None else cents(total)


def _gap(reported: Reported, gap: Gap) -> Item:
    figures = [FIGURE_COLUMNS[name] for name in reported.stopped_by(gap)]
    day = gap.on.isoformat()
    return Item(
        {"currency": gap.currency, "date": day, "figures": figures, "message": gap.message},
        f"{gap.currency} {day}: {', '.join(figures)}",
    )


def reporting_values(figures: Figures, currency: str) -> tuple:
    """The `REPORTING_COLUMNS` of a node's figures; `currency` is the reporting one."""
    reported = reported_or_zeros(figures.reported, currency)
    per_lead = reported.cost_per_lead(figures.leads)
    roi = reported.roi()
    return (
        reported.currency,
        _total(reported.budget),
        _total(reported.spend),
        _total(reported.projected),
        _total(reported.revenue),
        None if per_lead is None else cents(per_lead),
        None if roi is None else fraction(roi),
        [_gap(reported, gap) for gap in reported.gaps],
    )
