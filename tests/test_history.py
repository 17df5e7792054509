"""`history` on every node: the recorded changes, oldest first, paged, in API terms, and
loaded for all the nodes of a query at once."""

from __future__ import annotations

from datetime import date

from schema.core.ids import encode_global_id
from server import models
from server.enums import HistoryAction
from server.history import record
from server.statements import count_statements
from tests import factories

ENTRY_FIELDS = "action actor { name } changes { field before after }"

NODE_HISTORY = f"""
query NodeHistory($id: ID!) {{
  node(id: $id) {{ history {{ totalCount nodes {{ {ENTRY_FIELDS} }} }} }}
}}
"""

NODE_HISTORY_PAGE = """
query NodeHistoryPage($id: ID!, $first: Int, $after: String, $last: Int, $before: String) {
  node(id: $id) {
    history(first: $first, after: $after, last: $last, before: $before) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage endCursor }
      nodes { changes { after } }
    }
  }
}
"""

GOALS_WITH_HISTORY = f"""
query GoalsWithHistory {{
  goals(first: 50) {{
    nodes {{ title history(first: 5) {{ totalCount nodes {{ at {ENTRY_FIELDS} }} }} }}
  }}
}}
"""

MIXED_NODES_HISTORY = """
query MixedNodesHistory($ids: [ID!]!) {
  nodes(ids: $ids) { id history { totalCount } }
}
"""

TEAM_CREATE = """
mutation TeamCreate($input: TeamCreateInput!) {
  teamCreate(input: $input) { team { id version } userErrors { code } }
}
"""

TEAM_UPDATE = """
mutation TeamUpdate($input: TeamUpdateInput!) {
  teamUpdate(input: $input) { team { id version } userErrors { code } }
}
"""

TEAM_ARCHIVE = """
mutation TeamArchive($input: TeamArchiveInput!) {
  teamArchive(input: $input) { team { id version archivedAt } userErrors { code } }
}
"""


def gid(row) -> str:
    return encode_global_id(type(row).__name__, row.pk)


async def history_of(gql, global_id: str) -> dict:
    return (await gql.data(NODE_HISTORY, {"id": global_id}))["node"]["history"]


async def test_a_team_created_updated_and_archived_through_the_api(gql, db):
    # given
    created = await gql.mutate(TEAM_CREATE, {"name": "Field", "color": "#00aa00"}, "teamCreate")
    team_id = created["team"]["id"]
    await gql.mutate(
        TEAM_UPDATE, {"id": team_id, "version": 1, "description": "Events"}, "teamUpdate"
    )
    archived = await gql.mutate(TEAM_ARCHIVE, {"id": team_id, "version": 2}, "teamArchive")

    # when
    history = await history_of(gql, team_id)

    # then
    admin = {"name": "Test Admin"}
    assert history == {
        "totalCount": 3,
        "nodes": [
            {
                "action": "CREATED",
                "actor": admin,
                "changes": [
                    {"field": "name", "before": None, "after": "Field"},
                    {"field": "color", "before": None, "after": "#00aa00"},
                ],
            },
            {
                "action": "UPDATED",
                "actor": admin,
                "changes": [{"field": "description", "before": "", "after": "Events"}],
            },
            {
                "action": "ARCHIVED",
                "actor": admin,
                "changes": [
                    {"field": "archivedAt", "before": None, "after": archived["team"]["archivedAt"]}
                ],
            },
        ],
    }


async def test_references_show_as_global_ids_under_their_api_names(gql, db):
    # given: a goal moved under a parent, its period stretched, by a known person
    team = await factories.team(name="Growth")
    mover = await factories.user(name="Mo")
    parent = await factories.goal(team, title="Company")
    goal = await factories.goal(team, title="Pipeline")
    await record(
        mover.pk,
        goal,
        HistoryAction.MOVED,
        {
            "parent_id": {"before": None, "after": parent.pk},
            "period_end": {"before": "2026-06-30", "after": "2026-12-31"},
            "owner_team_id": {"before": team.pk, "after": team.pk + 1},
        },
    )

    # when
    history = await history_of(gql, gid(goal))

    # then: in the model's field order, whatever order the engine keeps JSON keys in
    assert history["nodes"] == [
        {
            "action": "MOVED",
            "actor": {"name": "Mo"},
            "changes": [
                {"field": "periodEnd", "before": "2026-06-30", "after": "2026-12-31"},
                {
                    "field": "ownerTeam",
                    "before": gid(team),
                    "after": encode_global_id("Team", team.pk + 1),
                },
                {"field": "parent", "before": None, "after": gid(parent)},
            ],
        }
    ]


