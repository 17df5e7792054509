"""Creating service accounts: users that are not people, for integrations.

A service account is changed (`userUpdate`: name, role, teams) and disabled
(`userArchive`, which stops its tokens at once) like any user; its tokens are made by
an administrator with `apiTokenCreate(input: {userId})`.
"""

from __future__ import annotations

import strawberry

from schema.core.context import Info
from schema.core.enums import Role
from schema.core.mutations import perform
from schema.org.mutations import UserPayload, team_keys
from server.writes import org


@strawberry.input(description="A new service account.")
class ServiceAccountCreateInput:
    name: str = strawberry.field(description="What it is for, e.g. `CRM sync`.")
    role: Role = Role.VIEWER
    team_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    email: str | None = strawberry.field(
        default=None,
        description="An address to name it by (in the CLI, for instance); a made-up one "
        "under service-accounts.invalid when left out.",
    )


@strawberry.type
class ServiceAccountMutations:
    @strawberry.mutation(
        description="Create a service account: a user with a role and teams that acts "
        "through API tokens and can never sign in with a password. Administrators only."
    )
    async def service_account_create(
        self, info: Info, input: ServiceAccountCreateInput
    ) -> UserPayload:
        return await perform(
            info,
            UserPayload,
            "user",
            lambda actor: org.create_service_account(
                actor,
                name=input.name,
                email=input.email,
                role=input.role,
                team_ids=team_keys(input.team_ids),
            ),
        )
