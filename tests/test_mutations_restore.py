"""`nodeUnarchive` undoes an archive: the row is live again with its history, under the
same permission as archiving, refused while what it hangs under is archived, and a
stale version is a conflict."""

from __future__ import annotations

import pytest

from schema.core.ids import encode_global_id
from server import models
from server.enums import Role
from tests import factories


def gid(row) -> str:
    return encode_global_id(type(row).__name__, row.pk)


UNARCHIVE = """
mutation Unarchive($input: NodeUnarchiveInput!) {
  nodeUnarchive(input: $input) {
    node { id ... on Campaign { name archivedAt version } ... on KeyResult { archivedAt } }
    userErrors { field code message }
  }
}
"""

ARCHIVE_CAMPAIGN = """
mutation Archive($input: CampaignArchiveInput!) {
  campaignArchive(input: $input) { campaign { archivedAt version } userErrors { message } }
}
"""

HISTORY = """
query History($id: ID!) {
  node(id: $id) { history(first: 10) { nodes { action changes { field before after } } } }
}
"""

LIVE_CAMPAIGNS = "{ campaigns(first: 10) { nodes { name } } }"


@pytest.fixture
async def org(db):
    ours, theirs = await factories.team(name="Ours"), await factories.team(name="Theirs")
    return {
        "ours": ours,
        "campaign": await factories.campaign(ours, name="Spring launch"),
        "editor": await factories.user(teams=[ours], role=Role.EDITOR),
        "outsider": await factories.user(teams=[theirs], role=Role.EDITOR),
        "viewer": await factories.user(teams=[ours], role=Role.VIEWER),
    }


async def test_archive_then_undo_brings_the_campaign_back(org, gql):
    # given: the editor archives their campaign
    editor = gql.as_user(org["editor"])
    campaign = gid(org["campaign"])
    archived = await editor.mutate(
        ARCHIVE_CAMPAIGN, {"id": campaign, "version": 1}, "campaignArchive"
    )
    assert archived["campaign"]["version"] == 2
    assert (await editor.data(LIVE_CAMPAIGNS))["campaigns"]["nodes"] == []

    # when
    restored = await editor.mutate(UNARCHIVE, {"id": campaign, "version": 2}, "nodeUnarchive")

    # then: live again at version 3, listed, and the undo is in its history
    assert restored == {
        "node": {"id": campaign, "name": "Spring launch", "archivedAt": None, "version": 3},
        "userErrors": [],
    }
    assert (await editor.data(LIVE_CAMPAIGNS))["campaigns"]["nodes"] == [{"name": "Spring launch"}]
    history = (await editor.data(HISTORY, {"id": campaign}))["node"]["history"]["nodes"]
    assert [entry["action"] for entry in history] == ["ARCHIVED", "UPDATED"]
    undo = history[1]["changes"]
    assert [(c["field"], c["after"]) for c in undo] == [("archivedAt", None)]
    assert undo[0]["before"] is not None


async def test_restoring_a_live_row_changes_nothing(org, gql):
    # given
    editor = gql.as_user(org["editor"])

    # when
    answer = await editor.mutate(
        UNARCHIVE, {"id": gid(org["campaign"]), "version": 1}, "nodeUnarchive"
    )

    # then
    assert answer["node"]["version"] == 1 and answer["userErrors"] == []


@pytest.mark.parametrize(("who", "code"), [("outsider", "FORBIDDEN"), ("viewer", "FORBIDDEN")])
async def test_only_who_may_archive_may_restore(org, gql, who, code):
    # given
    await factories.archive(org["campaign"])

    # when
    error = await gql.as_user(org[who]).error(
        UNARCHIVE, {"input": {"id": gid(org["campaign"]), "version": 1}}
    )

    # then: refused, and still archived
    assert error["extensions"]["code"] == code
    assert (await models.Campaign.get(id=org["campaign"].pk)).archived_at is not None


async def test_stale_version_is_a_conflict(org, gql):
    # given
    await factories.archive(org["campaign"])

    # when
    error = await gql.as_user(org["editor"]).error(
        UNARCHIVE, {"input": {"id": gid(org["campaign"]), "version": 7}}
    )

    # then
    assert error["extensions"]["code"] == "CONFLICT"
    assert (await models.Campaign.get(id=org["campaign"].pk)).archived_at is not None


async def test_a_key_result_of_an_archived_goal_is_refused_in_plain_words(org, gql):
    # given: a key result and then its goal archived
    goal = await factories.goal(org["ours"])
    key_result = await factories.key_result(goal)
    await factories.archive(key_result)
    await factories.archive(goal)

    # when
    answer = await gql.as_user(org["editor"]).mutate(
        UNARCHIVE, {"id": gid(key_result), "version": 1}, "nodeUnarchive"
    )

    # then
    assert answer == {
        "node": None,
        "userErrors": [
            {
                "field": "id",
                "code": "ARCHIVED",
                "message": "Its goal is archived; restore the goal first.",
            }
        ],
    }
    assert (await models.KeyResult.get(id=key_result.pk)).archived_at is not None


@pytest.mark.parametrize("target", ["team", "malformed"])
async def test_other_kinds_are_bad_input(org, gql, target):
    # given
    global_id = gid(org["ours"]) if target == "team" else "not an id"

    # when
    error = await gql.as_user(org["editor"]).error(
        UNARCHIVE, {"input": {"id": global_id, "version": 1}}
    )

    # then
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
