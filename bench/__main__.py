"""Throughline benchmarks: W1-W7 on synthetic organisations, printed as one table;
W8, a CSV import of 100 000 spend lines, when asked for (`--only W8`, bench/ingest.py).

    python -m bench [--sizes 1000 10000 100000] [--postgres URL] [--repeat 10]
                    [--traces 1000] [--load-seconds 20] [--clients 8] [--only W2 ...]

Organisations are generated once and cached (bench/databases.py). The reads (W1 goal
tree, W2 calendar quarter, W3 trace, W5 rollups and risks, W6 one node with two levels
of edges) are sent to `throughline serve` running as a child process, whose peak
resident memory is read from /proc; statement counts come from the same request sent
to the app inside this process. W4 drives a copy of the 10 000-node organisation (or
the largest size asked for below it) with concurrent clients: one worker on SQLite,
one and then two on PostgreSQL (and their ratio). Each size starts with the
read model built in this process: its build time and the memory it holds.

On PostgreSQL the same reads also go to the peer, PostGraphile 5 on the same database
(bench/peer/, installed with npm on first use; `--no-peer` leaves it out), and W4's
reads alone run on both, as do W7's (W6's node fetch, then the calendar, each alone
from concurrent clients against one process of each); each peer row is followed by
Throughline's ratio to it.
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import random
import secrets
import sys
import time
from pathlib import Path

import httpx
from tortoise import connections

from bench import ingest, json_floor_workloads, load, peer_server, peer_workloads, workloads
from bench.cpu import CpuWatch
from bench.databases import (
    Engine,
    ensure_organisation,
    organisation_name,
    scratch_name,
    user_ids,
)
from bench.server_process import ServerProcess
from bench.stats import HEADER, Row, format_row
from server.app import create_app
from server.database import close_database, open_database
from server.settings import load_settings
from server.tokens import TokenSigner

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "schema.graphql"
WORKLOADS = ("W1", "W2", "W3", "W4", "W5", "W6", "W8")


def log(message: str) -> None:
    print(f"# {message}", file=sys.stderr, flush=True)


def emit(rows: list[Row]) -> None:
    for row in rows:
        print(format_row(row), flush=True)


async def reads(engine: Engine, size: int, args: argparse.Namespace, with_peer: bool) -> list[Row]:
    url = await ensure_organisation(engine, size, log)
    secret = secrets.token_urlsafe(48)
    settings = load_settings(
        env={},
        overrides={"database_url": url, "jwt_secret": secret, "max_cost": 10**15,
                   "request_seconds": 600},
    )  # fmt: skip
    await open_database(settings)
    rows: list[Row] = []
    try:
        reader, _ = await user_ids()
        local_app = create_app(settings, manage_database=False)
        with ServerProcess(url) as server:
            async with (
                peer_workloads.running_peer(url, with_peer) as peer,
                json_floor_workloads.running_floor(url, engine.postgres) as floor,
                httpx.AsyncClient(
                    base_url=server.base_url,
                    timeout=600,
                    headers={"Authorization": f"Bearer {server.token(reader)}"},
                ) as remote,
                httpx.AsyncClient(
                    transport=httpx.ASGITransport(app=local_app),
                    base_url="http://bench",
                    timeout=600,
                    headers={"Authorization": f"Bearer {TokenSigner(secret).issue(reader).token}"},
                ) as local,
            ):
                sdl = SCHEMA_FILE.read_text(encoding="utf-8")
                ctx = workloads.Context(
                    engine=engine.label, size=size, server=server, remote=remote,
                    local=local, repeat=args.repeat,
                    heavy_repeat=args.repeat if size <= 10_000 else max(3, args.repeat // 3),
                    schema_sdl=sdl,
                )  # fmt: skip
                steps = [("model", lambda: workloads.model(ctx)), ("W1", lambda: workloads.w1(ctx))]
                if "calendar(" in sdl:
                    steps.append(("W2", lambda: workloads.w2(ctx)))
                steps += [
                    ("W3", lambda: workloads.w3(ctx, args.traces)),
                    ("W5", lambda: workloads.w5(ctx)),
                    ("W6", lambda: workloads.w6(ctx, args.traces)),
                ]
                for name, step in steps:
                    if not wanted(args, name):
                        continue
                    started = time.perf_counter()
                    found = own = await step()
                    log(f"{engine.label} {size}: {name} took {time.perf_counter() - started:.1f}s")
                    emit(found)
                    rows += found
                    if peer is not None and name in PEER_STEPS:
                        started = time.perf_counter()
                        found = await PEER_STEPS[name](ctx, peer, found, args)
                        log(f"{engine.label} {size}: {name} on the peer took "
                            f"{time.perf_counter() - started:.1f}s")  # fmt: skip
                        emit(found)
                        rows += found
                    if floor is not None and name in FLOOR_STEPS:
                        found = await FLOOR_STEPS[name](ctx, floor, own, args)
                        emit(found)
                        rows += found
    finally:
        await close_database()
    return rows


def wanted(args: argparse.Namespace, step: str) -> bool:
    """Whether `--only` leaves the step in (the model's row always comes with reads)."""
    return args.only is None or step in args.only or step == "model"


PEER_STEPS = {
    "W1": lambda ctx, peer, rows, args: peer_workloads.w1(ctx, peer, rows),
    "W2": lambda ctx, peer, rows, args: peer_workloads.w2(ctx, peer, rows),
    "W3": lambda ctx, peer, rows, args: peer_workloads.w3(ctx, peer, rows, args.traces),
    "W6": lambda ctx, peer, rows, args: peer_workloads.w6(ctx, peer, rows, args.traces),
}


FLOOR_STEPS = {
    "W1": lambda ctx, floor, rows, args: json_floor_workloads.w1(ctx, floor, rows),
    "W2": lambda ctx, floor, rows, args: json_floor_workloads.w2(ctx, floor, rows),
    "W3": lambda ctx, floor, rows, args: json_floor_workloads.w3(ctx, floor, rows, args.traces),
    "W6": lambda ctx, floor, rows, args: json_floor_workloads.w6(ctx, floor, rows, args.traces),
}


async def mixed_load(
    engine: Engine, size: int, args: argparse.Namespace, with_peer: bool
) -> list[Row]:
    """W4 on a throwaway copy of the organisation, so the cached one stays unchanged."""
    source_url = await ensure_organisation(engine, size, log)
    await open_database(load_settings(env={}, overrides={"database_url": source_url}))
    try:
        reader, writer = await user_ids()
        campaigns = await workloads.live_ids("campaign", size, 1000)
        db = connections.get("default")
        _, task_rows = await db.execute_query("SELECT id FROM task ORDER BY id")
        _, kr_rows = await db.execute_query(
            "SELECT id, version, CAST(current_value AS TEXT) FROM key_result "
            "WHERE archived_at IS NULL ORDER BY id"
        )
    finally:
        await close_database()
    tasks = [int(tuple(row)[0]) for row in task_rows]
    key_results = [(int(a), int(b), str(c)) for a, b, c in map(tuple, kr_rows)]
    random.Random(size).shuffle(key_results)
    key_results = key_results[: args.clients * 10]

    rows: list[Row] = []
    per_second: dict[int, float] = {}
    for workers in (1, 2) if engine.postgres else (1,):
        name = scratch_name(engine, size)
        await engine.create(name, template=organisation_name(engine, size))
        try:
            with ServerProcess(engine.url(name), workers=workers) as server:
                server.reset_peak()
                watch = CpuWatch(server.serving_pids)
                watch.start()
                result = await load.run_load(
                    server.base_url, server.token(reader), server.token(writer),
                    args.load_seconds, args.clients, tasks, key_results,
                    calendar="calendar(" in SCHEMA_FILE.read_text(encoding="utf-8"),
                )  # fmt: skip
                cores = watch.stop()
                peak = server.peak_mb()
        finally:
            await engine.drop(name)
        per_second[workers] = result.per_second
        note = (
            f"{result.per_second:.0f} req/s, {result.requests} requests "
            f"({result.writes} writes), {len(result.errors)} errors, {args.clients} clients, "
            f"{workers} worker(s); {cores.note()}"
        )
        for error in result.errors[:5]:
            log(f"W4 error: {error}")
        rows.append(Row(engine.label, size, "W4 mixed load", timings=result.timings,
                        peak_mb=peak, note=note))  # fmt: skip
    if 1 in per_second and 2 in per_second and per_second[1]:
        scaling = per_second[2] / per_second[1]
        rows.append(Row(engine.label, size, "W4 two workers vs one",
                        note=f"{scaling:.2f}x the requests per second of one worker"))  # fmt: skip
    if with_peer:
        calendar = "calendar(" in SCHEMA_FILE.read_text(encoding="utf-8")
        peer_loads = {
            "W4 reads": peer_workloads.read_load(
                engine.label, size, source_url, reader, tasks, args.load_seconds,
                args.clients, max(per_second), calendar,
            ),
            "W7": peer_workloads.concurrent_reads(
                engine.label, size, source_url, reader, campaigns, args.load_seconds,
                args.clients,
            ),
        }  # fmt: skip
        for name, peer_load in peer_loads.items():
            try:
                found, errors = await peer_load
            except RuntimeError as error:
                print(f"# peer skipped: {error}", flush=True)
                continue
            rows += found
            for error in errors:
                log(f"{name} error: {error}")
    return rows


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--postgres", help="URL of a PostgreSQL server to also measure on")
    parser.add_argument("--repeat", type=int, default=10, help="requests per timing")
    parser.add_argument("--traces", type=int, default=1000, help="W3: tasks traced")
    parser.add_argument("--load-seconds", type=float, default=20, help="W4: duration")
    parser.add_argument("--clients", type=int, default=8, help="W4: concurrent clients")
    parser.add_argument("--data-dir", type=Path, help="where cached SQLite files go")
    parser.add_argument("--no-peer", action="store_true",
                        help="leave out the peer (PostGraphile 5) on PostgreSQL")  # fmt: skip
    parser.add_argument("--only", nargs="+", choices=WORKLOADS, metavar="W",
                        help=f"run only these workloads, of {' '.join(WORKLOADS)} "
                        "(W8, the CSV import, runs only when named)")  # fmt: skip
    parser.add_argument("--ingest-rows", type=int, default=100_000,
                        help="W8: spend lines in the imported file")  # fmt: skip
    args = parser.parse_args(argv)
    if min(args.sizes) < 20 or args.repeat < 1 or args.traces < 1 or args.clients < 1:
        parser.error("sizes must be at least 20; repeat, traces and clients at least 1")
    args.sizes = sorted(set(args.sizes))
    return args


async def run(args: argparse.Namespace) -> list[Row]:
    sqlite = Engine("SQLite") if args.data_dir is None else Engine("SQLite", folder=args.data_dir)
    engines = [sqlite] + ([Engine("PostgreSQL", args.postgres)] if args.postgres else [])
    print(f"# {platform.node()}: {platform.processor() or platform.machine()}, "
          f"Python {platform.python_version()}, {' '.join(sys.argv)}")  # fmt: skip
    print(HEADER, flush=True)
    peer_ready = False
    if args.postgres and not args.no_peer:
        reason = peer_server.install()
        if reason is None:
            peer_ready = True
        else:
            print(f"# peer skipped: {reason}", flush=True)
    rows: list[Row] = []
    started = time.perf_counter()
    for engine in engines:
        with_peer = peer_ready and engine.postgres
        for size in args.sizes:
            if args.only is None or set(args.only) - {"W4", "W8"}:
                rows += await reads(engine, size, args, with_peer)
        if args.only is not None and "W8" in args.only:
            found = await ingest.w8(engine, args.ingest_rows, log)
            emit(found)
            rows += found
        if not wanted(args, "W4"):
            continue
        load_size = max([s for s in args.sizes if s <= 10_000] or [min(args.sizes)])
        found = await mixed_load(engine, load_size, args, with_peer)
        emit(found)
        rows += found
    log(f"finished in {time.perf_counter() - started:.0f}s")
    return rows


def main(argv: list[str] | None = None) -> None:
    asyncio.run(run(parse_args(argv)))


if __name__ == "__main__":
    main()
