"""What the signed-in user may do, asked of the same policy every write goes through.

Clients show or hide their create, edit and archive controls from these answers instead
of keeping a copy of the rules. Each answer calls `server.permissions` (`can_write`,
the role and the teams), with the actor reading the request's snapshot, so a whole tree
of answers costs no statement.
"""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.models import Model

from server import models
from server.enums import Role
from server.permissions import Actor, can_write

# Rows other work is placed under: creating a child needs the right to write them
# (`server.permissions.PLACEMENTS`).
CONTAINERS = (models.Goal, models.KeyResult, models.Campaign)


@dataclass(frozen=True)
class RowAbilities:
    update: bool
    archive: bool
    create_children: bool


@dataclass(frozen=True)
class RootAbilities:
    create_goals: bool
    create_campaigns: bool
    manage_external_calendars: bool
    manage_organisation: bool


NOTHING = RowAbilities(update=False, archive=False, create_children=False)


async def row_abilities(actor: Actor | None, row: Model) -> RowAbilities:
    """May `actor` change `row`, archive (or restore) it, and place new work under it?

    Archiving goes through the same check as a change (`fetch_for_write`); placing work
    under a container leaves out the assignee rule, as `authorize_placement` does.
    """
    if actor is None:
        return NOTHING
    write = await can_write(actor, row)
    place = isinstance(row, CONTAINERS) and await can_write(actor, row, as_assignee=False)
    return RowAbilities(update=write, archive=write, create_children=place)


async def root_abilities(actor: Actor | None) -> RootAbilities:
    """What `actor` may create at the top: goals and campaigns need a team to own them
    (any team for an administrator); imported calendars, teams and users are for
    administrators alone (`require_admin`)."""
    if actor is None:
        return RootAbilities(False, False, False, False)
    owns = actor.is_admin or (actor.role == Role.EDITOR and bool(await actor.team_ids()))
    return RootAbilities(
        create_goals=owns,
        create_campaigns=owns,
        manage_external_calendars=actor.is_admin,
        manage_organisation=actor.is_admin,
    )
