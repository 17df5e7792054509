"""The read workloads sent to the peer, PostGraphile 5, on the same PostgreSQL database.

Each follows Throughline's workload in the same run: the same HTTP client and timing
(median and 95th percentile), the statements one request sends (counted by the peer
on its own connections, bench/peer/server.mjs), the peak memory of the Node.js process,
and a row with the ratio Throughline / PostGraphile ("x peer" under `x floor`). The
notes say how many objects each answer holds, so a ratio compares equal answers.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx

from bench import load, peer_queries, queries
from bench.client import post
from bench.json_floor_workloads import FLOOR, FloorProcess
from bench.peer_queries import count_objects, describe, peer_type, throughline_type
from bench.peer_server import PeerProcess
from bench.server_process import ServerProcess
from bench.stats import Row, Timings, timed
from bench.workloads import QUARTER, Context, busiest_teams, live_ids, paged
from schema.core.ids import encode_global_id

PEER = "  peer: PostGraphile 5"
TRACES_COMPARED = 20
RATIO_NAMES = {
    "W1 tree, nested": "W1 tree, nested vs peer",
    "W1 tree, flat": "W1 tree, flat vs peer",
    "W2 calendar quarter, 2 teams": "W2 calendar vs peer",
    "W3 trace, per task": "W3 trace vs peer",
    "W6 node, two levels of edges": "W6 node vs peer",
}


@dataclass
class Peer:
    process: PeerProcess
    client: httpx.AsyncClient

    async def statements_of(self, query: str, variables: dict | None = None) -> int:
        await post(self.client, query, variables)  # warm: plans and connections
        before = self.process.statements()
        await post(self.client, query, variables)
        return self.process.statements() - before


@contextlib.asynccontextmanager
async def running_peer(url: str, wanted: bool) -> AsyncIterator[Peer | None]:
    """The peer serving `url`, or None when not wanted or when it does not start."""
    if not wanted:
        yield None
        return
    process = PeerProcess(url)
    try:
        process.start()
    except RuntimeError as error:
        print(f"# peer skipped: {error}", flush=True)
        yield None
        return
    try:
        async with httpx.AsyncClient(base_url=process.base_url, timeout=600) as client:
            yield Peer(process, client)
    finally:
        process.stop()


def same(ours: Counter, theirs: Counter) -> str:
    if ours == theirs:
        return f"same objects: {describe(ours)}"
    return f"objects DIFFER: Throughline {describe(ours)}, peer {describe(theirs)}"


def versus(ctx: Context, workload: str, ours: Timings, theirs: Timings) -> Row:
    return ctx.row(RATIO_NAMES[workload], timings=ours, floor=theirs, floor_name="peer",
                   note="x peer = Throughline / PostGraphile")  # fmt: skip


def peer_rows(
    ctx: Context, rows: list[Row], workloads: tuple[str, ...], peer_row: Row, timings: Timings
) -> list[Row]:
    """The peer's row, then a ratio row for each of Throughline's `workloads` measured."""
    out = [peer_row]
    for workload in workloads:
        ours = next((row.timings for row in rows if row.workload == workload), None)
        if ours is not None:
            out.append(versus(ctx, workload, ours, timings))
    return out


async def _measured(peer: Peer, repeat: int, work) -> tuple[Timings, float | None]:
    peer.process.reset_peak()
    timings = await timed(repeat, work)
    return timings, peer.process.peak_mb()


async def w1(ctx: Context, peer: Peer, rows: list[Row]) -> list[Row]:
    ours = await paged(ctx.remote, queries.W1_NESTED, "goals")
    theirs = await paged(peer.client, peer_queries.W1_TREE, "allGoals")
    statements = await peer.statements_of(peer_queries.W1_TREE, {"after": None})
    timings, peak = await _measured(
        peer, ctx.heavy_repeat, lambda: paged(peer.client, peer_queries.W1_TREE, "allGoals")
    )
    counts = same(count_objects(ours, throughline_type), count_objects(theirs, peer_type))
    row = ctx.row(PEER, timings=timings, statements=statements, peak_mb=peak,
                  note=f"{len(theirs)} request(s); {counts}")  # fmt: skip
    return peer_rows(ctx, rows, ("W1 tree, nested", "W1 tree, flat"), row, timings)


def merged_entries(data: dict, limit: int = 100) -> list[dict]:
    """The peer's three lists as one calendar page: by start day, then kind, then id."""
    entries = []
    for field, kind, start in (("allCampaigns", "campaign", "startDate"),
                               ("allMilestones", "milestone", "startDate"),
                               ("allTasks", "task", "dueDate")):  # fmt: skip
        for node in data[field]["nodes"]:
            entries.append((node[start], kind, node["id"], node))
    entries.sort(key=lambda entry: entry[:3])
    return [entry[3] for entry in entries[:limit]]


