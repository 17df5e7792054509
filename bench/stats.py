"""Timing figures and the table the benchmark prints."""

from __future__ import annotations

import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field


@dataclass
class Timings:
    seconds: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds) if self.seconds else float("nan")

    @property
    def p95(self) -> float:
        """The nearest-rank 95th percentile (the largest of fewer than 20 samples)."""
        if not self.seconds:
            return float("nan")
        ordered = sorted(self.seconds)
        rank = max(1, -(-95 * len(ordered) // 100))
        return ordered[rank - 1]


async def timed(repeat: int, work: Callable[[], Awaitable[object]]) -> Timings:
    timings = Timings()
    for _ in range(repeat):
        started = time.perf_counter()
        await work()
        timings.seconds.append(time.perf_counter() - started)
    return timings


def timed_sync(repeat: int, work: Callable[[], object]) -> Timings:
    timings = Timings()
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        timings.seconds.append(time.perf_counter() - started)
    return timings


@dataclass
class Row:
    """One line of the table: a workload (or its floor) on one engine and size."""

    engine: str
    size: int
    workload: str
    timings: Timings | None = None
    statements: int | None = None
    peak_mb: float | None = None
    floor: Timings | None = None
    floor_name: str = ""
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.timings is None or self.floor is None or not self.floor.seconds:
            return None
        return self.timings.median / self.floor.median


HEADER = (
    f"{'engine':<10} {'nodes':>7}  {'workload':<30} {'median ms':>10} {'p95 ms':>9} "
    f"{'stmts':>6} {'peak MB':>8} {'x floor':>8}  note"
)


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value * 1000:.1f}"


def format_row(row: Row) -> str:
    median = row.timings.median if row.timings else None
    p95 = row.timings.p95 if row.timings else None
    ratio = row.ratio
    parts = [
        f"{row.engine:<10} {row.size:>7}  {row.workload:<30}",
        f"{_ms(median):>10} {_ms(p95):>9}",
        f"{'-' if row.statements is None else row.statements:>6}",
        f"{'-' if row.peak_mb is None else f'{row.peak_mb:.0f}':>8}",
        f"{'-' if ratio is None else f'{ratio:.2f}':>8} ",
        (f"vs {row.floor_name}; " if row.floor_name else "") + row.note,
    ]
    return " ".join(parts).rstrip()
