"""Root queries for teams and users."""

from __future__ import annotations

import strawberry

from schema.core.connection import Connection
from schema.core.context import Info
from schema.core.enums import Role
from schema.core.inputs import ids_of, search_text
from schema.core.root_lists import served_connection
from schema.org.types import Team, User
from server.read_model import listing


@strawberry.input
class TeamFilter:
    search: str | None = None
    include_archived: bool = False


@strawberry.input
class UserFilter:
    roles: list[Role] | None = None
    teams: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Members of at least one of these teams."
    )
    search: str | None = strawberry.field(default=None, description="In name or email.")
    include_archived: bool = False


@strawberry.type
class OrgQueries:
    @strawberry.field(description="Teams by name. Cursor pagination.")
    async def teams(
        self,
        info: Info,
        filter: TeamFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Team]:
        f = filter or TeamFilter()
        listed = listing.teams(
            info.context.require_snapshot(),
            search=search_text(f.search, "filter.search"),
            include_archived=f.include_archived,
        )
        return served_connection(info, listed, first, after, last, before)

    @strawberry.field(description="Users by name. Cursor pagination.")
    async def users(
        self,
        info: Info,
        filter: UserFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[User]:
        f = filter or UserFilter()
        listed = listing.users(
            info.context.require_snapshot(),
            roles=f.roles,
            team_ids=ids_of(f.teams, "Team"),
            search=search_text(f.search, "filter.search"),
            include_archived=f.include_archived,
        )
        return served_connection(info, listed, first, after, last, before)
