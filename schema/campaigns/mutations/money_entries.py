"""campaignSpendAdd, campaignResultAdd and archiving entries to correct mistakes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import strawberry

from schema.campaigns.mutations.payloads import ResultEntryPayload, SpendEntryPayload
from schema.core.context import Info
from schema.core.enums import Channel, ResultMetric
from schema.core.mutations import key_of, perform, target_of
from server.writes.money_entries import add_result, add_spend, archive_result, archive_spend


@strawberry.input(description="Money spent on a campaign.")
class CampaignSpendAddInput:
    campaign_id: strawberry.ID
    date: dt.date
    amount: Decimal = strawberry.field(description="Not negative, at most two decimal places.")
    currency: str = strawberry.field(description="Must be the campaign's currency.")
    channel: Channel | None = None
    note: str = strawberry.field(default="", description="At most 10,000 characters.")


@strawberry.input(description="A result a campaign produced.")
class CampaignResultAddInput:
    campaign_id: strawberry.ID
    date: dt.date
    metric: ResultMetric
    value: Decimal = strawberry.field(description="Not negative, at most four decimal places.")
    channel: Channel | None = None
    note: str = strawberry.field(default="", description="At most 10,000 characters.")


@strawberry.input(description="The spend entry to archive, at the version you last read.")
class SpendEntryArchiveInput:
    id: strawberry.ID
    version: int


@strawberry.input(description="The result entry to archive, at the version you last read.")
class ResultEntryArchiveInput:
    id: strawberry.ID
    version: int


@strawberry.type
class MoneyEntryMutations:
    @strawberry.mutation(description="Record money spent on a campaign, in its currency.")
    async def campaign_spend_add(
        self, info: Info, input: CampaignSpendAddInput
    ) -> SpendEntryPayload:
        return await perform(
            info,
            SpendEntryPayload,
            "spend_entry",
            lambda actor: add_spend(
                actor,
                key_of(input.campaign_id, "Campaign"),
                date=input.date,
                amount=input.amount,
                currency=input.currency,
                channel=input.channel,
                note=input.note,
            ),
        )

    @strawberry.mutation(description="Record a result a campaign produced.")
    async def campaign_result_add(
        self, info: Info, input: CampaignResultAddInput
    ) -> ResultEntryPayload:
        return await perform(
            info,
            ResultEntryPayload,
            "result_entry",
            lambda actor: add_result(
                actor,
                key_of(input.campaign_id, "Campaign"),
                date=input.date,
                metric=input.metric,
                value=input.value,
                channel=input.channel,
                note=input.note,
            ),
        )

    @strawberry.mutation(description="Archive a spend entry recorded by mistake.")
    async def spend_entry_archive(
        self, info: Info, input: SpendEntryArchiveInput
    ) -> SpendEntryPayload:
        return await perform(
            info,
            SpendEntryPayload,
            "spend_entry",
            lambda actor: archive_spend(actor, target_of(input.id, "SpendEntry"), input.version),
        )

    @strawberry.mutation(description="Archive a result entry recorded by mistake.")
    async def result_entry_archive(
        self, info: Info, input: ResultEntryArchiveInput
    ) -> ResultEntryPayload:
        return await perform(
            info,
            ResultEntryPayload,
            "result_entry",
            lambda actor: archive_result(actor, target_of(input.id, "ResultEntry"), input.version),
        )
