"""Every edge of every type, in both directions, through real HTTP requests.

One small organisation with hand-picked rows (some archived, some created out of order)
so that each edge's contents, order and exclusions are known exactly.
"""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from server.enums import (
    CampaignStatus,
    Channel,
    GoalCategory,
    MeasureUnit,
    MilestoneKind,
    ResultMetric,
    Role,
    TaskStatus,
)
from tests import factories

GOAL_KEY_RESULTS_PAGE = """
query GoalKeyResultsPage($id: ID!, $after: String) {
  node(id: $id) {
    ... on Goal {
      keyResults(first: 1, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        nodes { id }
      }
    }
  }
}
"""

GOAL_IS_ROOT = """
query GoalIsRoot($id: ID!) {
  node(id: $id) { ... on Goal { isRoot } }
}
"""

KEY_RESULT_CAMPAIGNS = """
query KeyResultCampaigns($id: ID!) {
  node(id: $id) {
    ... on KeyResult {
      campaigns {
        totalCount
        nodes { id }
        edges { cursor share node { id } alignment { id share } }
      }
    }
  }
}
"""

CAMPAIGN_KEY_RESULTS = """
query CampaignKeyResults($id: ID!) {
  node(id: $id) {
    ... on Campaign {
      keyResults {
        totalCount
        nodes { id }
        edges { cursor share node { id } alignment { id share } }
      }
    }
  }
}
"""

CAMPAIGN_ALIGNMENTS = """
query CampaignAlignments($id: ID!) {
  node(id: $id) { ... on Campaign { alignments { id share } } }
}
"""

CAMPAIGN_CHANNELS_AND_ALIGNED = """
query CampaignChannels($id: ID!) {
  node(id: $id) { ... on Campaign { channels isAligned } }
}
"""

CAMPAIGN_BUDGET = """
query CampaignBudget($id: ID!) {
  node(id: $id) { ... on Campaign { budget { amount currency } } }
}
"""

USER_TEAMS = """
query UserTeams($id: ID!) {
  node(id: $id) { ... on User { teams { id name } } }
}
"""

ALIGNMENT_SHARE = """
query AlignmentShare($id: ID!) {
  node(id: $id) { ... on Alignment { share } }
}
"""

SPEND_AMOUNT = """
query SpendAmount($id: ID!) {
  node(id: $id) { ... on SpendEntry { amount { amount currency } } }
}
"""

GOAL_SCALARS = """
query GoalScalars($id: ID!) {
  node(id: $id) {
    ... on Goal { title description category periodStart periodEnd weight }
  }
}
"""

KEY_RESULT_SCALARS = """
query KeyResultScalars($id: ID!) {
  node(id: $id) {
    ... on KeyResult {
      title description unit currency startValue targetValue currentValue dueDate weight
    }
  }
}
"""

CHECK_IN_SCALARS = """
query CheckInScalars($id: ID!) {
  node(id: $id) { ... on CheckIn { value note checkedInAt } }
}
"""

CAMPAIGN_SCALARS = """
query CampaignScalars($id: ID!) {
  node(id: $id) {
    ... on Campaign { name description audience startDate endDate status }
  }
}
"""

SPEND_SCALARS = """
query SpendScalars($id: ID!) {
  node(id: $id) { ... on SpendEntry { date channel note } }
}
"""

RESULT_SCALARS = """
query ResultScalars($id: ID!) {
  node(id: $id) { ... on ResultEntry { date channel metric value note } }
}
"""

TASK_SCALARS = """
query TaskScalars($id: ID!) {
  node(id: $id) {
    ... on Task { title description status startDate dueDate estimateHours }
  }
}
"""

MILESTONE_SCALARS = """
query MilestoneScalars($id: ID!) {
  node(id: $id) { ... on Milestone { title description kind startDate endDate } }
}
"""

TEAM_SCALARS = """
query TeamScalars($id: ID!) {
  node(id: $id) { ... on Team { name description color } }
}
"""

