"""Exact decimal arithmetic for rollups: fractions of periods, rounding for display.

Computations keep full precision; only what is shown is rounded, half up: fractions
(progress, shares, ROI) to 4 places, money and hours to 2, counted results to at most
4 with trailing zeros dropped. Parts of a shown whole are rounded by largest remainder,
so the parts shown add up to the whole shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

ZERO = Decimal(0)
ONE = Decimal(1)
FRACTION_PLACES = Decimal("0.0001")
CENTS = Decimal("0.01")


def clamp(value: Decimal, low: Decimal = ZERO, high: Decimal = ONE) -> Decimal:
    return max(low, min(high, value))


def period_days(start: date, end: date) -> int:
    """Days in a period, both ends included (a period ending before it starts lasts a day)."""
    return max((end - start).days, 0) + 1


def days_elapsed(start: date, end: date, today: date) -> int:
    """Days of the period from its start up to and including today, within the period."""
    return min(max((today - start).days + 1, 0), period_days(start, end))


def elapsed_fraction(start: date, end: date, today: date) -> Decimal:
    """The expected progress: 0 before the first day, 1 from the last day on."""
    return Decimal(days_elapsed(start, end, today)) / Decimal(period_days(start, end))


def fraction(value: Decimal) -> Decimal:
    return value.quantize(FRACTION_PLACES, rounding=ROUND_HALF_UP)


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENTS, rounding=ROUND_HALF_UP)


def amount(value: Decimal) -> Decimal:
    """A count or measure: at most 4 decimal places, no trailing zeros, no exponent."""
    rounded = fraction(value).normalize()
    return rounded.quantize(ONE) if rounded.as_tuple().exponent > 0 else rounded


def apportioned(
    parts: Sequence[Decimal], whole: Decimal, places: Decimal = FRACTION_PLACES
) -> list[Decimal]:
    """`parts` rounded to `places` so that they add up to `whole` (a multiple of
    `places`, e.g. the rounded sum): each is rounded down, then the units still missing
    go one each to the largest remainders (the earlier part on a tie); a surplus, which
    only imprecise input can cause, is taken from the smallest."""
    shown = [part.quantize(places, rounding=ROUND_FLOOR) for part in parts]
    if not shown:
        return shown
    missing = int((whole - sum(shown, ZERO)) / places)
    ranked = sorted(range(len(parts)), key=lambda n: parts[n] - shown[n], reverse=True)
    if missing < 0:
        ranked.reverse()
    step = places if missing > 0 else -places
    for n in range(abs(missing)):
        shown[ranked[n % len(ranked)]] += step
    return shown
