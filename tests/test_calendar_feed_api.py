"""Calendar feeds through GraphQL: creating, listing, renaming and revoking, and who may."""

from __future__ import annotations

from datetime import date

import pytest

from schema.core.ids import encode_global_id
from server import clock, models
from server.enums import Role
from tests import factories

BASE = "http://127.0.0.1:8000"

FEED_FIELDS = """
fragment FeedFields on CalendarFeed {
  id name version revoked filterDescription owner { name }
  history { nodes { action changes { field before after } } }
}
"""
FEED_CREATE = (
    """
mutation Create($input: CalendarFeedCreateInput!) {
  calendarFeedCreate(input: $input) {
    calendarFeed { ...FeedFields }
    url
    userErrors { field code message }
  }
}
"""
    + FEED_FIELDS
)
FEED_RENAME = (
    """
mutation Rename($input: CalendarFeedRenameInput!) {
  calendarFeedRename(input: $input) {
    calendarFeed { ...FeedFields }
    userErrors { field code message }
  }
}
"""
    + FEED_FIELDS
)
FEED_REVOKE = """
mutation Revoke($input: CalendarFeedRevokeInput!) {
  calendarFeedRevoke(input: $input) { calendarFeed { revoked version } userErrors { code } }
}
"""
FEEDS = """
query Feeds($everyone: Boolean! = false, $includeRevoked: Boolean! = false) {
  calendarFeeds(everyone: $everyone, includeRevoked: $includeRevoked) {
    totalCount nodes { name owner { name } }
  }
}
"""


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: date(2026, 3, 15))


@pytest.fixture
async def org(db):
    growth = await factories.team(name="Growth")
    objective = await factories.goal(growth, title="Win EMEA")
    campaign = await factories.campaign(growth, name="Spring webinars")
    vera = await factories.user(name="Vera", role=Role.VIEWER)
    ed = await factories.user(name="Ed", role=Role.EDITOR, teams=[growth])
    return type("Org", (), locals())


async def create(client, name="Plans", filter=None):
    input = {"name": name} | ({"filter": filter} if filter is not None else {})
    return await client.mutate(FEED_CREATE, input, "calendarFeedCreate")


async def test_viewer_creates_feed_with_url_shown_once(gql, http, org):
    # given
    filter = {
        "teams": [encode_global_id("Team", org.growth.pk)],
        "kinds": ["CAMPAIGN", "LAUNCH"],
        "under": encode_global_id("Goal", org.objective.pk),
        "includeTasks": True,
    }

    # when
    payload = await create(gql.as_user(org.vera), "  Growth plans  ", filter)

    # then
    feed = payload["calendarFeed"]
    assert payload["userErrors"] == []
    assert feed["name"] == "Growth plans" and feed["version"] == 1 and not feed["revoked"]
    assert feed["owner"] == {"name": "Vera"}
    assert feed["filterDescription"] == (
        "Teams: Growth; kinds: Campaign, Launch; under the goal Win EMEA; with task due dates"
    )
    secret = payload["url"].removeprefix(f"{BASE}/calendar/").removesuffix(".ics")
    assert len(secret) == 43
    assert (await http.get(f"/calendar/{secret}.ics")).status_code == 200
    [entry] = feed["history"]["nodes"]
    assert entry["action"] == "CREATED"
    changed = {change["field"]: change for change in entry["changes"]}
    assert changed["name"] == {"field": "name", "before": None, "after": "Growth plans"}
    assert not {"secretHash", "secret_hash"} & changed.keys()
    stored = await models.CalendarFeed.get()
    assert stored.criteria == {
        "teams": [org.growth.pk],
        "kinds": ["CAMPAIGN", "LAUNCH"],
        "channels": None,
        "audiences": None,
        "under": org.objective.pk,
        "campaign": None,
        "include_tasks": True,
        "zone": "UTC",
    }


@pytest.mark.parametrize(
    ("name", "filter", "errors"),
    [
        ("   ", None, [("name", "REQUIRED")]),
        ("x" * 121, None, [("name", "TOO_LONG")]),
        ("Plans", {"teams": [encode_global_id("Goal", 1)]}, [("filter.teams", "NOT_FOUND")]),
        ("Plans", {"teams": [encode_global_id("Team", 999)]}, [("filter.teams", "NOT_FOUND")]),
        ("Plans", {"campaign": "not-an-id"}, [("filter.campaign", "NOT_FOUND")]),
        ("Plans", {"under": encode_global_id("Goal", 999)}, [("filter.under", "NOT_FOUND")]),
        ("", {"audiences": [" "]}, [("name", "REQUIRED"), ("filter.audiences", "INVALID")]),
    ],
)
async def test_bad_input_is_a_user_error_and_writes_nothing(gql, org, name, filter, errors):
    # when
    payload = await create(gql, name, filter)

    # then
    assert payload["calendarFeed"] is None and payload["url"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == errors
    assert await models.CalendarFeed.all().count() == 0


async def test_archived_campaign_in_filter_is_refused(gql, org):
    # given
    await factories.archive(org.campaign)

    # when
    payload = await create(gql, filter={"campaign": encode_global_id("Campaign", org.campaign.pk)})

    # then
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        ("filter.campaign", "ARCHIVED")
    ]