USER_SCALARS = """
query UserScalars($id: ID!) {
  node(id: $id) { ... on User { name email role weeklyCapacityHours } }
}
"""

VERSIONED = """
query VersionedFields($id: ID!) {
  node(id: $id) { ... on Versioned { version createdAt updatedAt archivedAt } }
}
"""


def to_one_query(type_name: str, field: str) -> str:
    return f"""
query ToOne($id: ID!) {{
  node(id: $id) {{ ... on {type_name} {{ {field} {{ __typename id }} }} }}
}}
"""


def to_many_query(type_name: str, field: str) -> str:
    return f"""
query ToMany($id: ID!) {{
  node(id: $id) {{
    ... on {type_name} {{
      {field} {{
        totalCount
        pageInfo {{ hasNextPage hasPreviousPage }}
        nodes {{ __typename id }}
        edges {{ cursor node {{ id }} }}
      }}
    }}
  }}
}}
"""


def gid(row) -> str:
    """The opaque global ID of a row: url-safe base64 of "Type:pk" without padding."""
    raw = f"{type(row).__name__}:{row.pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.fixture
async def org(db: str) -> SimpleNamespace:
    """A small organisation; rows are created out of order where order matters."""
    o = SimpleNamespace()
    o.growth = await factories.team(name="Growth", description="Demand gen", color="#112233")
    o.brand = await factories.team(name="Brand")
    o.old_team = await factories.team(name="Old team")
    # Bob before Ann: members and teams are ordered by name, not by creation.
    o.bob = await factories.user(teams=[o.growth], name="Bob", email="bob@example.com")
    o.ann = await factories.user(
        teams=[o.growth, o.brand, o.old_team],
        name="Ann",
        email="Ann@Example.com",
        role=Role.EDITOR,
        weekly_capacity_hours=Decimal("32.50"),
    )
    o.carl = await factories.user(teams=[o.growth], name="Carl")
    await factories.archive(o.carl)
    await factories.archive(o.old_team)

    o.root = await factories.goal(
        o.growth,
        owner=o.ann,
        title="Grow revenue",
        description="Company objective",
        category=GoalCategory.REVENUE,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        weight=Decimal("2.5"),
    )
    o.child = await factories.goal(o.brand, parent=o.root, owner=o.bob)
    o.child_archived = await factories.goal(o.growth, parent=o.root, owner=o.ann)
    await factories.archive(o.child_archived)
    o.child2 = await factories.goal(o.growth, parent=o.root)
    o.grandchild = await factories.goal(o.brand, parent=o.child)

    o.kr1 = await factories.key_result(
        o.root,
        owner=o.ann,
        title="ARR",
        description="Annual recurring revenue",
        unit=MeasureUnit.CURRENCY,
        currency="EUR",
        start_value=Decimal("0"),
        target_value=Decimal("250000.5"),
        current_value=Decimal("1234.5678"),
        due_date=date(2026, 6, 30),
        weight=Decimal("1.5"),
    )
    o.kr2 = await factories.key_result(o.root, owner=o.bob)
    o.kr_archived = await factories.key_result(o.root, owner=o.ann)
    await factories.archive(o.kr_archived)
    o.kr3 = await factories.key_result(o.child)

    # The later check-in first: check-ins are listed oldest first.
    o.ci_late = await factories.check_in(
        o.kr1,
        "10.25",
        author=o.ann,
        note="Good week",
        checked_in_at=datetime(2026, 3, 5, 14, 30, tzinfo=UTC),
    )
    o.ci_early = await factories.check_in(
        o.kr1, "5", author=o.bob, checked_in_at=datetime(2026, 2, 1, 9, tzinfo=UTC)
    )
    o.ci_archived = await factories.check_in(o.kr1, "7", author=o.ann)
    await factories.archive(o.ci_archived)

    o.camp = await factories.campaign(
        o.growth,
        channels=[Channel.SEO, Channel.EMAIL],
        owner=o.ann,
        name="Spring push",
        description="Paid and organic",
        audience="SMB",
        start_date=date(2026, 3, 1),
        end_date=date(2026, 5, 31),
        status=CampaignStatus.ACTIVE,
        budget=Decimal("12500"),
        currency="EUR",
    )
    o.camp2 = await factories.campaign(o.brand, owner=o.bob, start_date=date(2026, 2, 1))
    o.camp_archived = await factories.campaign(o.growth, owner=o.ann)
    await factories.archive(o.camp_archived)
    o.camp_unaligned = await factories.campaign(o.growth, start_date=date(2026, 1, 15))

    o.a1 = await factories.align(o.camp, o.kr1, "0.6")
    o.a2 = await factories.align(o.camp, o.kr2, "0.4")
    o.a_archived = await factories.align(o.camp, o.kr3, "0.5")
    await factories.archive(o.a_archived)
    o.a3 = await factories.align(o.camp2, o.kr1, "1")
    o.a_of_archived_campaign = await factories.align(o.camp_archived, o.kr1, "1")
    o.a_to_archived_kr = await factories.align(o.camp_unaligned, o.kr_archived, "1")

    # The later spend first: spend is listed by date.
    o.s1 = await factories.spend(
        o.camp, "1200.5", date=date(2026, 3, 15), channel=Channel.SEO, note="Ads"
    )
    o.s0 = await factories.spend(o.camp, "99.99", date=date(2026, 3, 1))
    o.s_archived = await factories.spend(o.camp, "5")
    await factories.archive(o.s_archived)

    o.r1 = await factories.result(
        o.camp, ResultMetric.LEADS, "42", channel=Channel.EMAIL, note="Form fills"
    )
    o.r_archived = await factories.result(o.camp, ResultMetric.REVENUE, "1000")
    await factories.archive(o.r_archived)

    o.t1 = await factories.task(
        title="Write copy",
        description="Landing page",
        campaign=o.camp,
        key_result=o.kr1,
        assignee=o.ann,
        team=o.growth,
        status=TaskStatus.IN_PROGRESS,
        start_date=date(2026, 3, 2),
        due_date=date(2026, 3, 10),
        estimate_hours=Decimal("4.5"),
    )
    o.t2 = await factories.task(campaign=o.camp, assignee=o.ann, team=o.growth)
    o.t_archived = await factories.task(
        campaign=o.camp, key_result=o.kr1, assignee=o.ann, team=o.growth
    )
    await factories.archive(o.t_archived)
    o.t3 = await factories.task(key_result=o.kr1, assignee=o.bob, team=o.brand)
    o.t_bare = await factories.task()

    # The later milestone first: milestones are listed by start date.
    o.m1 = await factories.milestone(
        o.growth,
        title="Launch",
        description="Go live",
        kind=MilestoneKind.LAUNCH,
        start_date=date(2026, 4, 15),
        end_date=date(2026, 4, 16),
        campaign=o.camp,
        key_result=o.kr1,
    )
    o.m0 = await factories.milestone(o.growth, campaign=o.camp, start_date=date(2026, 4, 1))
    o.m_archived = await factories.milestone(o.growth, campaign=o.camp, key_result=o.kr1)
    await factories.archive(o.m_archived)
    o.m_brand = await factories.milestone(o.brand, start_date=date(2026, 5, 1))
    return o


