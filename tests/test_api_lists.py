"""The API's root lists: default listing, every filter, ordering and argument errors.

Each test builds a small organisation with the factories and asserts the exact rows,
in order, that the list returns over real HTTP requests.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from tortoise.models import Model

from schema.core.ids import encode_global_id
from server.enums import (
    CampaignStatus,
    Channel,
    GoalCategory,
    MeasureUnit,
    MilestoneKind,
    Role,
    TaskStatus,
)
from tests import factories
from tests.graphql import GraphQLClient

GOALS = """
query Goals($filter: GoalFilter, $orderBy: GoalOrder) {
  goals(filter: $filter, orderBy: $orderBy) { totalCount nodes { id label: title } }
}
"""

KEY_RESULTS = """
query KeyResults($filter: KeyResultFilter, $orderBy: KeyResultOrder) {
  keyResults(filter: $filter, orderBy: $orderBy) { totalCount nodes { id label: title } }
}
"""

CAMPAIGNS = """
query Campaigns($filter: CampaignFilter, $orderBy: CampaignOrder) {
  campaigns(filter: $filter, orderBy: $orderBy) { totalCount nodes { id label: name } }
}
"""

TASKS = """
query Tasks($filter: TaskFilter, $orderBy: TaskOrder) {
  tasks(filter: $filter, orderBy: $orderBy) { totalCount nodes { id label: title } }
}
"""

MILESTONES = """
query Milestones($filter: MilestoneFilter, $orderBy: MilestoneOrder) {
  milestones(filter: $filter, orderBy: $orderBy) { totalCount nodes { id label: title } }
}
"""

TEAMS = """
query Teams($filter: TeamFilter) {
  teams(filter: $filter) { totalCount nodes { id label: name } }
}
"""

USERS = """
query Users($filter: UserFilter) {
  users(filter: $filter) { totalCount nodes { id label: name } }
}
"""

CAMPAIGNS_WITH_CHANNELS = """
query Campaigns($filter: CampaignFilter) {
  campaigns(filter: $filter) { totalCount nodes { name channels } }
}
"""

TRACE_ALIGNED = """
query Trace($id: ID!) { trace(id: $id) { aligned } }
"""

GOALS_BY_INLINE_CATEGORY = """
query { goals(filter: {categories: [NOT_A_CATEGORY]}) { totalCount } }
"""

CAMPAIGNS_BY_INLINE_CHANNEL = """
query { campaigns(filter: {channels: [CARRIER_PIGEON]}) { totalCount } }
"""

ARCHIVED_AT = datetime(2026, 2, 1, 12, tzinfo=UTC)

LIST_FIELDS = {
    GOALS: "goals",
    KEY_RESULTS: "keyResults",
    CAMPAIGNS: "campaigns",
    TASKS: "tasks",
    MILESTONES: "milestones",
    TEAMS: "teams",
    USERS: "users",
}


def gid(row: Model) -> str:
    """The global ID the API gives `row` (type names are the model names)."""
    return encode_global_id(type(row).__name__, row.pk)


async def archive(row: Model) -> None:
    row.archived_at = ARCHIVED_AT
    await row.save()


async def labels(
    gql: GraphQLClient,
    query: str,
    filter: dict[str, Any] | None = None,
    order_by: dict[str, Any] | None = None,
) -> list[str]:
    """Titles (or names) of the listed rows, in order; the count must match the page."""
    variables: dict[str, Any] = {"filter": filter}
    if order_by is not None:
        variables["orderBy"] = order_by
    connection = (await gql.data(query, variables))[LIST_FIELDS[query]]
    assert connection["totalCount"] == len(connection["nodes"]), connection
    return [node["label"] for node in connection["nodes"]]


# --- teams ------------------------------------------------------------------------------


async def test_teams_are_listed_by_name_without_archived_ones(gql: GraphQLClient) -> None:
    # given
    await factories.team(name="Sales")
    await factories.team(name="Brand")
    await archive(await factories.team(name="Product"))

    # when
    names = await labels(gql, TEAMS)

    # then
    assert names == ["Brand", "Sales"]


async def test_teams_include_archived_ones_on_request(gql: GraphQLClient) -> None:
    # given
    await factories.team(name="Sales")
    await factories.team(name="Brand")
    await archive(await factories.team(name="Product"))

    # when
    names = await labels(gql, TEAMS, {"includeArchived": True})

    # then
    assert names == ["Brand", "Product", "Sales"]


async def test_teams_search_matches_name_or_description_case_insensitively(
    gql: GraphQLClient,
) -> None:
    # given
    await factories.team(name="Growth", description="Demand GEN and paid media")
    await factories.team(name="Gen Z Studio", description="Social")
    await factories.team(name="Brand", description="Creative")

    # when
    names = await labels(gql, TEAMS, {"search": "gen"})

    # then
    assert names == ["Gen Z Studio", "Growth"]


async def test_teams_search_needs_every_word_somewhere(gql: GraphQLClient) -> None:
    # given
    await factories.team(name="Growth", description="Demand gen and paid media")
    await factories.team(name="Demand Ops", description="Routing")

    # when
    names = await labels(gql, TEAMS, {"search": "DEMAND growth"})

    # then
    assert names == ["Growth"]


# --- users ------------------------------------------------------------------------------


async def test_users_are_listed_by_name_without_archived_ones(gql: GraphQLClient) -> None:
    # given
    await factories.user(name="Zoe")
    ada = await factories.user(name="Ada")
    await archive(await factories.user(name="Mia"))
    gql = gql.as_user(ada)

    # when
    default = await labels(gql, USERS)
    everyone = await labels(gql, USERS, {"includeArchived": True})

    # then
    assert default == ["Ada", "Zoe"]
    assert everyone == ["Ada", "Mia", "Zoe"]


async def test_users_filter_by_roles(gql: GraphQLClient) -> None:
    # given
    viv = await factories.user(name="Viv", role=Role.VIEWER)
    await factories.user(name="Eddie", role=Role.EDITOR)
    await factories.user(name="Ada", role=Role.ADMIN)
    gql = gql.as_user(viv)

    # when
    names = await labels(gql, USERS, {"roles": ["EDITOR", "ADMIN"]})

    # then
    assert names == ["Ada", "Eddie"]


async def test_users_filter_by_teams_lists_a_member_of_several_teams_once(
    gql: GraphQLClient,
) -> None:
    # given
    sales = await factories.team(name="Sales")
    brand = await factories.team(name="Brand")
    product = await factories.team(name="Product")
    await factories.user(name="Sam", teams=[sales])
    await factories.user(name="Bea", teams=[brand, sales])
    await factories.user(name="Pat", teams=[product])
    await factories.user(name="Nobody")

    # when
    names = await labels(gql, USERS, {"teams": [gid(sales), gid(brand)]})

    # then
    assert names == ["Bea", "Sam"]


async def test_users_search_by_name_or_email(gql: GraphQLClient) -> None:
    # given
    await factories.user(name="Ada Lovelace", email="ada@engines.example")
    await factories.user(name="Charles Babbage", email="charles@ENGINES.example")
    await factories.user(name="Grace Hopper", email="grace@navy.example")

    # when
    by_name = await labels(gql, USERS, {"search": "LOVELACE"})
    by_email = await labels(gql, USERS, {"search": "engines"})
    by_both = await labels(gql, USERS, {"search": "grace navy"})

    # then
    assert by_name == ["Ada Lovelace"]
    assert by_email == ["Ada Lovelace", "Charles Babbage"]
    assert by_both == ["Grace Hopper"]


# --- goals ------------------------------------------------------------------------------


async def test_goals_default_listing_leaves_archived_goals_out(gql: GraphQLClient) -> None:
    # given
    team = await factories.team()
    await factories.goal(team, title="Revenue")
    await archive(await factories.goal(team, title="Old objective"))
    await factories.goal(team, title="Awareness")

    # when
    titles = await labels(gql, GOALS)

    # then
    assert titles == ["Revenue", "Awareness"]


async def test_goals_include_archived_on_request(gql: GraphQLClient) -> None:
    # given
    team = await factories.team()
    await factories.goal(team, title="Revenue")
    await archive(await factories.goal(team, title="Old objective"))
    await factories.goal(team, title="Awareness")

    # when
    titles = await labels(gql, GOALS, {"includeArchived": True})

    # then
    assert titles == ["Revenue", "Old objective", "Awareness"]


async def test_goals_roots_only(gql: GraphQLClient) -> None:
    # given
    team = await factories.team()
    company = await factories.goal(team, title="Company")
    await factories.goal(team, parent=company, title="Pipeline")
    await factories.goal(team, title="Second company")

    # when
    titles = await labels(gql, GOALS, {"rootsOnly": True})

    # then
    assert titles == ["Company", "Second company"]


async def test_goals_by_parent_lists_direct_children_only(gql: GraphQLClient) -> None:
    # given
    team = await factories.team()
    company = await factories.goal(team, title="Company")
    pipeline = await factories.goal(team, parent=company, title="Pipeline")
    await factories.goal(team, parent=pipeline, title="Webinar leads")
    await factories.goal(team, parent=company, title="Retention")
    await factories.goal(team, title="Elsewhere")

    # when
    titles = await labels(gql, GOALS, {"parent": gid(company)})

    # then
    assert titles == ["Pipeline", "Retention"]


async def test_goals_by_owner_teams(gql: GraphQLClient) -> None:
    # given
    sales = await factories.team(name="Sales")
    brand = await factories.team(name="Brand")
    product = await factories.team(name="Product")
    await factories.goal(sales, title="Close deals")
    await factories.goal(product, title="Ship")
    await factories.goal(brand, title="Be known")

    # when
    titles = await labels(gql, GOALS, {"teams": [gid(sales), gid(brand)]})

    # then
    assert titles == ["Close deals", "Be known"]


async def test_goals_by_categories(gql: GraphQLClient) -> None:
    # given
    team = await factories.team()
    await factories.goal(team, title="Revenue", category=GoalCategory.REVENUE)
    await factories.goal(team, title="Awareness", category=GoalCategory.BRAND_AWARENESS)
    await factories.goal(team, title="Leads", category=GoalCategory.LEAD_GENERATION)

    # when
    titles = await labels(gql, GOALS, {"categories": ["LEAD_GENERATION", "REVENUE"]})

    # then
    assert titles == ["Revenue", "Leads"]


async def _quarterly_goals() -> None:
    team = await factories.team()
    await factories.goal(
        team, title="Q1", period_start=date(2026, 1, 1), period_end=date(2026, 3, 31)
    )
    await factories.goal(
        team, title="Q2", period_start=date(2026, 4, 1), period_end=date(2026, 6, 30)
    )
    await factories.goal(
        team, title="H2", period_start=date(2026, 7, 1), period_end=date(2026, 12, 31)
    )


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        ({"start": "2026-03-31", "end": "2026-04-01"}, ["Q1", "Q2"]),
        ({"start": "2026-06-30", "end": "2026-06-30"}, ["Q2"]),
        ({"start": "2026-05-01", "end": "2026-05-31"}, ["Q2"]),
        ({"start": "2025-01-01", "end": "2025-12-31"}, []),
        ({"start": "2026-07-01"}, ["H2"]),
        ({"start": "2026-06-30"}, ["Q2", "H2"]),
        ({"end": "2026-03-31"}, ["Q1"]),
        ({"end": "2026-04-01"}, ["Q1", "Q2"]),
        ({}, ["Q1", "Q2", "H2"]),
    ],
    ids=[
        "spans-a-boundary",
        "last-day",
        "inside",
        "before-all",
        "open-end-first-day",
        "open-end-last-day",
        "open-start-last-day",
        "open-start-first-day",
        "fully-open",
    ],
)
async def test_goals_by_period_overlap(
    gql: GraphQLClient, period: dict[str, str], expected: list[str]
) -> None:
    # given
    await _quarterly_goals()

    # when
    titles = await labels(gql, GOALS, {"periodOverlaps": period})

    # then
    assert titles == expected


async def test_goals_search_needs_every_word_in_title_or_description(
    gql: GraphQLClient,
) -> None:
    # given
    team = await factories.team()
    await factories.goal(team, title="Grow pipeline", description="Enterprise deals in EMEA")
    await factories.goal(team, title="Grow brand", description="Consumers in the US")
    await factories.goal(team, title="Keep customers", description="Grow retention in emea")

    # when
    titles = await labels(gql, GOALS, {"search": "grow Emea"})

    # then
    assert titles == ["Grow pipeline", "Keep customers"]


async def test_goals_search_is_case_insensitive(gql: GraphQLClient) -> None:
    # given
    team = await factories.team()
    await factories.goal(team, title="Grow pipeline")
    await factories.goal(team, title="Keep customers", description="GROWTH through retention")
    await factories.goal(team, title="Ship the product")

    # when
    titles = await labels(gql, GOALS, {"search": "gRoW"})

    # then
    assert titles == ["Grow pipeline", "Keep customers"]


async def test_search_folds_every_letter_not_only_ascii(gql: GraphQLClient) -> None:
    # given: accented capitals, a sharp s and a literal percent sign and underscore
    team = await factories.team()
    await factories.goal(team, title="ÉTÉ CAMPAIGN in Zürich")
    await factories.goal(team, title="Straße der Marken", description="50% off_season")
    await factories.goal(team, title="Plain title")

    # when: the same rows on both engines (SQLite's LIKE alone would fold ASCII only)
    accented = await labels(gql, GOALS, {"search": "été zÜRICH"})
    sharp_s = await labels(gql, GOALS, {"search": "STRASSE"})
    literal = await labels(gql, GOALS, {"search": "50% off_"})
    wildcard = await labels(gql, GOALS, {"search": "p%n"})

    # then: letters compare by Unicode case folding; % and _ are plain characters
    assert accented == ["ÉTÉ CAMPAIGN in Zürich"]
    assert sharp_s == ["Straße der Marken"]
    assert literal == ["Straße der Marken"]
    assert wildcard == []


async def test_goals_filters_combine(gql: GraphQLClient) -> None:
    # given
    sales = await factories.team(name="Sales")
    brand = await factories.team(name="Brand")
    company = await factories.goal(sales, title="Company")
    await factories.goal(
        sales, parent=company, title="Sales revenue", category=GoalCategory.REVENUE
    )
    await factories.goal(
        brand, parent=company, title="Brand revenue", category=GoalCategory.REVENUE
    )
    await factories.goal(
        sales, parent=company, title="Sales leads", category=GoalCategory.LEAD_GENERATION
    )
    await factories.goal(sales, title="Root revenue", category=GoalCategory.REVENUE)

    # when
    titles = await labels(
        gql,
        GOALS,
        {"parent": gid(company), "teams": [gid(sales)], "categories": ["REVENUE"]},
    )

    # then
    assert titles == ["Sales revenue"]


@pytest.mark.parametrize(
    ("order_by", "expected"),
    [
        ({"field": "TITLE"}, ["Alpha#1", "Alpha#3", "Beta#2", "Gamma#4"]),
        ({"field": "TITLE", "direction": "DESC"}, ["Gamma#4", "Beta#2", "Alpha#3", "Alpha#1"]),
        ({"field": "PERIOD_START"}, ["Beta#2", "Alpha#1", "Gamma#4", "Alpha#3"]),
        ({"field": "PERIOD_END", "direction": "DESC"}, ["Gamma#4", "Alpha#3", "Beta#2", "Alpha#1"]),
        ({"field": "CATEGORY"}, ["Beta#2", "Gamma#4", "Alpha#1", "Alpha#3"]),
        ({"field": "CREATED", "direction": "DESC"}, ["Gamma#4", "Alpha#3", "Beta#2", "Alpha#1"]),
    ],
    ids=["title", "title-desc", "period-start", "period-end-desc", "category", "created-desc"],
)
async def test_goals_order_by_with_ties_broken_by_id(
    gql: GraphQLClient, order_by: dict[str, str], expected: list[str]
) -> None:
    # given: labels are "title#creation order"; ties share the sort key
    team = await factories.team()
    rows = [
        ("Alpha", date(2026, 2, 1), date(2026, 6, 30), GoalCategory.REVENUE),
        ("Beta", date(2026, 1, 1), date(2026, 6, 30), GoalCategory.BRAND_AWARENESS),
        ("Alpha", date(2026, 3, 1), date(2026, 9, 30), GoalCategory.REVENUE),
        ("Gamma", date(2026, 2, 1), date(2026, 12, 31), GoalCategory.LEAD_GENERATION),
    ]
    label_of = {}
    for n, (title, start, end, category) in enumerate(rows, start=1):
        goal = await factories.goal(
            team, title=title, period_start=start, period_end=end, category=category
        )
        label_of[gid(goal)] = f"{title}#{n}"

    # when
    data = await gql.data(GOALS, {"orderBy": order_by})

    # then
    assert [label_of[node["id"]] for node in data["goals"]["nodes"]] == expected


# --- key results ------------------------------------------------------------------------


async def test_key_results_default_listing_and_archived(gql: GraphQLClient) -> None:
    # given
    goal = await factories.goal(await factories.team())
    await factories.key_result(goal, title="MQLs")
    await archive(await factories.key_result(goal, title="Dropped"))
    await factories.key_result(goal, title="Win rate")

    # when
    default = await labels(gql, KEY_RESULTS)
    everything = await labels(gql, KEY_RESULTS, {"includeArchived": True})

    # then
    assert default == ["MQLs", "Win rate"]
    assert everything == ["MQLs", "Dropped", "Win rate"]


async def test_key_results_by_goals(gql: GraphQLClient) -> None:
    # given
    team = await factories.team()
    pipeline = await factories.goal(team, title="Pipeline")
    brand = await factories.goal(team, title="Brand")
    retention = await factories.goal(team, title="Retention")
    await factories.key_result(pipeline, title="MQLs")
    await factories.key_result(brand, title="Share of voice")
    await factories.key_result(retention, title="Churn")
    await factories.key_result(pipeline, title="SQLs")

    # when
    titles = await labels(gql, KEY_RESULTS, {"goals": [gid(pipeline), gid(retention)]})

    # then
    assert titles == ["MQLs", "Churn", "SQLs"]


async def test_key_results_by_teams_of_their_goal(gql: GraphQLClient) -> None:
    # given
    sales = await factories.team(name="Sales")
    brand = await factories.team(name="Brand")
    sales_goal = await factories.goal(sales)
    brand_goal = await factories.goal(brand)
    await factories.key_result(brand_goal, title="Share of voice")
    await factories.key_result(sales_goal, title="Win rate")
    await factories.key_result(brand_goal, title="Aided recall")

    # when
    titles = await labels(gql, KEY_RESULTS, {"teams": [gid(brand)]})

    # then
    assert titles == ["Share of voice", "Aided recall"]


async def test_key_results_by_units(gql: GraphQLClient) -> None:
    # given
    goal = await factories.goal(await factories.team())
    await factories.key_result(goal, title="MQLs", unit=MeasureUnit.NUMBER)
    await factories.key_result(goal, title="Churn", unit=MeasureUnit.PERCENT)
    await factories.key_result(goal, title="ARR", unit=MeasureUnit.CURRENCY, currency="USD")

    # when
    titles = await labels(gql, KEY_RESULTS, {"units": ["CURRENCY", "PERCENT"]})

    # then
    assert titles == ["Churn", "ARR"]


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        ({"start": "2026-03-31", "end": "2026-06-30"}, ["Q1", "Q2"]),
        ({"start": "2026-04-01", "end": "2026-06-29"}, []),
        ({"start": "2026-04-01"}, ["Q2", "Q4"]),
        ({"end": "2026-06-30"}, ["Q1", "Q2"]),
    ],
    ids=["inclusive-ends", "strictly-between", "open-end", "open-start"],
)
async def test_key_results_by_due_date(
    gql: GraphQLClient, due: dict[str, str], expected: list[str]
) -> None:
    # given
    goal = await factories.goal(await factories.team())
    await factories.key_result(goal, title="Q1", due_date=date(2026, 3, 31))
    await factories.key_result(goal, title="Q2", due_date=date(2026, 6, 30))
    await factories.key_result(goal, title="Q4", due_date=date(2026, 12, 31))

    # when
    titles = await labels(gql, KEY_RESULTS, {"due": due})

    # then
    assert titles == expected


async def test_key_results_search_in_title_or_description(gql: GraphQLClient) -> None:
    # given
    goal = await factories.goal(await factories.team())
    await factories.key_result(goal, title="Webinar signups", description="From EMEA")
    await factories.key_result(goal, title="Trial signups", description="Self-serve")
    await factories.key_result(goal, title="Churn", description="webinar attendees")

    # when
    titles = await labels(gql, KEY_RESULTS, {"search": "WEBINAR"})

    # then
    assert titles == ["Webinar signups", "Churn"]


@pytest.mark.parametrize(
    ("order_by", "expected"),
    [
        ({"field": "DUE_DATE"}, ["B", "A", "C", "D"]),
        ({"field": "DUE_DATE", "direction": "DESC"}, ["D", "C", "A", "B"]),
        ({"field": "TITLE", "direction": "DESC"}, ["D", "C", "B", "A"]),
    ],
    ids=["due", "due-desc", "title-desc"],
)
async def test_key_results_order_by_with_ties_broken_by_id(
    gql: GraphQLClient, order_by: dict[str, str], expected: list[str]
) -> None:
    # given: A and C are due on the same day, A created first
    goal = await factories.goal(await factories.team())
    await factories.key_result(goal, title="A", due_date=date(2026, 6, 30))
    await factories.key_result(goal, title="B", due_date=date(2026, 3, 31))
    await factories.key_result(goal, title="C", due_date=date(2026, 6, 30))
    await factories.key_result(goal, title="D", due_date=date(2026, 9, 30))

    # when
    titles = await labels(gql, KEY_RESULTS, order_by=order_by)

    # then
    assert titles == expected


# --- campaigns --------------------------------------------------------------------------


async def test_campaigns_default_listing_by_start_date_without_archived(
    gql: GraphQLClient,
) -> None:
    # given
    team = await factories.team()
    await factories.campaign(team, name="Summer", start_date=date(2026, 6, 1))
    await factories.campaign(team, name="Spring", start_date=date(2026, 3, 1))
    await archive(await factories.campaign(team, name="Winter", start_date=date(2026, 1, 1)))
    await factories.campaign(team, name="Spring bis", start_date=date(2026, 3, 1))

    # when
    default = await labels(gql, CAMPAIGNS)
    everything = await labels(gql, CAMPAIGNS, {"includeArchived": True})

    # then
    assert default == ["Spring", "Spring bis", "Summer"]
    assert everything == ["Winter", "Spring", "Spring bis", "Summer"]


async def test_campaigns_by_teams(gql: GraphQLClient) -> None:
    # given
    sales = await factories.team(name="Sales")
    brand = await factories.team(name="Brand")
    await factories.campaign(sales, name="Outbound push")
    await factories.campaign(brand, name="Billboards")

    # when
    titles = await labels(gql, CAMPAIGNS, {"teams": [gid(brand)]})

    # then
    assert titles == ["Billboards"]


async def test_campaigns_by_statuses(gql: GraphQLClient) -> None:
    # given
    team = await factories.team()
    await factories.campaign(team, name="Draft", status=CampaignStatus.DRAFT)
    await factories.campaign(team, name="Live", status=CampaignStatus.ACTIVE)
    await factories.campaign(team, name="Paused", status=CampaignStatus.PAUSED)
    await factories.campaign(team, name="Done", status=CampaignStatus.COMPLETED)

    # when
    titles = await labels(gql, CAMPAIGNS, {"statuses": ["ACTIVE", "PAUSED"]})

    # then
    assert titles == ["Live", "Paused"]


async def test_campaigns_by_channels_list_a_multichannel_campaign_once(
    gql: GraphQLClient,
) -> None:
    # given
    team = await factories.team()
    await factories.campaign(
        team, name="Omni", channels=[Channel.EMAIL, Channel.PAID_SOCIAL, Channel.SEO]
    )
    await factories.campaign(team, name="Newsletter", channels=[Channel.EMAIL])
    await factories.campaign(team, name="Search", channels=[Channel.PAID_SEARCH])
    await factories.campaign(team, name="Nothing yet")

    # when
    data = await gql.data(
        CAMPAIGNS_WITH_CHANNELS, {"filter": {"channels": ["EMAIL", "PAID_SOCIAL"]}}
    )

    # then
    assert data["campaigns"] == {
        "totalCount": 2,
        "nodes": [
            {"name": "Omni", "channels": ["EMAIL", "PAID_SOCIAL", "SEO"]},
            {"name": "Newsletter", "channels": ["EMAIL"]},
        ],
    }


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        ({"start": "2026-03-31", "end": "2026-03-31"}, ["March"]),
        ({"start": "2026-03-31", "end": "2026-04-01"}, ["March", "April"]),
        ({"start": "2026-04-01"}, ["April", "Spring"]),
        ({"end": "2026-02-28"}, []),
        ({"start": "2026-05-01", "end": "2026-05-31"}, ["Spring"]),
    ],
    ids=["last-day", "boundary", "open-end", "before-all", "inside-long-one"],
)
async def test_campaigns_by_dates_overlap(
    gql: GraphQLClient, dates: dict[str, str], expected: list[str]
) -> None:
    # given
    team = await factories.team()
    await factories.campaign(
        team, name="March", start_date=date(2026, 3, 1), end_date=date(2026, 3, 31)
    )
    await factories.campaign(
        team, name="April", start_date=date(2026, 4, 1), end_date=date(2026, 4, 30)
    )
    await factories.campaign(
        team, name="Spring", start_date=date(2026, 4, 15), end_date=date(2026, 6, 15)
    )

    # when
    titles = await labels(gql, CAMPAIGNS, {"dates": dates})

    # then
    assert titles == expected


async def _campaigns_with_and_without_alignment() -> None:
    team = await factories.team()
    goal = await factories.goal(team)
    live_kr = await factories.key_result(goal, title="Live KR")
    dead_kr = await factories.key_result(goal, title="Archived KR")
    await archive(dead_kr)
    aligned = await factories.campaign(team, name="Aligned", start_date=date(2026, 3, 1))
    await factories.align(aligned, live_kr)
    to_archived_kr = await factories.campaign(
        team, name="To archived KR", start_date=date(2026, 3, 2)
    )
    await factories.align(to_archived_kr, dead_kr)
    archived_alignment = await factories.campaign(
        team, name="Archived alignment", start_date=date(2026, 3, 3)
    )
    await archive(await factories.align(archived_alignment, live_kr))
    await factories.campaign(team, name="Loose", start_date=date(2026, 3, 4))
    split = await factories.campaign(team, name="Split", start_date=date(2026, 3, 5))
    await factories.align(split, live_kr, share="0.5")
    await factories.align(split, dead_kr, share="0.5")


async def test_campaigns_aligned_true_lists_campaigns_supporting_a_live_key_result(
    gql: GraphQLClient,
) -> None:
    # given
    await _campaigns_with_and_without_alignment()

    # when
    titles = await labels(gql, CAMPAIGNS, {"aligned": True})

    # then
    assert titles == ["Aligned", "Split"]


async def test_campaigns_aligned_false_lists_unaligned_campaigns(gql: GraphQLClient) -> None:
    # given
    await _campaigns_with_and_without_alignment()

    # when
    titles = await labels(gql, CAMPAIGNS, {"aligned": False})

    # then
    assert titles == ["To archived KR", "Archived alignment", "Loose"]


async def test_campaigns_search_in_name_description_or_audience(gql: GraphQLClient) -> None:
    # given
    team = await factories.team()
    await factories.campaign(team, name="Fintech launch", start_date=date(2026, 3, 1))
    await factories.campaign(
        team,
        name="Spring webinar",
        description="For FINTECH buyers",
        start_date=date(2026, 3, 2),
    )
    await factories.campaign(
        team, name="Retargeting", audience="Fintech CFOs", start_date=date(2026, 3, 3)
    )
    await factories.campaign(team, name="Retail promo", start_date=date(2026, 3, 4))

    # when
    one_word = await labels(gql, CAMPAIGNS, {"search": "fintech"})
    two_words = await labels(gql, CAMPAIGNS, {"search": "cfos RETARGETING"})

    # then
    assert one_word == ["Fintech launch", "Spring webinar", "Retargeting"]
    assert two_words == ["Retargeting"]


@pytest.mark.parametrize(
    ("order_by", "expected"),
    [
        ({"field": "NAME"}, ["Alpha", "Bravo", "Charlie", "Delta"]),
        ({"field": "BUDGET"}, ["Bravo", "Alpha", "Charlie", "Delta"]),
        ({"field": "BUDGET", "direction": "DESC"}, ["Delta", "Charlie", "Alpha", "Bravo"]),
        ({"field": "END_DATE"}, ["Delta", "Charlie", "Bravo", "Alpha"]),
        ({"field": "START_DATE", "direction": "DESC"}, ["Charlie", "Alpha", "Delta", "Bravo"]),
        ({"field": "CREATED", "direction": "DESC"}, ["Delta", "Charlie", "Bravo", "Alpha"]),
    ],
    ids=["name", "budget", "budget-desc", "end-date", "start-date-desc", "created-desc"],
)
async def test_campaigns_order_by_with_ties_broken_by_id(
    gql: GraphQLClient, order_by: dict[str, str], expected: list[str]
) -> None:
    # given: Alpha/Charlie share a budget and a start date (Alpha first); budgets
    # sort as numbers (95 < 900 < 1200.50), not as text
    team = await factories.team()
    rows = [
        ("Alpha", date(2026, 4, 1), date(2026, 9, 30), "900.00"),
        ("Bravo", date(2026, 2, 1), date(2026, 6, 30), "95.00"),
        ("Charlie", date(2026, 4, 1), date(2026, 5, 31), "900.00"),
        ("Delta", date(2026, 3, 1), date(2026, 3, 31), "1200.50"),
    ]
    for name, start, end, budget in rows:
        await factories.campaign(
            team, name=name, start_date=start, end_date=end, budget=Decimal(budget)
        )

    # when
    titles = await labels(gql, CAMPAIGNS, order_by=order_by)

    # then
    assert titles == expected


# --- tasks ------------------------------------------------------------------------------


async def test_tasks_default_listing_and_archived(gql: GraphQLClient) -> None:
    # given
    await factories.task(title="Write brief")
    await archive(await factories.task(title="Old chore"))
    await factories.task(title="Book venue")

    # when
    default = await labels(gql, TASKS)
    everything = await labels(gql, TASKS, {"includeArchived": True})

    # then
    assert default == ["Write brief", "Book venue"]
    assert everything == ["Write brief", "Old chore", "Book venue"]


async def test_tasks_by_assignees(gql: GraphQLClient) -> None:
    # given
    ada = await factories.user(name="Ada")
    bob = await factories.user(name="Bob")
    cy = await factories.user(name="Cy")
    await factories.task(title="Ada's", assignee=ada)
    await factories.task(title="Bob's", assignee=bob)
    await factories.task(title="Cy's", assignee=cy)
    await factories.task(title="Nobody's")

    # when
    titles = await labels(gql, TASKS, {"assignees": [gid(cy), gid(ada)]})

    # then
    assert titles == ["Ada's", "Cy's"]


async def test_tasks_by_teams(gql: GraphQLClient) -> None:
    # given
    sales = await factories.team(name="Sales")
    brand = await factories.team(name="Brand")
    await factories.task(title="Call list", team=sales)
    await factories.task(title="Logo", team=brand)
    await factories.task(title="Teamless")

    # when
    titles = await labels(gql, TASKS, {"teams": [gid(sales)]})

    # then
    assert titles == ["Call list"]


async def test_tasks_by_statuses(gql: GraphQLClient) -> None:
    # given
    await factories.task(title="Todo", status=TaskStatus.TODO)
    await factories.task(title="Doing", status=TaskStatus.IN_PROGRESS)
    await factories.task(title="Stuck", status=TaskStatus.BLOCKED)
    await factories.task(title="Done", status=TaskStatus.DONE)

    # when
    titles = await labels(gql, TASKS, {"statuses": ["BLOCKED", "IN_PROGRESS"]})

    # then
    assert titles == ["Doing", "Stuck"]


async def test_tasks_by_campaigns(gql: GraphQLClient) -> None:
    # given
    team = await factories.team()
    spring = await factories.campaign(team, name="Spring")
    summer = await factories.campaign(team, name="Summer")
    await factories.task(title="Spring copy", campaign=spring)
    await factories.task(title="Summer copy", campaign=summer)
    await factories.task(title="Loose")

    # when
    titles = await labels(gql, TASKS, {"campaigns": [gid(summer)]})

    # then
    assert titles == ["Summer copy"]


async def test_tasks_by_key_results(gql: GraphQLClient) -> None:
    # given
    goal = await factories.goal(await factories.team())
    mqls = await factories.key_result(goal, title="MQLs")
    churn = await factories.key_result(goal, title="Churn")
    await factories.task(title="Lead magnet", key_result=mqls)
    await factories.task(title="Save desk", key_result=churn)
    await factories.task(title="Loose")

    # when
    titles = await labels(gql, TASKS, {"keyResults": [gid(mqls)]})

    # then
    assert titles == ["Lead magnet"]


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        ({"start": "2026-04-01", "end": "2026-04-30"}, ["First", "Last"]),
        ({"start": "2026-04-02"}, ["Last", "May"]),
        ({"end": "2026-04-01"}, ["First"]),
        ({"start": "2026-06-01"}, []),
    ],
    ids=["inclusive-ends", "open-end", "open-start", "after-all"],
)
async def test_tasks_by_due_date_leave_undated_tasks_out(
    gql: GraphQLClient, due: dict[str, str], expected: list[str]
) -> None:
    # given
    await factories.task(title="First", due_date=date(2026, 4, 1))
    await factories.task(title="Undated")
    await factories.task(title="Last", due_date=date(2026, 4, 30))
    await factories.task(title="May", due_date=date(2026, 5, 15))

    # when
    titles = await labels(gql, TASKS, {"due": due})

    # then
    assert titles == expected


async def _tasks_with_and_without_alignment() -> None:
    team = await factories.team()
    goal = await factories.goal(team)
    kr = await factories.key_result(goal)
    aligned_campaign = await factories.campaign(team, name="Aligned")
    await factories.align(aligned_campaign, kr)
    loose_campaign = await factories.campaign(team, name="Loose")
    await factories.task(title="On aligned campaign", campaign=aligned_campaign)
    await factories.task(title="On loose campaign", campaign=loose_campaign)
    await factories.task(title="Only key result", key_result=kr)
    await factories.task(title="Neither")
    await factories.task(title="Loose campaign and KR", campaign=loose_campaign, key_result=kr)


async def test_tasks_aligned_true_lists_work_reaching_a_goal(gql: GraphQLClient) -> None:
    # given
    await _tasks_with_and_without_alignment()

    # when
    titles = await labels(gql, TASKS, {"aligned": True})

    # then
    assert titles == ["On aligned campaign", "Only key result", "Loose campaign and KR"]


async def test_tasks_aligned_false_lists_unaligned_work(gql: GraphQLClient) -> None:
    # given
    await _tasks_with_and_without_alignment()

    # when
    titles = await labels(gql, TASKS, {"aligned": False})

    # then
    assert titles == ["On loose campaign", "Neither"]


async def test_tasks_aligned_true_leaves_out_a_task_whose_only_key_result_is_archived(
    gql: GraphQLClient,
) -> None:
    # given: the task reaches no goal any more, as trace reports
    goal = await factories.goal(await factories.team())
    kr = await factories.key_result(goal)
    await factories.task(title="Live KR", key_result=kr)
    dropped = await factories.key_result(goal)
    orphan = await factories.task(title="Archived KR", key_result=dropped)
    await archive(dropped)
    assert (await gql.data(TRACE_ALIGNED, {"id": gid(orphan)}))["trace"]["aligned"] is False

    # when
    aligned = await labels(gql, TASKS, {"aligned": True})
    unaligned = await labels(gql, TASKS, {"aligned": False})

    # then: like a campaign, a task is aligned through live key results only
    assert aligned == ["Live KR"]
    assert unaligned == ["Archived KR"]


async def test_tasks_aligned_true_leaves_out_a_task_on_an_archived_campaign(
    gql: GraphQLClient,
) -> None:
    # given: the campaign was aligned, then archived; trace finds no path any more
    team = await factories.team()
    kr = await factories.key_result(await factories.goal(team))
    shelved = await factories.campaign(team, name="Shelved")
    await factories.align(shelved, kr)
    await archive(shelved)
    leftover = await factories.task(title="Leftover", campaign=shelved)
    assert (await gql.data(TRACE_ALIGNED, {"id": gid(leftover)}))["trace"]["aligned"] is False

    # when
    aligned = await labels(gql, TASKS, {"aligned": True})
    unaligned = await labels(gql, TASKS, {"aligned": False})

    # then
    assert aligned == []
    assert unaligned == ["Leftover"]


async def test_tasks_search_in_title_or_description(gql: GraphQLClient) -> None:
    # given
    await factories.task(title="Draft press release", description="Launch PR")
    await factories.task(title="Book booth", description="For the launch event")
    await factories.task(title="Press kit")

    # when
    titles = await labels(gql, TASKS, {"search": "LAUNCH press"})

    # then
    assert titles == ["Draft press release"]


@pytest.mark.parametrize(
    ("order_by", "expected"),
    [
        ({"field": "DUE_DATE"}, ["B", "A", "C", "D"]),
        ({"field": "DUE_DATE", "direction": "DESC"}, ["D", "C", "A", "B"]),
        ({"field": "START_DATE"}, ["D", "A", "B", "C"]),
        ({"field": "STATUS"}, ["C", "A", "B", "D"]),
        ({"field": "TITLE", "direction": "DESC"}, ["D", "C", "B", "A"]),
    ],
    ids=["due", "due-desc", "start", "status", "title-desc"],
)
async def test_tasks_order_by_with_ties_broken_by_id(
    gql: GraphQLClient, order_by: dict[str, str], expected: list[str]
) -> None:
    # given: A and C are due the same day; A, B and C start the same day
    await factories.task(
        title="A",
        status=TaskStatus.IN_PROGRESS,
        start_date=date(2026, 4, 1),
        due_date=date(2026, 4, 30),
    )
    await factories.task(
        title="B", status=TaskStatus.TODO, start_date=date(2026, 4, 1), due_date=date(2026, 4, 10)
    )
    await factories.task(
        title="C", status=TaskStatus.DONE, start_date=date(2026, 4, 1), due_date=date(2026, 4, 30)
    )
    await factories.task(
        title="D", status=TaskStatus.TODO, start_date=date(2026, 3, 1), due_date=date(2026, 5, 1)
    )

    # when
    titles = await labels(gql, TASKS, order_by=order_by)

    # then
    assert titles == expected


async def test_tasks_order_by_due_date_puts_undated_tasks_last_on_every_database(
    gql: GraphQLClient,
) -> None:
    # given: one ordering for the API whatever the engine (PostgreSQL sorts NULL last
    # ascending, SQLite first)
    await factories.task(title="April 2", due_date=date(2026, 4, 2))
    await factories.task(title="Undated")
    await factories.task(title="April 1", due_date=date(2026, 4, 1))

    # when
    ascending = await labels(gql, TASKS, order_by={"field": "DUE_DATE"})
    descending = await labels(gql, TASKS, order_by={"field": "DUE_DATE", "direction": "DESC"})

    # then
    assert ascending == ["April 1", "April 2", "Undated"]
    assert descending == ["Undated", "April 2", "April 1"]


# --- milestones -------------------------------------------------------------------------


async def test_milestones_default_listing_by_start_date_and_archived(gql: GraphQLClient) -> None:
    # given
    team = await factories.team()
    await factories.milestone(team, title="Launch", start_date=date(2026, 5, 1))
    await factories.milestone(team, title="Kickoff", start_date=date(2026, 2, 1))
    await archive(await factories.milestone(team, title="Cancelled", start_date=date(2026, 3, 1)))

    # when
    default = await labels(gql, MILESTONES)
    everything = await labels(gql, MILESTONES, {"includeArchived": True})

    # then
    assert default == ["Kickoff", "Launch"]
    assert everything == ["Kickoff", "Cancelled", "Launch"]


async def test_milestones_by_teams(gql: GraphQLClient) -> None:
    # given
    sales = await factories.team(name="Sales")
    product = await factories.team(name="Product")
    await factories.milestone(sales, title="SKO", start_date=date(2026, 2, 1))
    await factories.milestone(product, title="Release 2", start_date=date(2026, 3, 1))

    # when
    titles = await labels(gql, MILESTONES, {"teams": [gid(product)]})

    # then
    assert titles == ["Release 2"]


async def test_milestones_by_kinds(gql: GraphQLClient) -> None:
    # given
    team = await factories.team()
    await factories.milestone(
        team, title="Launch", kind=MilestoneKind.LAUNCH, start_date=date(2026, 2, 1)
    )
    await factories.milestone(
        team, title="Webinar", kind=MilestoneKind.WEBINAR, start_date=date(2026, 3, 1)
    )
    await factories.milestone(
        team, title="SKO", kind=MilestoneKind.SALES_KICKOFF, start_date=date(2026, 4, 1)
    )

    # when
    titles = await labels(gql, MILESTONES, {"kinds": ["SALES_KICKOFF", "LAUNCH"]})

    # then
    assert titles == ["Launch", "SKO"]


async def test_milestones_by_campaigns(gql: GraphQLClient) -> None:
    # given
    team = await factories.team()
    spring = await factories.campaign(team, name="Spring")
    await factories.milestone(team, title="Spring launch", campaign=spring)
    await factories.milestone(team, title="Standalone")

    # when
    titles = await labels(gql, MILESTONES, {"campaigns": [gid(spring)]})

    # then
    assert titles == ["Spring launch"]


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        ({"start": "2026-04-01", "end": "2026-04-01"}, ["One day", "Week"]),
        ({"start": "2026-04-02"}, ["Week"]),
        ({"start": "2026-04-07", "end": "2026-04-30"}, ["Week"]),
        ({"start": "2026-04-08"}, []),
        ({"end": "2026-03-31"}, []),
        ({"end": "2026-04-01"}, ["One day", "Week"]),
    ],
    ids=[
        "the-day",
        "day-after-one-day",
        "last-day-of-week",
        "after-both",
        "before-both",
        "open-start",
    ],
)
async def test_milestones_by_dates_a_milestone_without_end_lasts_one_day(
    gql: GraphQLClient, dates: dict[str, str], expected: list[str]
) -> None:
    # given
    team = await factories.team()
    await factories.milestone(team, title="One day", start_date=date(2026, 4, 1))
    await factories.milestone(
        team, title="Week", start_date=date(2026, 4, 1), end_date=date(2026, 4, 7)
    )

    # when
    titles = await labels(gql, MILESTONES, {"dates": dates})

    # then
    assert titles == expected


async def test_milestones_search_in_title_or_description(gql: GraphQLClient) -> None:
    # given
    team = await factories.team()
    await factories.milestone(team, title="Launch day", start_date=date(2026, 2, 1))
    await factories.milestone(
        team, title="Webinar", description="LAUNCH follow-up", start_date=date(2026, 3, 1)
    )
    await factories.milestone(team, title="SKO", start_date=date(2026, 4, 1))

    # when
    titles = await labels(gql, MILESTONES, {"search": "launch"})

    # then
    assert titles == ["Launch day", "Webinar"]


@pytest.mark.parametrize(
    ("order_by", "expected"),
    [
        ({"field": "START_DATE"}, ["B", "A", "C"]),
        ({"field": "START_DATE", "direction": "DESC"}, ["C", "A", "B"]),
        ({"field": "TITLE", "direction": "DESC"}, ["C", "B", "A"]),
        ({"field": "CREATED"}, ["A", "B", "C"]),
    ],
    ids=["start", "start-desc", "title-desc", "created"],
)
async def test_milestones_order_by_with_ties_broken_by_id(
    gql: GraphQLClient, order_by: dict[str, str], expected: list[str]
) -> None:
    # given: A and C start the same day, A created first
    team = await factories.team()
    await factories.milestone(team, title="A", start_date=date(2026, 4, 1))
    await factories.milestone(team, title="B", start_date=date(2026, 3, 1))
    await factories.milestone(team, title="C", start_date=date(2026, 4, 1))

    # when
    titles = await labels(gql, MILESTONES, order_by=order_by)

    # then
    assert titles == expected


# --- argument errors --------------------------------------------------------------------


async def _assert_bad_input(
    gql: GraphQLClient, query: str, filter: dict[str, Any], *fragments: str
) -> None:
    error = await gql.error(query, {"filter": filter})
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    for fragment in fragments:
        assert fragment in error["message"], error


@pytest.mark.parametrize(
    ("query", "field", "wrong_type"),
    [
        (GOALS, "teams", "Campaign"),
        (KEY_RESULTS, "goals", "KeyResult"),
        (KEY_RESULTS, "teams", "Goal"),
        (CAMPAIGNS, "teams", "User"),
        (TASKS, "assignees", "Team"),
        (TASKS, "teams", "User"),
        (TASKS, "campaigns", "Goal"),
        (TASKS, "keyResults", "Campaign"),
        (MILESTONES, "teams", "Milestone"),
        (MILESTONES, "campaigns", "Task"),
        (USERS, "teams", "User"),
    ],
    ids=lambda value: LIST_FIELDS.get(value, value) if isinstance(value, str) else value,
)
async def test_a_filter_id_of_the_wrong_type_is_bad_user_input(
    gql: GraphQLClient, query: str, field: str, wrong_type: str
) -> None:
    # given
    wrong = encode_global_id(wrong_type, 1)

    # when / then
    await _assert_bad_input(gql, query, {field: [wrong]}, wrong_type, "expected a")


async def test_a_goal_parent_of_the_wrong_type_is_bad_user_input(gql: GraphQLClient) -> None:
    # given
    team = await factories.team()

    # when / then
    await _assert_bad_input(gql, GOALS, {"parent": gid(team)}, "Team", "expected a Goal ID")


async def test_a_real_row_of_the_wrong_type_is_not_taken_for_a_team(gql: GraphQLClient) -> None:
    # given: a campaign whose database ID is also a team's
    team = await factories.team()
    campaign = await factories.campaign(team)
    await factories.goal(team, title="Would match team 1")
    assert campaign.pk == team.pk

    # when / then
    await _assert_bad_input(gql, GOALS, {"teams": [gid(campaign)]}, "expected a Team ID")


@pytest.mark.parametrize(
    "malformed",
    ["not-an-id", "", "!!!", encode_global_id("Team", 1)[:-2], "VGVhbTp4"],
    ids=["garbage", "empty", "punctuation", "truncated", "non-numeric-pk"],
)
async def test_a_malformed_filter_id_is_bad_user_input(gql: GraphQLClient, malformed: str) -> None:
    # when / then
    await _assert_bad_input(gql, GOALS, {"teams": [malformed]}, "not a valid ID")


async def test_a_malformed_goal_parent_is_bad_user_input(gql: GraphQLClient) -> None:
    # when / then
    await _assert_bad_input(gql, GOALS, {"parent": "definitely not"}, "not a valid ID")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        (GOALS, "periodOverlaps"),
        (KEY_RESULTS, "due"),
        (CAMPAIGNS, "dates"),
        (TASKS, "due"),
        (MILESTONES, "dates"),
    ],
    ids=["goals", "keyResults", "campaigns", "tasks", "milestones"],
)
async def test_a_date_range_ending_before_it_starts_is_bad_user_input(
    gql: GraphQLClient, query: str, field: str
) -> None:
    # given
    backwards = {"start": "2026-04-02", "end": "2026-04-01"}

    # when / then
    await _assert_bad_input(gql, query, {field: backwards}, f"filter.{field}", "2026-04-01")


async def test_a_one_day_date_range_is_accepted(gql: GraphQLClient) -> None:
    # given
    team = await factories.team()
    await factories.campaign(
        team, name="April", start_date=date(2026, 4, 1), end_date=date(2026, 4, 30)
    )

    # when
    titles = await labels(gql, CAMPAIGNS, {"dates": {"start": "2026-04-30", "end": "2026-04-30"}})

    # then
    assert titles == ["April"]


@pytest.mark.parametrize(
    ("query", "filter"),
    [
        (GOALS, {"categories": ["NOT_A_CATEGORY"]}),
        (KEY_RESULTS, {"units": ["FURLONGS"]}),
        (CAMPAIGNS, {"statuses": ["ABANDONED"]}),
        (CAMPAIGNS, {"channels": ["CARRIER_PIGEON"]}),
        (TASKS, {"statuses": ["done"]}),
        (MILESTONES, {"kinds": ["PARTY"]}),
        (USERS, {"roles": ["OWNER"]}),
    ],
    ids=["category", "unit", "status", "channel", "lower-case-status", "kind", "role"],
)
async def test_an_unknown_enum_value_in_variables_is_bad_user_input(
    gql: GraphQLClient, query: str, filter: dict[str, Any]
) -> None:
    # when
    error = await gql.error(query, {"filter": filter})

    # then
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error


@pytest.mark.parametrize(
    "query", [GOALS_BY_INLINE_CATEGORY, CAMPAIGNS_BY_INLINE_CHANNEL], ids=["category", "channel"]
)
async def test_an_unknown_enum_value_in_the_query_is_bad_user_input(
    gql: GraphQLClient, query: str
) -> None:
    # when
    error = await gql.error(query)

    # then
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error


async def test_an_unknown_order_field_is_bad_user_input(gql: GraphQLClient) -> None:
    # when
    error = await gql.error(GOALS, {"orderBy": {"field": "POPULARITY"}})

    # then
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error


@pytest.mark.parametrize(
    "query",
    [GOALS, KEY_RESULTS, CAMPAIGNS, TASKS, MILESTONES, TEAMS, USERS],
    ids=lambda query: LIST_FIELDS[query],
)
async def test_a_search_longer_than_200_characters_is_bad_user_input(
    gql: GraphQLClient, query: str
) -> None:
    # when / then
    await _assert_bad_input(gql, query, {"search": "x" * 201}, "filter.search", "200")


async def test_a_search_of_exactly_200_characters_is_accepted(gql: GraphQLClient) -> None:
    # given
    team = await factories.team()
    await factories.goal(team, title="a" * 200)
    await factories.goal(team, title="a" * 199)

    # when
    titles = await labels(gql, GOALS, {"search": "A" * 200})

    # then
    assert titles == ["a" * 200]
