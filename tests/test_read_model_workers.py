"""Two server processes on one PostgreSQL database, each with its own read model.

What a client of several workers behind a load balancer relies on: a write through one
process is read through the other in the very next request; under concurrent writers
every answer is one whole state that existed (a campaign's alignment shares, which one
`campaignSetAlignments` replaces together in one transaction, always add up to 1 and
match a write that was made) and none is older than a write already acknowledged; and
a process killed in the middle of writes starts again holding the database's state.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import asyncpg
import httpx
import pytest
from tortoise import Tortoise, connections
from tortoise.backends.base.executor import EXECUTOR_CACHE

from schema.core.ids import decode_global_id, encode_global_id
from server import models
from server.database import tortoise_config
from server.enums import Role
from server.passwords import hash_password
from tests.conftest import _truncate_all, run_in_thread
from tests.server_process import ADMIN, CREATE_TEAM, PASSWORD, Server, process_env

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

CLIENTS = 8
RUN_SECONDS = 3.0
MAX_REQUESTS_EACH = 150
QUANTA = 10_000
"""Shares have four decimal places: a whole is 10 000 quanta."""

READ_TEAM = "query($id: ID!) { node(id: $id) { ... on Team { name } } }"
READ_TEAMS = "{ teams(first: 100) { nodes { name } } }"
READ_CAMPAIGN = """
query($id: ID!) {
  node(id: $id) { ... on Campaign { version alignments { share keyResult { id } } } }
}
"""
SET_ALIGNMENTS = """
mutation($input: CampaignSetAlignmentsInput!) {
  campaignSetAlignments(input: $input) { campaign { version } userErrors { code message } }
}
"""
CREATE = {
    "team": CREATE_TEAM,
    "goal": "mutation($input: GoalCreateInput!) { goalCreate(input: $input) "
    "{ goal { id } userErrors { message } } }",
    "keyResult": "mutation($input: KeyResultCreateInput!) { keyResultCreate(input: $input) "
    "{ keyResult { id } userErrors { message } } }",
    "campaign": "mutation($input: CampaignCreateInput!) { campaignCreate(input: $input) "
    "{ campaign { id } userErrors { message } } }",
}

Shares = dict[str, Decimal]


@dataclass
class Api:
    """One server process, spoken to over HTTP as the signed-in operator."""

    server: Server
    token: str

    def post(self, http: httpx.Client, query: str, variables: dict[str, Any]) -> dict:
        answer = http.post(
            f"{self.server.url}/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=30,
        )
        assert answer.status_code == 200, answer.text
        return answer.json()

    def data(self, http: httpx.Client, query: str, variables: dict[str, Any]) -> dict:
        body = self.post(http, query, variables)
        assert "errors" not in body, body["errors"]
        return body["data"]

    def create(self, http: httpx.Client, kind: str, **fields: Any) -> str:
        """The ID of a new team, goal, key result or campaign."""
        query = CREATE[kind]
        payload = next(iter(self.data(http, query, {"input": fields}).values()))
        assert payload["userErrors"] == [], payload["userErrors"]
        return payload[kind]["id"]

    def campaign(self, http: httpx.Client, campaign_id: str) -> tuple[int, Shares]:
        node = self.data(http, READ_CAMPAIGN, {"id": campaign_id})["node"]
        assert node is not None, f"{self.server.url} does not know the campaign"
        return node["version"], {
            a["keyResult"]["id"]: Decimal(a["share"]) for a in node["alignments"]
        }

    def set_shares(self, http: httpx.Client, campaign_id: str, version: int, shares: Shares):
        """The campaign's new version, or None when another write got there first."""
        alignments = [{"keyResultId": kr, "share": str(s)} for kr, s in shares.items()]
        body = self.post(
            http,
            SET_ALIGNMENTS,
            {"input": {"id": campaign_id, "version": version, "alignments": alignments}},
        )
        if "errors" in body:
            assert [e["extensions"]["code"] for e in body["errors"]] == ["CONFLICT"], body
            return None
        payload = body["data"]["campaignSetAlignments"]
        assert payload["userErrors"] == [], payload["userErrors"]
        return payload["campaign"]["version"]


async def prepare(url: str) -> None:
    """Empty the session's migrated database, as a fresh migration leaves it, and add
    the operator. A database of the module's own (`postgres_database`) would cost a
    migration and a DROP DATABASE, which waits for a checkpoint: tens of seconds on a
    busy server. The next test empties the database again before it starts."""
    EXECUTOR_CACHE.clear()  # statements compiled for the engine of the previous test
    await Tortoise.init(config=tortoise_config(url))
    try:
        await _truncate_all()
        await connections.get("default").execute_script(
            "INSERT INTO data_version (id, epoch) VALUES (1, md5(random()::text))"
        )
        await models.User.create(
            email=ADMIN, name="Operator", role=Role.ADMIN, password_hash=hash_password(PASSWORD)
        )
    finally:
        await Tortoise.close_connections()


