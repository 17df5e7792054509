"""Exports at scale: rows per second and the memory each export holds at most.

    python -m bench.export [--size 100000] [--postgres URL] [--only tree workload ...]

The organisation is the cached synthetic one of `bench/databases.py` (generated on first
use). Its read model and rollups are built first: every server process holds them
anyway, and the API's reads share them. Each export then runs three times into a sink
that only counts bytes: once to fill what the engine keeps per data version (a goal's
money, memoised for every later request), once timed (rows per second), and once under
`tracemalloc`, whose peak above the memory held before the export began is the most the
export itself held at any moment. A file built whole in memory would need at least its
own size: the last column compares the two.

Workload over 60 weeks is the export that passes 100 000 rows at 100 000 nodes (about
1 700 teams and people, a row per week each); the calendar takes the year with task
due dates.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
import tracemalloc
from collections.abc import Iterator
from dataclasses import dataclass

from bench.databases import TODAY, Engine, ensure_organisation
from server.database import close_database, open_database
from server.exports.columns import Row
from server.exports.criteria import parse_criteria
from server.exports.formats import Format, encoded
from server.exports.kinds import KINDS
from server.exports.source import Source, source_of
from server.read_model import ReadModel
from server.settings import Thresholds, load_settings

PLANS: dict[str, dict[str, list[str]]] = {
    "tree": {"campaigns": ["true"]},
    "campaigns": {},
    "risks": {},
    "workload": {"from": ["2026-01-05"], "to": ["2027-02-28"]},
    "calendar": {"from": ["2026-01-01"], "to": ["2026-12-31"], "includeTasks": ["true"]},
}
MB = 1024 * 1024


@dataclass
class Run:
    rows: int = 0
    bytes: int = 0
    seconds: float = 0.0
    peak: int = 0


def log(message: str) -> None:
    print(f"# {message}", file=sys.stderr, flush=True)


def _counted(rows: Iterator[Row], run: Run) -> Iterator[Row]:
    for row in rows:
        run.rows += 1
        yield row


def export_once(kind_name: str, format: Format, source: Source, traced: bool = False) -> Run:
    kind = KINDS[kind_name]
    criteria = parse_criteria(kind.accepts, PLANS[kind_name])
    run = Run()
    if traced:
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
    started = time.perf_counter()
    for chunk in encoded(format, kind.columns, _counted(kind.rows(source, criteria), run)):
        run.bytes += len(chunk)
    run.seconds = time.perf_counter() - started
    if traced:
        run.peak = tracemalloc.get_traced_memory()[1] - base
        tracemalloc.stop()
    return run


async def measure(engine: Engine, size: int, only: list[str]) -> None:
    url = await ensure_organisation(engine, size, log)
    await open_database(load_settings(env={}, overrides={"database_url": url}))
    try:
        started = time.perf_counter()
        snapshot = await ReadModel().current()
        log(f"{engine.label} {size}: read model built in {time.perf_counter() - started:.1f}s")
        print(
            f"{'export':<22} {'rows':>8} {'MB out':>8} {'rows/s':>9} {'peak MB':>8} {'out/peak':>9}"
        )
        for kind_name in only:
            kind = KINDS[kind_name]
            source = await source_of(snapshot, TODAY, Thresholds(), risks=kind.needs_risks)
            for format in Format:
                export_once(kind_name, format, source)
                timed = export_once(kind_name, format, source)
                traced = export_once(kind_name, format, source, traced=True)
                rate = timed.rows / timed.seconds if timed.seconds else 0.0
                ratio = timed.bytes / traced.peak if traced.peak else 0.0
                print(
                    f"{engine.label + ' ' + kind_name + '.' + format.value:<22} {timed.rows:>8} "
                    f"{timed.bytes / MB:>8.1f} {rate:>9,.0f} {traced.peak / MB:>8.2f} "
                    f"{ratio:>8.0f}x",
                    flush=True,
                )
    finally:
        await close_database()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.export", description=__doc__)
    parser.add_argument("--size", type=int, default=100_000, help="nodes (default 100000)")
    parser.add_argument("--postgres", metavar="URL", help="also measure on PostgreSQL")
    parser.add_argument("--only", nargs="+", choices=list(PLANS), default=list(PLANS))
    args = parser.parse_args()
    engines = [Engine("SQLite")] + ([Engine("PostgreSQL", args.postgres)] if args.postgres else [])
    for engine in engines:
        asyncio.run(measure(engine, args.size, args.only))


if __name__ == "__main__":
    main()
