"""What a permission check costs: an editor's write reads its team memberships and the
owners of the row it changes from the read model, and re-reads from the database only
the containers a row is moved under."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from schema.core.ids import encode_global_id
from server import models
from server.enums import Role
from server.permissions import Actor
from server.read_model import ReadModel
from server.statements import count_statements
from server.writes.errors import Forbidden
from server.writes.tasks import create_task, update_task
from tests import factories

# Each includes the INSERT of the change's event (server/events), made in the write's
# transaction so that a rolled-back write sends nothing.
TITLE_CHANGE_STATEMENTS = 8
MOVE_STATEMENTS = 10

TASK_UPDATE = """
mutation TaskUpdate($input: TaskUpdateInput!) {
  taskUpdate(input: $input) {
    task { id version }
    userErrors { field code message }
  }
}
"""


def gid(row) -> str:
    return encode_global_id(type(row).__name__, row.pk)


@pytest.fixture
async def org(db: str) -> SimpleNamespace:
    """An editor of Growth, two Growth campaigns, two Growth goals with a key result
    each, and a task of the first campaign."""
    o = SimpleNamespace()
    o.growth = await factories.team(name="Growth")
    o.sales = await factories.team(name="Sales")
    o.editor = await factories.user(teams=[o.growth], role=Role.EDITOR, name="Gina")
    o.goal = await factories.goal(o.growth, title="Grow pipeline")
    o.key_result = await factories.key_result(o.goal, title="500 SQLs")
    o.campaign = await factories.campaign(o.growth, name="Spring webinars")
    o.other_campaign = await factories.campaign(o.growth, name="Summer webinars")
    o.other_goal = await factories.goal(o.growth, title="Keep customers")
    o.other_key_result = await factories.key_result(o.other_goal, title="Churn below 3%")
    o.task = await factories.task(title="Draft invitations", campaign=o.campaign, team=o.growth)
    return o


async def statements_of(gql, org, changes: dict) -> list[str]:
    editor = gql.as_user(org.editor)
    await editor.settle()
    with count_statements() as counter:
        payload = await editor.mutate(
            TASK_UPDATE, {"id": gid(org.task), "version": 1, **changes}, "taskUpdate"
        )
    assert payload["userErrors"] == []
    assert payload["task"]["version"] == 2
    return counter.statements


async def test_a_title_change_reads_no_permission_row(gql, org):
    # when
    statements = await statements_of(gql, org, {"title": "Send invitations"})

    # then: the freshness check, the task (read and version-checked in the write's
    # transaction), its UPDATE and history entry, and the read model catching up with
    # the write and serving the payload; the memberships and the task's campaign come
    # from the model (9 statements when they were read from the database)
    assert len(statements) == TITLE_CHANGE_STATEMENTS, statements
    assert not [sql for sql in statements if 'FROM "membership"' in sql]
    assert not [sql for sql in statements if 'FROM "campaign"' in sql]


async def test_a_move_reads_only_the_new_campaign_again(gql, org):
    # when
    statements = await statements_of(gql, org, {"campaignId": gid(org.other_campaign)})

    # then: as a title change, and the new campaign twice: once as the input's
    # reference, once as the placement re-check (14 statements when every check read
    # the database)
    assert len(statements) == MOVE_STATEMENTS, statements
    campaign_reads = [sql for sql in statements if 'FROM "campaign"' in sql]
    assert len(campaign_reads) == 2
    assert not [sql for sql in statements if 'FROM "membership"' in sql]


@pytest.fixture
async def stale(org) -> SimpleNamespace:
    """The editor holding a snapshot in which Growth still owns the second campaign and
    the second goal, which the database has meanwhile given to Sales (as another
    process would)."""
    snapshot = await ReadModel().current()
    await models.Campaign.filter(id=org.other_campaign.pk).update(owner_team_id=org.sales.pk)
    await models.Goal.filter(id=org.other_goal.pk).update(owner_team_id=org.sales.pk)
    assert snapshot.row(models.Campaign, org.other_campaign.pk).owner_team_id == org.growth.pk
    return SimpleNamespace(actor=Actor(org.editor.pk, Role.EDITOR, snapshot=snapshot))


async def test_moving_a_task_rechecks_the_new_campaign_in_the_database(org, stale):
    # when
    with pytest.raises(Forbidden):
        await update_task(stale.actor, org.task.pk, 1, campaign_id=org.other_campaign.pk)

    # then
    task = await models.Task.get(id=org.task.pk)
    assert (task.campaign_id, task.version) == (org.campaign.pk, 1)


async def test_moving_a_task_rechecks_the_new_key_results_goal_in_the_database(org, stale):
    # when
    with pytest.raises(Forbidden):
        await update_task(
            stale.actor,
            org.task.pk,
            1,
            campaign_id=None,
            key_result_id=org.other_key_result.pk,
        )

    # then
    task = await models.Task.get(id=org.task.pk)
    assert (task.key_result_id, task.version) == (None, 1)


async def test_creating_a_task_rechecks_its_campaign_in_the_database(org, stale):
    # when
    with pytest.raises(Forbidden):
        await create_task(stale.actor, title="Book speakers", campaign_id=org.other_campaign.pk)

    # then
    assert await models.Task.filter(campaign_id=org.other_campaign.pk).count() == 0


async def test_a_stale_snapshot_still_lets_the_editor_work_in_their_own_campaign(org, stale):
    # when
    task = await update_task(stale.actor, org.task.pk, 1, title="Send invitations")

    # then
    assert (task.title, task.version) == ("Send invitations", 2)