@pytest.fixture(scope="module")
def cluster(
    postgres_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SimpleNamespace]:
    """A campaign aligned to one of four key results, served by two processes started
    side by side on the session's PostgreSQL database."""
    url, folder = postgres_url, tmp_path_factory.mktemp("read_model_workers")
    env = process_env(url, folder / "data", THROUGHLINE_MAX_IN_FLIGHT=str(2 * CLIENTS))
    run_in_thread(prepare, url)
    servers = start_side_by_side(env, [folder / "a.log", folder / "b.log"])
    try:
        token = servers[0].sign_in()
        apis = [Api(server, token) for server in servers]
        with httpx.Client() as http:
            org = build_org(apis[0], http)
        yield SimpleNamespace(url=url, env=env, folder=folder, servers=servers, apis=apis, **org)
    finally:
        for server in servers:
            server.stop()


def start_side_by_side(env: dict[str, str], logs: list[Path]) -> list[Server]:
    """Servers started in parallel, each waiting for its own health check; when one
    fails to start, the others are stopped rather than left running."""
    with ThreadPoolExecutor(len(logs)) as pool:
        starting = [pool.submit(Server, env, log) for log in logs]
    started = [future.result() for future in starting if future.exception() is None]
    if len(started) < len(logs):
        for server in started:
            server.stop()
        for future in starting:
            future.result()
    return started


def build_org(api: Api, http: httpx.Client) -> dict[str, Any]:
    team = api.create(http, "team", name="Growth")
    goal = api.create(
        http,
        "goal",
        title="Grow pipeline",
        ownerTeamId=team,
        periodStart="2026-01-01",
        periodEnd="2026-12-31",
    )
    key_results = [
        api.create(
            http,
            "keyResult",
            goalId=goal,
            title=f"Key result {n}",
            startValue="0",
            targetValue="100",
            dueDate="2026-12-31",
        )
        for n in range(4)
    ]
    campaign = api.create(
        http,
        "campaign",
        name="Spring webinars",
        ownerTeamId=team,
        startDate="2026-03-01",
        endDate="2026-05-31",
        budget="1000",
        currency="EUR",
    )
    assert api.set_shares(http, campaign, 1, {key_results[0]: Decimal(1)}) == 2
    return {"team": team, "key_results": key_results, "campaign": campaign}


def random_shares(key_results: list[str], rng: random.Random) -> Shares:
    """Shares of 1 to 4 key results, each at least one quantum, adding up to exactly 1."""
    chosen = rng.sample(key_results, rng.randint(1, len(key_results)))
    cuts = sorted(rng.sample(range(1, QUANTA), len(chosen) - 1))
    sizes = [b - a for a, b in zip([0, *cuts], [*cuts, QUANTA], strict=True)]
    return {kr: Decimal(size) / QUANTA for kr, size in zip(chosen, sizes, strict=True)}


async def database_state(url: str, campaign_id: str) -> tuple[tuple[int, Shares], set[str]]:
    """The campaign's version and live shares, and every team name, read straight from
    the database."""
    pk = decode_global_id(campaign_id)[1]
    connection = await asyncpg.connect(url)
    try:
        version = await connection.fetchval("SELECT version FROM campaign WHERE id = $1", pk)
        rows = await connection.fetch(
            "SELECT key_result_id, share FROM alignment "
            "WHERE campaign_id = $1 AND archived_at IS NULL",
            pk,
        )
        teams = {row["name"] for row in await connection.fetch("SELECT name FROM team")}
    finally:
        await connection.close()
    shares = {encode_global_id("KeyResult", r["key_result_id"]): r["share"] for r in rows}
    return (version, shares), teams


def served_state(
    api: Api, http: httpx.Client, campaign_id: str
) -> tuple[tuple[int, Shares], set[str]]:
    """The same, as one process's read model answers."""
    teams = api.data(http, READ_TEAMS, {})["teams"]["nodes"]
    return api.campaign(http, campaign_id), {team["name"] for team in teams}


@dataclass(frozen=True)
class Read:
    client: int
    floor: int
    """The newest version acknowledged to any client before this read was sent."""
    version: int
    shares: Shares


@dataclass
class Ledger:
    """What the concurrent clients wrote and read, shared by their threads."""

    states: dict[int, Shares]
    acknowledged: int
    reads: list[Read] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def read(self, client: int, api: Api, http: httpx.Client, campaign_id: str) -> int:
        with self.lock:
            floor = self.acknowledged
        version, shares = api.campaign(http, campaign_id)
        with self.lock:
            self.reads.append(Read(client, floor, version, shares))
        return version

    def acknowledge(self, version: int, shares: Shares) -> None:
        with self.lock:
            self.states[version] = shares
            self.acknowledged = max(self.acknowledged, version)

    def problems(self) -> list[str]:
        """Reads that were torn, made up, or older than a write already acknowledged,
        and clients that saw the campaign go back to an older version."""
        found = []
        last: dict[int, int] = {}
        for read in self.reads:
            if sum(read.shares.values()) != 1 or self.states.get(read.version) != read.shares:
                found.append(f"no such state: {read}")
            if read.version < read.floor:
                found.append(f"older than an acknowledged write: {read}")
            if read.version < last.get(read.client, 0):
                found.append(f"went back from version {last[read.client]}: {read}")
            last[read.client] = read.version
        return found


