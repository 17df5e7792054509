"""Mutations for administrators: teams and users."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import strawberry

from schema.core.context import Info
from schema.core.enums import Role
from schema.core.mutations import UserError, key_of, perform, target_of
from schema.org.types import Team, User
from server.writes import org

VERSION_HELP = "The version you last read; a stale one is refused with CONFLICT."


def sent(**fields: Any) -> dict[str, Any]:
    """The optional fields the client actually sent (null included, unsent left out)."""
    return {name: value for name, value in fields.items() if value is not strawberry.UNSET}


def team_keys(global_ids: list[strawberry.ID] | None) -> list[int | None] | None:
    return None if global_ids is None else [key_of(gid, "Team") for gid in global_ids]


# -- teams -------------------------------------------------------------------------------


@strawberry.input(description="A new team.")
class TeamCreateInput:
    name: str = strawberry.field(description="Unique whatever the case, at most 120 characters.")
    description: str = ""
    color: str | None = strawberry.field(
        default=None, description="Calendar colour as #rrggbb; a default one when left out."
    )


@strawberry.input(description="Changes to a team; fields left out stay as they are.")
class TeamUpdateInput:
    id: strawberry.ID
    version: int = strawberry.field(description=VERSION_HELP)
    name: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    color: str | None = strawberry.UNSET


@strawberry.input(description="The team to archive.")
class TeamArchiveInput:
    id: strawberry.ID
    version: int = strawberry.field(description=VERSION_HELP)


@strawberry.type(description="The team as changed, or why nothing changed.")
class TeamPayload:
    team: Team | None
    user_errors: list[UserError]


# -- users -------------------------------------------------------------------------------


@strawberry.input(
    description="A new user. They have no password until one is set with "
    "`throughline reset-password`."
)
class UserCreateInput:
    email: str = strawberry.field(description="Unique ignoring case, at most 254 characters.")
    name: str
    role: Role = Role.VIEWER
    team_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    weekly_capacity_hours: Decimal = strawberry.field(
        default=Decimal(40), description="Hours a week, 0 to 168, at most 2 decimals."
    )


@strawberry.input(description="Changes to a user; fields left out stay as they are.")
class UserUpdateInput:
    id: strawberry.ID
    version: int = strawberry.field(description=VERSION_HELP)
    email: str | None = strawberry.UNSET
    name: str | None = strawberry.UNSET
    role: Role | None = strawberry.UNSET
    team_ids: list[strawberry.ID] | None = strawberry.field(
        default=strawberry.UNSET, description="Replaces all the user's team memberships."
    )
    weekly_capacity_hours: Decimal | None = strawberry.UNSET


@strawberry.input(description="The user to archive: they can no longer sign in.")
class UserArchiveInput:
    id: strawberry.ID
    version: int = strawberry.field(description=VERSION_HELP)


@strawberry.type(description="The user as changed, or why nothing changed.")
class UserPayload:
    user: User | None
    user_errors: list[UserError]


@strawberry.type
class OrgMutations:
    @strawberry.mutation(description="Create a team. Administrators only.")
    async def team_create(self, info: Info, input: TeamCreateInput) -> TeamPayload:
        return await perform(
            info,
            TeamPayload,
            "team",
            lambda actor: org.create_team(
                actor, name=input.name, description=input.description, color=input.color
            ),
        )

    @strawberry.mutation(description="Change a team. Administrators only.")
    async def team_update(self, info: Info, input: TeamUpdateInput) -> TeamPayload:
        changes = sent(name=input.name, description=input.description, color=input.color)
        return await perform(
            info,
            TeamPayload,
            "team",
            lambda actor: org.update_team(
                actor, target_of(input.id, "Team"), input.version, **changes
            ),
        )

    @strawberry.mutation(
        description="Archive a team that owns no live goals or campaigns. Administrators only."
    )
    async def team_archive(self, info: Info, input: TeamArchiveInput) -> TeamPayload:
        return await perform(
            info,
            TeamPayload,
            "team",
            lambda actor: org.archive_team(actor, target_of(input.id, "Team"), input.version),
        )

    @strawberry.mutation(description="Create a user (without a password). Administrators only.")
    async def user_create(self, info: Info, input: UserCreateInput) -> UserPayload:
        return await perform(
            info,
            UserPayload,
            "user",
            lambda actor: org.create_user(
                actor,
                email=input.email,
                name=input.name,
                role=input.role,
                team_ids=team_keys(input.team_ids),
                weekly_capacity_hours=input.weekly_capacity_hours,
            ),
        )

    @strawberry.mutation(description="Change a user. Administrators only.")
    async def user_update(self, info: Info, input: UserUpdateInput) -> UserPayload:
        changes = sent(
            email=input.email,
            name=input.name,
            role=input.role,
            weekly_capacity_hours=input.weekly_capacity_hours,
        )
        if input.team_ids is not strawberry.UNSET:
            changes["team_ids"] = team_keys(input.team_ids)
        return await perform(
            info,
            UserPayload,
            "user",
            lambda actor: org.update_user(
                actor, target_of(input.id, "User"), input.version, **changes
            ),
        )

    @strawberry.mutation(
        description="Archive a user: they can no longer sign in and their sessions end. "
        "Administrators only; nobody can archive themself or the last administrator."
    )
    async def user_archive(self, info: Info, input: UserArchiveInput) -> UserPayload:
        return await perform(
            info,
            UserPayload,
            "user",
            lambda actor: org.archive_user(actor, target_of(input.id, "User"), input.version),
        )
