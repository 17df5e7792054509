"""The number of SQL statements depends on a query's shape, never on the amount of data.

The same full-tree query runs on a synthetic organisation and again after a ten times
larger one has been added; the statement counts must be identical, and equal to the
number of batches the query's shape implies.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import httpx
import pytest

from fixtures.generator import generate_document, synthetic_name
from fixtures.loader import load_document
from server.app import create_app
from server.statements import count_statements
from tests.graphql import GraphQLClient

TODAY = date(2026, 6, 15)
# The read model's freshness check alone: the root list, every edge and the supporting
# work are read from the model (worked out from the statement log; any change here must
# be explained).
FULL_TREE_STATEMENTS = 1

FULL_TREE = """
fragment KeyResultTree on KeyResult {
  title currentValue owner { name }
  checkIns(last: 3) { nodes { value author { name } } }
  campaigns(first: 100) {
    totalCount
    edges {
      share
      node {
        name channels budget { amount currency } ownerTeam { name }
        tasks(first: 100) { totalCount nodes { title status assignee { name } team { name } } }
        milestones { nodes { title kind } }
        spend { totalCount nodes { amount { amount } } }
        results { totalCount nodes { metric value } }
      }
    }
  }
  tasks { nodes { title assignee { name } } }
  milestones { nodes { title } }
}

query FullTree {
  goals(filter: {rootsOnly: true}, first: 100) {
    totalCount
    nodes {
      title ownerTeam { name } owner { name }
      keyResults { nodes { ...KeyResultTree } }
      supportingWork {
        campaigns(first: 5) { totalCount nodes { name } }
        tasks(first: 5) { totalCount nodes { title } }
        milestones(first: 5) { totalCount nodes { title } }
      }
      children {
        nodes {
          title parent { title }
          keyResults { nodes { ...KeyResultTree } }
          children { nodes { title keyResults { nodes { ...KeyResultTree } } } }
        }
      }
    }
  }
}
"""


@pytest.fixture
async def gql(settings, signer):
    """An administrator's client of an app whose cost limit lets the full tree through:
    if every page were full it would return four trillion nodes (tests/test_limits.py)."""
    lifted = replace(settings, limits=replace(settings.limits, max_cost=10**13))
    transport = httpx.ASGITransport(app=create_app(lifted, manage_database=False))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield GraphQLClient(http, signer).as_admin()


async def full_tree_statements(gql) -> tuple[int, dict]:
    await gql.settle()
    with count_statements() as counter:
        data = await gql.data(FULL_TREE)
    return counter.count, data


async def test_full_tree_query_statements_do_not_grow_with_the_data(gql):
    # given: a small organisation
    await load_document(generate_document(2000, 11, TODAY), name=synthetic_name(2000, 11))
    small_count, small = await full_tree_statements(gql)

    # when: a ten times larger organisation is added
    await load_document(generate_document(20000, 12, TODAY), name=synthetic_name(20000, 12))
    large_count, large = await full_tree_statements(gql)

    # then: more data came back, through exactly as many statements
    assert large["goals"]["totalCount"] > small["goals"]["totalCount"]
    assert small_count == large_count
    assert small_count == FULL_TREE_STATEMENTS
