"""A list condition of any filter: null or absent sets no condition, [] keeps nothing.

Every list-typed field of every root list's filter input is found in the schema itself,
so a filter added later is held to the same rule.
"""

from __future__ import annotations

from datetime import date

import pytest
from graphql import GraphQLInputObjectType, GraphQLList, GraphQLNonNull

from schema import schema
from server import clock
from server.enums import Channel, MilestoneKind
from tests import factories as make

TODAY = date(2026, 3, 10)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: TODAY)


def _unwrapped(kind):
    return _unwrapped(kind.of_type) if isinstance(kind, GraphQLNonNull) else kind


def root_list_filters() -> list[tuple[str, str, str]]:
    """(root list, its filter input type, a list-typed field of that input), from the
    schema: every root field returning a connection that takes a `filter`."""
    found = []
    for name, root in schema._schema.query_type.fields.items():
        argument = root.args.get("filter")
        if argument is None or not _unwrapped(root.type).name.endswith("Connection"):
            continue
        filter_type = _unwrapped(argument.type)
        assert isinstance(filter_type, GraphQLInputObjectType)
        for field_name, input_field in filter_type.fields.items():
            if isinstance(_unwrapped(input_field.type), GraphQLList):
                found.append((name, filter_type.name, field_name))
    return sorted(found)


ROOT_LIST_FILTERS = root_list_filters()


async def one_of_everything():
    """One row of each kind, each meeting every condition a filter could name."""
    team = await make.team()
    await make.user(teams=[team])
    goal = await make.goal(team)
    kr = await make.key_result(goal)
    campaign = await make.campaign(
        team,
        channels=[Channel.EMAIL],
        audience="SMB",
        start_date=date(2026, 3, 1),
        end_date=date(2026, 3, 31),
    )
    await make.align(campaign, kr)
    await make.task(team=team, campaign=campaign, due_date=date(2026, 3, 12))
    await make.task(team=team, due_date=date(2026, 3, 13))  # unaligned: a risk
    await make.milestone(
        team, campaign=campaign, kind=MilestoneKind.LAUNCH, start_date=date(2026, 3, 14)
    )


def test_every_root_list_filter_with_a_list_is_checked():
    # the lists this test walks: a filter input losing its list fields would hide here
    assert {root for root, _, _ in ROOT_LIST_FILTERS} == {
        "campaigns",
        "goals",
        "keyResults",
        "milestones",
        "risks",
        "tasks",
        "users",
    }


@pytest.mark.parametrize(("root", "filter_type", "field"), ROOT_LIST_FILTERS)
async def test_an_empty_list_in_a_root_list_filter_matches_nothing(gql, root, filter_type, field):
    # given
    await one_of_everything()
    query = f"""query ($filter: {filter_type}) {{
      all: {root} {{ totalCount }}
      none: {root}(filter: $filter) {{ totalCount }}
      absent: {root}(filter: {{{field}: null}}) {{ totalCount }}
    }}"""

    # when
    data = await gql.data(query, {"filter": {field: []}})

    # then: [] keeps nothing; null keeps what no filter keeps
    assert data["all"]["totalCount"] > 0
    assert data["none"]["totalCount"] == 0
    assert data["absent"]["totalCount"] == data["all"]["totalCount"]


CALENDAR = """
query ($filter: CalendarFilter) {
  calendar(from: "2026-03-01", to: "2026-03-31", filter: $filter) {
    entries(first: 100) { totalCount }
  }
}
"""


@pytest.mark.parametrize("field", ["teams", "kinds", "channels", "audiences"])
async def test_an_empty_list_in_the_calendar_filter_matches_nothing(gql, field):
    # given: a campaign, a launch and a task due, all in March
    await one_of_everything()

    # when
    every = await gql.data(CALENDAR, {"filter": {"includeTasks": True}})
    none = await gql.data(CALENDAR, {"filter": {"includeTasks": True, field: []}})
    absent = await gql.data(CALENDAR, {"filter": {"includeTasks": True, field: None}})

    # then
    assert every["calendar"]["entries"]["totalCount"] == 4
    assert none["calendar"]["entries"]["totalCount"] == 0
    assert absent == every