def test_a_write_through_one_process_is_read_through_the_other(cluster):
    # given
    rng = random.Random(1)
    with httpx.Client() as http:
        for round_ in range(4):
            writer, reader = cluster.apis[round_ % 2], cluster.apis[1 - round_ % 2]
            version, _ = reader.campaign(http, cluster.campaign)
            shares = random_shares(cluster.key_results, rng)

            # when
            team = writer.create(http, "team", name=f"Written through {round_}")
            written = writer.set_shares(http, cluster.campaign, version, shares)

            # then
            assert reader.data(http, READ_TEAM, {"id": team})["node"] == {
                "name": f"Written through {round_}"
            }
            assert reader.campaign(http, cluster.campaign) == (written, shares)


def test_concurrent_writers_and_readers_see_whole_states_and_every_acknowledged_write(cluster):
    # given
    with httpx.Client() as http:
        version, shares = cluster.apis[0].campaign(http, cluster.campaign)
    ledger = Ledger(states={version: shares}, acknowledged=version)
    deadline = time.monotonic() + RUN_SECONDS

    def writer(number: int) -> None:
        api, other = cluster.apis[number % 2], cluster.apis[1 - number % 2]
        rng = random.Random(number)
        with httpx.Client() as http:
            for _ in range(MAX_REQUESTS_EACH // 3):
                if time.monotonic() > deadline:
                    return
                version = ledger.read(number, api, http, cluster.campaign)
                shares = random_shares(cluster.key_results, rng)
                written = api.set_shares(http, cluster.campaign, version, shares)
                if written is not None:
                    ledger.acknowledge(written, shares)
                    ledger.read(number, other, http, cluster.campaign)

    def reader(number: int) -> None:
        with httpx.Client() as http:
            for n in range(MAX_REQUESTS_EACH):
                if time.monotonic() > deadline:
                    return
                ledger.read(number, cluster.apis[n % 2], http, cluster.campaign)

    # when
    with ThreadPoolExecutor(CLIENTS) as pool:
        clients = [pool.submit(writer if n < CLIENTS // 2 else reader, n) for n in range(CLIENTS)]
        for client in clients:
            client.result()
    with httpx.Client() as http:
        finally_served = [api.campaign(http, cluster.campaign) for api in cluster.apis]
    stored, _ = run_in_thread(database_state, cluster.url, cluster.campaign)

    # then
    assert ledger.problems() == []
    assert len(ledger.states) > 3 and len(ledger.reads) > 50  # the run did race
    newest = (ledger.acknowledged, ledger.states[ledger.acknowledged])
    assert finally_served == [newest, newest]
    assert stored == newest


def test_a_process_killed_during_writes_starts_again_holding_the_database_state(cluster):
    # given
    victim, survivor = cluster.apis
    written: list[Api] = []
    stop = threading.Event()

    def write_through(api: Api, seed: int) -> None:
        rng = random.Random(seed)
        with httpx.Client() as http:
            for _ in range(MAX_REQUESTS_EACH):
                if stop.is_set():
                    return
                try:
                    version, _ = api.campaign(http, cluster.campaign)
                    shares = random_shares(cluster.key_results, rng)
                    if api.set_shares(http, cluster.campaign, version, shares) is not None:
                        written.append(api)
                except httpx.TransportError:
                    return  # the process is gone

    # when
    with ThreadPoolExecutor(2) as pool:
        writers = [pool.submit(write_through, api, n) for n, api in enumerate(cluster.apis)]
        wait_until(lambda: written.count(victim) >= 3)
        victim.server.kill()
        before = len(written)
        wait_until(lambda: len(written) >= before + 3)  # the survivor goes on writing
        stop.set()
        for writer in writers:
            writer.result()
    restarted = Api(Server(cluster.env, cluster.folder / "a-again.log"), victim.token)
    cluster.servers.append(restarted.server)  # stopped with the others
    cluster.apis[0] = restarted
    stored = run_in_thread(database_state, cluster.url, cluster.campaign)

    # then
    assert sum(stored[0][1].values()) == 1
    with httpx.Client() as http:
        assert served_state(restarted, http, cluster.campaign) == stored
        assert served_state(survivor, http, cluster.campaign) == stored
        assert restarted.server.process.pid != victim.server.process.pid
        team = restarted.create(http, "team", name="After the restart")
        assert survivor.data(http, READ_TEAM, {"id": team})["node"] == {"name": "After the restart"}


def wait_until(condition, seconds: float = 20) -> None:
    """Poll `condition` until it holds; fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"still not true after {seconds} s")
        time.sleep(0.02)
