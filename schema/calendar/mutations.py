"""Milestone mutations: inputs converted to plain values for `server.writes.milestones`."""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry

from schema.calendar.types import Milestone
from schema.core.context import Info
from schema.core.enums import MilestoneKind
from schema.core.mutations import UserError, key_of, perform, target_of
from server.writes import milestones

TIMED = (
    "Start of a timed milestone, with a UTC offset; send `endsAt` with it. `startDate` "
    "(and `endDate`) must be its local dates. Left out: an all-day milestone."
)
REFERENCE_TYPES = {"team_id": "Team", "campaign_id": "Campaign", "key_result_id": "KeyResult"}


def sent_values(input: Any) -> dict[str, Any]:
    """The milestone fields the client sent (left-out ones omitted), IDs decoded to keys."""
    values = {}
    for attr in milestones.INPUT_FIELDS:
        value = getattr(input, attr, strawberry.UNSET)
        if value is strawberry.UNSET:
            continue
        type_name = REFERENCE_TYPES.get(attr)
        values[attr] = key_of(value, type_name) if type_name else value
    return values


@strawberry.input(
    description="A new milestone of a team, optionally under a campaign or key result."
)
class MilestoneCreateInput:
    title: str
    team_id: strawberry.ID
    start_date: dt.date
    end_date: dt.date | None = strawberry.field(
        default=None, description="Not before `startDate`; null for a one-day milestone."
    )
    kind: MilestoneKind = MilestoneKind.OTHER
    description: str | None = None
    campaign_id: strawberry.ID | None = None
    key_result_id: strawberry.ID | None = None
    starts_at: dt.datetime | None = strawberry.field(default=None, description=TIMED)
    ends_at: dt.datetime | None = strawberry.field(
        default=None, description="End of a timed milestone, after `startsAt`."
    )


@strawberry.input(description="Changes to a milestone: only the fields sent are changed.")
class MilestoneUpdateInput:
    id: strawberry.ID
    version: int = strawberry.field(description="The version you last read.")
    title: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    team_id: strawberry.ID | None = strawberry.UNSET
    kind: MilestoneKind | None = strawberry.UNSET
    start_date: dt.date | None = strawberry.UNSET
    end_date: dt.date | None = strawberry.UNSET
    campaign_id: strawberry.ID | None = strawberry.UNSET
    key_result_id: strawberry.ID | None = strawberry.UNSET
    starts_at: dt.datetime | None = strawberry.field(default=strawberry.UNSET, description=TIMED)
    ends_at: dt.datetime | None = strawberry.field(
        default=strawberry.UNSET,
        description="End of a timed milestone; send both times as null to make it all-day.",
    )


@strawberry.input
class MilestoneArchiveInput:
    id: strawberry.ID
    version: int


@strawberry.type(description="The milestone written, or null with `userErrors` saying why not.")
class MilestonePayload:
    milestone: Milestone | None
    user_errors: list[UserError]


@strawberry.type
class MilestoneMutations:
    @strawberry.mutation(description="Put a milestone on the shared calendar.")
    async def milestone_create(self, info: Info, input: MilestoneCreateInput) -> MilestonePayload:
        values = sent_values(input)
        return await perform(
            info,
            MilestonePayload,
            "milestone",
            lambda actor: milestones.create_milestone(actor, **values),
        )

    @strawberry.mutation(
        description="Change a milestone. Moving it to another team, campaign or key result "
        "needs the right to write there too."
    )
    async def milestone_update(self, info: Info, input: MilestoneUpdateInput) -> MilestonePayload:
        milestone_id, values = target_of(input.id, "Milestone"), sent_values(input)
        return await perform(
            info,
            MilestonePayload,
            "milestone",
            lambda actor: milestones.update_milestone(actor, milestone_id, input.version, **values),
        )

    @strawberry.mutation(description="Archive a milestone: it leaves the calendar, keeps history.")
    async def milestone_archive(self, info: Info, input: MilestoneArchiveInput) -> MilestonePayload:
        milestone_id = target_of(input.id, "Milestone")
        return await perform(
            info,
            MilestonePayload,
            "milestone",
            lambda actor: milestones.archive_milestone(actor, milestone_id, input.version),
        )
