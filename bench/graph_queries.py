"""Time and SQL statements of typical GraphQL reads on synthetic organisations.

Each query is sent over HTTP to the in-process ASGI app. Times are reported as ratios
against a floor measured in the same run (`{ __typename }`, which touches no database),
because absolute times on a shared machine are noise; statement counts are exact.

    python -m bench.graph_queries [--sizes 1000 10000] [--repeat 15] [--postgres URL]
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import statistics
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

import asyncpg
import httpx

from fixtures.generator import generate_document, synthetic_name
from fixtures.loader import load_document
from server import models
from server.app import create_app
from server.database import close_database, migrate_database, open_database
from server.enums import Role
from server.settings import load_settings, normalise_database_url
from server.statements import count_statements
from server.tokens import TokenSigner

TODAY = date(2026, 6, 15)
FLOOR = "{ __typename }"
QUERIES = {
    "goal page": "{ goals(first: 50) { totalCount nodes { title ownerTeam { name } } } }",
    "goal tree": """{ goals(filter: {rootsOnly: true}) { nodes { title
        keyResults { nodes { title checkIns(last: 5) { nodes { value } } } }
        children { nodes { title keyResults { nodes { title
            campaigns { edges { share node { name budget { amount }
                tasks { totalCount nodes { title assignee { name } } } } } } } }
            children { nodes { title } } } } } } }""",
    "supporting work": """{ goals(filter: {rootsOnly: true}) { nodes { title supportingWork {
        campaigns(first: 20) { totalCount nodes { name } }
        tasks(first: 20) { totalCount nodes { title } }
        milestones(first: 20) { totalCount nodes { title } } } } } }""",
    "task search": """{ tasks(filter: {statuses: [TODO, IN_PROGRESS], search: "a"}, first: 50)
        { totalCount nodes { title campaign { name } keyResult { title } } } }""",
    "unaligned work": """{ tasks(filter: {aligned: false}, first: 50) { totalCount nodes { title } }
        campaigns(filter: {aligned: false}) { totalCount nodes { name } } }""",
    "goal health": """{ goals(first: 50) { nodes { title progress expectedProgress health
        progressBreakdown { items { share contribution } }
        money { budget { amount } spendToDate { amount } roi } } } }""",
    "risks": """{ risks(first: 50) { totalCount nodes { kind severity message
        figures { name value } node { id } } } }""",
}


async def measure(client: httpx.AsyncClient, query: str, repeat: int) -> tuple[float, int]:
    """Median seconds per request and the statements one request sends."""
    with count_statements() as counter:
        response = await client.post("/graphql", json={"query": query})
    body = response.json()
    if response.status_code != 200 or body.get("errors"):
        raise SystemExit(f"query failed: {body}")
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        await client.post("/graphql", json={"query": query})
        timings.append(time.perf_counter() - started)
    return statistics.median(timings), counter.count


async def bench_reader() -> models.User:
    """A signed-in viewer: every request pays for authentication, as in production."""
    email = "bench-reader@throughline.test"
    user = await models.User.filter(email_key=email).first()
    return user or await models.User.create(
        email=email, email_key=email, name="Benchmark reader", role=Role.VIEWER
    )


async def bench_database(url: str, label: str, sizes: list[int], repeat: int) -> None:
    secret = secrets.token_urlsafe(48)
    # The whole-tree queries may return billions of nodes by their page sizes, far past
    # the default cost limit: a benchmark measures them anyway.
    settings = load_settings(
        env={}, overrides={"database_url": url, "jwt_secret": secret, "max_cost": 10**15}
    )
    await migrate_database(settings)
    await open_database(settings)
    app = create_app(settings, manage_database=False)
    transport = httpx.ASGITransport(app=app)
    try:
        reader = await bench_reader()
        token = TokenSigner(secret).issue(reader.pk).token
        async with httpx.AsyncClient(
            transport=transport,
            base_url="http://bench",
            headers={"Authorization": f"Bearer {token}"},
        ) as client:
            loaded = 0
            for size in sizes:
                started = time.perf_counter()
                await load_document(
                    generate_document(size - loaded, size, TODAY),
                    name=synthetic_name(size - loaded, size),
                )
                loaded = size
                load_seconds = time.perf_counter() - started
                floor, _ = await measure(client, FLOOR, repeat)
                print(
                    f"\n{label}, ~{size} nodes (loaded in {load_seconds:.1f}s); "
                    f"floor {floor * 1000:.2f} ms"
                )
                print(f"  {'query':<16} {'x floor':>9} {'statements':>11}")
                for name, query in QUERIES.items():
                    seconds, statements = await measure(client, query, repeat)
                    print(f"  {name:<16} {seconds / floor:>9.1f} {statements:>11}")
    finally:
        await close_database()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--postgres", help="admin URL of a PostgreSQL to also measure on")
    args = parser.parse_args()
    sizes = sorted(args.sizes)

    with tempfile.TemporaryDirectory() as folder:
        await bench_database(
            f"sqlite://{Path(folder) / 'bench.sqlite3'}", "SQLite", sizes, args.repeat
        )
    if args.postgres:
        admin = normalise_database_url(args.postgres)
        name = f"throughline_bench_{uuid.uuid4().hex[:8]}"
        dsn = "postgresql://" + admin.split("://", 1)[1]
        connection = await asyncpg.connect(dsn)
        await connection.execute(f'CREATE DATABASE "{name}"')
        try:
            await bench_database(
                admin.rsplit("/", 1)[0] + "/" + name, "PostgreSQL", sizes, args.repeat
            )
        finally:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await connection.close()


if __name__ == "__main__":
    asyncio.run(main())