# (GraphQL type, origin row, field, expected target row or None)
TO_ONE_EDGES = [
    ("Goal", "root", "parent", None),
    ("Goal", "child", "parent", "root"),
    ("Goal", "grandchild", "parent", "child"),
    ("Goal", "root", "ownerTeam", "growth"),
    ("Goal", "child", "ownerTeam", "brand"),
    ("Goal", "root", "owner", "ann"),
    ("Goal", "child", "owner", "bob"),
    ("Goal", "grandchild", "owner", None),
    ("KeyResult", "kr1", "goal", "root"),
    ("KeyResult", "kr3", "goal", "child"),
    ("KeyResult", "kr1", "owner", "ann"),
    ("KeyResult", "kr3", "owner", None),
    ("CheckIn", "ci_late", "keyResult", "kr1"),
    ("CheckIn", "ci_late", "author", "ann"),
    ("CheckIn", "ci_early", "author", "bob"),
    ("Campaign", "camp", "ownerTeam", "growth"),
    ("Campaign", "camp2", "ownerTeam", "brand"),
    ("Campaign", "camp", "owner", "ann"),
    ("Campaign", "camp_unaligned", "owner", None),
    ("Alignment", "a1", "campaign", "camp"),
    ("Alignment", "a1", "keyResult", "kr1"),
    ("Alignment", "a3", "campaign", "camp2"),
    ("SpendEntry", "s1", "campaign", "camp"),
    ("ResultEntry", "r1", "campaign", "camp"),
    ("Task", "t1", "campaign", "camp"),
    ("Task", "t3", "campaign", None),
    ("Task", "t1", "keyResult", "kr1"),
    ("Task", "t2", "keyResult", None),
    ("Task", "t1", "assignee", "ann"),
    ("Task", "t3", "assignee", "bob"),
    ("Task", "t_bare", "assignee", None),
    ("Task", "t1", "team", "growth"),
    ("Task", "t3", "team", "brand"),
    ("Task", "t_bare", "team", None),
    ("Milestone", "m1", "team", "growth"),
    ("Milestone", "m_brand", "team", "brand"),
    ("Milestone", "m1", "campaign", "camp"),
    ("Milestone", "m_brand", "campaign", None),
    ("Milestone", "m1", "keyResult", "kr1"),
    ("Milestone", "m0", "keyResult", None),
]


