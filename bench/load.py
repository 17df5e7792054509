"""W4: mixed reads and writes from concurrent clients against a server on 127.0.0.1.

Each client loops until the time is up: mostly reads (a goal page, a task search, a
trace, the calendar when the schema has one) and one write in five (a check-in on a
key result only that client writes, carrying the version it last saw, so a CONFLICT
would be a real lost update). Any HTTP error, top-level error or user error counts.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from bench.stats import Timings
from bench.workloads import QUARTER
from schema.core.ids import encode_global_id

READS = {
    "goal page": "{ goals(first: 20) { totalCount nodes { id title progress health } } }",
    "task search": """{ tasks(filter: {statuses: [TODO, IN_PROGRESS], search: "a"}, first: 20)
        { totalCount nodes { id title campaign { name } } } }""",
    "trace": "query($id: ID!) { trace(id: $id) { aligned paths { objective { id } } } }",
    "calendar": """query($from: Date!, $to: Date!) { calendar(from: $from, to: $to) {
        entries(first: 50) { totalCount nodes { id title startDate } } } }""",
}
CHECK_IN = """mutation($input: KeyResultCheckInInput!) { keyResultCheckIn(input: $input) {
    keyResult { version } userErrors { field code message } } }"""
WRITE_SHARE = 0.2


@dataclass
class LoadResult:
    timings: Timings = field(default_factory=Timings)
    requests: int = 0
    writes: int = 0
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


async def _client(
    number: int,
    base_url: str,
    reader: str,
    writer: str,
    deadline: float,
    tasks: list[int],
    key_results: list[tuple[int, int, str]],
    calendar: bool,
    out: LoadResult,
    documents: dict[str, str],
    task_id: Callable[[int], object],
) -> None:
    rng = random.Random(number)
    own = {key: [version, value] for key, version, value in key_results}
    reads = [name for name in documents if calendar or name != "calendar"]
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as client:
        while time.monotonic() < deadline:
            write = bool(own) and rng.random() < WRITE_SHARE
            if write:
                key = rng.choice(list(own))
                version, value = own[key]
                variables = {"input": {"id": encode_global_id("KeyResult", key),
                                       "version": version, "value": value}}  # fmt: skip
                query, token = CHECK_IN, writer
            else:
                name = rng.choice(reads)
                query, token = documents[name], reader
                variables = {}
                if name in ("trace", "node"):
                    variables = {"id": task_id(rng.choice(tasks))}
                elif name == "calendar":
                    variables = {"from": QUARTER[0].isoformat(), "to": QUARTER[1].isoformat()}
            started = time.perf_counter()
            try:
                response = await client.post(
                    "/graphql",
                    json={"query": query, "variables": variables},
                    headers={"Authorization": f"Bearer {token}"},
                )
                body = response.json()
            except (httpx.HTTPError, ValueError) as error:
                out.errors.append(f"{type(error).__name__}: {error}")
                continue
            finally:
                out.timings.seconds.append(time.perf_counter() - started)
                out.requests += 1
            if response.status_code != 200 or body.get("errors"):
                out.errors.append(f"HTTP {response.status_code}: {str(body)[:300]}")
                continue
            if write:
                out.writes += 1
                payload = body["data"]["keyResultCheckIn"]
                if payload["userErrors"]:
                    out.errors.append(str(payload["userErrors"])[:300])
                else:
                    own[key][0] = payload["keyResult"]["version"]


async def run_load(
    base_url: str,
    reader: str,
    writer: str,
    seconds: float,
    clients: int,
    tasks: list[int],
    key_results: list[tuple[int, int, str]],
    calendar: bool,
    documents: dict[str, str] = READS,
    task_id: Callable[[int], object] = lambda key: encode_global_id("Task", key),
) -> LoadResult:
    """Drive the server for `seconds` with `clients` concurrent clients.

    Without key results to write, every request is a read. `documents` and `task_id`
    give the reads in another schema (the peer's), with the same names and mix.
    """
    out = LoadResult()
    started = time.monotonic()
    deadline = started + seconds
    await asyncio.gather(
        *(
            _client(n, base_url, reader, writer, deadline, tasks,
                    key_results[n::clients], calendar, out, documents, task_id)
            for n in range(clients)
        )
    )  # fmt: skip
    out.seconds = time.monotonic() - started
    return out
