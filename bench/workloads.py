"""W1, W2, W3 and W5: single-client reads against one server, with their floors."""

from __future__ import annotations

import gc
import random
import time
import tracemalloc
from dataclasses import dataclass
from datetime import date

import httpx
from tortoise import connections

from bench import floors, queries
from bench.client import post
from bench.server_process import ServerProcess
from bench.stats import Row, Timings, timed, timed_sync
from schema.core.ids import encode_global_id
from server.read_model import ReadModel
from server.read_model.tables import HELD
from server.statements import count_statements

QUARTER = date(2026, 4, 1), date(2026, 6, 30)
YEAR = date(2026, 1, 1), date(2026, 12, 31)


@dataclass
class Context:
    """One engine and size: the server, a client of it, and an in-process one."""

    engine: str
    size: int
    server: ServerProcess
    remote: httpx.AsyncClient  # the server subprocess, for times and memory
    local: httpx.AsyncClient  # the ASGI app in this process, for statement counts
    repeat: int
    heavy_repeat: int
    schema_sdl: str

    def row(self, workload: str, **fields) -> Row:
        return Row(self.engine, self.size, workload, **fields)


async def statements_of(ctx: Context, query: str, variables: dict | None = None) -> int:
    """Statements of one request in the steady state: the in-process app has built its
    read model and computed its rollups on a first request."""
    await post(ctx.local, query, variables)
    with count_statements() as counter:
        await post(ctx.local, query, variables)
    return counter.count


async def measured(ctx: Context, repeat: int, work) -> tuple[Timings, float | None]:
    ctx.server.reset_peak()
    timings = await timed(repeat, work)
    return timings, ctx.server.peak_mb()


async def paged(client: httpx.AsyncClient, query: str, field: str) -> list[dict]:
    """Every page of a root connection, one request per page; the pages' data."""
    pages, after = [], None
    while True:
        data = await post(client, query, {"after": after})
        pages.append(data)
        info = data[field]["pageInfo"]
        if not info["hasNextPage"]:
            return pages
        after = info["endCursor"]


async def w1(ctx: Context) -> list[Row]:
    pages = await paged(ctx.remote, queries.W1_NESTED, "goals")
    statements = await statements_of(ctx, queries.W1_NESTED, {"after": None})
    timings, peak = await measured(
        ctx, ctx.heavy_repeat, lambda: paged(ctx.remote, queries.W1_NESTED, "goals")
    )
    floor_a = floors.tree_floor(queries.W1_NESTED)
    cursors = [None] + [page["goals"]["pageInfo"]["endCursor"] for page in pages[:-1]]

    def graphql_core() -> None:
        for page, after in zip(pages, cursors, strict=True):
            floor_a.run(page, {"after": after})

    timings_a = timed_sync(ctx.heavy_repeat, graphql_core)
    timings_b = await timed(ctx.heavy_repeat, lambda: floors.raw_rows(floors.TREE_SQL))
    nodes = sum(_count_tree(page["goals"]["nodes"]) for page in pages)
    note = f"{len(pages)} request(s), {nodes} nodes"
    rows = [
        ctx.row("W1 tree, nested", timings=timings, statements=statements, peak_mb=peak,
                floor=timings_a, floor_name="floor a", note=note),
        ctx.row("  floor a: graphql-core", timings=timings_a),
        ctx.row("  floor b: 1 SQL + orjson", timings=timings_b, statements=1),
        ctx.row("W1 tree, nested vs b", timings=timings, floor=timings_b, floor_name="floor b"),
    ]  # fmt: skip
    if "goalTreeFlat" in ctx.schema_sdl:
        flat_pages = await paged(ctx.remote, queries.W1_FLAT, "goalTreeFlat")
        flat_statements = await statements_of(ctx, queries.W1_FLAT, {"after": None})
        flat, flat_peak = await measured(
            ctx, ctx.heavy_repeat, lambda: paged(ctx.remote, queries.W1_FLAT, "goalTreeFlat")
        )
        flat_nodes = sum(len(page["goalTreeFlat"]["nodes"]) for page in flat_pages)
        rows.append(
            ctx.row("W1 tree, flat", timings=flat, statements=flat_statements,
                    peak_mb=flat_peak, floor=timings_a, floor_name="floor a",
                    note=f"{len(flat_pages)} request(s), {flat_nodes} nodes")
        )  # fmt: skip
        rows.append(
            ctx.row("W1 tree, flat vs b", timings=flat, floor=timings_b, floor_name="floor b")
        )
    return rows


def _count_tree(goals: list[dict]) -> int:
    total = 0
    for goal in goals:
        total += 1
        for kr in goal["keyResults"]["nodes"]:
            total += 1
            for campaign in kr["campaigns"]["nodes"]:
                total += 1 + len(campaign["tasks"]["nodes"])
        if "children" in goal:
            total += _count_tree(goal["children"]["nodes"])
    return total


async def busiest_teams(ctx: Context) -> tuple[list[str], list[int]]:
    """The two teams owning the most campaigns: their global IDs and keys."""
    _, rows = await connections.get("default").execute_query(
        "SELECT owner_team_id, COUNT(*) AS n FROM campaign GROUP BY owner_team_id "
        "ORDER BY n DESC, owner_team_id LIMIT 2"
    )
    keys = [int(tuple(row)[0]) for row in rows]
    return [encode_global_id("Team", key) for key in keys], keys