@pytest.mark.parametrize(
    ("type_name", "origin", "field", "target"),
    TO_ONE_EDGES,
    ids=[f"{t}.{f}-{o}" for t, o, f, _ in TO_ONE_EDGES],
)
async def test_to_one_edge_gives_the_related_node(gql, org, type_name, origin, field, target):
    # given
    row = getattr(org, origin)

    # when
    data = await gql.data(to_one_query(type_name, field), {"id": gid(row)})

    # then
    related = data["node"][field]
    if target is None:
        assert related is None
    else:
        expected = getattr(org, target)
        assert related == {"__typename": type(expected).__name__, "id": gid(expected)}


# (GraphQL type, origin row, field, expected rows in order); archived rows never appear.
TO_MANY_EDGES = [
    ("Goal", "root", "children", ["child", "child2"]),
    ("Goal", "child", "children", ["grandchild"]),
    ("Goal", "grandchild", "children", []),
    ("Goal", "root", "keyResults", ["kr1", "kr2"]),
    ("Goal", "child", "keyResults", ["kr3"]),
    ("KeyResult", "kr1", "checkIns", ["ci_early", "ci_late"]),
    ("KeyResult", "kr2", "checkIns", []),
    ("KeyResult", "kr1", "alignments", ["a1", "a3"]),
    ("KeyResult", "kr2", "alignments", ["a2"]),
    ("KeyResult", "kr3", "alignments", []),
    ("KeyResult", "kr1", "tasks", ["t1", "t3"]),
    ("KeyResult", "kr2", "tasks", []),
    ("KeyResult", "kr1", "milestones", ["m1"]),
    ("Campaign", "camp", "tasks", ["t1", "t2"]),
    ("Campaign", "camp2", "tasks", []),
    ("Campaign", "camp", "milestones", ["m0", "m1"]),
    ("Campaign", "camp", "spend", ["s0", "s1"]),
    ("Campaign", "camp", "results", ["r1"]),
    ("Team", "growth", "members", ["ann", "bob"]),
    ("Team", "brand", "members", ["ann"]),
    ("Team", "growth", "goals", ["root", "child2"]),
    ("Team", "brand", "goals", ["child", "grandchild"]),
    ("Team", "growth", "campaigns", ["camp_unaligned", "camp"]),
    ("Team", "brand", "campaigns", ["camp2"]),
    ("Team", "growth", "tasks", ["t1", "t2"]),
    ("Team", "brand", "tasks", ["t3"]),
    ("Team", "growth", "milestones", ["m0", "m1"]),
    ("Team", "brand", "milestones", ["m_brand"]),
    ("User", "ann", "assignedTasks", ["t1", "t2"]),
    ("User", "bob", "assignedTasks", ["t3"]),
    ("User", "ann", "ownedGoals", ["root"]),
    ("User", "bob", "ownedGoals", ["child"]),
    ("User", "ann", "ownedKeyResults", ["kr1"]),
    ("User", "bob", "ownedKeyResults", ["kr2"]),
    ("User", "ann", "ownedCampaigns", ["camp"]),
    ("User", "bob", "ownedCampaigns", ["camp2"]),
    ("User", "ann", "checkIns", ["ci_late"]),
    ("User", "bob", "checkIns", ["ci_early"]),
]


