"""What the campaign mutations answer: the object as saved, or the user errors."""

from __future__ import annotations

import strawberry

from schema.campaigns.loaders import CampaignByIdLoader
from schema.campaigns.types import Campaign, ResultEntry, SpendEntry
from schema.core.context import Info
from schema.core.mutations import UserError
from server import models


@strawberry.type(description="The outcome of a campaign mutation.")
class CampaignPayload:
    campaign: Campaign | None = strawberry.field(
        description="The campaign as saved; null when the mutation was refused."
    )
    user_errors: list[UserError]


def _campaign_of(info: Info, entry: models.SpendEntry | models.ResultEntry | None):
    if entry is None:
        return None
    return info.context.served(CampaignByIdLoader, entry.campaign_id)


@strawberry.type(description="The outcome of a spend entry mutation.")
class SpendEntryPayload:
    spend_entry: SpendEntry | None = strawberry.field(
        description="The entry as saved; null when the mutation was refused."
    )
    user_errors: list[UserError]

    @strawberry.field(description="The campaign the entry belongs to, as it is now.")
    def campaign(self, info: Info) -> Campaign | None:
        return _campaign_of(info, self.spend_entry)


@strawberry.type(description="The outcome of a result entry mutation.")
class ResultEntryPayload:
    result_entry: ResultEntry | None = strawberry.field(
        description="The entry as saved; null when the mutation was refused."
    )
    user_errors: list[UserError]

    @strawberry.field(description="The campaign the entry belongs to, as it is now.")
    def campaign(self, info: Info) -> Campaign | None:
        return _campaign_of(info, self.result_entry)
