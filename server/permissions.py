"""Who may change what: the single policy every write goes through.

VIEWER reads everything and writes nothing. EDITOR writes what their teams own: goals,
key results, campaigns, tasks and milestones of those teams, and the spend, results,
alignments and check-ins under them; also a task assigned to them. ADMIN writes
everything, including users and teams. Nothing else in the code base decides this.

Where the answers come from: an actor holding the request's snapshot of the read model
(`Actor.snapshot`, given by `perform` to every write) reads its teams and the owners of
the row it changes (the key result's goal, the task's campaign, ...) from the model,
without a statement; the row itself is read and version-checked by the write, inside
its transaction. Placing a row (creating it, or moving it under another container)
reads the containers and their owners from the database again, inside the write's
transaction: the model may lag behind another process's change, and a campaign that
has just passed to another team must not take work from this one. An actor without a
snapshot (the command line, tests) reads everything from the database. A bulk write
(`server/ingest`) reads the containers of all its entries at once and asks
`BatchPolicy` for each entry, under the same rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from tortoise.models import Model

from server import models
from server.enums import ApiScope, Role
from server.writes.errors import Forbidden

if TYPE_CHECKING:
    from server.read_model import Snapshot


@dataclass
class Actor:
    """The signed-in user on whose behalf a request runs."""

    user_id: int
    role: Role
    """The role the request acts with: the user's, capped by the token's scopes."""
    snapshot: Snapshot | None = field(default=None, repr=False, compare=False)
    """The organisation as the request reads it; None reads the database instead."""
    _team_ids: frozenset[int] | None = field(default=None, repr=False)
    scopes: frozenset[ApiScope] | None = None
    """The scopes of the API token the request came with; None for a session, which
    may do everything its role allows."""
    token_id: int | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    def reading(self, snapshot: Snapshot | None) -> Actor:
        """This actor, answering from `snapshot`."""
        return replace(self, snapshot=snapshot)

    async def team_ids(self) -> frozenset[int]:
        """The user's teams: from the snapshot when the actor has one, else read once
        per request and only when a write needs them."""
        if self.snapshot is not None:
            memberships = self.snapshot.children(models.Membership, "user_id", self.user_id)
            return frozenset(membership.team_id for membership in memberships)
        if self._team_ids is None:
            rows = await models.Membership.filter(user_id=self.user_id).values_list(
                "team_id", flat=True
            )
            self._team_ids = frozenset(rows)
        return self._team_ids


async def _column(
    model: type[Model], keys: Iterable[int | None], name: str, snapshot: Snapshot | None
) -> list[Any]:
    """Column `name` of the rows `keys` of `model` (archived ones too), from `snapshot`
    when given; a row it does not hold yet (created meanwhile by another process) is
    read from the database."""
    wanted = {pk for pk in keys if pk is not None}
    values = []
    if snapshot is not None:
        for pk in list(wanted):
            row = snapshot.row(model, pk)
            if row is not None:
                values.append(getattr(row, name))
                wanted.discard(pk)
    if wanted:
        values += await model.filter(id__in=sorted(wanted)).values_list(name, flat=True)
    return values


async def _goal_teams(goal_ids: Iterable[int | None], snapshot: Snapshot | None) -> set[int]:
    return set(await _column(models.Goal, goal_ids, "owner_team_id", snapshot))


async def _key_result_teams(
    key_result_ids: Iterable[int | None], snapshot: Snapshot | None
) -> set[int]:
    goal_ids = await _column(models.KeyResult, key_result_ids, "goal_id", snapshot)
    return await _goal_teams(goal_ids, snapshot)


async def _campaign_teams(
    campaign_ids: Iterable[int | None], snapshot: Snapshot | None
) -> set[int]:
    return set(await _column(models.Campaign, campaign_ids, "owner_team_id", snapshot))


async def owning_team_ids(row: Model, snapshot: Snapshot | None = None) -> set[int]:
    """The teams whose editors may change `row` (empty: only admins may); the rows it
    hangs under are looked up in `snapshot` when given, else in the database."""
    match row:
        case models.Goal():
            return {row.owner_team_id}
        case models.Campaign():
            return {row.owner_team_id}
        case models.KeyResult():
            return await _goal_teams([row.goal_id], snapshot)
        case models.CheckIn():
            return await _key_result_teams([row.key_result_id], snapshot)
        case models.Alignment() | models.SpendEntry() | models.ResultEntry():
            return await _campaign_teams([row.campaign_id], snapshot)
        case models.Task() | models.Milestone():
            teams = {row.team_id} if row.team_id else set()
            teams |= await _campaign_teams([row.campaign_id], snapshot)
            return teams | await _key_result_teams([row.key_result_id], snapshot)
    return set()


async def can_write(actor: Actor, row: Model, *, as_assignee: bool = True) -> bool:
    """Whether `actor` may change `row` (or create it, for a row not yet saved).

    `as_assignee=False` leaves out the assignee rule: it decides where an editor may
    put a task, not only which tasks they may touch. The owners of a row not yet saved
    are read from the database (it is being placed); of a saved one, from the actor's
    snapshot when it has one.
    """
    snapshot = actor.snapshot if row.pk is not None else None
    return await _may_write(actor, row, as_assignee, snapshot)


async def _may_write(
    actor: Actor, row: Model, as_assignee: bool, snapshot: Snapshot | None
) -> bool:
    if actor.is_admin:
        return True
    if actor.role != Role.EDITOR:
        return False
    if as_assignee and isinstance(row, models.Task) and row.assignee_id == actor.user_id:
        return True
    return bool(await owning_team_ids(row, snapshot) & await actor.team_ids())


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
    (only the `fields` that changed, when given).

    The containers and the rows above them are read from the database, inside the
    write's transaction, never from the actor's snapshot: this is the check that keeps
    work out of another team's plans, so it must not trust a model that may lag.
    """
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
            allowed = container is not None and await _may_write(actor, container, True, None)
        if not allowed:
            raise Forbidden()


@dataclass(frozen=True)
class BatchPolicy:
    """The same policy for the many rows of one bulk write, answered without a statement:
    the caller reads the owners of every container of the batch at once, inside the
    write's transaction, and asks here for each row."""

    actor: Actor
    teams: frozenset[int]

    def may_write(self, owning_teams: Iterable[int | None], assignee_id: int | None = None) -> bool:
        """Whether the actor may change a row owned by `owning_teams` (or assigned to
        `assignee_id`, for a task)."""
        if self.actor.is_admin:
            return True
        if self.actor.role != Role.EDITOR:
            return False
        if assignee_id is not None and assignee_id == self.actor.user_id:
            return True
        return bool(set(owning_teams) & self.teams)


async def batch_policy(actor: Actor) -> BatchPolicy:
    """The policy of a bulk write; viewers are refused at once."""
    require_writer(actor)
    return BatchPolicy(actor, frozenset() if actor.is_admin else await actor.team_ids())


def require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise Forbidden("Only an administrator may do this.")


def require_writer(actor: Actor) -> None:
    """Refuse viewers before anything is looked up, so a refusal says nothing about
    whether the object exists."""
    if actor.role not in (Role.EDITOR, Role.ADMIN):
        raise Forbidden()