@pytest.mark.parametrize(
    ("type_name", "origin", "field", "targets"),
    TO_MANY_EDGES,
    ids=[f"{t}.{f}-{o}" for t, o, f, _ in TO_MANY_EDGES],
)
async def test_to_many_edge_lists_live_rows_in_order(gql, org, type_name, origin, field, targets):
    # given
    row = getattr(org, origin)
    expected = [getattr(org, name) for name in targets]

    # when
    data = await gql.data(to_many_query(type_name, field), {"id": gid(row)})

    # then
    connection = data["node"][field]
    assert connection["totalCount"] == len(expected)
    assert connection["pageInfo"] == {"hasNextPage": False, "hasPreviousPage": False}
    assert connection["nodes"] == [{"__typename": type(e).__name__, "id": gid(e)} for e in expected]
    assert [edge["node"]["id"] for edge in connection["edges"]] == [gid(e) for e in expected]
    assert len({edge["cursor"] for edge in connection["edges"]}) == len(expected)


async def test_goal_is_root_only_without_parent(gql, org):
    # when
    root = await gql.data(GOAL_IS_ROOT, {"id": gid(org.root)})
    child = await gql.data(GOAL_IS_ROOT, {"id": gid(org.child)})

    # then
    assert root["node"]["isRoot"] is True
    assert child["node"]["isRoot"] is False


async def test_key_result_campaign_edges_carry_share_and_alignment(gql, org):
    # when
    data = await gql.data(KEY_RESULT_CAMPAIGNS, {"id": gid(org.kr1)})

    # then: the archived campaign's alignment is left out
    campaigns = data["node"]["campaigns"]
    assert campaigns["totalCount"] == 2
    assert campaigns["nodes"] == [{"id": gid(org.camp)}, {"id": gid(org.camp2)}]
    edges = [
        (
            e["node"]["id"],
            Decimal(e["share"]),
            e["alignment"]["id"],
            Decimal(e["alignment"]["share"]),
        )
        for e in campaigns["edges"]
    ]
    assert edges == [
        (gid(org.camp), Decimal("0.6"), gid(org.a1), Decimal("0.6")),
        (gid(org.camp2), Decimal("1"), gid(org.a3), Decimal("1")),
    ]


async def test_key_result_campaigns_leave_out_archived_alignments(gql, org):
    # when
    data = await gql.data(KEY_RESULT_CAMPAIGNS, {"id": gid(org.kr3)})

    # then
    assert data["node"]["campaigns"] == {"totalCount": 0, "nodes": [], "edges": []}


async def test_campaign_key_result_edges_carry_share_and_alignment(gql, org):
    # when
    data = await gql.data(CAMPAIGN_KEY_RESULTS, {"id": gid(org.camp)})

    # then: the archived alignment to kr3 is left out
    key_results = data["node"]["keyResults"]
    assert key_results["totalCount"] == 2
    assert key_results["nodes"] == [{"id": gid(org.kr1)}, {"id": gid(org.kr2)}]
    edges = [
        (e["node"]["id"], Decimal(e["share"]), e["alignment"]["id"]) for e in key_results["edges"]
    ]
    assert edges == [
        (gid(org.kr1), Decimal("0.6"), gid(org.a1)),
        (gid(org.kr2), Decimal("0.4"), gid(org.a2)),
    ]


