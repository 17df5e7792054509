"""campaignCreate, campaignUpdate and campaignArchive."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import strawberry

from schema.campaigns.mutations.payloads import CampaignPayload
from schema.core.context import Info
from schema.core.enums import CampaignStatus, Channel
from schema.core.mutations import key_of, perform, target_of
from server.writes.campaigns import FIELDS, archive_campaign, create_campaign, update_campaign

UNSET: Any = strawberry.UNSET

REFERENCES = {"owner_team_id": "Team", "owner_id": "User"}


@strawberry.input(description="A new campaign, owned by one of your teams.")
class CampaignCreateInput:
    name: str = strawberry.field(description="At most 200 characters.")
    owner_team_id: strawberry.ID = strawberry.field(description="Team running it.")
    start_date: dt.date
    end_date: dt.date = strawberry.field(description="Not before `startDate`.")
    budget: Decimal = strawberry.field(description="Not negative, at most two decimal places.")
    currency: str = strawberry.field(
        description="ISO 4217 code of the budget; all spend is recorded in it."
    )
    description: str = strawberry.field(default="", description="At most 10,000 characters.")
    owner_id: strawberry.ID | None = strawberry.field(
        default=None, description="Person accountable for it."
    )
    audience: str = strawberry.field(default="", description="At most 200 characters.")
    status: CampaignStatus = CampaignStatus.DRAFT
    channels: list[Channel] = strawberry.field(default_factory=list)


@strawberry.input(
    description="Changes to a campaign: only the fields sent change. Null clears "
    "`description`, `audience`, `owner` and `channels`; the other fields cannot be null."
)
class CampaignUpdateInput:
    id: strawberry.ID
    version: int = strawberry.field(description="The version you last read.")
    name: str | None = UNSET
    description: str | None = UNSET
    owner_team_id: strawberry.ID | None = UNSET
    owner_id: strawberry.ID | None = UNSET
    audience: str | None = UNSET
    start_date: dt.date | None = UNSET
    end_date: dt.date | None = UNSET
    status: CampaignStatus | None = UNSET
    budget: Decimal | None = UNSET
    currency: str | None = strawberry.field(
        default=UNSET, description="Refused once the campaign has spend."
    )
    channels: list[Channel] | None = strawberry.field(
        default=UNSET, description="Replaces the whole set of channels."
    )


@strawberry.input(description="The campaign to archive, at the version you last read.")
class CampaignArchiveInput:
    id: strawberry.ID
    version: int


def fields_sent(input: CampaignCreateInput | CampaignUpdateInput) -> dict[str, Any]:
    """The fields of `input` that were sent, references decoded to database keys."""
    sent = {name: getattr(input, name) for name in FIELDS if getattr(input, name) is not UNSET}
    for name, type_name in REFERENCES.items():
        if name in sent:
            sent[name] = key_of(sent[name], type_name)
    return sent


@strawberry.type
class CampaignEditMutations:
    @strawberry.mutation(description="Create a campaign for one of your teams.")
    async def campaign_create(self, info: Info, input: CampaignCreateInput) -> CampaignPayload:
        return await perform(
            info,
            CampaignPayload,
            "campaign",
            lambda actor: create_campaign(actor, fields_sent(input)),
        )

    @strawberry.mutation(description="Change a campaign's fields or its set of channels.")
    async def campaign_update(self, info: Info, input: CampaignUpdateInput) -> CampaignPayload:
        return await perform(
            info,
            CampaignPayload,
            "campaign",
            lambda actor: update_campaign(
                actor, target_of(input.id, "Campaign"), input.version, fields_sent(input)
            ),
        )

    @strawberry.mutation(
        description="Archive a campaign: it leaves lists and rollups but keeps its history."
    )
    async def campaign_archive(self, info: Info, input: CampaignArchiveInput) -> CampaignPayload:
        return await perform(
            info,
            CampaignPayload,
            "campaign",
            lambda actor: archive_campaign(actor, target_of(input.id, "Campaign"), input.version),
        )