async def w2(ctx: Context) -> list[Row]:
    team_ids, team_keys = await busiest_teams(ctx)
    variables = {"from": QUARTER[0].isoformat(), "to": QUARTER[1].isoformat(), "teams": team_ids}
    data = await post(ctx.remote, queries.W2_CALENDAR, variables)
    statements = await statements_of(ctx, queries.W2_CALENDAR, variables)
    timings, peak = await measured(
        ctx, ctx.repeat, lambda: post(ctx.remote, queries.W2_CALENDAR, variables)
    )
    sql = floors.calendar_sql(team_keys, *QUARTER)
    floor_b = await timed(ctx.repeat, lambda: floors.raw_rows(sql))
    entries = data["calendar"]["entries"]
    note = f"{len(entries['nodes'])} of {entries['totalCount']} entries"
    return [
        ctx.row("W2 calendar quarter, 2 teams", timings=timings, statements=statements,
                peak_mb=peak, floor=floor_b, floor_name="floor b", note=note),
        ctx.row("  floor b: 1 SQL + orjson", timings=floor_b, statements=1),
    ]  # fmt: skip


async def live_ids(table: str, size: int, count: int) -> list[int]:
    """`count` live rows of `table`, drawn the same way in every run."""
    _, rows = await connections.get("default").execute_query(
        f"SELECT id FROM {table} WHERE archived_at IS NULL ORDER BY id"
    )
    keys = [int(tuple(row)[0]) for row in rows]
    return random.Random(size).choices(keys, k=count)


async def per_node(
    ctx: Context, workload: str, document: str, type_name: str, keys: list[int], floor_sql
) -> list[Row]:
    """One request per key (a node of `type_name`), and the one-statement floor of each."""
    first = {"id": encode_global_id(type_name, keys[0])}
    statements = await statements_of(ctx, document, first)
    ctx.server.reset_peak()
    timings, floor_b = Timings(), Timings()
    for key in keys:
        variables = {"id": encode_global_id(type_name, key)}
        one = await timed(1, lambda v=variables: post(ctx.remote, document, v))
        timings.seconds += one.seconds
    peak = ctx.server.peak_mb()
    for key in keys:
        floor_b.seconds += (await timed(1, lambda k=key: floors.raw_rows(floor_sql(k)))).seconds
    return [
        ctx.row(workload, timings=timings, statements=statements, peak_mb=peak,
                floor=floor_b, floor_name="floor b", note=f"{len(keys)} requests"),
        ctx.row("  floor b: 1 SQL + orjson", timings=floor_b, statements=1),
    ]  # fmt: skip


async def w3(ctx: Context, traces: int) -> list[Row]:
    tasks = await live_ids("task", ctx.size, traces)
    return await per_node(
        ctx, "W3 trace, per task", queries.W3_TRACE, "Task", tasks, floors.trace_sql
    )


async def w6(ctx: Context, fetches: int) -> list[Row]:
    campaigns = await live_ids("campaign", ctx.size, fetches)
    return await per_node(
        ctx, "W6 node, two levels of edges", queries.W6_NODE, "Campaign", campaigns,
        floors.node_sql,
    )  # fmt: skip


async def model(ctx: Context) -> list[Row]:
    """The read model of this organisation built from the database (what a worker does
    at start-up): build time over three builds, then the memory its objects hold, traced
    in a fourth build (tracing slows building down, so it is not timed)."""
    timings = Timings()
    for _ in range(3):
        gc.collect()
        started = time.perf_counter()
        snapshot = await ReadModel().current()
        timings.seconds.append(time.perf_counter() - started)
    del snapshot
    gc.collect()
    tracemalloc.start()
    try:
        snapshot = await ReadModel().current()
        held, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    rows = sum(len(snapshot.table(model)) for model in HELD)
    note = f"{rows} rows held in {held / 2**20:.0f} MB (traced), {peak / 2**20:.0f} MB at peak"
    return [ctx.row("model build", timings=timings, statements=None, note=note)]


async def w5(ctx: Context) -> list[Row]:
    variables = {"start": YEAR[0].isoformat(), "end": YEAR[1].isoformat()}
    data = await post(ctx.remote, queries.W5_ROLLUPS, variables)
    statements = await statements_of(ctx, queries.W5_ROLLUPS, variables)
    timings, peak = await measured(
        ctx, ctx.heavy_repeat, lambda: post(ctx.remote, queries.W5_ROLLUPS, variables)
    )
    floor_b = await timed(ctx.heavy_repeat, floors.rollup_rows)
    note = f"{data['risks']['totalCount']} risks"
    return [
        ctx.row("W5 rollups and risks", timings=timings, statements=statements, peak_mb=peak,
                floor=floor_b, floor_name="floor b", note=note),
        ctx.row(f"  floor b: {len(floors.ROLLUP_TABLES)} SQL + orjson", timings=floor_b,
                statements=len(floors.ROLLUP_TABLES)),
    ]  # fmt: skip
