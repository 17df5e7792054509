"""Fiscal years, halves and quarters, and their names (`FY2027`, `FY2027-H1`, `FY2027-Q1`).

The fiscal year starts on the first day of a configured month
(`THROUGHLINE_FISCAL_YEAR_START_MONTH`, 1 to 12) and is named after the calendar year in
which it ENDS: with April as the first month, FY2027 runs from 2026-04-01 to 2027-03-31
and FY2027-Q1 is April to June 2026; with January, FY2027 is the calendar year 2027.
Halves and quarters count from the fiscal year's first month.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from server.dates import DATES_TEXT, FIRST_DATE, LAST_DATE, date_supported

NAME = re.compile(r"^FY(\d{4})(?:-([HQ])(\d))?$")
PARTS = {"H": 2, "Q": 4}
MAX_NAME = 20
"""Longer text is no period name, and is not repeated in the error."""


class PeriodKind(StrEnum):
    YEAR = "YEAR"
    HALF = "HALF"
    QUARTER = "QUARTER"


class PeriodNameError(ValueError):
    """A period name that names no period: the message says what is accepted."""


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date
    name: str
    kind: PeriodKind


def _month_start(year: int, month_index: int) -> date:
    """The first day of the month `month_index` months after January of `year`."""
    year, month = divmod(year * 12 + month_index, 12)
    return date(year, month + 1, 1)


@dataclass(frozen=True)
class FiscalCalendar:
    start_month: int = 1
    """1 (January) to 12."""

    def _first_month(self, fiscal_year: int) -> int:
        """The month index (from January of year 0) the fiscal year starts with."""
        first_year = fiscal_year if self.start_month == 1 else fiscal_year - 1
        return first_year * 12 + self.start_month - 1

    def _span(self, fiscal_year: int, offset: int, months: int) -> tuple[date, date]:
        first = self._first_month(fiscal_year) + offset
        start = _month_start(0, first)
        end = _month_start(0, first + months) - timedelta(days=1)
        return start, end

    def fiscal_year_of(self, day: date) -> int:
        """The fiscal year `day` falls in (named after the year it ends in)."""
        if self.start_month == 1 or day.month < self.start_month:
            return day.year
        return day.year + 1

    def year(self, fiscal_year: int) -> Period:
        start, end = self._span(fiscal_year, 0, 12)
        return Period(start, end, f"FY{fiscal_year}", PeriodKind.YEAR)

    def half(self, fiscal_year: int, half: int) -> Period:
        start, end = self._span(fiscal_year, 6 * (half - 1), 6)
        return Period(start, end, f"FY{fiscal_year}-H{half}", PeriodKind.HALF)

    def quarter(self, fiscal_year: int, quarter: int) -> Period:
        start, end = self._span(fiscal_year, 3 * (quarter - 1), 3)
        return Period(start, end, f"FY{fiscal_year}-Q{quarter}", PeriodKind.QUARTER)

    def quarter_of(self, day: date) -> Period:
        fiscal_year = self.fiscal_year_of(day)
        months = (day.year * 12 + day.month - 1) - self._first_month(fiscal_year)
        return self.quarter(fiscal_year, months // 3 + 1)

    def named(self, name: str) -> Period:
        """The period `name` stands for; `PeriodNameError` says why a name stands for
        none."""
        match = NAME.match(name.strip().upper()) if len(name) <= MAX_NAME else None
        if match is None:
            shown = repr(name) if len(name) <= MAX_NAME else "This"
            raise PeriodNameError(
                f"{shown} is not a period name: use FY2027, FY2027-H1 or FY2027-Q1 "
                "(fiscal years are named after the year they end in)."
            )
        fiscal_year = int(match.group(1))
        part, number = match.group(2), match.group(3)
        if not FIRST_DATE.year <= fiscal_year <= LAST_DATE.year + 1:
            raise PeriodNameError(f"{name!r} lies outside the supported dates ({DATES_TEXT}).")
        if part is None:
            period = self.year(fiscal_year)
        elif not 1 <= int(number) <= PARTS[part]:
            whole = "H1 or H2" if part == "H" else "Q1 to Q4"
            raise PeriodNameError(f"{name!r} names no period: a fiscal year has {whole}.")
        elif part == "H":
            period = self.half(fiscal_year, int(number))
        else:
            period = self.quarter(fiscal_year, int(number))
        if not (date_supported(period.start) and date_supported(period.end)):
            raise PeriodNameError(
                f"{period.name} runs from {period.start.isoformat()} to "
                f"{period.end.isoformat()}, outside the supported dates ({DATES_TEXT})."
            )
        return period
