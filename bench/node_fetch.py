"""Latency of a small node fetch, one request at a time, against a server running the
code of a given checkout: to compare parse and validation costs before and after a
change, on the same cached organisation.

    python -m bench.node_fetch --size 1000 --requests 2000 [--root ../other-checkout]
    THROUGHLINE_QUERY_CACHE_ENTRIES=0 python -m bench.node_fetch ...   (no document cache)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx
from tortoise import connections

from bench.databases import Engine, ensure_organisation, user_ids
from bench.server_process import START_SECONDS, free_port
from schema.core.ids import encode_global_id
from server.database import close_database, open_database
from server.settings import load_settings
from server.tokens import TokenSigner

NODE = """query Node($id: ID!) { node(id: $id) { id ... on Task {
  title status startDate dueDate estimateHours campaign { id name } } } }"""
SECRET = "node-fetch-benchmark-" + "x" * 32


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


async def organisation(size: int) -> tuple[str, int, list[int]]:
    """The organisation's URL, the reader's id and the ids of its tasks."""
    url = await ensure_organisation(Engine("SQLite"), size, log)
    await open_database(load_settings(env={}, overrides={"database_url": url}))
    try:
        reader, _ = await user_ids()
        _, rows = await connections.get("default").execute_query("SELECT id FROM task")
    finally:
        await close_database()
    return url, reader, [int(tuple(row)[0]) for row in rows]


def serve(root: Path, url: str, port: int) -> subprocess.Popen:
    """`throughline serve` with the code of `root` (first on the import path)."""
    env = {
        **os.environ,
        "THROUGHLINE_JWT_SECRET": SECRET,
        "THROUGHLINE_LOG_LEVEL": "WARNING",
        "THROUGHLINE_MAX_IN_FLIGHT": "1000",
    }
    command = [
        sys.executable, "-c", "from server.cli import main; main()", "serve", "--no-demo",
        "--port", str(port), "--database-url", url, "--workers", "1",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=root, env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the server did not start")


async def fetches(port: int, token: str, tasks: list[int], requests: int) -> list[float]:
    chosen = random.Random(1).choices(tasks, k=requests)
    seconds = []
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"Bearer {token}"}
    ) as client:
        for key in chosen:
            body = {"query": NODE, "variables": {"id": encode_global_id("Task", key)}}
            started = time.perf_counter()
            response = await client.post("/graphql", json=body)
            seconds.append(time.perf_counter() - started)
            if response.status_code != 200 or "errors" in response.json():
                raise SystemExit(f"the fetch failed: {response.text[:300]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.node_fetch")
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    args = parser.parse_args()
    url, reader, tasks = asyncio.run(organisation(args.size))
    port = free_port()
    server = serve(args.root.resolve(), url, port)
    try:
        token = TokenSigner(SECRET, 1440).issue(reader).token
        asyncio.run(fetches(port, token, tasks, 200))  # warm up
        seconds = asyncio.run(fetches(port, token, tasks, args.requests))
    finally:
        server.terminate()
        server.wait()
    ms = sorted(s * 1000 for s in seconds)
    print(
        f"{args.root}: {len(ms)} node fetches on SQLite, {args.size} nodes: "
        f"median {statistics.median(ms):.2f} ms, p90 {ms[int(len(ms) * 0.9)]:.2f} ms, "
        f"mean {statistics.fmean(ms):.2f} ms"
    )


if __name__ == "__main__":
    main()
