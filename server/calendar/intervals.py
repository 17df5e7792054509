"""Finding the rows whose dates meet a range without looking at every row.

A calendar request asks for a month or a quarter of an organisation that may hold
years of work. Spans are kept in tiers by their length (up to 1 day, 3, 7, 15, ...), each
tier sorted by first day: a span of a tier whose spans last at most L days can meet
[first, last] only if it begins in [first - L + 1, last], which bisection finds. So a
query reads about the spans it returns, plus two bisections per tier, whatever the
organisation holds. Spans without an end have a tier of their own.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class _Tier(Generic[T]):
    longest: int | None
    """Days the longest span of the tier covers; None for spans without an end."""
    starts: list[int]
    ends: list[int | None]
    items: list[T]


class Intervals(Generic[T]):
    """Items over inclusive spans of day numbers (`date.toordinal()`), immutable."""

    def __init__(self, spans: Iterable[tuple[int, int | None, T]]) -> None:
        """`spans`: (first, last or None for no end, item); a reversed span counts
        as the days between its two ends."""
        tiers: dict[int | None, list[tuple[int, int | None, T]]] = defaultdict(list)
        for first, last, item in spans:
            if last is not None and last < first:
                first, last = last, first
            tier = None if last is None else (last - first + 1).bit_length()
            tiers[tier].append((first, last, item))
        self._tiers: list[_Tier[T]] = []
        for tier, members in tiers.items():
            members.sort(key=lambda member: member[0])
            self._tiers.append(
                _Tier(
                    None if tier is None else (1 << tier) - 1,
                    [first for first, _, _ in members],
                    [last for _, last, _ in members],
                    [item for _, _, item in members],
                )
            )

    def meeting(self, first: int, last: int) -> list[T]:
        """The items whose span shares a day with [first, last], in no set order."""
        found: list[T] = []
        for tier in self._tiers:
            low = 0 if tier.longest is None else bisect_left(tier.starts, first - tier.longest + 1)
            high = bisect_right(tier.starts, last)
            for position in range(low, high):
                end = tier.ends[position]
                if end is None or end >= first:
                    found.append(tier.items[position])
        return found
