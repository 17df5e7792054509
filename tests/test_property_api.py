"""Generated operations against a seeded organisation: never a 500, never an internal error.

hypothesis-graphql builds valid queries and mutations from the live schema (so new
mutations are covered as soon as they are registered), with arguments drawn from
`tests.property_support`. Each is sent as a real HTTP request. Every answer must be a
JSON GraphQL result whose errors all carry a documented code and no traceback. An
administrator's writes really happen; a viewer's never change a row.

Runs are reproducible (derandomised) and bounded. For a deeper local run set
THROUGHLINE_PROPERTY_EXAMPLES to the number of examples per test and engine, e.g.
`THROUGHLINE_PROPERTY_EXAMPLES=20000 pytest tests/test_property_api.py`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date

import graphql
import httpx
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import from_schema, mutations, queries

from fixtures.generator import generate_document, synthetic_name
from fixtures.loader import load_document
from schema import schema
from schema.core.ids import encode_global_id
from server import models
from server.enums import Role
from tests import factories
from tests.graphql import GraphQLClient
from tests.property_support import (
    CONFLICT,
    error_codes,
    problems_with,
    scalar_literals,
    seeded_ids,
    write_fingerprint,
)

SDL = str(schema)
GRAPHQL_SCHEMA = graphql.build_schema(SDL)
HAS_MUTATIONS = GRAPHQL_SCHEMA.mutation_type is not None
NO_MUTATIONS = "the schema has no Mutation type yet"

ORGANISATION_NODES = 200
ORGANISATION_SEED = 7
TODAY = date(2026, 3, 16)

DEEPER = int(os.environ.get("THROUGHLINE_PROPERTY_EXAMPLES", "0"))


def bounded(examples: int) -> settings:
    """Reproducible and bounded; one database per test, shared by its examples."""
    return settings(
        max_examples=DEEPER or examples,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )


@dataclass
class Organisation:
    """The seeded data set, the two people who probe it, and how to draw operations."""

    admin: models.User
    viewer: models.User
    queries: st.SearchStrategy[str]
    mutations: st.SearchStrategy[str] | None
    operations: st.SearchStrategy[str]


@pytest.fixture
async def organisation(db: str) -> Organisation:
    doc = generate_document(ORGANISATION_NODES, ORGANISATION_SEED, TODAY)
    await load_document(doc, name=synthetic_name(ORGANISATION_NODES, ORGANISATION_SEED))
    admin = await factories.user(role=Role.ADMIN)
    viewer = await factories.user(role=Role.VIEWER)
    # The probes' own accounts are left out, so an administrator does not archive or
    # demote itself and spend the rest of the run signed out.
    probes = {encode_global_id("User", admin.pk), encode_global_id("User", viewer.pk)}
    ids = await seeded_ids(GRAPHQL_SCHEMA, exclude=probes)
    words = [user["email"] for user in doc["users"]] + [team["name"] for team in doc["teams"]]
    literals = scalar_literals(GRAPHQL_SCHEMA, ids, words)
    return Organisation(
        admin=admin,
        viewer=viewer,
        queries=queries(SDL, custom_scalars=literals),
        mutations=mutations(SDL, custom_scalars=literals) if HAS_MUTATIONS else None,
        operations=from_schema(SDL, custom_scalars=literals),
    )


async def send(client: GraphQLClient, document: str) -> httpx.Response:
    return await client.http.post(
        "/graphql", json={"query": document}, headers=await client.headers()
    )


def assert_safe(document: str, response: httpx.Response, caplog: pytest.LogCaptureFixture):
    problems = problems_with(response)
    for code in error_codes(response) if not problems else ["unsafe"]:
        event(f"error {code}")
    logged = "\n".join(caplog.text.splitlines()[-40:])
    caplog.clear()
    assert not problems, (
        f"{problems}\n--- operation\n{document}\n--- answer {response.status_code}\n"
        f"{response.text[:4000]}\n--- server log\n{logged}"
    )


@bounded(examples=30)
@given(data=st.data())
async def test_admin_queries_never_fail_inside(
    organisation: Organisation, gql: GraphQLClient, caplog: pytest.LogCaptureFixture, data
):
    # given
    admin = gql.as_user(organisation.admin)
    document = data.draw(organisation.queries, label="query")
    # when
    response = await send(admin, document)
    # then
    assert_safe(document, response, caplog)


@pytest.mark.skipif(not HAS_MUTATIONS, reason=NO_MUTATIONS)
@bounded(examples=30)
@given(data=st.data())
async def test_admin_mutations_never_fail_inside(
    organisation: Organisation, gql: GraphQLClient, caplog: pytest.LogCaptureFixture, data
):
    # given
    admin = gql.as_user(organisation.admin)
    document = data.draw(organisation.mutations, label="mutation")
    # when
    response = await send(admin, document)
    # then
    assert_safe(document, response, caplog)


@bounded(examples=30)
@given(data=st.data())
async def test_viewer_reads_and_is_refused_every_write(
    organisation: Organisation, gql: GraphQLClient, caplog: pytest.LogCaptureFixture, data
):
    # given
    viewer = gql.as_user(organisation.viewer)
    document = data.draw(organisation.operations, label="operation")
    before = await write_fingerprint()
    # when
    response = await send(viewer, document)
    # then
    assert_safe(document, response, caplog)
    assert CONFLICT not in error_codes(response), response.text
    assert await write_fingerprint() == before, f"a viewer changed data with\n{document}"
