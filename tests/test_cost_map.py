"""The cost map is held to the schema, and fields that read many rows cost what they read.

Every list that is not a connection has a considered size, every organisation-wide
computation a weight; `goalTreeFlat`, which walks the whole tree each time it runs,
can no longer be asked for thirty times in one request.
"""

from __future__ import annotations

import inspect
import re

from graphql import (
    GraphQLObjectType,
    get_named_type,
    get_nullable_type,
    is_composite_type,
    is_list_type,
    parse,
)

from schema import schema
from schema.core import cost_map
from schema.core.limits import is_connection, measure_operation
from tests.test_limits import batch, refusal

FLAT_TREE = "{ goalTreeFlat(first: 1000) { nodes { id title progress } } }"
FLAT_TREE_30 = (
    "{ "
    + " ".join(f"t{i}: goalTreeFlat(first: 1000) {{ nodes {{ id title }} }}" for i in range(30))
    + " }"
)
TRACE = '{ trace(id: "x") { paths { share nodes { id } } } }'
WORKLOAD = '{ me { workload(from: "2025-01-06", to: "2025-03-30") { weeks { tasks { hours } } } } }'


def fields_of_the_schema():
    for type_name, graphql_type in schema._schema.type_map.items():
        if isinstance(graphql_type, GraphQLObjectType) and not type_name.startswith("__"):
            for field_name, field in graphql_type.fields.items():
                yield f"{type_name}.{field_name}", graphql_type, field


def lists_of_objects():
    """Fields returning a list of objects that is not a connection's page."""
    for name, parent, field in fields_of_the_schema():
        if parent.name.endswith("Connection") or is_connection(field) or name == "Query.nodes":
            continue
        if is_list_type(get_nullable_type(field.type)) and is_composite_type(
            get_named_type(field.type)
        ):
            yield name, field


def computes_rollups(field) -> bool:
    """Whether the field's resolver asks for the request's organisation-wide rollups
    (awaiting them, or looking them up once computed)."""
    definition = (field.extensions or {}).get("strawberry-definition")
    resolver = getattr(definition, "base_resolver", None)
    if resolver is None:
        return False
    source = inspect.getsource(resolver.wrapped_func)
    return re.search(r"\b(with_)?rollups\(\s*info", source) is not None


def cost(query: str) -> tuple[int, frozenset[str]]:
    measure = measure_operation(schema._schema, parse(query))
    return measure.cost, measure.computations


def test_every_name_in_the_cost_map_is_a_field_of_the_schema():
    # given
    fields = {name for name, _, _ in fields_of_the_schema()}

    # then
    named = {*cost_map.LIST_SIZES, *cost_map.ROWS_READ, *cost_map.ORGANISATION_FIELDS}
    assert named - fields == set()
    assert set(cost_map.ORGANISATION_FIELDS.values()) <= set(cost_map.ORGANISATION_WEIGHTS)


def test_every_list_that_is_not_a_connection_has_a_size():
    # when
    unsized = [
        name
        for name, field in lists_of_objects()
        if name not in cost_map.LIST_SIZES
        and get_named_type(field.type).name not in cost_map.VALUE_LISTS
    ]

    # then
    assert unsized == []


def test_every_field_computed_from_the_organisation_carries_its_weight():
    # when
    computing = {name for name, _, field in fields_of_the_schema() if computes_rollups(field)}

    # then: found the factories' fields and the root queries alike
    assert {"Goal.progress", "Team.workload", "Task.risks", "Query.goalTreeFlat"} <= computing
    assert computing - set(cost_map.ORGANISATION_FIELDS) == set()


def test_the_flat_tree_costs_its_page_and_a_walk_of_the_tree_each_time():
    # then
    assert cost(FLAT_TREE) == (1000 + cost_map.TREE_WALK, {cost_map.ROLLUPS})
    assert cost(FLAT_TREE_30)[0] == 30 * (1000 + cost_map.TREE_WALK)


def test_unbounded_lists_cost_their_size_from_the_map():
    # then: a hundred paths of twenty nodes; sixty weeks of fifty tasks, and the rollups
    assert cost(TRACE) == (100 + 100 * 20, frozenset())
    assert cost(WORKLOAD) == (60 + 60 * 50, {cost_map.ROLLUPS})


async def test_thirty_flat_trees_in_one_query_are_refused(gql):
    # when
    body = await gql.raw(FLAT_TREE_30)

    # then
    assert refusal(body) == {
        "code": "QUERY_TOO_COMPLEX",
        "measure": "cost",
        "value": 30 * (1000 + cost_map.TREE_WALK) + cost_map.ORGANISATION_WEIGHTS["rollups"],
        "limit": 50_000,
    }


async def test_a_batch_of_flat_trees_stops_at_the_request_budget(gql):
    # given: each costs 1 000 + 5 000, and the request's rollups 2 000 once
    query = "{ goalTreeFlat(first: 1000) { nodes { id progress } } }"

    # when
    results = await batch(gql, *[query] * 10)

    # then: eight fit in 50 000
    assert [result["extensions"]["cost"]["nodes"] for result in results[:8]] == [8000] + [6000] * 7
    assert [refusal(result)["value"] for result in results[8:]] == [56_000, 56_000]


def test_the_figures_of_the_readme_example():
    # given
    query = "{ goals(first: 10) { nodes { progress risks(first: 5) { totalCount } } } }"
    spreads = "{ a: me { ...F } b: me { ...F } } fragment F on User { id name email }"

    # then: 10 goals and 50 risks, and both organisation-wide computations once
    assert cost(query) == (60, {cost_map.ROLLUPS, cost_map.RISKS})
    assert cost_map.ORGANISATION_WEIGHTS == {cost_map.ROLLUPS: 2000, cost_map.RISKS: 5000}
    assert measure_operation(schema._schema, parse(spreads)).selections == 11