async def test_each_user_lists_own_feeds_and_admins_everyones(gql, org):
    # given
    await create(gql.as_user(org.vera), "Vera's")
    await create(gql.as_user(org.ed), "Ed's")
    revoked = (await create(gql.as_user(org.ed), "Ed's old"))["calendarFeed"]
    await gql.as_user(org.ed).mutate(
        FEED_REVOKE, {"id": revoked["id"], "version": 1}, "calendarFeedRevoke"
    )

    # when
    own = await gql.as_user(org.ed).data(FEEDS)
    with_revoked = await gql.as_user(org.ed).data(FEEDS, {"includeRevoked": True})
    everyone = await gql.data(FEEDS, {"everyone": True})
    refused = await gql.as_user(org.vera).error(FEEDS, {"everyone": True})

    # then
    assert own["calendarFeeds"]["nodes"] == [{"name": "Ed's", "owner": {"name": "Ed"}}]
    assert [n["name"] for n in with_revoked["calendarFeeds"]["nodes"]] == ["Ed's", "Ed's old"]
    assert [n["name"] for n in everyone["calendarFeeds"]["nodes"]] == ["Ed's", "Vera's"]
    assert refused["extensions"]["code"] == "FORBIDDEN"


async def test_owner_renames_with_version_and_history(gql, http, org):
    # given
    made = await create(gql.as_user(org.vera), "Plans")
    feed, path = made["calendarFeed"], made["url"].removeprefix(BASE)

    # when
    renamed = await gql.as_user(org.vera).mutate(
        FEED_RENAME, {"id": feed["id"], "version": 1, "name": "Launches"}, "calendarFeedRename"
    )
    stale = await gql.as_user(org.vera).error(
        FEED_RENAME, {"input": {"id": feed["id"], "version": 1, "name": "Again"}}
    )
    blank = await gql.as_user(org.vera).mutate(
        FEED_RENAME, {"id": feed["id"], "version": 2, "name": " "}, "calendarFeedRename"
    )

    # then
    assert renamed["calendarFeed"]["name"] == "Launches"
    assert renamed["calendarFeed"]["version"] == 2
    history = renamed["calendarFeed"]["history"]["nodes"]
    assert history[-1]["action"] == "UPDATED"
    assert history[-1]["changes"] == [{"field": "name", "before": "Plans", "after": "Launches"}]
    assert stale["extensions"]["code"] == "CONFLICT"
    assert [(e["field"], e["code"]) for e in blank["userErrors"]] == [("name", "REQUIRED")]
    assert b"X-WR-CALNAME:Launches" in (await http.get(path)).content


async def test_others_are_forbidden_whether_or_not_the_feed_exists(gql, org):
    # given
    feed = (await create(gql.as_user(org.vera), "Vera's"))["calendarFeed"]
    missing = encode_global_id("CalendarFeed", 9999)

    # when
    answers = [
        await gql.as_user(org.ed).error(FEED_RENAME, {"input": {**i, "name": "Mine"}})
        for i in ({"id": feed["id"], "version": 1}, {"id": missing, "version": 1})
    ] + [
        await gql.as_user(org.ed).error(FEED_REVOKE, {"input": {"id": i, "version": 1}})
        for i in (feed["id"], missing)
    ]
    admin_missing = await gql.error(FEED_REVOKE, {"input": {"id": missing, "version": 1}})
    by_node = await gql.as_user(org.ed).error(
        "query($id: ID!) { node(id: $id) { id } }", {"id": feed["id"]}
    )

    # then
    assert {(a["extensions"]["code"], a["message"]) for a in answers} == {
        ("FORBIDDEN", "You are not allowed to make this change.")
    }
    assert admin_missing["extensions"]["code"] == "NOT_FOUND"
    assert by_node["extensions"]["code"] == "BAD_USER_INPUT"
    assert (await models.CalendarFeed.get()).name == "Vera's"


async def test_revoke_closes_the_url_and_is_final(gql, http, org):
    # given
    made = await create(gql.as_user(org.vera), "Plans")
    feed, path = made["calendarFeed"], made["url"].removeprefix(BASE)

    # when
    revoked = await gql.mutate(
        FEED_REVOKE, {"id": feed["id"], "version": 1}, "calendarFeedRevoke"
    )  # an administrator may revoke anyone's feed
    again = await gql.as_user(org.vera).mutate(
        FEED_REVOKE, {"id": feed["id"], "version": 2}, "calendarFeedRevoke"
    )
    rename = await gql.as_user(org.vera).mutate(
        FEED_RENAME, {"id": feed["id"], "version": 2, "name": "Back"}, "calendarFeedRename"
    )

    # then
    assert revoked["calendarFeed"] == {"revoked": True, "version": 2}
    assert again["calendarFeed"] == {"revoked": True, "version": 2}
    assert [(e["field"], e["code"]) for e in rename["userErrors"]] == [("id", "ARCHIVED")]
    assert (await http.get(path)).status_code == 404


async def test_signed_out_cannot_create(anonymous, org):
    # when
    error = await anonymous.error(FEED_CREATE, {"input": {"name": "Plans"}})

    # then
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
