"""`recentChanges`: the changes to work made after a moment, newest first, each with its
object as it is now; other objects' changes (teams, users) are left out; two statements
however much has changed; bad arguments refused."""

from __future__ import annotations

import base64

from server import clock
from server.statements import count_statements
from tests import factories

RECENT = """
query Recent($since: DateTime!, $first: Int, $after: String) {
  recentChanges(since: $since, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { nodeType action actor { name } changes { field before after }
      node { id ... on Goal { title } ... on Campaign { name } } }
  }
}
"""
GOAL_UPDATE = """
mutation($input: GoalUpdateInput!) { goalUpdate(input: $input) {
  goal { version } userErrors { message } } }
"""
CAMPAIGN_UPDATE = """
mutation($input: CampaignUpdateInput!) { campaignUpdate(input: $input) {
  campaign { version } userErrors { message } } }
"""
TEAM_CREATE = """
mutation($input: TeamCreateInput!) { teamCreate(input: $input) {
  team { id } userErrors { message } } }
"""


def gid(row) -> str:
    raw = f"{type(row).__name__}:{row.pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


async def rename_goal(gql, goal, version: int, title: str) -> int:
    payload = await gql.mutate(
        GOAL_UPDATE, {"id": gid(goal), "version": version, "title": title}, "goalUpdate"
    )
    assert payload["userErrors"] == []
    return payload["goal"]["version"]


async def test_changes_after_the_moment_newest_first_with_their_objects(db, gql):
    # given: a goal renamed before the moment, then again after it, and a campaign and
    # a team changed after it
    team = await factories.team(name="Growth")
    goal = await factories.goal(team, title="Win the north")
    campaign = await factories.campaign(team, name="Spring push")
    version = await rename_goal(gql, goal, goal.version, "Win the north-east")
    since = clock.now()
    await rename_goal(gql, goal, version, "Win the whole north")
    updated = await gql.mutate(
        CAMPAIGN_UPDATE,
        {"id": gid(campaign), "version": campaign.version, "name": "Spring push 2"},
        "campaignUpdate",
    )
    assert updated["userErrors"] == []
    team_made = await gql.mutate(TEAM_CREATE, {"name": "Field"}, "teamCreate")
    assert team_made["userErrors"] == []

    # when
    data = await gql.data(RECENT, {"since": since.isoformat()})

    # then: the campaign's change first, then the goal's; the team is not work
    recent = data["recentChanges"]
    assert recent["totalCount"] == 2
    assert [(n["nodeType"], n["action"]) for n in recent["nodes"]] == [
        ("Campaign", "UPDATED"),
        ("Goal", "UPDATED"),
    ]
    campaign_change, goal_change = recent["nodes"]
    assert campaign_change["node"] == {"id": gid(campaign), "name": "Spring push 2"}
    assert goal_change["node"] == {"id": gid(goal), "title": "Win the whole north"}
    titles = [c for c in goal_change["changes"] if c["field"] == "title"]
    assert titles == [
        {"field": "title", "before": "Win the north-east", "after": "Win the whole north"}
    ]
    assert goal_change["actor"] is not None


async def test_pages_follow_one_another(db, gql):
    # given: three renames after the moment
    team = await factories.team(name="Growth")
    goal = await factories.goal(team, title="Title 0")
    since = clock.now()
    version = goal.version
    for n in (1, 2, 3):
        version = await rename_goal(gql, goal, version, f"Title {n}")

    # when
    first = (await gql.data(RECENT, {"since": since.isoformat(), "first": 2}))["recentChanges"]
    cursor = first["pageInfo"]["endCursor"]
    rest = (
        await gql.data(RECENT, {"since": since.isoformat(), "first": 2, "after": cursor})
    )["recentChanges"]

    # then: 3 then 2 on the first page, 1 on the next, and no more
    def afters(page):
        return [c["after"] for n in page["nodes"] for c in n["changes"] if c["field"] == "title"]

    assert (first["totalCount"], afters(first), first["pageInfo"]["hasNextPage"]) == (
        3,
        ["Title 3", "Title 2"],
        True,
    )
    assert (afters(rest), rest["pageInfo"]["hasNextPage"]) == (["Title 1"], False)


async def test_two_statements_however_much_changed(db, gql):
    # given
    team = await factories.team(name="Growth")
    goal = await factories.goal(team, title="Title 0")
    since = clock.now()
    version = await rename_goal(gql, goal, goal.version, "Title 1")
    await gql.data(RECENT, {"since": since.isoformat()})  # the read model is current

    with count_statements() as few:
        await gql.data(RECENT, {"since": since.isoformat()})
    for n in range(2, 12):
        version = await rename_goal(gql, goal, version, f"Title {n}")
    await gql.data(RECENT, {"since": since.isoformat()})
    with count_statements() as many:
        data = await gql.data(RECENT, {"since": since.isoformat()})

    # then: the freshness check, the count and the page, for 1 change or 11
    assert data["recentChanges"]["totalCount"] == 11
    assert few.count == many.count == 3


async def test_bad_arguments_are_refused(db, gql):
    # when
    naive = await gql.error(RECENT, {"since": "2027-03-01T09:00:00"})
    too_many = await gql.error(RECENT, {"since": "2027-03-01T09:00:00Z", "first": 101})
    bad_cursor = await gql.error(RECENT, {"since": "2027-03-01T09:00:00Z", "after": "nope"})

    # then
    codes = [e["extensions"]["code"] for e in (naive, too_many, bad_cursor)]
    assert codes == ["BAD_USER_INPUT"] * 3
    assert "time zone" in naive["message"]