async def w2(ctx: Context, peer: Peer, rows: list[Row]) -> list[Row]:
    team_ids, team_keys = await busiest_teams(ctx)
    quarter = {"from": QUARTER[0].isoformat(), "to": QUARTER[1].isoformat()}
    ours = await post(ctx.remote, queries.W2_CALENDAR, {**quarter, "teams": team_ids})
    variables = {**quarter, "teams": team_keys}
    theirs = await post(peer.client, peer_queries.W2_ENTRIES, variables)
    statements = await peer.statements_of(peer_queries.W2_ENTRIES, variables)
    timings, peak = await _measured(
        peer, ctx.repeat, lambda: post(peer.client, peer_queries.W2_ENTRIES, variables)
    )
    total = sum(theirs[field]["totalCount"] for field in ("allCampaigns", "allMilestones",
                                                          "allTasks"))  # fmt: skip
    entries = ours["calendar"]["entries"]
    note = (
        f"closest equivalent, no calendar in PostGraphile: campaigns, milestones and "
        f"dated tasks of the 2 teams in the quarter, 3 lists of first 100 by start, "
        f"merged: {len(merged_entries(theirs))} of {total} entries "
        f"(Throughline {len(entries['nodes'])} of {entries['totalCount']})"
    )
    row = ctx.row(PEER, timings=timings, statements=statements, peak_mb=peak, note=note)
    return peer_rows(ctx, rows, ("W2 calendar quarter, 2 teams",), row, timings)


def peer_paths(data: dict) -> int:
    """Paths to objectives in the peer's answer: one per key result the task reaches."""
    task = data["taskByRowId"]
    if task["campaignByCampaignId"] is not None:
        return len(task["campaignByCampaignId"]["alignmentsByCampaignId"]["nodes"])
    return 1 if task["keyResultByKeyResultId"] is not None else 0


async def w3(ctx: Context, peer: Peer, rows: list[Row], traces: int) -> list[Row]:
    chosen = await live_ids("task", ctx.size, traces)  # the tasks W3 traced
    statements = await peer.statements_of(peer_queries.W3_TRACE, {"id": chosen[0]})
    ours_paths = theirs_paths = 0
    for key in chosen[:TRACES_COMPARED]:
        ours = await post(ctx.remote, queries.W3_TRACE, {"id": encode_global_id("Task", key)})
        ours_paths += len(ours["trace"]["paths"])
        theirs_paths += peer_paths(await post(peer.client, peer_queries.W3_TRACE, {"id": key}))
    timings, peak = await each_timed(peer, peer_queries.W3_TRACE, chosen)
    agree = "same" if ours_paths == theirs_paths else "DIFFERENT"
    note = (
        f"{traces} requests; {agree} paths for the first {TRACES_COMPARED} tasks: "
        f"Throughline {ours_paths}, peer {theirs_paths} (peer: 4 goal levels up, fixed)"
    )
    row = ctx.row(PEER, timings=timings, statements=statements, peak_mb=peak, note=note)
    return peer_rows(ctx, rows, ("W3 trace, per task",), row, timings)


async def each_timed(peer: Peer, document: str, keys: list[int]) -> tuple[Timings, float | None]:
    """One request per key to the peer, timed; and its peak memory meanwhile."""
    peer.process.reset_peak()
    timings = Timings()
    for key in keys:
        one = await timed(1, lambda k=key: post(peer.client, document, {"id": k}))
        timings.seconds += one.seconds
    return timings, peer.process.peak_mb()


async def w6(ctx: Context, peer: Peer, rows: list[Row], fetches: int) -> list[Row]:
    chosen = await live_ids("campaign", ctx.size, fetches)  # the campaigns W6 fetched
    statements = await peer.statements_of(peer_queries.W6_NODE, {"id": chosen[0]})
    ours = await post(ctx.remote, queries.W6_NODE, {"id": encode_global_id("Campaign", chosen[0])})
    theirs = await post(peer.client, peer_queries.W6_NODE, {"id": chosen[0]})
    timings, peak = await each_timed(peer, peer_queries.W6_NODE, chosen)
    counts = same(count_objects(ours, throughline_type), count_objects(theirs, peer_type))
    note = f"{fetches} requests; first campaign: {counts}"
    row = ctx.row(PEER, timings=timings, statements=statements, peak_mb=peak, note=note)
    return peer_rows(ctx, rows, ("W6 node, two levels of edges",), row, timings)


CONCURRENT = {
    "node": (queries.W6_NODE, peer_queries.W6_NODE),
    "calendar": (load.READS["calendar"], peer_queries.READS["calendar"]),
}