async def test_campaign_key_results_leave_out_archived_key_results(gql, org):
    # when
    data = await gql.data(CAMPAIGN_KEY_RESULTS, {"id": gid(org.camp_unaligned)})

    # then
    assert data["node"]["keyResults"]["totalCount"] == 0
    assert data["node"]["keyResults"]["nodes"] == []


async def test_campaign_alignments_list_live_alignments(gql, org):
    # when
    data = await gql.data(CAMPAIGN_ALIGNMENTS, {"id": gid(org.camp)})

    # then
    alignments = [(a["id"], Decimal(a["share"])) for a in data["node"]["alignments"]]
    assert alignments == [(gid(org.a1), Decimal("0.6")), (gid(org.a2), Decimal("0.4"))]


async def test_campaign_channels_are_alphabetical(gql, org):
    # when
    data = await gql.data(CAMPAIGN_CHANNELS_AND_ALIGNED, {"id": gid(org.camp)})

    # then
    assert data["node"]["channels"] == ["EMAIL", "SEO"]


async def test_campaign_without_channels_has_empty_list(gql, org):
    # when
    data = await gql.data(CAMPAIGN_CHANNELS_AND_ALIGNED, {"id": gid(org.camp2)})

    # then
    assert data["node"]["channels"] == []


@pytest.mark.parametrize(
    ("campaign", "aligned"),
    [("camp", True), ("camp2", True), ("camp_unaligned", False)],
)
async def test_campaign_is_aligned_only_to_live_key_results(gql, org, campaign, aligned):
    # when
    data = await gql.data(CAMPAIGN_CHANNELS_AND_ALIGNED, {"id": gid(getattr(org, campaign))})

    # then: camp_unaligned's only alignment targets an archived key result
    assert data["node"]["isAligned"] is aligned


async def test_campaign_budget_is_an_exact_decimal_with_currency(gql, org):
    # when
    data = await gql.data(CAMPAIGN_BUDGET, {"id": gid(org.camp)})

    # then
    assert data["node"]["budget"] == {"amount": "12500.00", "currency": "EUR"}


async def test_campaign_budget_defaults_to_usd(gql, org):
    # when
    data = await gql.data(CAMPAIGN_BUDGET, {"id": gid(org.camp2)})

    # then
    assert data["node"]["budget"] == {"amount": "10000.00", "currency": "USD"}


async def test_user_teams_by_name_without_archived_teams(gql, org):
    # when
    ann = await gql.data(USER_TEAMS, {"id": gid(org.ann)})
    bob = await gql.data(USER_TEAMS, {"id": gid(org.bob)})

    # then
    assert ann["node"]["teams"] == [
        {"id": gid(org.brand), "name": "Brand"},
        {"id": gid(org.growth), "name": "Growth"},
    ]
    assert bob["node"]["teams"] == [{"id": gid(org.growth), "name": "Growth"}]


async def test_alignment_share_is_exact(gql, org):
    # when
    data = await gql.data(ALIGNMENT_SHARE, {"id": gid(org.a2)})

    # then
    assert Decimal(data["node"]["share"]) == Decimal("0.4")


async def test_spend_amount_is_money_with_two_decimals(gql, org):
    # when
    data = await gql.data(SPEND_AMOUNT, {"id": gid(org.s1)})

    # then
    assert data["node"]["amount"] == {"amount": "1200.50", "currency": "EUR"}


async def test_goal_scalar_fields(gql, org):
    # when
    data = await gql.data(GOAL_SCALARS, {"id": gid(org.root)})

    # then
    goal = data["node"]
    assert {k: v for k, v in goal.items() if k != "weight"} == {
        "title": "Grow revenue",
        "description": "Company objective",
        "category": "REVENUE",
        "periodStart": "2026-01-01",
        "periodEnd": "2026-12-31",
    }
    assert Decimal(goal["weight"]) == Decimal("2.5")


