"""goalCreate, goalUpdate, goalArchive, goalMove: inputs converted, rules in server/."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry

from schema.core.context import Info
from schema.core.enums import GoalCategory
from schema.core.mutations import key_of, perform, target_of
from schema.goals.mutations.payloads import GoalPayload
from schema.goals.mutations.sent import sent_fields, sent_key
from server.writes import goals

WEIGHT_HELP = "Weight among its siblings in rollups: more than 0, at most 1000."


@strawberry.input(description="A new goal.")
class GoalCreateInput:
    title: str = strawberry.field(description="At most 200 characters.")
    owner_team_id: strawberry.ID = strawberry.field(description="The team accountable for it.")
    period_start: date
    period_end: date = strawberry.field(description="Not before `periodStart`.")
    description: str | None = strawberry.field(default=None, description="At most 10000 chars.")
    category: GoalCategory | None = strawberry.field(default=None, description="OTHER if null.")
    owner_id: strawberry.ID | None = strawberry.field(
        default=None, description="The person accountable for it."
    )
    parent_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The goal it serves (you must be allowed to change that goal too); "
        "null for a top-level objective.",
    )
    weight: Decimal | None = strawberry.field(default=None, description=f"{WEIGHT_HELP} 1 if null.")


@strawberry.input(description="Changes to a goal; fields left out keep their value.")
class GoalUpdateInput:
    id: strawberry.ID
    version: int = strawberry.field(description="The version you last read.")
    title: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    category: GoalCategory | None = strawberry.UNSET
    owner_team_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET,
        description="Hand the goal to another team (you must be allowed to write for both).",
    )
    owner_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="Null: nobody in particular."
    )
    period_start: date | None = strawberry.UNSET
    period_end: date | None = strawberry.UNSET
    weight: Decimal | None = strawberry.field(default=strawberry.UNSET, description=WEIGHT_HELP)


@strawberry.input(description="The goal to archive and the version you last read.")
class GoalArchiveInput:
    id: strawberry.ID
    version: int


@strawberry.input(description="Where to put a goal in the tree.")
class GoalMoveInput:
    id: strawberry.ID
    version: int
    parent_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The new parent (not the goal itself nor one below it; you must be "
        "allowed to change it too); null makes it a top-level objective.",
    )


@strawberry.type
class GoalMutations:
    @strawberry.mutation(description="Create a goal for a team, optionally under a parent.")
    async def goal_create(self, info: Info, input: GoalCreateInput) -> GoalPayload:
        return await perform(
            info,
            GoalPayload,
            "goal",
            lambda actor: goals.create_goal(
                actor,
                title=input.title,
                description=input.description,
                category=input.category,
                owner_team_id=key_of(input.owner_team_id, "Team"),
                owner_id=key_of(input.owner_id, "User"),
                parent_id=key_of(input.parent_id, "Goal"),
                period_start=input.period_start,
                period_end=input.period_end,
                weight=input.weight,
            ),
        )

    @strawberry.mutation(description="Change a goal's fields (CONFLICT if `version` is stale).")
    async def goal_update(self, info: Info, input: GoalUpdateInput) -> GoalPayload:
        changes = sent_fields(
            title=input.title,
            description=input.description,
            category=input.category,
            owner_team_id=sent_key(input.owner_team_id, "Team"),
            owner_id=sent_key(input.owner_id, "User"),
            period_start=input.period_start,
            period_end=input.period_end,
            weight=input.weight,
        )
        return await perform(
            info,
            GoalPayload,
            "goal",
            lambda actor: goals.update_goal(
                actor, target_of(input.id, "Goal"), input.version, changes
            ),
        )

    @strawberry.mutation(
        description="Archive a goal. Refused (HAS_DEPENDENTS) while live child goals or "
        "key results hang under it."
    )
    async def goal_archive(self, info: Info, input: GoalArchiveInput) -> GoalPayload:
        return await perform(
            info,
            GoalPayload,
            "goal",
            lambda actor: goals.archive_goal(actor, target_of(input.id, "Goal"), input.version),
        )

    @strawberry.mutation(
        description="Move a goal under another parent, or make it top-level. A move that "
        "would make the tree loop is refused (CYCLE)."
    )
    async def goal_move(self, info: Info, input: GoalMoveInput) -> GoalPayload:
        return await perform(
            info,
            GoalPayload,
            "goal",
            lambda actor: goals.move_goal(
                actor,
                target_of(input.id, "Goal"),
                input.version,
                key_of(input.parent_id, "Goal"),
            ),
        )
