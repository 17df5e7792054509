"""The one permission policy, checked object kind by object kind and role by role."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from server import models
from server.enums import ResultMetric, Role
from server.permissions import Actor, can_write, owning_team_ids
from server.read_model import ReadModel
from tests import factories


async def actor_of(user: models.User) -> Actor:
    return Actor(user_id=user.pk, role=user.role)


@pytest.fixture
async def org(db):
    """Two teams, each with one goal, key result and campaign, and one person per role."""
    ours, theirs = await factories.team(name="Ours"), await factories.team(name="Theirs")
    goal = await factories.goal(ours)
    key_result = await factories.key_result(goal)
    campaign = await factories.campaign(ours)
    their_goal = await factories.goal(theirs)
    their_key_result = await factories.key_result(their_goal)
    their_campaign = await factories.campaign(theirs)
    people = {
        "viewer": await factories.user(teams=[ours], role=Role.VIEWER),
        "editor": await factories.user(teams=[ours], role=Role.EDITOR),
        "outsider": await factories.user(teams=[theirs], role=Role.EDITOR),
        "admin": await factories.user(role=Role.ADMIN),
    }
    return {
        "teams": (ours, theirs),
        "goal": goal,
        "key_result": key_result,
        "campaign": campaign,
        "their_key_result": their_key_result,
        "their_campaign": their_campaign,
        "people": people,
    }


async def rows_owned_by_ours(org) -> list:
    """One row of every kind an editor of "Ours" may write."""
    ours = org["teams"][0]
    campaign, key_result = org["campaign"], org["key_result"]
    return [
        org["goal"],
        key_result,
        campaign,
        await models.CheckIn.create(
            key_result=key_result, value=Decimal(5), checked_in_at=factories.ARCHIVED_AT
        ),
        await factories.align(campaign, org["their_key_result"]),
        await factories.spend(campaign, "10.00"),
        await factories.result(campaign, ResultMetric.LEADS, "3"),
        await factories.task(campaign=campaign),
        await factories.task(key_result=key_result),
        await factories.task(team=ours),
        await factories.milestone(ours, start_date=date(2026, 4, 1)),
    ]


@pytest.mark.parametrize("from_model", [False, True], ids=["database", "read_model"])
async def test_editor_writes_what_their_team_owns_and_nothing_else(org, from_model):
    # given
    mine = await rows_owned_by_ours(org)
    people = org["people"]
    snapshot = await ReadModel().current() if from_model else None

    async def writes(who: str) -> list[bool]:
        actor = (await actor_of(people[who])).reading(snapshot)
        return [await can_write(actor, row) for row in mine]

    # when
    editor = await writes("editor")
    outsider = await writes("outsider")
    viewer = await writes("viewer")
    admin = await writes("admin")

    # then
    assert editor == [True] * len(mine)
    assert outsider == [False] * len(mine)
    assert viewer == [False] * len(mine)
    assert admin == [True] * len(mine)


async def test_an_alignment_belongs_to_its_campaign_not_to_the_key_result(org):
    # given: our campaign aligned to their key result
    alignment = await factories.align(org["campaign"], org["their_key_result"])

    # when
    owners = await owning_team_ids(alignment)

    # then
    assert owners == {org["teams"][0].pk}


async def test_a_task_is_writable_by_its_assignee_from_another_team(org):
    # given
    outsider = org["people"]["outsider"]
    task = await factories.task(campaign=org["campaign"], assignee=outsider)

    # when
    as_assignee = await can_write(await actor_of(outsider), task)
    placing = await can_write(await actor_of(outsider), task, as_assignee=False)

    # then: they may change it, but not place a task in our campaign
    assert as_assignee is True
    assert placing is False


async def test_teams_and_users_are_for_admins_only(org):
    # given
    ours = org["teams"][0]
    editor = org["people"]["editor"]

    # then
    assert await owning_team_ids(ours) == set()
    assert not await can_write(await actor_of(editor), ours)
    assert not await can_write(await actor_of(editor), editor)
    assert await can_write(await actor_of(org["people"]["admin"]), ours)


async def test_team_membership_is_read_once_per_actor(org):
    # given
    actor = await actor_of(org["people"]["editor"])
    first = await actor.team_ids()
    await models.Membership.filter(user_id=actor.user_id).delete()

    # when
    second = await actor.team_ids()

    # then: the request keeps the membership it started with
    assert first == second == frozenset({org["teams"][0].pk})


async def test_an_owner_the_snapshot_does_not_hold_yet_is_read_from_the_database(org):
    # given: a snapshot taken before the campaign the task hangs under was created
    snapshot = await ReadModel().current()
    campaign = await factories.campaign(org["teams"][0])
    task = await factories.task(campaign=campaign)
    actor = (await actor_of(org["people"]["editor"])).reading(snapshot)

    # when
    allowed = await can_write(actor, task)

    # then
    assert snapshot.row(models.Campaign, campaign.pk) is None
    assert allowed is True
