"""Generated operations against a seeded organisation: never a 500, never an internal error.

hypothesis-graphql builds valid queries and mutations from the live schema (so a new
mutation is covered as soon as it is registered), with arguments drawn from
`tests.property_support`, and each is sent as a real HTTP request. Every answer must be
a JSON GraphQL result whose errors all carry a documented code and no traceback, within
the time limit. An administrator's writes really happen; a viewer's change no row.

Runs are reproducible (derandomised) and bounded. For a deeper local run set
THROUGHLINE_PROPERTY_EXAMPLES to the number of examples per test and engine, e.g.
`THROUGHLINE_PROPERTY_EXAMPLES=20000 .venv/bin/pytest tests/test_property_api.py`.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import graphql
import httpx
import hypothesis
import pytest
from argon2 import PasswordHasher, Type
from hypothesis import HealthCheck, Phase, event, given
from hypothesis import strategies as st
from hypothesis_graphql import from_schema, mutations, queries

from fixtures.generator import generate_document, synthetic_name
from fixtures.loader import load_document
from schema import schema
from schema.core import planned
from schema.core.ids import encode_global_id
from server import models, passwords
from server.enums import Role
from server.settings import Settings
from tests import factories
from tests.graphql import GraphQLClient
from tests.property_support import (
    CONFLICT,
    aim,
    dated_throughout,
    edge_dates,
    edge_datetimes,
    edge_strings,
    error_codes,
    hoist_strings,
    problems_with,
    scalar_literals,
    seeded_ids,
    unsupported_dates,
    unsupported_datetimes,
    with_date_literals,
    write_fingerprint,
)

SDL = str(schema)
GRAPHQL_SCHEMA = graphql.build_schema(SDL)

ORGANISATION_NODES = 200
ORGANISATION_SEED = 7
TODAY = date(2026, 3, 16)

# On a 200-node organisation and within the cost limit every answer takes milliseconds;
# a request still running after this long has stalled.
STALL_SECONDS = 5.0

RECENT = 3

DEEPER = int(os.environ.get("THROUGHLINE_PROPERTY_EXAMPLES", "0"))


def bounded(examples: int) -> hypothesis.settings:
    """Reproducible and bounded, with one database per test that its examples share.
    No shrinking: an example runs against what the examples before it wrote, so a
    smaller one would not meet the same data (a failure shows the operation before)."""
    return hypothesis.settings(
        max_examples=DEEPER or examples,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Generated sign-ins check passwords; the production cost would dominate the run."""
    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, type=Type.ID)
    monkeypatch.setattr(passwords, "hasher", cheap)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The test settings with a time limit that turns a stall into a failure quickly."""
    limits = dataclasses.replace(settings.limits, request_seconds=STALL_SECONDS)
    return dataclasses.replace(settings, limits=limits)


@dataclass
class Organisation:
    """The seeded data set, the two people who probe it, how to draw operations, and
    the last operations sent (state they left behind can matter to the next one)."""

    admin: models.User
    viewer: models.User
    ids: dict[str, list[str]] = field(repr=False)
    queries: st.SearchStrategy[str] = field(repr=False)
    mutations: st.SearchStrategy[str] = field(repr=False)
    operations: st.SearchStrategy[str] = field(repr=False)
    recent: deque[str] = field(default_factory=lambda: deque(maxlen=RECENT), repr=False)

    def draw(self, data: st.DataObject, operations: st.SearchStrategy[str], label: str) -> str:
        """A generated operation, most of its ID fields aimed at rows of the right type."""
        document = data.draw(operations, label=label)
        random = data.draw(st.randoms(use_true_random=False), label="aim")
        return aim(document, GRAPHQL_SCHEMA, self.ids, random)


@pytest.fixture
async def organisation(db: str) -> Organisation:
    doc = generate_document(ORGANISATION_NODES, ORGANISATION_SEED, TODAY)
    await load_document(doc, name=synthetic_name(ORGANISATION_NODES, ORGANISATION_SEED))
    admin = await factories.user(role=Role.ADMIN)
    viewer = await factories.user(role=Role.VIEWER)
    # The probes' own accounts are left out, so an administrator does not archive or
    # demote itself and spend the rest of the run refused.
    probes = {encode_global_id("User", admin.pk), encode_global_id("User", viewer.pk)}
    ids = await seeded_ids(GRAPHQL_SCHEMA, exclude=probes)
    words = [user["email"] for user in doc["users"]] + [team["name"] for team in doc["teams"]]
    literals = scalar_literals(GRAPHQL_SCHEMA, ids, words)
    return Organisation(
        admin=admin,
        viewer=viewer,
        ids=ids,
        queries=queries(SDL, custom_scalars=literals),
        mutations=mutations(SDL, custom_scalars=literals),
        operations=from_schema(SDL, custom_scalars=literals),
    )


async def exchange(
    client: GraphQLClient,
    organisation: Organisation,
    document: str,
    caplog: pytest.LogCaptureFixture,
    variables: dict[str, str] | None = None,
) -> httpx.Response:
    """Send `document` (with `variables`, as ASCII JSON, so lone surrogates travel as
    escapes) and check the answer against the contract."""
    caplog.clear()
    headers = await client.headers() | {"content-type": "application/json"}
    body = json.dumps({"query": document, "variables": variables})
    response = await client.http.post("/graphql", content=body, headers=headers)
    problems = problems_with(response)
    before = "\n--- \n".join(organisation.recent)
    organisation.recent.append(document)
    shown = {name: value[:80] for name, value in (variables or {}).items()}
    assert not problems, (
        f"{problems}\n--- operation\n{document}\n--- variables (cut)\n{shown!r}\n"
        f"--- answer {response.status_code}\n{response.text[:4000]}\n"
        f"--- server log\n{caplog.text[-4000:]}\n"
        f"--- operations sent before it, oldest first\n{before}"
    )
    for code in error_codes(response) or ["none"]:
        event(f"error code: {code}")
    return response


@bounded(examples=450)
@given(data=st.data())
async def test_admin_queries_never_fail_inside(
    organisation: Organisation, gql: GraphQLClient, caplog: pytest.LogCaptureFixture, data
):
    # given
    admin = gql.as_user(organisation.admin)
    document = organisation.draw(data, organisation.queries, "query")
    # when / then
    await exchange(admin, organisation, document, caplog)


@bounded(examples=800)
@given(data=st.data())
async def test_admin_mutations_never_fail_inside(
    organisation: Organisation, gql: GraphQLClient, caplog: pytest.LogCaptureFixture, data
):
    # given
    admin = gql.as_user(organisation.admin)
    document = organisation.draw(data, organisation.mutations, "mutation")
    # when / then
    await exchange(admin, organisation, document, caplog)


@bounded(examples=200)
@given(data=st.data())
async def test_viewer_reads_and_changes_nothing(
    organisation: Organisation, gql: GraphQLClient, caplog: pytest.LogCaptureFixture, data
):
    # given
    viewer = gql.as_user(organisation.viewer)
    document = organisation.draw(data, organisation.operations, "operation")
    writes = document.lstrip().startswith("mutation")
    before = await write_fingerprint(organisation.viewer.pk) if writes else None
    # when
    response = await exchange(viewer, organisation, document, caplog)
    # then
    assert CONFLICT not in error_codes(response), response.text
    if writes:
        assert await write_fingerprint(organisation.viewer.pk) == before, (
            f"a viewer changed data with\n{document}"
        )


# --- text at the edges: the same operations, their String arguments sent as variables
# holding NUL, DEL, line breaks, other controls, lone surrogates and megabyte values.


async def exchange_with_texts(
    client: GraphQLClient,
    organisation: Organisation,
    data: st.DataObject,
    document: str,
    caplog: pytest.LogCaptureFixture,
) -> httpx.Response:
    """Send `document` with its String literals hoisted into variables holding edge
    strings; check the answer."""
    values = data.draw(st.lists(edge_strings(), min_size=1, max_size=4), label="texts")
    document, variables = hoist_strings(document, GRAPHQL_SCHEMA, values)
    return await exchange(client, organisation, document, caplog, variables)


@bounded(examples=150)
@given(data=st.data())
async def test_admin_mutations_with_edge_strings_never_fail_inside(
    organisation: Organisation, gql: GraphQLClient, caplog: pytest.LogCaptureFixture, data
):
    # given
    admin = gql.as_user(organisation.admin)
    document = organisation.draw(data, organisation.mutations, "mutation")
    # when / then
    await exchange_with_texts(admin, organisation, data, document, caplog)


@bounded(examples=80)
@given(data=st.data())
async def test_admin_queries_with_edge_strings_never_fail_inside(
    organisation: Organisation, gql: GraphQLClient, caplog: pytest.LogCaptureFixture, data
):
    # given
    admin = gql.as_user(organisation.admin)
    document = organisation.draw(data, organisation.queries, "query")
    # when / then
    await exchange_with_texts(admin, organisation, data, document, caplog)


# Two regressions this suite once found: a request whose lookup was refused while other
# loads were pending, and requests settling their batch rounds at the same moment, each
# stalled until the time limit (under a request-wide batch scheduler since removed).

NODES_WITH_A_BAD_ID = """
query NodesWithABadId($good: ID!) {
  nodes(ids: ["not-an-id", $good]) { id }
}
"""

NODE = """
query Node($id: ID!) {
  node(id: $id) { id }
}
"""

GOALS_WITH_KEY_RESULTS = """
query GoalsWithKeyResults {
  goals(first: 5) { nodes { title keyResults { nodes { title } } } }
}
"""


async def test_a_refused_lookup_does_not_stall_the_next_request(gql: GraphQLClient):
    # given
    goal = await factories.goal(await factories.team())
    goal_id = encode_global_id("Goal", goal.pk)
    refused = await gql.error(NODES_WITH_A_BAD_ID, {"good": goal_id})
    assert refused["extensions"]["code"] == "BAD_USER_INPUT"
    # when
    data = await gql.data(NODE, {"id": goal_id})
    # then
    assert data == {"node": {"id": goal_id}}


async def test_concurrent_requests_all_answer(gql: GraphQLClient):
    # given
    goal = await factories.goal(await factories.team())
    await factories.key_result(goal)
    admin = gql.as_user(await factories.user(role=Role.ADMIN))
    # when: as many at once as one user may have in flight
    answers = await asyncio.gather(*(admin.raw(GOALS_WITH_KEY_RESULTS) for _ in range(4)))
    # then
    assert [answer.get("errors") for answer in answers] == [None] * 4, answers


# Dates and times at the edges of the supported range (server/dates.py): generated
# arguments of type Date and DateTime are drawn from the range's first and last days,
# days outside it, times with extreme offsets and malformed text, against an
# organisation that also holds rows dated at year 1 and year 9999, inserted directly.

FIRST_DAY, LAST_DAY = date(1, 1, 1), date(9999, 12, 31)


async def add_rows_at_the_database_edges() -> None:
    """Rows an older version or another tool may have written, outside the range."""
    team = await models.Team.filter(archived_at=None).order_by("id").first()
    goal = await factories.goal(team, period_start=FIRST_DAY, period_end=LAST_DAY)
    key_result = await factories.key_result(goal, due_date=LAST_DAY)
    await factories.check_in(key_result, "1", checked_in_at=datetime(1, 1, 1, tzinfo=UTC))
    campaign = await factories.campaign(team, start_date=FIRST_DAY, end_date=LAST_DAY)
    await factories.align(campaign, key_result)
    await factories.spend(campaign, "1", date=LAST_DAY)
    await factories.task(campaign=campaign, start_date=FIRST_DAY, due_date=LAST_DAY)
    await factories.milestone(
        team,
        start_date=LAST_DAY,
        starts_at=datetime(9999, 12, 31, 22, tzinfo=UTC),
        ends_at=datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC),
    )
    await factories.milestone(team, start_date=FIRST_DAY, end_date=LAST_DAY)


def at_the_edges(organisation: Organisation, dates_, datetimes_) -> Organisation:
    """The organisation with Date and DateTime arguments drawn from the given strategies."""
    literals = with_date_literals(
        scalar_literals(GRAPHQL_SCHEMA, organisation.ids, ()), dates_, datetimes_
    )
    return dataclasses.replace(
        organisation,
        queries=queries(SDL, custom_scalars=literals),
        mutations=mutations(SDL, custom_scalars=literals),
        operations=from_schema(SDL, custom_scalars=literals),
    )


@pytest.fixture
async def edge_organisation(organisation: Organisation) -> Organisation:
    await add_rows_at_the_database_edges()
    return at_the_edges(organisation, edge_dates(), edge_datetimes())


@bounded(examples=150)
@given(data=st.data())
async def test_date_edges_in_reads_never_fail_inside(
    edge_organisation: Organisation, gql: GraphQLClient, caplog: pytest.LogCaptureFixture, data
):
    # given
    admin = gql.as_user(edge_organisation.admin)
    document = edge_organisation.draw(data, edge_organisation.queries, "query")
    # when / then
    await exchange(admin, edge_organisation, document, caplog)


@bounded(examples=200)
@given(data=st.data())
async def test_unsupported_dates_in_mutations_write_nothing(
    organisation: Organisation, gql: GraphQLClient, caplog: pytest.LogCaptureFixture, data
):
    # given Date and DateTime arguments that are all outside the range or malformed
    refused = at_the_edges(organisation, unsupported_dates(), unsupported_datetimes())
    admin = gql.as_user(refused.admin)
    document = refused.draw(data, refused.mutations, "mutation")
    dated = dated_throughout(document, GRAPHQL_SCHEMA)
    event(f"every field sent a date: {dated}")
    before = await write_fingerprint(refused.admin.pk) if dated else None
    # when
    await exchange(admin, refused, document, caplog)
    # then
    if dated:
        assert await write_fingerprint(refused.admin.pk) == before, (
            f"an unsupported date was written by\n{document}"
        )


@bounded(examples=300)
@given(data=st.data())
async def test_planned_answers_are_graphql_cores_own(
    organisation: Organisation,
    gql: GraphQLClient,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    data,
):
    # given
    admin = gql.as_user(organisation.admin)
    document = organisation.draw(data, organisation.queries, "query")
    # when: completed along the plan (`schema.core.planned`), then field by field
    planned_answer = await exchange(admin, organisation, document, caplog)
    with monkeypatch.context() as switched:
        switched.setattr(planned, "ENABLED", False)
        field_by_field = await exchange(admin, organisation, document, caplog)
    # then
    assert planned_answer.status_code == field_by_field.status_code
    assert planned_answer.content == field_by_field.content, document
