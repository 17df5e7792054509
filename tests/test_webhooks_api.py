"""The webhook API over HTTP: who may register endpoints (admins; editors for their
own teams; never viewers), what a bad endpoint gets back (userErrors, nothing written),
the secret shown once, updates, deletion, rotation, and deliveries with their attempts
and a redelivery, against a real receiver on 127.0.0.1."""

from __future__ import annotations

import base64

import pytest

from server import models
from server.enums import Role
from tests import factories
from tests.test_events import gid
from tests.test_webhook_delivery import RULES, pump
from tests.webhook_receiver import receiving

CREATE = """
mutation Create($input: WebhookCreateInput!) {
  webhookCreate(input: $input) {
    secret
    webhook { id version url events enabled disabledReason filter { teams nodeTypes } }
    userErrors { field code message }
  }
}
"""
UPDATE = """
mutation Update($input: WebhookUpdateInput!) {
  webhookUpdate(input: $input) {
    webhook { id version events enabled disabledReason filter { teams nodeTypes } }
    userErrors { field code message }
  }
}
"""
DELETE = """
mutation Delete($input: WebhookRefInput!) {
  webhookDelete(input: $input) { webhook { id archivedAt } userErrors { code } }
}
"""
ROTATE = """
mutation Rotate($input: WebhookRefInput!) {
  webhookRotateSecret(input: $input) {
    secret webhook { version previousSecretUntil } userErrors { code }
  }
}
"""
LIST = "{ webhooks { totalCount nodes { id url } } }"
DELIVERIES = """
query Deliveries($id: ID!) {
  webhookDeliveries(webhookId: $id) {
    nodes {
      id status eventType attemptCount nodeId deliveredAt
      payload
      attempts { succeeded statusCode latencyMs error }
    }
  }
}
"""
REDELIVER = """
mutation Redeliver($input: WebhookRedeliverInput!) {
  webhookRedeliver(input: $input) { delivery { id status } userErrors { field code } }
}
"""
TASK_CREATE = """
mutation TaskCreate($input: TaskCreateInput!) {
  taskCreate(input: $input) { task { id } userErrors { field message } }
}
"""


@pytest.fixture
async def api(db, client_with):
    return await client_with(webhook_allow_networks="127.0.0.1")


@pytest.fixture
async def teams(db):
    growth = await factories.team(name="Growth")
    sales = await factories.team(name="Sales")
    editor = await factories.user(teams=[growth], role=Role.EDITOR)
    viewer = await factories.user(teams=[growth], role=Role.VIEWER)
    return growth, sales, editor, viewer


async def test_an_admin_registers_an_endpoint_and_sees_its_secret_once(api, teams):
    # given
    growth, _, _, _ = teams
    # when
    made = await api.mutate(
        CREATE,
        {
            "url": "http://127.0.0.1:9/hooks",
            "events": ["TASK_CREATED", "RISK_RAISED"],
            "filter": {"teams": [gid("Team", growth.pk)], "nodeTypes": ["TASK"]},
        },
        "webhookCreate",
    )
    # then
    assert made["userErrors"] == []
    assert made["secret"].startswith("whsec_")
    assert len(base64.b64decode(made["secret"].removeprefix("whsec_"))) == 32
    assert made["webhook"]["events"] == ["TASK_CREATED", "RISK_RAISED"]
    assert made["webhook"]["filter"] == {"teams": [gid("Team", growth.pk)], "nodeTypes": ["TASK"]}
    assert made["webhook"]["enabled"] is True
    listed = await api.data(LIST)
    assert listed["webhooks"]["totalCount"] == 1
    history = await models.HistoryEntry.get(node_type="WebhookEndpoint")
    assert made["secret"] not in str(history.changes)
    assert "signing_secret" not in history.changes


async def test_a_viewer_may_not_register_an_endpoint(api, teams):
    # given
    _, _, _, viewer = teams
    # when
    error = await api.as_user(viewer).error(CREATE, {"input": {"url": "http://127.0.0.1:9/hooks"}})
    # then
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert await models.WebhookEndpoint.all().count() == 0


