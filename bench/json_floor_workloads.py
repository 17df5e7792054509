"""The reads sent to floor (c), one SQL statement building the JSON behind a bare
Starlette endpoint (bench/json_floor.py), on the same PostgreSQL database.

Each follows Throughline's workload in the same run, with the same client, documents
and timing, and adds a row with the ratio Throughline / floor (c) ("x floor" of
`... vs c`): the design's bar is within 2x of it. The notes compare the objects each
answer holds.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx

from bench import queries
from bench.client import post
from bench.peer_queries import count_objects, describe, throughline_type
from bench.server_process import ROOT, ServerProcess
from bench.stats import Row, Timings, timed
from bench.workloads import QUARTER, Context, busiest_teams, live_ids, paged
from schema.core.ids import encode_global_id

FLOOR = "  floor c: SQL builds the JSON"
START_SECONDS = 30
RATIO_NAMES = {
    "W1 tree, nested": "W1 tree, nested vs c",
    "W1 tree, flat": "W1 tree, flat vs c",
    "W2 calendar quarter, 2 teams": "W2 calendar vs c",
    "W3 trace, per task": "W3 trace vs c",
    "W6 node, two levels of edges": "W6 node vs c",
}


class FloorProcess(ServerProcess):
    """`python -m bench.json_floor` on a free port, serving one PostgreSQL database."""

    def start(self) -> None:
        self.launch(
            [sys.executable, "-m", "bench.json_floor", self.database_url, str(self.port)],
            ROOT, dict(os.environ, PYTHONPATH=str(ROOT)), "/healthz", "floor (c)",
            START_SECONDS,
        )  # fmt: skip


@dataclass
class Floor:
    process: FloorProcess
    client: httpx.AsyncClient


@contextlib.asynccontextmanager
async def running_floor(url: str, postgres: bool) -> AsyncIterator[Floor | None]:
    """Floor (c) serving `url`; None on SQLite, whose floor is not built."""
    if not postgres:
        yield None
        return
    with FloorProcess(url) as process:
        async with httpx.AsyncClient(base_url=process.base_url, timeout=600) as client:
            yield Floor(process, client)


def versus(ctx: Context, rows: list[Row], floor_row: Row, timings: Timings) -> list[Row]:
    """The floor's row, then Throughline's ratio to it for each workload measured."""
    out = [floor_row]
    for row in rows:
        name = RATIO_NAMES.get(row.workload)
        if name is not None and row.timings is not None:
            out.append(ctx.row(name, timings=row.timings, floor=timings, floor_name="floor c",
                               note="x floor = Throughline / floor (c)"))  # fmt: skip
    return out


def same(ours: dict, theirs: dict) -> str:
    a, b = count_objects(ours, throughline_type), count_objects(theirs, throughline_type)
    return f"same objects: {describe(a)}" if a == b else (
        f"objects DIFFER: Throughline {describe(a)}, floor {describe(b)}")  # fmt: skip


async def _measured(floor: Floor, repeat: int, work) -> tuple[Timings, float | None]:
    floor.process.reset_peak()
    timings = await timed(repeat, work)
    return timings, floor.process.peak_mb()


async def w1(ctx: Context, floor: Floor, rows: list[Row]) -> list[Row]:
    ours = await paged(ctx.remote, queries.W1_NESTED, "goals")
    theirs = await paged(floor.client, queries.W1_NESTED, "goals")
    timings, peak = await _measured(
        floor, ctx.heavy_repeat, lambda: paged(floor.client, queries.W1_NESTED, "goals")
    )
    row = ctx.row(FLOOR, timings=timings, statements=1, peak_mb=peak,
                  note=f"{len(theirs)} request(s); {same(ours, theirs)}")  # fmt: skip
    return versus(ctx, rows, row, timings)


async def w2(ctx: Context, floor: Floor, rows: list[Row]) -> list[Row]:
    team_ids, _ = await busiest_teams(ctx)
    variables = {"from": QUARTER[0].isoformat(), "to": QUARTER[1].isoformat(), "teams": team_ids}
    ours = await post(ctx.remote, queries.W2_CALENDAR, variables)
    theirs = await post(floor.client, queries.W2_CALENDAR, variables)
    timings, peak = await _measured(
        floor, ctx.repeat, lambda: post(floor.client, queries.W2_CALENDAR, variables)
    )
    a, b = (data["calendar"]["entries"] for data in (ours, theirs))

    def key(entries: dict) -> tuple:
        return entries["totalCount"], [node["id"] for node in entries["nodes"]]

    agree = "same" if key(a) == key(b) else "DIFFERENT"
    note = (f"{agree} entries: Throughline {len(a['nodes'])} of {a['totalCount']}, "
            f"floor {len(b['nodes'])} of {b['totalCount']}")  # fmt: skip
    row = ctx.row(FLOOR, timings=timings, statements=1, peak_mb=peak, note=note)
    return versus(ctx, rows, row, timings)


async def _each(floor: Floor, document: str, type_name: str, keys: list[int]) -> Timings:
    timings = Timings()
    for key in keys:
        variables = {"id": encode_global_id(type_name, key)}
        one = await timed(1, lambda v=variables: post(floor.client, document, v))
        timings.seconds += one.seconds
    return timings


async def per_node(
    ctx: Context, floor: Floor, rows: list[Row], document: str, type_name: str, keys: list[int]
) -> list[Row]:
    compared = 20
    ours_total, theirs_total = {}, {}
    for key in keys[:compared]:
        variables = {"id": encode_global_id(type_name, key)}
        ours_total[key] = await post(ctx.remote, document, variables)
        theirs_total[key] = await post(floor.client, document, variables)
    floor.process.reset_peak()
    timings = await _each(floor, document, type_name, keys)
    peak = floor.process.peak_mb()
    agree = same(list(ours_total.values()), list(theirs_total.values()))
    row = ctx.row(FLOOR, timings=timings, statements=1, peak_mb=peak,
                  note=f"{len(keys)} requests; first {compared}: {agree}")  # fmt: skip
    return versus(ctx, rows, row, timings)


async def w3(ctx: Context, floor: Floor, rows: list[Row], traces: int) -> list[Row]:
    tasks = await live_ids("task", ctx.size, traces)  # the tasks W3 traced
    return await per_node(ctx, floor, rows, queries.W3_TRACE, "Task", tasks)


async def w6(ctx: Context, floor: Floor, rows: list[Row], fetches: int) -> list[Row]:
    campaigns = await live_ids("campaign", ctx.size, fetches)  # the campaigns W6 fetched
    return await per_node(ctx, floor, rows, queries.W6_NODE, "Campaign", campaigns)
