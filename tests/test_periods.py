"""Fiscal period names and the periods that hold work, by hand (no database)."""

from __future__ import annotations

from datetime import date

import pytest

from server.periods.fiscal import FiscalCalendar, Period, PeriodKind, PeriodNameError
from server.periods.with_work import merged, periods_with_work

APRIL = FiscalCalendar(4)
NOVEMBER = FiscalCalendar(11)
JANUARY = FiscalCalendar(1)

Y, H, Q = PeriodKind.YEAR, PeriodKind.HALF, PeriodKind.QUARTER


@pytest.mark.parametrize(
    ("calendar", "name", "start", "end", "kind"),
    [
        # January: fiscal years are calendar years
        (JANUARY, "FY2027", date(2027, 1, 1), date(2027, 12, 31), Y),
        (JANUARY, "FY2027-Q4", date(2027, 10, 1), date(2027, 12, 31), Q),
        (JANUARY, "FY2027-H2", date(2027, 7, 1), date(2027, 12, 31), H),
        # April: FY2027 ends in 2027, so it starts in April 2026
        (APRIL, "FY2027", date(2026, 4, 1), date(2027, 3, 31), Y),
        (APRIL, "FY2027-Q1", date(2026, 4, 1), date(2026, 6, 30), Q),
        (APRIL, "FY2027-Q4", date(2027, 1, 1), date(2027, 3, 31), Q),
        (APRIL, "FY2027-H2", date(2026, 10, 1), date(2027, 3, 31), H),
        # November: FY2027 runs from 2026-11-01; its first quarter spans the new year
        (NOVEMBER, "FY2027", date(2026, 11, 1), date(2027, 10, 31), Y),
        (NOVEMBER, "FY2027-Q1", date(2026, 11, 1), date(2027, 1, 31), Q),
        (NOVEMBER, "FY2027-Q2", date(2027, 2, 1), date(2027, 4, 30), Q),
        (NOVEMBER, "fy2027-q1", date(2026, 11, 1), date(2027, 1, 31), Q),
        (NOVEMBER, " FY2027-h1 ", date(2026, 11, 1), date(2027, 4, 30), H),
        # December: a first quarter ending on a leap day
        (FiscalCalendar(12), "FY2028-Q1", date(2027, 12, 1), date(2028, 2, 29), Q),
    ],
)
def test_a_name_stands_for_its_period(calendar, name, start, end, kind):
    period = calendar.named(name)

    assert (period.start, period.end, period.kind) == (start, end, kind)


@pytest.mark.parametrize(
    ("day", "fiscal_year", "quarter"),
    [
        (date(2026, 3, 31), 2026, "FY2026-Q4"),
        (date(2026, 4, 1), 2027, "FY2027-Q1"),
        (date(2027, 1, 15), 2027, "FY2027-Q4"),
        (date(2026, 12, 31), 2027, "FY2027-Q3"),
    ],
)
def test_a_day_falls_in_the_fiscal_year_it_ends_with(day, fiscal_year, quarter):
    assert APRIL.fiscal_year_of(day) == fiscal_year
    assert APRIL.quarter_of(day).name == quarter


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("2027-Q1", "is not a period name: use FY2027, FY2027-H1 or FY2027-Q1"),
        ("FY27", "is not a period name"),
        ("FY2027-Q5", "names no period: a fiscal year has Q1 to Q4"),
        ("FY2027-H3", "names no period: a fiscal year has H1 or H2"),
        ("FY2027-Q0", "names no period"),
        ("FY0001", "outside the supported dates"),
        ("FY1900", "FY1900 runs from 1899-04-01 to 1900-03-31, outside the supported dates"),
        ("FY9999-Q1", "outside the supported dates"),
        ("FY2027" + " " * 30, "^This is not a period name"),
    ],
)
def test_a_bad_name_says_what_is_accepted(name, says):
    with pytest.raises(PeriodNameError, match=says):
        APRIL.named(name)


def test_spans_are_merged_before_periods_are_counted():
    spans = [
        (date(2026, 5, 1), date(2026, 5, 3)),
        (date(2026, 5, 4), date(2026, 5, 9)),  # touches the first
        (date(2026, 5, 2), date(2026, 5, 2)),
        (date(2026, 8, 1), date(2026, 7, 1)),  # ends before it starts: its start counts
    ]

    assert merged(spans) == [
        (date(2026, 5, 1), date(2026, 5, 9)),
        (date(2026, 8, 1), date(2026, 8, 1)),
    ]


def test_each_year_with_work_comes_before_its_quarters_with_work():
    # given: work in March 2026 (FY2026-Q4) and from December 2026 to January 2027
    spans = [
        (date(2026, 3, 10), date(2026, 3, 12)),
        (date(2026, 12, 20), date(2027, 1, 10)),
    ]

    # when
    found = periods_with_work(spans, APRIL)

    # then: the Jan-Dec year would have split the second span; fiscal quarters do not
    assert [(p.name, p.start, p.end) for p in found] == [
        ("FY2026", date(2025, 4, 1), date(2026, 3, 31)),
        ("FY2026-Q4", date(2026, 1, 1), date(2026, 3, 31)),
        ("FY2027", date(2026, 4, 1), date(2027, 3, 31)),
        ("FY2027-Q3", date(2026, 10, 1), date(2026, 12, 31)),
        ("FY2027-Q4", date(2027, 1, 1), date(2027, 3, 31)),
    ]


def test_a_long_span_counts_every_quarter_it_covers_once():
    found = periods_with_work([(date(2026, 1, 1), date(2026, 12, 31))] * 3, JANUARY)

    assert found == [
        Period(date(2026, 1, 1), date(2026, 12, 31), "FY2026", Y),
        *(JANUARY.quarter(2026, q) for q in (1, 2, 3, 4)),
    ]


def test_no_work_no_periods():
    assert periods_with_work([], APRIL) == []