async def concurrent_reads(
    engine: str,
    size: int,
    url: str,
    reader: int,
    campaigns: list[int],
    seconds: float,
    clients: int,
) -> tuple[list[Row], list[str]]:
    """W7: one read alone (W6's node fetch of `campaigns`, then W4's calendar) from
    `clients` concurrent clients against one Throughline worker, the one Node.js process
    of the peer and the one process of floor (c): requests per second per process."""
    rows: list[Row] = []
    errors: list[str] = []
    for name, (ours_document, peer_document) in CONCURRENT.items():
        with ServerProcess(url, workers=1) as server:
            server.reset_peak()
            token = server.token(reader)
            ours = await load.run_load(
                server.base_url, token, token, seconds, clients, campaigns, [], True,
                documents={name: ours_document},
                task_id=lambda key: encode_global_id("Campaign", key),
            )  # fmt: skip
            peak = server.peak_mb()
        with PeerProcess(url) as process:
            process.reset_peak()
            theirs = await load.run_load(
                process.base_url, "unused", "unused", seconds, clients, campaigns, [], True,
                documents={name: peer_document}, task_id=lambda key: key,
            )  # fmt: skip
            peer_peak = process.peak_mb()
        with FloorProcess(url) as floor_process:
            floor_process.reset_peak()
            floor = await load.run_load(
                floor_process.base_url, "unused", "unused", seconds, clients, campaigns, [],
                True, documents={name: ours_document},
                task_id=lambda key: encode_global_id("Campaign", key),
            )  # fmt: skip
            floor_peak = floor_process.peak_mb()
        label = f"W7 {name}, {clients} clients"
        rows += [
            Row(engine, size, label, timings=ours.timings, peak_mb=peak,
                note=f"{ours.per_second:.0f} req/s, {ours.requests} requests, "
                     f"{len(ours.errors)} errors, 1 worker"),
            Row(engine, size, PEER, timings=theirs.timings, peak_mb=peer_peak,
                note=f"{theirs.per_second:.0f} req/s, {theirs.requests} requests, "
                     f"{len(theirs.errors)} errors, 1 Node.js process"),
            Row(engine, size, f"{label} vs peer", timings=ours.timings, floor=theirs.timings,
                floor_name="peer",
                note=f"x peer = Throughline / PostGraphile, median latency; "
                     f"{ours.per_second / max(theirs.per_second, 1e-9):.2f}x its req/s"),
            Row(engine, size, FLOOR, timings=floor.timings, peak_mb=floor_peak,
                note=f"{floor.per_second:.0f} req/s, {floor.requests} requests, "
                     f"{len(floor.errors)} errors, 1 process"),
            Row(engine, size, f"{label} vs c", timings=ours.timings, floor=floor.timings,
                floor_name="floor c",
                note=f"x floor = Throughline / floor (c), median latency; "
                     f"{ours.per_second / max(floor.per_second, 1e-9):.2f}x its req/s"),
        ]  # fmt: skip
        errors += ours.errors[:3] + theirs.errors[:3] + floor.errors[:3]
    return rows, errors


async def read_load(
    engine: str,
    size: int,
    url: str,
    reader: int,
    tasks: list[int],
    seconds: float,
    clients: int,
    workers: int,
    calendar: bool,
) -> tuple[list[Row], list[str]]:
    """W4's reads only (no check-ins), on Throughline and on the peer, same clients;
    the rows and the first errors."""
    with ServerProcess(url, workers=workers) as server:
        server.reset_peak()
        token = server.token(reader)
        result = await load.run_load(
            server.base_url, token, token, seconds, clients, tasks, [], calendar
        )
        peak = server.peak_mb()
    with PeerProcess(url) as process:
        process.reset_peak()
        peer_result = await load.run_load(
            process.base_url, "unused", "unused", seconds, clients, tasks, [], calendar,
            documents=peer_queries.READS, task_id=lambda key: key,
        )  # fmt: skip
        peer_peak = process.peak_mb()

    def note(found: load.LoadResult, processes: str) -> str:
        return (f"{found.per_second:.0f} req/s, {found.requests} requests, "
                f"{len(found.errors)} errors, {clients} clients, {processes}")  # fmt: skip

    ours_row = Row(engine, size, "W4 reads only", timings=result.timings, peak_mb=peak,
                   note=note(result, f"{workers} worker(s); goal page, task search, "
                             "trace, calendar"))  # fmt: skip
    peer_row = Row(engine, size, PEER, timings=peer_result.timings, peak_mb=peer_peak,
                   note=note(peer_result, "1 Node.js process"))  # fmt: skip
    ratio = Row(engine, size, "W4 reads only vs peer", timings=result.timings,
                floor=peer_result.timings, floor_name="peer",
                note=f"x peer = Throughline / PostGraphile, median latency; req/s "
                     f"{result.per_second:.0f} against {peer_result.per_second:.0f}")  # fmt: skip
    errors = result.errors[:3] + peer_result.errors[:3]
    return [ours_row, peer_row, ratio], errors
