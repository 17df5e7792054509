"""Status updates through the API, on both engines: posting one (who may, what is
refused and leaves nothing behind), the reported health beside the computed one, the
update in the node's history and as a `statusUpdate.posted` event, and the node fields
read from the read model without a statement per node."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from schema.core.ids import encode_global_id
from server import clock, models
from server.enums import HistoryAction, Role
from server.statements import count_statements
from tests import factories

pytestmark = pytest.mark.date_sensitive

POST = """
mutation Post($input: StatusUpdatePostInput!) {
  statusUpdatePost(input: $input) {
    statusUpdate {
      id health computedHealth healthDisagrees body bodyHtml
      author { id } goal { id } keyResult { id } campaign { id }
    }
    userErrors { field code message }
  }
}
"""


NODE_UPDATES = """
query Read($id: ID!) {
  node(id: $id) {
    ... on KeyResult { health healthDisagrees
      latestStatusUpdate { id health } statusUpdates { totalCount nodes { id } } }
    ... on Goal { health healthDisagrees
      latestStatusUpdate { id health } statusUpdates { totalCount nodes { id } } }
    ... on Campaign { health healthDisagrees
      latestStatusUpdate { id health } statusUpdates { totalCount nodes { id } } }
  }
}
"""

HISTORY = """
query History($id: ID!) {
  node(id: $id) { history { nodes { action changes { field before after } } } }
}
"""

EVERY_GOAL = """
query Goals {
  goals(first: 100) { nodes {
    health healthDisagrees
    latestStatusUpdate { health bodyHtml author { name } }
    statusUpdates(last: 2) { totalCount nodes { health } }
    keyResults { nodes { healthDisagrees latestStatusUpdate { health } } }
  } }
}
"""


def gid(row) -> str:
    return encode_global_id(type(row).__name__, row.pk)


@pytest.fixture
async def org(db: str) -> SimpleNamespace:
    """A Growth goal running from 50 days ago to 50 days ahead, with a key result
    0 -> 100 still at 0 (expected progress 50/100, progress 0: OFF_TRACK, the gap
    0.5 being past the 0.25 threshold), and a Growth campaign; editors of Growth and
    Sales and a Growth viewer."""
    today = clock.today()
    o = SimpleNamespace()
    o.growth = await factories.team(name="Growth")
    o.sales = await factories.team(name="Sales")
    o.editor = await factories.user(teams=[o.growth], role=Role.EDITOR, name="Gina")
    o.sales_editor = await factories.user(teams=[o.sales], role=Role.EDITOR, name="Sam")
    o.viewer = await factories.user(teams=[o.growth], role=Role.VIEWER, name="Vic")
    o.goal = await factories.goal(
        o.growth,
        title="Grow pipeline",
        period_start=today - timedelta(days=50),
        period_end=today + timedelta(days=50),
    )
    o.key_result = await factories.key_result(
        o.goal, title="500 sign-ups", due_date=today + timedelta(days=50)
    )
    o.campaign = await factories.campaign(o.growth, name="Spring push")
    o.task = await factories.task(campaign=o.campaign)
    return o


def post_input(node, health: str = "ON_TRACK", body: str = "Signed **two** partners.") -> dict:
    return {"nodeId": gid(node), "health": health, "body": body}


async def stored_updates() -> int:
    return await models.StatusUpdate.all().count()


async def test_an_update_disagreeing_with_the_computed_health_shows_both(gql, org):
    # given: the key result is computed OFF_TRACK (see `org`)
    editor = gql.as_user(org.editor)

    # when: its owner reports it ON_TRACK
    payload = await editor.mutate(POST, post_input(org.key_result), "statusUpdatePost")

    # then: both healths are shown, and the difference is flagged
    posted = payload["statusUpdate"]
    assert payload["userErrors"] == []
    assert posted["health"] == "ON_TRACK"
    assert posted["computedHealth"] == "OFF_TRACK"
    assert posted["healthDisagrees"] is True
    assert posted["body"] == "Signed **two** partners."
    assert posted["bodyHtml"] == "<p>Signed <strong>two</strong> partners.</p>"
    assert posted["author"] == {"id": gid(org.editor)}
    assert posted["keyResult"] == {"id": gid(org.key_result)}
    assert posted["goal"] is None and posted["campaign"] is None
    node = (await editor.data(NODE_UPDATES, {"id": gid(org.key_result)}))["node"]
    assert node == {
        "health": "OFF_TRACK",
        "healthDisagrees": True,
        "latestStatusUpdate": {"id": posted["id"], "health": "ON_TRACK"},
        "statusUpdates": {"totalCount": 1, "nodes": [{"id": posted["id"]}]},
    }


async def test_an_agreeing_update_is_not_flagged_and_the_latest_one_counts(gql, org):
    # given: a first update that disagreed
    admin = gql.as_admin()
    await admin.mutate(POST, post_input(org.goal, "AT_RISK"), "statusUpdatePost")

    # when: a second one reports what is computed (the goal's one key result: OFF_TRACK)
    payload = await admin.mutate(POST, post_input(org.goal, "OFF_TRACK"), "statusUpdatePost")

    # then
    assert payload["statusUpdate"]["healthDisagrees"] is False
    node = (await admin.data(NODE_UPDATES, {"id": gid(org.goal)}))["node"]
    assert node["health"] == "OFF_TRACK"
    assert node["healthDisagrees"] is False
    assert node["latestStatusUpdate"] == {
        "id": payload["statusUpdate"]["id"],
        "health": "OFF_TRACK",
    }
    assert node["statusUpdates"]["totalCount"] == 2


async def test_a_node_without_an_update_has_no_disagreement(gql, org):
    # when
    node = (await gql.as_user(org.viewer).data(NODE_UPDATES, {"id": gid(org.campaign)}))["node"]

    # then
    assert node["healthDisagrees"] is None
    assert node["latestStatusUpdate"] is None
    assert node["statusUpdates"] == {"totalCount": 0, "nodes": []}


async def test_the_update_is_in_the_history_and_in_the_event_log(gql, org):
    # when
    editor = gql.as_user(org.editor)
    payload = await editor.mutate(POST, post_input(org.campaign, "AT_RISK"), "statusUpdatePost")

    # then: recorded on the campaign, which itself is left unchanged (same version)
    update_id = payload["statusUpdate"]["id"]
    computed = payload["statusUpdate"]["computedHealth"]
    history = (await editor.data(HISTORY, {"id": gid(org.campaign)}))["node"]["history"]
    assert history["nodes"] == [
        {
            "action": "STATUS_UPDATE_POSTED",
            "changes": [
                {"field": "computedHealth", "before": None, "after": computed},
                {"field": "reportedHealth", "before": None, "after": "AT_RISK"},
                {"field": "statusUpdate", "before": None, "after": update_id},
            ],
        }
    ]
    events = await models.Event.filter(node_type="Campaign", node_id=org.campaign.pk)
    assert [(e.type, e.actor_id) for e in events] == [("statusUpdate.posted", org.editor.pk)]
    assert events[0].changes["statusUpdate"] == {"before": None, "after": update_id}
    assert events[0].changes["reportedHealth"] == {"before": None, "after": "AT_RISK"}
    assert (await models.Campaign.get(id=org.campaign.pk)).version == 1
    entries = await models.HistoryEntry.filter(node_type="Campaign", node_id=org.campaign.pk)
    assert [entry.action for entry in entries] == [HistoryAction.STATUS_UPDATE_POSTED]


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ("   ", "body", "REQUIRED"),
        ("x" * 10_001, "body", "TOO_LONG"),
        ("bell \x07", "body", "INVALID"),
    ],
)
async def test_a_bad_body_is_a_user_error_and_writes_nothing(gql, org, body, field, code):
    # when
    payload = await gql.as_user(org.editor).mutate(
        POST, post_input(org.key_result, body=body), "statusUpdatePost"
    )

    # then
    assert payload["statusUpdate"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, code)]
    assert await stored_updates() == 0
    assert await models.Event.all().count() == 0


async def test_an_archived_node_takes_no_update(gql, org):
    # given
    await factories.archive(org.campaign)

    # when
    payload = await gql.as_admin().mutate(POST, post_input(org.campaign), "statusUpdatePost")

    # then
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [("nodeId", "ARCHIVED")]
    assert await stored_updates() == 0


async def test_a_node_that_takes_no_updates_is_a_user_error(gql, org):
    # when: a task is named
    payload = await gql.as_admin().mutate(POST, post_input(org.task), "statusUpdatePost")

    # then
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [("nodeId", "INVALID")]
    assert await stored_updates() == 0


@pytest.mark.parametrize(
    ("who", "node", "code"),
    [
        ("viewer", "key_result", "FORBIDDEN"),
        ("sales_editor", "key_result", "FORBIDDEN"),
        ("sales_editor", "campaign", "FORBIDDEN"),
        ("editor", "missing", "NOT_FOUND"),
        ("editor", "malformed", "NOT_FOUND"),
        (None, "goal", "UNAUTHENTICATED"),
    ],
)
async def test_only_those_who_may_edit_the_node_post_on_it(gql, anonymous, org, who, node, code):
    # given
    client = anonymous if who is None else gql.as_user(getattr(org, who))
    node_id = {
        "missing": encode_global_id("Goal", 999_999),
        "malformed": "not-an-id",
    }.get(node) or gid(getattr(org, node))

    # when
    error = await client.error(POST, {"input": {**post_input(org.goal), "nodeId": node_id}})

    # then
    assert error["extensions"]["code"] == code
    assert await stored_updates() == 0


async def test_update_fields_cost_no_statement_per_node(gql, org):
    """Reading every goal's latest update, disagreement and updates costs the freshness
    check alone, for three goals as for fifteen."""

    async def statements() -> int:
        admin = gql.as_admin()
        await admin.signed_in_user()
        await admin.settle()
        await admin.data(EVERY_GOAL)  # rollups computed at this version
        with count_statements() as counted:
            await admin.data(EVERY_GOAL)
        return counted.count

    async def add_goals(count: int) -> None:
        for n in range(count):
            goal = await factories.goal(org.growth, title=f"Goal {n}")
            key_result = await factories.key_result(goal)
            await factories.status_update(goal=goal, author=org.editor, body=f"*n* {n}")
            await factories.status_update(key_result=key_result, health="AT_RISK")

    # given
    await add_goals(3)
    small = await statements()

    # when
    await add_goals(12)
    large = await statements()

    # then
    assert small == large == 1


STALE = """
query Stale {
  risks(filter: {kinds: [STALE_CHECK_IN]}) {
    nodes { severity message node { id } figures { name value } }
  }
}
"""


async def test_a_goal_or_key_result_without_a_recent_update_raises_the_stale_risk(gql, org):
    # given: the key result was checked in yesterday (not stale by check-ins) and last
    # updated 40 days ago (past 30: LOW); the goal updated 61 days ago (past twice 30:
    # MEDIUM); another goal updated 30 days ago (not past 30) and one never updated
    now = clock.now()
    today = clock.today()
    await factories.check_in(org.key_result, "10", checked_in_at=now - timedelta(days=1))
    await factories.status_update(key_result=org.key_result, posted_at=now - timedelta(days=40))
    await factories.status_update(goal=org.goal, posted_at=now - timedelta(days=61))
    fresh = await factories.goal(org.growth, period_start=today - timedelta(days=50))
    await factories.status_update(goal=fresh, posted_at=now - timedelta(days=30))
    await factories.goal(org.growth, period_start=today - timedelta(days=50))

    # when
    risks = (await gql.as_user(org.viewer).data(STALE))["risks"]["nodes"]

    # then
    def day(days: int) -> str:
        return (today - timedelta(days=days)).isoformat()

    assert sorted(risks, key=lambda risk: risk["node"]["id"]) == sorted(
        [
            {
                "severity": "MEDIUM",
                "message": f"Grow pipeline has had no status update since {day(61)} (61 days).",
                "node": {"id": gid(org.goal)},
                "figures": [
                    {"name": "lastStatusUpdate", "value": day(61)},
                    {"name": "daysSinceStatusUpdate", "value": "61"},
                    {"name": "statusUpdateStaleAfterDays", "value": "30"},
                ],
            },
            {
                "severity": "LOW",
                "message": f"500 sign-ups has had no status update since {day(40)} (40 days).",
                "node": {"id": gid(org.key_result)},
                "figures": [
                    {"name": "lastStatusUpdate", "value": day(40)},
                    {"name": "daysSinceStatusUpdate", "value": "40"},
                    {"name": "statusUpdateStaleAfterDays", "value": "30"},
                ],
            },
        ],
        key=lambda risk: risk["node"]["id"],
    )


async def test_a_key_result_stale_both_ways_raises_one_risk(gql, org):
    # given: no check-in since the period started 50 days ago (past 14, and past twice
    # 14: MEDIUM) and an update 35 days ago (past 30)
    now = clock.now()
    await factories.status_update(key_result=org.key_result, posted_at=now - timedelta(days=35))

    # when
    risks = (await gql.as_admin().data(STALE))["risks"]["nodes"]

    # then
    updated = (clock.today() - timedelta(days=35)).isoformat()
    assert risks == [
        {
            "severity": "MEDIUM",
            "message": "500 sign-ups has had no check-in since its period started (50 days) "
            f"and no status update since {updated} (35 days).",
            "node": {"id": gid(org.key_result)},
            "figures": [
                {"name": "lastCheckIn", "value": "never"},
                {"name": "daysSinceCheckIn", "value": "50"},
                {"name": "staleAfterDays", "value": "14"},
                {"name": "lastStatusUpdate", "value": updated},
                {"name": "daysSinceStatusUpdate", "value": "35"},
                {"name": "statusUpdateStaleAfterDays", "value": "30"},
            ],
        }
    ]