async def test_key_result_scalar_fields(gql, org):
    # when
    data = await gql.data(KEY_RESULT_SCALARS, {"id": gid(org.kr1)})

    # then
    kr = data["node"]
    assert kr["title"] == "ARR"
    assert kr["description"] == "Annual recurring revenue"
    assert kr["unit"] == "CURRENCY"
    assert kr["currency"] == "EUR"
    assert kr["dueDate"] == "2026-06-30"
    assert Decimal(kr["startValue"]) == Decimal("0")
    assert Decimal(kr["targetValue"]) == Decimal("250000.5")
    assert kr["currentValue"] == "1234.5678"
    assert Decimal(kr["weight"]) == Decimal("1.5")


async def test_check_in_scalar_fields(gql, org):
    # when
    data = await gql.data(CHECK_IN_SCALARS, {"id": gid(org.ci_late)})

    # then
    check_in = data["node"]
    assert Decimal(check_in["value"]) == Decimal("10.25")
    assert check_in["note"] == "Good week"
    assert datetime.fromisoformat(check_in["checkedInAt"]) == datetime(
        2026, 3, 5, 14, 30, tzinfo=UTC
    )


async def test_campaign_scalar_fields(gql, org):
    # when
    data = await gql.data(CAMPAIGN_SCALARS, {"id": gid(org.camp)})

    # then
    assert data["node"] == {
        "name": "Spring push",
        "description": "Paid and organic",
        "audience": "SMB",
        "startDate": "2026-03-01",
        "endDate": "2026-05-31",
        "status": "ACTIVE",
    }


async def test_spend_entry_scalar_fields(gql, org):
    # when
    data = await gql.data(SPEND_SCALARS, {"id": gid(org.s1)})

    # then
    assert data["node"] == {"date": "2026-03-15", "channel": "SEO", "note": "Ads"}


async def test_spend_entry_without_channel(gql, org):
    # when
    data = await gql.data(SPEND_SCALARS, {"id": gid(org.s0)})

    # then
    assert data["node"] == {"date": "2026-03-01", "channel": None, "note": ""}


async def test_result_entry_scalar_fields(gql, org):
    # when
    data = await gql.data(RESULT_SCALARS, {"id": gid(org.r1)})

    # then
    result = data["node"]
    assert Decimal(result.pop("value")) == Decimal(42)
    assert result == {
        "date": "2026-03-20",
        "channel": "EMAIL",
        "metric": "LEADS",
        "note": "Form fills",
    }


async def test_task_scalar_fields(gql, org):
    # when
    data = await gql.data(TASK_SCALARS, {"id": gid(org.t1)})

    # then
    assert data["node"] == {
        "title": "Write copy",
        "description": "Landing page",
        "status": "IN_PROGRESS",
        "startDate": "2026-03-02",
        "dueDate": "2026-03-10",
        "estimateHours": "4.50",
    }


async def test_task_optional_scalars_are_null(gql, org):
    # when
    data = await gql.data(TASK_SCALARS, {"id": gid(org.t_bare)})

    # then
    task = data["node"]
    assert (task["status"], task["startDate"], task["dueDate"], task["estimateHours"]) == (
        "TODO",
        None,
        None,
        None,
    )


async def test_milestone_scalar_fields(gql, org):
    # when
    data = await gql.data(MILESTONE_SCALARS, {"id": gid(org.m1)})

    # then
    assert data["node"] == {
        "title": "Launch",
        "description": "Go live",
        "kind": "LAUNCH",
        "startDate": "2026-04-15",
        "endDate": "2026-04-16",
    }


async def test_one_day_milestone_has_no_end_date(gql, org):
    # when
    data = await gql.data(MILESTONE_SCALARS, {"id": gid(org.m0)})

    # then
    assert (data["node"]["kind"], data["node"]["endDate"]) == ("OTHER", None)


