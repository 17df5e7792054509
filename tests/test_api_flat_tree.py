"""`goalTreeFlat`: the goal tree as flat rows in depth-first order, with the figures the
nested fields show, paged by position.

The organisation (the clock on 2026-06-15):

    G1 Grow revenue (Marketing)
      KR1 Pipeline 0 -> 100, at 50
        C1 Spring push (Sales), share 0.6; budget 10 000, spent 3 000
          t1 Brief
        t2 Call list (on the key result itself)
      KR2 Win rate 0 -> 100, at 25
        C1 Spring push, share 0.4
          t1 Brief
      G2 Grow EMEA (Sales)
        KR3 EMEA deals 0 -> 10, at 10
    G4 Brand (Marketing), nothing below

plus archived rows that must not show: G3 under G1 (with a live key result), KR5 under
G1, campaign C2 on KR3, task t3 of C1, and the alignment of campaign C3 to KR2.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from fixtures.generator import generate_document, synthetic_name
from fixtures.loader import load_document
from schema.core.cost_map import ORGANISATION_WEIGHTS, ROLLUPS, TREE_WALK
from schema.core.node import global_id_of
from server import clock, flat_tree
from server.statements import count_statements
from tests import factories as make

TODAY = date(2026, 6, 15)

FLAT = """
query Flat($root: ID, $first: Int, $after: String) {
  goalTreeFlat(root: $root, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor }
    nodes {
      id kind parentId depth title teamId teamName share progress health
      budget { amount currency } spend { amount currency } hasChildren
    }
  }
}
"""

SHAPE = """
query Flat($root: ID, $first: Int) {
  goalTreeFlat(root: $root, first: $first) { nodes { id kind parentId depth title hasChildren } }
}
"""

NESTED = """
query ($ids: [ID!]!) { nodes(ids: $ids) {
  ... on Goal { progress health money { budget { amount } spendToDate { amount } } }
  ... on KeyResult { progress health money { budget { amount } spendToDate { amount } } }
  ... on Campaign { progress health money { budget { amount } spendToDate { amount } } }
} }
"""


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: TODAY)


async def organisation() -> dict[str, str]:
    """The organisation above; global IDs by name."""
    marketing = await make.team(name="Marketing")
    sales = await make.team(name="Sales")
    g1 = await make.goal(marketing, title="Grow revenue")
    kr1 = await make.key_result(g1, title="Pipeline", current_value=Decimal(50))
    kr2 = await make.key_result(g1, title="Win rate", current_value=Decimal(25))
    g2 = await make.goal(sales, g1, title="Grow EMEA")
    kr3 = await make.key_result(
        g2, title="EMEA deals", target_value=Decimal(10), current_value=Decimal(10)
    )
    g3 = await make.goal(marketing, g1, title="Archived goal")
    await make.key_result(g3, title="Under an archived goal")
    await make.archive(g3)
    await make.archive(await make.key_result(g1, title="Archived key result"))
    g4 = await make.goal(marketing, title="Brand")

    c1 = await make.campaign(sales, name="Spring push")
    await make.align(c1, kr1, "0.6")
    await make.align(c1, kr2, "0.4")
    await make.spend(c1, "3000")
    c2 = await make.campaign(sales, name="Archived campaign")
    await make.align(c2, kr3)
    await make.archive(c2)
    c3 = await make.campaign(sales, name="Unaligned campaign")
    await make.archive(await make.align(c3, kr2))

    t1 = await make.task(title="Brief", campaign=c1, team=sales)
    t2 = await make.task(title="Call list", key_result=kr1, team=marketing)
    await make.archive(await make.task(title="Archived task", campaign=c1))

    rows = {"g1": g1, "g2": g2, "g3": g3, "g4": g4, "kr1": kr1, "kr2": kr2, "kr3": kr3}
    rows |= {"c1": c1, "t1": t1, "t2": t2, "marketing": marketing, "sales": sales}
    return {name: global_id_of(row) for name, row in rows.items()}


def usd(amount: str) -> dict:
    return {"amount": amount, "currency": "USD"}


def expected_rows(ids: dict[str, str]) -> list[dict]:
    """Every row of the whole tree, in order, written out by hand.

    Progress: KR1 50/100, KR2 25/100, KR3 10/10; G2 = KR3; G1 the mean of KR1, KR2 and
    G2 (weights 1) = 1.75 / 3; G4 measures nothing. Money: C1 whole on G1 (0.6 + 0.4),
    60% on KR1, 40% on KR2; nothing under G2 (its campaign is archived)."""
    m, s = (ids["marketing"], "Marketing"), (ids["sales"], "Sales")

    def row(name, kind, parent, depth, title, team, children, **figures):
        return {
            "id": ids[name], "kind": kind, "parentId": parent and ids[parent], "depth": depth,
            "title": title, "teamId": team[0], "teamName": team[1],
            "share": figures.get("share"), "progress": figures.get("progress"),
            "budget": figures.get("budget"), "spend": figures.get("spend"),
            "hasChildren": children,
        }  # fmt: skip

    c1 = {"progress": "0.0000", "budget": usd("10000.00"), "spend": usd("3000.00")}
    return [
        row("g1", "GOAL", None, 0, "Grow revenue", m, True, progress="0.5833",
            budget=usd("10000.00"), spend=usd("3000.00")),
        row("kr1", "KEY_RESULT", "g1", 1, "Pipeline", m, True, progress="0.5000",
            budget=usd("6000.00"), spend=usd("1800.00")),
        row("c1", "CAMPAIGN", "kr1", 2, "Spring push", s, True, share="0.6000", **c1),
        row("t1", "TASK", "c1", 3, "Brief", s, False),
        row("t2", "TASK", "kr1", 2, "Call list", m, False),
        row("kr2", "KEY_RESULT", "g1", 1, "Win rate", m, True, progress="0.2500",
            budget=usd("4000.00"), spend=usd("1200.00")),
        row("c1", "CAMPAIGN", "kr2", 2, "Spring push", s, True, share="0.4000", **c1),
        row("t1", "TASK", "c1", 3, "Brief", s, False),
        row("g2", "GOAL", "g1", 1, "Grow EMEA", s, True, progress="1.0000"),
        row("kr3", "KEY_RESULT", "g2", 2, "EMEA deals", s, False, progress="1.0000"),
        row("g4", "GOAL", None, 0, "Brand", m, False, progress="0.0000"),
    ]  # fmt: skip


def without_health(nodes: list[dict]) -> list[dict]:
    return [{k: v for k, v in node.items() if k != "health"} for node in nodes]


async def test_whole_tree_in_depth_first_order(gql):
    # given
    ids = await organisation()

    # when
    data = (await gql.data(FLAT, {"first": 100}))["goalTreeFlat"]

    # then
    assert without_health(data["nodes"]) == expected_rows(ids)
    assert data["totalCount"] == 11
    assert data["pageInfo"]["hasNextPage"] is False
    assert data["pageInfo"]["hasPreviousPage"] is False
    assert [node["health"] is None for node in data["nodes"]] == [
        False, False, False, True, True, False, False, True, False, False, False
    ]  # fmt: skip


async def test_figures_match_the_nested_fields(gql):
    # given
    await organisation()
    nodes = (await gql.data(FLAT, {"first": 100}))["goalTreeFlat"]["nodes"]
    computed = [node for node in nodes if node["kind"] != "TASK"]

    # when
    nested = (await gql.data(NESTED, {"ids": [node["id"] for node in computed]}))["nodes"]

    # then
    for flat, node in zip(computed, nested, strict=True):
        money = node["money"]
        assert flat["progress"] == node["progress"], flat["title"]
        assert flat["health"] == node["health"], flat["title"]
        assert flat["budget"] == (money["budget"] and usd(money["budget"]["amount"]))
        assert flat["spend"] == (money["spendToDate"] and usd(money["spendToDate"]["amount"]))
    assert {node["health"] for node in computed} >= {"ON_TRACK", "DONE"}


async def test_pages_follow_each_other_through_cursors(gql):
    # given
    ids = await organisation()
    expected = expected_rows(ids)

    # when
    pages, after = [], None
    while True:
        data = (await gql.data(FLAT, {"first": 3, "after": after}))["goalTreeFlat"]
        pages.append(data)
        if not data["pageInfo"]["hasNextPage"]:
            break
        after = data["pageInfo"]["endCursor"]

    # then: four pages, the same rows; a page's last row knows of the children on the next
    assert [len(page["nodes"]) for page in pages] == [3, 3, 3, 2]
    assert without_health([n for page in pages for n in page["nodes"]]) == expected
    assert [page["totalCount"] for page in pages] == [11] * 4
    assert [page["pageInfo"]["hasPreviousPage"] for page in pages] == [False, True, True, True]
    for page in pages:
        assert page["pageInfo"]["startCursor"] == page["edges"][0]["cursor"]
        assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]
    cursors = [edge["cursor"] for page in pages for edge in page["edges"]]
    assert len(set(cursors)) == 11


async def test_after_the_last_row_the_page_is_empty(gql):
    # given
    await organisation()
    last = (await gql.data(FLAT, {"first": 11}))["goalTreeFlat"]["pageInfo"]["endCursor"]

    # when
    data = (await gql.data(FLAT, {"after": last}))["goalTreeFlat"]

    # then
    assert data["nodes"] == [] and data["totalCount"] == 11
    assert data["pageInfo"] == {
        "hasNextPage": False, "hasPreviousPage": True, "startCursor": None, "endCursor": None
    }  # fmt: skip


async def test_root_gives_one_subtree(gql):
    # given
    ids = await organisation()

    # when
    data = (await gql.data(FLAT, {"root": ids["g2"]}))["goalTreeFlat"]

    # then: depths count from the root, whose parent is still named
    assert without_health(data["nodes"]) == [
        {**row, "depth": row["depth"] - 1} for row in expected_rows(ids)[8:10]
    ]
    assert data["totalCount"] == 2


async def test_a_root_with_nothing_below_is_one_row(gql):
    # given
    ids = await organisation()

    # when
    data = await gql.data(SHAPE, {"root": ids["g4"]})

    # then
    assert data["goalTreeFlat"]["nodes"] == [{
        "id": ids["g4"], "kind": "GOAL", "parentId": None, "depth": 0, "title": "Brand",
        "hasChildren": False,
    }]  # fmt: skip


@pytest.mark.parametrize(
    ("argument", "value", "message"),
    [
        ("root", "nonsense", "is not a valid ID"),
        ("root", "VGVhbTox", "is a Team ID, expected a Goal ID"),
        ("root", "R29hbDo5OTk5OTk", "is not a goal that exists"),
        ("root", "archived", "is not a goal that exists"),
        ("first", 10_001, "`first` must be at most 10000, got 10001"),
        ("first", -1, "`first` must not be negative"),
        ("after", "b2Zmc2V0OjE", "`after` is not a valid cursor"),
        ("after", "dHJlZTox", "`after` is not a valid cursor"),
    ],
)
async def test_bad_arguments_are_refused(gql, argument, value, message):
    # given
    ids = await organisation()
    variables = {argument: ids["g3"] if value == "archived" else value}

    # when
    error = await gql.error(FLAT, variables)

    # then
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert message in error["message"]


async def test_cost_counts_the_page_asked_for_the_tree_walk_and_the_rollups(gql):
    # given
    await organisation()

    # when
    body = await gql.raw(SHAPE, {"first": 1000})

    # then
    assert "errors" not in body
    assert body["extensions"]["cost"]["nodes"] == 1000 + TREE_WALK + ORGANISATION_WEIGHTS[ROLLUPS]


async def test_signed_out_is_refused(anonymous):
    # when
    error = await anonymous.error(SHAPE, {"first": 10})

    # then
    assert error["extensions"]["code"] == "UNAUTHENTICATED"


async def flat_statements(gql, query: str) -> tuple[int, int]:
    await gql.settle()
    with count_statements() as counter:
        data = await gql.data(query, {"first": 1000})
    return counter.count, data["goalTreeFlat"]["totalCount"]


MONEY_PAGE = """
query Flat($first: Int) { goalTreeFlat(first: $first) { totalCount nodes {
  id parentId kind depth title progress health budget { amount } spend { amount }
} } }
"""
PROGRESS_PAGE = """
query Flat($first: Int) { goalTreeFlat(first: $first) { totalCount nodes {
  id parentId kind depth title progress health
} } }
"""


async def test_statements_do_not_grow_with_the_data(gql):
    # given: a small organisation
    await load_document(generate_document(300, 31, TODAY), name=synthetic_name(300, 31))
    small = [await flat_statements(gql, MONEY_PAGE), await flat_statements(gql, PROGRESS_PAGE)]

    # when: a ten times larger organisation is added
    await load_document(generate_document(3000, 32, TODAY), name=synthetic_name(3000, 32))
    large = [await flat_statements(gql, MONEY_PAGE), await flat_statements(gql, PROGRESS_PAGE)]

    # then: the read model's freshness check only; the tree is walked in the read model
    # and the figures come from its rollups (no calendar: the flat tree shows no risks)
    assert large[0][1] > small[0][1]
    assert [count for count, _ in small] == [count for count, _ in large] == [1, 1]


WRITES = """
mutation Writes($campaign: CampaignUpdateInput!, $task: TaskArchiveInput!) {
  campaignUpdate(input: $campaign) { userErrors { message } }
  taskArchive(input: $task) { userErrors { message } }
}
"""
CHECK_IN = """
mutation CheckIn($input: KeyResultCheckInInput!) {
  keyResultCheckIn(input: $input) { userErrors { message } }
}
"""


async def test_the_next_read_shows_a_write_and_a_check_in_keeps_the_walked_rows(gql, monkeypatch):
    # given: the tree read once, its walks counted
    walks: list[int] = []
    rows = flat_tree._Walk.rows

    def counted(walk):
        walks.append(len(walk.found))
        return rows(walk)

    monkeypatch.setattr(flat_tree._Walk, "rows", counted)
    ids = await organisation()
    admin = gql.as_admin()
    before = (await admin.data(SHAPE, {"first": 100}))["goalTreeFlat"]["nodes"]
    assert [node["title"] for node in before].count("Brief") == 2
    assert walks == [11]

    # when: a check-in moves a key result's value only
    check_in = {"input": {"id": ids["kr3"], "version": 1, "value": "7"}}
    assert await admin.data(CHECK_IN, check_in) == {"keyResultCheckIn": {"userErrors": []}}
    after_check_in = (await admin.data(SHAPE, {"first": 100}))["goalTreeFlat"]["nodes"]

    # then: the same rows, from the same walk
    assert after_check_in == before
    assert walks == [11]

    # when: the campaign is renamed and its task archived
    body = await admin.data(
        WRITES,
        {
            "campaign": {"id": ids["c1"], "version": 1, "name": "Summer push"},
            "task": {"id": ids["t1"], "version": 1},
        },
    )
    assert body == {"campaignUpdate": {"userErrors": []}, "taskArchive": {"userErrors": []}}
    after = (await admin.data(SHAPE, {"first": 100}))["goalTreeFlat"]["nodes"]

    # then: the next read walks again and shows both, under each key result
    titles = [node["title"] for node in after]
    assert titles.count("Summer push") == 2 and "Spring push" not in titles
    assert "Brief" not in titles
    assert len(after) == len(before) - 2
    campaigns = [node for node in after if node["kind"] == "CAMPAIGN"]
    assert [node["hasChildren"] for node in campaigns] == [False, False]
    assert walks == [11, 9]
