"""Events are written with the change they describe, in its transaction, in the API's
words (camelCase fields, global IDs), one per catalogue entry the change stands for."""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from tortoise.transactions import in_transaction

from server import models
from server.enums import HistoryAction, ResultMetric, Role
from server.events.log import append_for_entries
from server.permissions import Actor
from server.writes.alignments import set_alignments
from server.writes.campaigns import archive_campaign, update_campaign
from server.writes.goals import archive_goal, create_goal, move_goal, update_goal
from server.writes.key_results import archive_key_result, check_in, update_key_result
from server.writes.milestones import update_milestone
from server.writes.money_entries import add_result, add_spend, archive_result, archive_spend
from server.writes.org import update_team
from server.writes.tasks import archive_task, create_task, update_task
from tests import factories


def gid(type_name: str, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode().rstrip("=")


async def events() -> list[tuple[str, str, int, dict]]:
    rows = await models.Event.all().order_by("id")
    return [(row.type, row.node_type, row.node_id, row.changes) for row in rows]


@pytest.fixture
async def org(db):
    team = await factories.team(name="Growth")
    admin = await factories.user(name="Ada Admin", role=Role.ADMIN)
    goal = await factories.goal(team)
    key_result = await factories.key_result(goal)
    campaign = await factories.campaign(team, start_date=date(2026, 3, 1))
    return team, Actor(admin.pk, Role.ADMIN), goal, key_result, campaign


async def test_a_task_created_updated_and_archived_leaves_its_events(org):
    # given
    team, actor, _, _, campaign = org
    # when
    task = await create_task(actor, title="Draft", campaign_id=campaign.pk)
    await update_task(actor, task.pk, 1, title="Send", due_date=date(2026, 4, 2))
    await archive_task(actor, task.pk, 2)
    # then
    found = await events()
    assert [(kind, node_type, node_id) for kind, node_type, node_id, _ in found] == [
        ("task.created", "Task", task.pk),
        ("task.updated", "Task", task.pk),
        ("calendarEntry.moved", "Task", task.pk),
        ("task.archived", "Task", task.pk),
    ]
    assert found[0][3] == {
        "title": {"before": None, "after": "Draft"},
        "campaign": {"before": None, "after": gid("Campaign", campaign.pk)},
        "status": {"before": None, "after": "TODO"},
    }
    assert found[1][3] == {
        "title": {"before": "Draft", "after": "Send"},
        "dueDate": {"before": None, "after": "2026-04-02"},
    }
    assert found[2][3] == {"dueDate": {"before": None, "after": "2026-04-02"}}
    assert list(found[3][3]) == ["archivedAt"]
    row = await models.Event.filter(type="task.created").get()
    assert row.actor_id == actor.user_id


async def test_a_rolled_back_write_leaves_no_event(org):
    # given
    _, actor, _, _, campaign = org
    # when
    with pytest.raises(RuntimeError):
        async with in_transaction():
            await create_task(actor, title="Never", campaign_id=campaign.pk)
            raise RuntimeError("the surrounding work failed")
    # then
    assert await events() == []
    assert await models.HistoryEntry.all().count() == 0


async def test_check_in_alignment_spend_and_milestone_events(org):
    # given
    team, actor, _, key_result, campaign = org
    milestone = await factories.milestone(team, start_date=date(2026, 4, 1))
    # when
    await check_in(
        actor,
        key_result.pk,
        1,
        value=Decimal("12.5"),
        note="",
        checked_in_at=datetime(2026, 3, 2, 9, tzinfo=UTC),
    )
    await set_alignments(actor, campaign.pk, 1, [(key_result.pk, Decimal(1))])
    spend = await add_spend(
        actor, campaign.pk, date=date(2026, 3, 5), amount=Decimal("250.00"), currency="USD"
    )
    await archive_spend(actor, spend.pk, 1)
    await update_milestone(actor, milestone.pk, 1, start_date=date(2026, 4, 8))
    # then
    found = await events()
    kinds = [(kind, node_type) for kind, node_type, _, _ in found]
    assert kinds == [
        ("checkIn.recorded", "KeyResult"),
        ("alignment.changed", "Campaign"),
        ("spend.recorded", "Campaign"),
        ("spend.archived", "SpendEntry"),
        ("milestone.updated", "Milestone"),
        ("calendarEntry.moved", "Milestone"),
    ]
    check_in_row = await models.CheckIn.get()
    assert found[0][3] == {
        "currentValue": {"before": "0", "after": "12.5000"},
        "checkIn": {"before": None, "after": gid("CheckIn", check_in_row.pk)},
    }
    assert found[1][3] == {
        "alignments": {
            "before": [],
            "after": [{"keyResult": gid("KeyResult", key_result.pk), "share": "1"}],
        }
    }
    assert found[2][3] == {
        "spendEntry": {
            "before": None,
            "after": {
                "id": gid("SpendEntry", spend.pk),
                "date": "2026-03-05",
                "channel": None,
                "amount": "250",
                "currency": "USD",
            },
        }
    }
    assert found[5][3] == {"startDate": {"before": "2026-04-01", "after": "2026-04-08"}}


async def test_goal_key_result_campaign_and_result_events(org):
    # given
    team, actor, goal, key_result, campaign = org
    # when
    new_goal = await create_goal(
        actor,
        title="Grow",
        description=None,
        category=None,
        owner_team_id=team.pk,
        owner_id=None,
        parent_id=None,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        weight=None,
    )
    await update_goal(actor, new_goal.pk, 1, {"title": "Grow more"})
    await move_goal(actor, new_goal.pk, 2, goal.pk)
    await update_key_result(actor, key_result.pk, 1, {"title": "Leads"})
    await archive_key_result(actor, key_result.pk, 2)
    await update_campaign(actor, campaign.pk, 1, {"end_date": date(2026, 6, 30)})
    result = await add_result(
        actor, campaign.pk, date=date(2026, 3, 9), metric=ResultMetric.LEADS, value=Decimal(40)
    )
    await archive_result(actor, result.pk, 1)
    await archive_campaign(actor, campaign.pk, 2)
    await archive_goal(actor, new_goal.pk, 3)
    # then
    found = await events()
    assert [(kind, node_type, node_id) for kind, node_type, node_id, _ in found] == [
        ("goal.created", "Goal", new_goal.pk),
        ("goal.updated", "Goal", new_goal.pk),
        ("goal.updated", "Goal", new_goal.pk),
        ("keyResult.updated", "KeyResult", key_result.pk),
        ("keyResult.archived", "KeyResult", key_result.pk),
        ("campaign.updated", "Campaign", campaign.pk),
        ("calendarEntry.moved", "Campaign", campaign.pk),
        ("result.recorded", "Campaign", campaign.pk),
        ("result.archived", "ResultEntry", result.pk),
        ("campaign.archived", "Campaign", campaign.pk),
        ("goal.archived", "Goal", new_goal.pk),
    ]
    assert found[2][3] == {"parent": {"before": None, "after": gid("Goal", goal.pk)}}
    assert found[6][3] == {"endDate": {"before": "2026-05-31", "after": "2026-06-30"}}
    assert found[7][3] == {
        "resultEntry": {
            "before": None,
            "after": {
                "id": gid("ResultEntry", result.pk),
                "date": "2026-03-09",
                "channel": None,
                "metric": "LEADS",
                "value": "40",
            },
        }
    }


async def test_teams_users_and_feeds_emit_no_events(org):
    # given
    team, actor, _, _, _ = org
    # when
    await update_team(actor, team.pk, 1, name="Growth team")
    # then
    assert await events() == []
    assert await models.HistoryEntry.filter(node_type="Team").count() == 1


async def test_history_written_in_bulk_gets_its_events_in_bulk(org):
    # given: entries as a bulk write makes them, without `record`
    team, actor, _, _, campaign = org
    at = datetime(2027, 3, 1, 9, tzinfo=UTC)
    entries = [
        models.HistoryEntry(
            node_type="Campaign",
            node_id=campaign.pk,
            actor_id=actor.user_id,
            at=at,
            action=HistoryAction.SPEND_ADDED,
            changes={"spendEntry": {"before": None, "after": {"id": 7, "amount": "5"}}},
        ),
        models.HistoryEntry(
            node_type="SpendEntry",
            node_id=7,
            actor_id=actor.user_id,
            at=at,
            action=HistoryAction.CREATED,
            changes={"amount": {"before": None, "after": "5"}},
        ),
    ]
    # when
    async with in_transaction():
        await models.HistoryEntry.bulk_create(entries)
        await append_for_entries(entries)
    # then: the spend is an event; the entry's own creation is not one
    assert await events() == [
        (
            "spend.recorded",
            "Campaign",
            campaign.pk,
            {
                "spendEntry": {
                    "before": None,
                    "after": {"id": gid("SpendEntry", 7), "amount": "5"},
                }
            },
        )
    ]
