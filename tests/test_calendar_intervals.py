"""`Intervals`, the date index of the calendar: the same spans as a scan of every row."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from server.calendar.intervals import Intervals

DAYS = st.integers(min_value=0, max_value=3000)
SPANS = st.lists(st.tuples(DAYS, st.one_of(st.none(), DAYS)), max_size=60)


def scanned(spans: list[tuple[int, int | None]], first: int, last: int) -> list[int]:
    """What every row tested one by one would give."""
    found = []
    for item, (start, end) in enumerate(spans):
        low, high = (start, end) if end is None or end >= start else (end, start)
        if low <= last and (high is None or high >= first):
            found.append(item)
    return found


@given(spans=SPANS, first=DAYS, length=st.integers(min_value=0, max_value=400))
def test_meeting_finds_exactly_the_spans_a_scan_finds(spans, first, length):
    # given
    index = Intervals((start, end, item) for item, (start, end) in enumerate(spans))

    # when
    found = index.meeting(first, first + length)

    # then
    assert sorted(found) == scanned(spans, first, first + length)


def test_spans_of_every_length_and_without_an_end():
    # given: a day, a week, a year, a reversed span, and one without an end
    index = Intervals(
        [
            (100, 100, "day"),
            (100, 106, "week"),
            (0, 365, "year"),
            (50, 40, "reversed"),
            (500, None, "open"),
        ]
    )

    # when / then
    assert sorted(index.meeting(101, 101)) == ["week", "year"]
    assert sorted(index.meeting(45, 45)) == ["reversed", "year"]
    assert index.meeting(366, 499) == []
    assert sorted(index.meeting(400, 10_000)) == ["open"]