async def test_team_scalar_fields(gql, org):
    # when
    data = await gql.data(TEAM_SCALARS, {"id": gid(org.growth)})

    # then
    assert data["node"] == {"name": "Growth", "description": "Demand gen", "color": "#112233"}


async def test_user_scalar_fields(gql, org):
    # when
    data = await gql.data(USER_SCALARS, {"id": gid(org.ann)})

    # then
    user = data["node"]
    assert (user["name"], user["email"], user["role"]) == ("Ann", "Ann@Example.com", "EDITOR")
    assert Decimal(user["weeklyCapacityHours"]) == Decimal("32.5")


VERSIONED_ROWS = [
    "growth",
    "ann",
    "root",
    "kr1",
    "ci_late",
    "camp",
    "a1",
    "s1",
    "r1",
    "t1",
    "m1",
]


@pytest.mark.parametrize("name", VERSIONED_ROWS)
async def test_versioned_fields_of_a_live_row(gql, org, name):
    # given
    row = getattr(org, name)
    await type(row).filter(pk=row.pk).update(version=3)
    row = await type(row).get(pk=row.pk)

    # when
    data = await gql.data(VERSIONED, {"id": gid(row)})

    # then
    node = data["node"]
    assert node["version"] == 3
    assert datetime.fromisoformat(node["createdAt"]) == row.created_at
    assert datetime.fromisoformat(node["updatedAt"]) == row.updated_at
    assert datetime.fromisoformat(node["createdAt"]).utcoffset() is not None
    assert node["archivedAt"] is None


@pytest.mark.parametrize(
    "name", ["carl", "old_team", "child_archived", "kr_archived", "camp_archived", "t_archived"]
)
async def test_versioned_archived_at_of_an_archived_row(gql, org, name):
    # given
    row = getattr(org, name)

    # when
    data = await gql.data(VERSIONED, {"id": gid(row)})

    # then
    assert datetime.fromisoformat(data["node"]["archivedAt"]) == factories.ARCHIVED_AT
    assert data["node"]["version"] == 1


async def test_archiving_a_child_removes_it_from_the_edge(gql, org):
    # given
    query = to_many_query("Goal", "keyResults")
    before = await gql.data(query, {"id": gid(org.root)})

    # when
    await factories.archive(org.kr2)
    after = await gql.data(query, {"id": gid(org.root)})

    # then
    assert [n["id"] for n in before["node"]["keyResults"]["nodes"]] == [
        gid(org.kr1),
        gid(org.kr2),
    ]
    assert after["node"]["keyResults"]["totalCount"] == 1
    assert after["node"]["keyResults"]["nodes"] == [{"__typename": "KeyResult", "id": gid(org.kr1)}]


async def test_archived_target_of_a_to_one_edge_is_still_returned(gql, org):
    # given: a live task whose campaign gets archived
    await factories.archive(org.camp2)
    task = await factories.task(campaign=org.camp2)

    # when
    data = await gql.data(to_one_query("Task", "campaign"), {"id": gid(task)})

    # then: the row still exists, so the edge resolves
    assert data["node"]["campaign"] == {"__typename": "Campaign", "id": gid(org.camp2)}


async def test_to_many_edge_pages_with_first_and_after(gql, org):
    # given
    query = GOAL_KEY_RESULTS_PAGE
    first = await gql.data(query, {"id": gid(org.root), "after": None})
    cursor = first["node"]["keyResults"]["pageInfo"]["endCursor"]

    # when
    second = await gql.data(query, {"id": gid(org.root), "after": cursor})

    # then
    assert first["node"]["keyResults"]["nodes"] == [{"id": gid(org.kr1)}]
    assert first["node"]["keyResults"]["pageInfo"]["hasNextPage"] is True
    assert second["node"]["keyResults"]["nodes"] == [{"id": gid(org.kr2)}]
    assert second["node"]["keyResults"]["pageInfo"]["hasNextPage"] is False
    assert second["node"]["keyResults"]["totalCount"] == 2
