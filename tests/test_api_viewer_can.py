"""`viewerCan` answers what the signed-in user may do, by the same policy as the
mutations: checked by hand for a viewer, an editor of the owning team, an editor of
another team (assigned one task) and an administrator; and it costs no statement."""

from __future__ import annotations

import base64

import pytest

from server.enums import Role
from server.statements import count_statements
from tests import factories


def gid(row) -> str:
    raw = f"{type(row).__name__}:{row.pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


ABILITIES = """
query Abilities($ids: [ID!]!) {
  viewerCan { createGoals createCampaigns manageExternalCalendars manageOrganisation }
  nodes(ids: $ids) { ... on Permitted { viewerCan { update archive createChildren } } }
}
"""


@pytest.fixture
async def org(db):
    """Team "Ours" owns a goal, key result, campaign, a task and a milestone on them;
    one task of ours is assigned to an editor of "Theirs"."""
    ours, theirs = await factories.team(name="Ours"), await factories.team(name="Theirs")
    goal = await factories.goal(ours)
    key_result = await factories.key_result(goal)
    campaign = await factories.campaign(ours)
    outsider = await factories.user(teams=[theirs], role=Role.EDITOR)
    rows = {
        "goal": goal,
        "key_result": key_result,
        "campaign": campaign,
        "task": await factories.task(campaign=campaign),
        "assigned_task": await factories.task(campaign=campaign, assignee=outsider),
        "milestone": await factories.milestone(ours, campaign=campaign),
    }
    people = {
        "viewer": await factories.user(teams=[ours], role=Role.VIEWER),
        "editor": await factories.user(teams=[ours], role=Role.EDITOR),
        "outsider": outsider,
        "teamless": await factories.user(role=Role.EDITOR),
        "admin": await factories.user(role=Role.ADMIN),
    }
    return rows, people


ALL = {"update": True, "archive": True, "createChildren": True}
LEAF = {"update": True, "archive": True, "createChildren": False}
NONE = {"update": False, "archive": False, "createChildren": False}

# row order of the fixture: goal, key result, campaign, task, assigned task, milestone
EXPECTED = {
    # reads everything, writes nothing
    "viewer": ([NONE] * 6, (False, False, False, False)),
    # writes what "Ours" owns: the containers with their children, the leaves alone
    "editor": ([ALL, ALL, ALL, LEAF, LEAF, LEAF], (True, True, False, False)),
    # another team: only the task assigned to them, and no work may go under it
    "outsider": ([NONE, NONE, NONE, NONE, LEAF, NONE], (True, True, False, False)),
    # an editor of no team may create nothing at the top
    "teamless": ([NONE] * 6, (False, False, False, False)),
    "admin": ([ALL, ALL, ALL, LEAF, LEAF, LEAF], (True, True, True, True)),
}


@pytest.mark.parametrize("who", list(EXPECTED))
async def test_viewer_can_follows_the_policy(org, gql, who):
    # given
    rows, people = org
    ids = [gid(row) for row in rows.values()]

    # when
    data = await gql.as_user(people[who]).data(ABILITIES, {"ids": ids})

    # then
    expected_rows, (goals, campaigns, calendars, organisation) = EXPECTED[who]
    assert [node["viewerCan"] for node in data["nodes"]] == expected_rows
    assert data["viewerCan"] == {
        "createGoals": goals,
        "createCampaigns": campaigns,
        "manageExternalCalendars": calendars,
        "manageOrganisation": organisation,
    }


async def test_the_answer_matches_what_the_mutation_does(org, gql):
    # given: the outsider is told they may not change the goal, but may change the task
    rows, people = org
    outsider = gql.as_user(people["outsider"])
    data = await outsider.data(ABILITIES, {"ids": [gid(rows["goal"]), gid(rows["assigned_task"])]})
    assert [n["viewerCan"]["update"] for n in data["nodes"]] == [False, True]

    # when
    refused = await outsider.error(
        "mutation($input: GoalUpdateInput!) { goalUpdate(input: $input) { goal { id } } }",
        {"input": {"id": gid(rows["goal"]), "version": 1, "title": "Mine now"}},
    )
    allowed = await outsider.mutate(
        "mutation($input: TaskSetStatusInput!) { taskSetStatus(input: $input) {"
        " task { status } userErrors { message } } }",
        {"id": gid(rows["assigned_task"]), "version": 1, "status": "DONE"},
        "taskSetStatus",
    )

    # then
    assert refused["extensions"]["code"] == "FORBIDDEN"
    assert allowed == {"task": {"status": "DONE"}, "userErrors": []}


LISTS = """
query Lists {
  viewerCan { createGoals }
  goals(first: 100) { nodes { viewerCan { update archive createChildren } } }
  keyResults(first: 100) { nodes { viewerCan { update createChildren } } }
  campaigns(first: 100) { nodes { viewerCan { update createChildren } } }
  tasks(first: 100) { nodes { viewerCan { update } } }
  milestones(first: 100) { nodes { viewerCan { update } } }
}
"""


async def test_viewer_can_adds_no_statement_per_node(db, gql):
    # given: 30 of each kind, half owned by the editor's team
    ours, theirs = await factories.team(), await factories.team()
    editor = await factories.user(teams=[ours], role=Role.EDITOR)
    for n in range(30):
        team = ours if n % 2 else theirs
        goal = await factories.goal(team)
        campaign = await factories.campaign(team)
        await factories.key_result(goal)
        await factories.task(campaign=campaign)
        await factories.milestone(team)
    client = gql.as_user(editor)
    await client.settle()

    # when
    with count_statements() as counted:
        data = await client.data(LISTS)

    # then: the read model's freshness check alone; every answer came from the snapshot
    assert counted.count == 1
    updates = [node["viewerCan"]["update"] for node in data["goals"]["nodes"]]
    assert len(updates) == 30 and updates.count(True) == 15
    assert [n["viewerCan"]["update"] for n in data["tasks"]["nodes"]].count(True) == 15