async def test_internal_columns_and_password_hashes_never_show(gql, db):
    # given: an entry written by a tool (no actor) naming columns that are not API fields
    user = await factories.user(name="Pat", email="pat@example.com")
    await record(
        None,
        user,
        HistoryAction.UPDATED,
        {
            "email": {"before": "p@example.com", "after": "pat@example.com"},
            "email_key": {"before": "p@example.com", "after": "pat@example.com"},
            "password_hash": {"before": None, "after": "$argon2id$secret"},
        },
    )

    # when
    history = await history_of(gql, gid(user))

    # then
    assert history["nodes"] == [
        {
            "action": "UPDATED",
            "actor": None,
            "changes": [{"field": "email", "before": "p@example.com", "after": "pat@example.com"}],
        }
    ]


async def test_a_node_without_recorded_changes_has_an_empty_history(gql, db):
    # given
    team = await factories.team(name="Quiet")

    # when
    history = await history_of(gql, gid(team))

    # then
    assert history == {"totalCount": 0, "nodes": []}


async def test_history_pages_forwards_and_backwards(gql, db):
    # given: five updates of one milestone, in order
    team = await factories.team(name="Launch")
    milestone = await factories.milestone(team, title="v0")
    for n in range(1, 6):
        await record(
            None, milestone, HistoryAction.UPDATED, {"title": {"before": n - 1, "after": n}}
        )

    async def page(**arguments) -> dict:
        variables = {"id": gid(milestone), **arguments}
        history = (await gql.data(NODE_HISTORY_PAGE, variables))["node"]["history"]
        history["nodes"] = [entry["changes"][0]["after"] for entry in history["nodes"]]
        return history

    # when
    first = await page(first=2)
    second = await page(first=2, after=first["pageInfo"]["endCursor"])
    last = await page(last=2)

    # then
    assert (first["totalCount"], first["nodes"], first["pageInfo"]["hasNextPage"]) == (
        5,
        [1, 2],
        True,
    )
    assert second["nodes"] == [3, 4]
    assert second["pageInfo"]["hasPreviousPage"] is True
    assert (last["nodes"], last["pageInfo"]["hasNextPage"]) == ([4, 5], False)


async def test_a_page_larger_than_the_maximum_is_refused(gql, db):
    # given
    team = await factories.team(name="Any")

    # when
    error = await gql.error(NODE_HISTORY_PAGE, {"id": gid(team), "first": 101})

    # then
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


async def goals_with_history(count: int, team: models.Team, actor: models.User) -> None:
    for n in range(count):
        goal = await factories.goal(team, title=f"Goal {n}", period_end=date(2026, 12, 31))
        await record(actor.pk, goal, HistoryAction.CREATED, {"title": {"before": None, "after": n}})
        await record(
            actor.pk, goal, HistoryAction.UPDATED, {"owner_team_id": {"before": 1, "after": 2}}
        )


async def statements_for_goal_histories(gql) -> tuple[int, list[str]]:
    await gql.settle()
    with count_statements() as counter:
        data = await gql.data(GOALS_WITH_HISTORY)
    assert all(goal["history"]["totalCount"] == 2 for goal in data["goals"]["nodes"])
    return len(data["goals"]["nodes"]), counter.statements


async def test_history_of_many_nodes_costs_the_same_statements_as_of_few(gql, db):
    # given
    team = await factories.team(name="Growth")
    actor = await factories.user(name="Ann")
    await goals_with_history(10, team, actor)
    few, few_statements = await statements_for_goal_histories(gql)

    # when
    await goals_with_history(40, team, actor)
    many, many_statements = await statements_for_goal_histories(gql)

    # then
    assert (few, many) == (10, 50)
    assert len(many_statements) == len(few_statements)
    assert sum("history_entry" in sql for sql in many_statements) == 1


async def test_nodes_of_several_types_share_one_history_select(gql, db):
    # given
    team = await factories.team(name="Growth")
    goal = await factories.goal(team)
    user = await factories.user()
    for row in (team, goal, user):
        await record(None, row, HistoryAction.UPDATED, {"name": {"before": "a", "after": "b"}})
    await gql.signed_in_user()

    # when
    with count_statements() as counter:
        data = await gql.data(MIXED_NODES_HISTORY, {"ids": [gid(team), gid(goal), gid(user)]})

    # then
    assert [node["history"]["totalCount"] for node in data["nodes"]] == [1, 1, 1]
    assert sum("history_entry" in sql for sql in counter.statements) == 1