async def test_an_editor_registers_endpoints_for_their_own_teams_only(api, teams):
    # given
    growth, sales, editor, _ = teams
    as_editor = api.as_user(editor)
    # when
    without_teams = await as_editor.mutate(
        CREATE, {"url": "http://127.0.0.1:9/hooks"}, "webhookCreate"
    )
    other_team = await as_editor.error(
        CREATE,
        {
            "input": {
                "url": "http://127.0.0.1:9/hooks",
                "filter": {"teams": [gid("Team", sales.pk)]},
            }
        },
    )
    own_team = await as_editor.mutate(
        CREATE,
        {"url": "http://127.0.0.1:9/hooks", "filter": {"teams": [gid("Team", growth.pk)]}},
        "webhookCreate",
    )
    # then
    assert without_teams["webhook"] is None
    assert [(e["field"], e["code"]) for e in without_teams["userErrors"]] == [
        ("filter.teams", "REQUIRED")
    ]
    assert other_team["extensions"]["code"] == "FORBIDDEN"
    assert own_team["userErrors"] == [] and own_team["secret"]
    assert await models.WebhookEndpoint.all().count() == 1
    assert (await api.data(LIST))["webhooks"]["totalCount"] == 0  # the admin's own list
    assert (await as_editor.data(LIST))["webhooks"]["totalCount"] == 1


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("ftp://example.com/hooks", "BAD_URL"),
        ("not an address", "BAD_URL"),
        ("http://10.1.2.3/hooks", "BAD_URL"),
        ("http://169.254.169.254/latest/meta-data", "BAD_URL"),
        ("http://[::1]:8000/hooks", "BAD_URL"),
        ("https://user:secret@example.com/hooks", "BAD_URL"),
        ("http://example.com:99999/hooks", "BAD_URL"),
        ("http://exa mple.com/hooks", "BAD_URL"),
        ("http://example.com/ho\toks", "BAD_URL"),
        ("https://example.com/" + "a" * 2001, "TOO_LONG"),
        ("", "REQUIRED"),
    ],
)
async def test_a_bad_endpoint_address_is_refused_and_nothing_is_written(api, url, code):
    # when
    refused = await api.mutate(CREATE, {"url": url}, "webhookCreate")
    # then
    assert refused["webhook"] is None and refused["secret"] is None
    assert [(e["field"], e["code"]) for e in refused["userErrors"]] == [("url", code)]
    assert await models.WebhookEndpoint.all().count() == 0


async def test_empty_lists_and_unknown_teams_are_refused(api, teams):
    # when
    refused = await api.mutate(
        CREATE,
        {
            "url": "https://example.com/hooks",
            "events": [],
            "filter": {"teams": [gid("Team", 999)], "nodeTypes": []},
        },
        "webhookCreate",
    )
    # then
    assert sorted((e["field"], e["code"]) for e in refused["userErrors"]) == [
        ("events", "INVALID"),
        ("filter.nodeTypes", "INVALID"),
        ("filter.teams", "NOT_FOUND"),
    ]
    assert await models.WebhookEndpoint.all().count() == 0


async def test_update_rotate_and_delete(api, teams):
    # given
    made = await api.mutate(
        CREATE, {"url": "https://example.com/hooks", "events": ["GOAL_CREATED"]}, "webhookCreate"
    )
    webhook_id = made["webhook"]["id"]
    # when
    disabled = await api.mutate(
        UPDATE, {"id": webhook_id, "version": 1, "enabled": False, "events": None}, "webhookUpdate"
    )
    rotated = await api.mutate(ROTATE, {"id": webhook_id, "version": 2}, "webhookRotateSecret")
    stale = await api.error(DELETE, {"input": {"id": webhook_id, "version": 2}})
    deleted = await api.mutate(DELETE, {"id": webhook_id, "version": 3}, "webhookDelete")
    # then
    assert disabled["webhook"]["events"] is None
    assert disabled["webhook"]["enabled"] is False
    assert disabled["webhook"]["disabledReason"] == "Disabled by its owner."
    assert rotated["secret"].startswith("whsec_") and rotated["secret"] != made["secret"]
    assert rotated["webhook"]["previousSecretUntil"] is not None
    assert stale["extensions"]["code"] == "CONFLICT"
    assert deleted["webhook"]["archivedAt"] is not None
    assert (await api.data(LIST))["webhooks"]["totalCount"] == 0


