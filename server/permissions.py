"""Who may change what: the single policy every write goes through.

VIEWER reads everything and writes nothing. EDITOR writes what their teams own: goals,
key results, campaigns, tasks and milestones of those teams, and the spend, results,
alignments and check-ins under them; also a task assigned to them. ADMIN writes
everything, including users and teams. Nothing else in the code base decides this.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tortoise.models import Model

from server import models
from server.enums import Role
from server.writes.errors import Forbidden


@dataclass
class Actor:
    """The signed-in user on whose behalf a request runs."""

    user_id: int
    role: Role
    _team_ids: frozenset[int] | None = field(default=None, repr=False)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    async def team_ids(self) -> frozenset[int]:
        """The user's teams, read once per request and only when a write needs them."""
        if self._team_ids is None:
            rows = await models.Membership.filter(user_id=self.user_id).values_list(
                "team_id", flat=True
            )
            self._team_ids = frozenset(rows)
        return self._team_ids


async def _goal_teams(goal_ids: list[int | None]) -> set[int]:
    ids = [pk for pk in goal_ids if pk is not None]
    if not ids:
        return set()
    return set(await models.Goal.filter(id__in=ids).values_list("owner_team_id", flat=True))


async def _key_result_teams(key_result_ids: list[int | None]) -> set[int]:
    ids = [pk for pk in key_result_ids if pk is not None]
    if not ids:
        return set()
    goal_ids = await models.KeyResult.filter(id__in=ids).values_list("goal_id", flat=True)
    return await _goal_teams(list(goal_ids))


async def _campaign_teams(campaign_ids: list[int | None]) -> set[int]:
    ids = [pk for pk in campaign_ids if pk is not None]
    if not ids:
        return set()
    return set(await models.Campaign.filter(id__in=ids).values_list("owner_team_id", flat=True))


async def owning_team_ids(row: Model) -> set[int]:
    """The teams whose editors may change `row` (empty: only admins may)."""
    match row:
        case models.Goal():
            return {row.owner_team_id}
        case models.Campaign():
            return {row.owner_team_id}
        case models.KeyResult():
            return await _goal_teams([row.goal_id])
        case models.CheckIn():
            return await _key_result_teams([row.key_result_id])
        case models.Alignment() | models.SpendEntry() | models.ResultEntry():
            return await _campaign_teams([row.campaign_id])
        case models.Task():
            teams = {row.team_id} if row.team_id else set()
            teams |= await _campaign_teams([row.campaign_id])
            return teams | await _key_result_teams([row.key_result_id])
        case models.Milestone():
            teams = {row.team_id} if row.team_id else set()
            teams |= await _campaign_teams([row.campaign_id])
            return teams | await _key_result_teams([row.key_result_id])
    return set()


async def can_write(actor: Actor, row: Model, *, as_assignee: bool = True) -> bool:
    """Whether `actor` may change `row` (or create it, for a row not yet saved).

    `as_assignee=False` leaves out the assignee rule: it decides where an editor may
    put a task, not only which tasks they may touch.
    """
    if actor.is_admin:
        return True
    if actor.role != Role.EDITOR:
        return False
    if as_assignee and isinstance(row, models.Task) and row.assignee_id == actor.user_id:
        return True
    return bool(await owning_team_ids(row) & await actor.team_ids())


async def authorize(actor: Actor, row: Model, *, as_assignee: bool = True) -> None:
    """Raise `Forbidden` unless `actor` may change `row`."""
    if not await can_write(actor, row, as_assignee=as_assignee):
        raise Forbidden()


# Where a row is placed: a container it hangs under. Placing work under a container
# (a campaign, a key result, a goal, a team) needs the right to write that container,
# so an editor cannot push work into another team's plans. An alignment is the
# exception by design: any campaign may support another team's key result.
PLACEMENTS: dict[type[Model], dict[str, type[Model]]] = {
    models.Goal: {"parent_id": models.Goal, "owner_team_id": models.Team},
    models.KeyResult: {"goal_id": models.Goal},
    models.Campaign: {"owner_team_id": models.Team},
    models.Task: {
        "campaign_id": models.Campaign,
        "key_result_id": models.KeyResult,
        "team_id": models.Team,
    },
    models.Milestone: {
        "campaign_id": models.Campaign,
        "key_result_id": models.KeyResult,
        "team_id": models.Team,
    },
}


async def authorize_placement(actor: Actor, row: Model, fields: set[str] | None = None) -> None:
    """Raise `Forbidden` unless `actor` may write every container `row` is placed under
    (only the `fields` that changed, when given)."""
    if actor.is_admin:
        return
    for name, container_model in PLACEMENTS.get(type(row), {}).items():
        key = getattr(row, name)
        if key is None or (fields is not None and name not in fields):
            continue
        if container_model is models.Team:
            allowed = key in await actor.team_ids()
        else:
            container = await container_model.filter(id=key).first()
            allowed = container is not None and await can_write(actor, container)
        if not allowed:
            raise Forbidden()


def require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise Forbidden("Only an administrator may do this.")


def require_writer(actor: Actor) -> None:
    """Refuse viewers before anything is looked up, so a refusal says nothing about
    whether the object exists."""
    if actor.role not in (Role.EDITOR, Role.ADMIN):
        raise Forbidden()
