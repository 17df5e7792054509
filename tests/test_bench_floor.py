"""Floor (c) answers the benchmark's documents with the objects Throughline answers, so
the ratio to it compares equal work (bench/json_floor.py)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterator

import httpx
import pytest

from bench import load, queries
from bench.json_floor_workloads import FloorProcess
from bench.peer_queries import count_objects, throughline_type
from bench.workloads import QUARTER
from fixtures.generator import generate_document, synthetic_name
from fixtures.loader import load_document
from schema.core.ids import encode_global_id
from server import models
from tests.graphql import GraphQLClient

pytestmark = pytest.mark.postgres
TODAY_OF_THE_DATA = QUARTER[0]


@pytest.fixture
async def organisation(db: str) -> str:
    if not db.startswith("postgres"):
        pytest.skip("floor (c) is built for PostgreSQL only")
    await load_document(generate_document(300, 1, TODAY_OF_THE_DATA), name=synthetic_name(300, 1))
    return db


@pytest.fixture
def floor(organisation: str) -> Iterator[httpx.Client]:
    with FloorProcess(organisation) as process, httpx.Client(base_url=process.base_url) as client:
        yield client


def ask(client: httpx.Client, document: str, variables: dict) -> dict:
    response = client.post("/graphql", json={"query": document, "variables": variables})
    assert response.status_code == 200, response.text
    return response.json()["data"]


UNCOMPARED = ("progress", "health", "endCursor")


def without_figures(data: object) -> object:
    """An answer without the computed figures the floor cannot give (it sends null), nor
    the cursor (the floor's is the last key)."""
    if isinstance(data, dict):
        return {k: without_figures(v) for k, v in data.items() if k not in UNCOMPARED}
    if isinstance(data, list):
        return [without_figures(item) for item in data]
    return data


async def test_the_floor_answers_what_throughline_answers(
    floor: httpx.Client, client_with: Callable[..., Awaitable[GraphQLClient]]
) -> None:
    viewer = await client_with(max_cost=10**15)
    # given the first live tasks and campaigns and the two first teams
    tasks = await models.Task.filter(archived_at=None).order_by("id").limit(15)
    campaigns = await models.Campaign.filter(archived_at=None).order_by("id").limit(15)
    teams = [encode_global_id("Team", team.pk) for team in await models.Team.all().limit(2)]
    period = {"from": QUARTER[0].isoformat(), "to": QUARTER[1].isoformat()}
    asked = [
        (queries.W1_NESTED, {"after": None}),
        (queries.W2_CALENDAR, {**period, "teams": teams}),
        (load.READS["calendar"], period),
        *((queries.W3_TRACE, {"id": encode_global_id("Task", t.pk)}) for t in tasks),
        *((load.READS["trace"], {"id": encode_global_id("Task", t.pk)}) for t in tasks),
        *((queries.W6_NODE, {"id": encode_global_id("Campaign", c.pk)}) for c in campaigns),
    ]
    for document, variables in asked:
        # when both answer the same document
        ours = await viewer.data(document, variables)
        theirs = ask(floor, document, variables)

        # then the floor holds the same objects, and the same fields beside the figures
        assert count_objects(theirs, throughline_type) == count_objects(ours, throughline_type)
        assert normalised(theirs) == normalised(ours), json.dumps([theirs, ours])


def normalised(data: object) -> object:
    """Numbers as numbers (the floor's JSON has no decimal strings) and paths in order
    of their objective (their order within a trace is the product's own)."""
    data = without_figures(data)
    if isinstance(data, dict) and "trace" in data:
        paths = sorted(data["trace"]["paths"], key=repr)
        return {"trace": {**data["trace"], "paths": numbers(paths)}}
    return numbers(data)


def numbers(data: object) -> object:
    if isinstance(data, dict):
        return {k: numbers(v) for k, v in data.items()}
    if isinstance(data, list):
        return [numbers(item) for item in data]
    if isinstance(data, str):
        try:
            return float(data)
        except ValueError:
            return data
    return data