async def test_deliveries_show_each_attempt_and_can_be_sent_again(api, teams):
    growth, _, _, _ = teams
    campaign = await factories.campaign(growth)
    with receiving() as receiver:
        # given
        receiver.answers = [500]
        made = await api.mutate(
            CREATE, {"url": receiver.url, "events": ["TASK_CREATED"]}, "webhookCreate"
        )
        task = await api.mutate(
            TASK_CREATE,
            {"title": "Brief", "campaignId": gid("Campaign", campaign.pk)},
            "taskCreate",
        )
        await pump(lambda: len(receiver.delivered()) == 1, RULES)
        # when
        listed = await api.data(DELIVERIES, {"id": made["webhook"]["id"]})
        delivery = listed["webhookDeliveries"]["nodes"][0]
        again = await api.mutate(REDELIVER, {"deliveryId": delivery["id"]}, "webhookRedeliver")
        await pump(lambda: len(receiver.delivered()) == 2, RULES)
        # then
        assert delivery["status"] == "DELIVERED"
        assert delivery["eventType"] == "task.created"
        assert delivery["attemptCount"] == 2
        assert delivery["nodeId"] == task["task"]["id"]
        assert delivery["payload"]["data"]["node"]["id"] == task["task"]["id"]
        attempts = delivery["attempts"]
        assert [(a["succeeded"], a["statusCode"]) for a in attempts] == [(False, 500), (True, 200)]
        assert attempts[0]["error"] == "The endpoint answered HTTP 500."
        assert attempts[1]["error"] is None
        assert all(a["latencyMs"] >= 0 for a in attempts)
        assert again["delivery"]["status"] == "PENDING"
        first, second = receiver.delivered()
        assert first.webhook_id == second.webhook_id and first.body == second.body


async def test_someone_elses_deliveries_are_not_theirs_to_read(api, teams):
    # given
    growth, _, editor, _ = teams
    made = await api.mutate(CREATE, {"url": "https://example.com/hooks"}, "webhookCreate")
    # when
    error = await api.as_user(editor).error(DELIVERIES, {"id": made["webhook"]["id"]})
    # then
    assert error["extensions"]["code"] == "FORBIDDEN"


async def test_an_editor_may_not_widen_or_touch_others_endpoints(api, teams):
    # given
    growth, sales, editor, _ = teams
    other_editor = await factories.user(teams=[growth], role=Role.EDITOR)
    mine = await api.as_user(editor).mutate(
        CREATE,
        {"url": "https://example.com/hooks", "filter": {"teams": [gid("Team", growth.pk)]}},
        "webhookCreate",
    )
    webhook_id = mine["webhook"]["id"]
    # when
    widened = await api.as_user(editor).error(
        UPDATE,
        {"input": {"id": webhook_id, "version": 1, "filter": {"teams": [gid("Team", sales.pk)]}}},
    )
    unrestricted = await api.as_user(editor).mutate(
        UPDATE, {"id": webhook_id, "version": 1, "filter": None}, "webhookUpdate"
    )
    someone_elses = await api.as_user(other_editor).error(
        DELETE, {"input": {"id": webhook_id, "version": 1}}
    )
    # then
    assert widened["extensions"]["code"] == "FORBIDDEN"
    assert [(e["field"], e["code"]) for e in unrestricted["userErrors"]] == [
        ("filter.teams", "REQUIRED")
    ]
    assert someone_elses["extensions"]["code"] == "FORBIDDEN"
    endpoint = await models.WebhookEndpoint.get()
    assert endpoint.version == 1 and endpoint.archived_at is None
    assert endpoint.criteria["teams"] == [growth.pk]
