"""campaignSpendUpsert, campaignResultUpsert and keyResultCheckInUpsert: up to 1 000
entries per call, each named by its `source` and `externalId`, written all or nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, TypeVar

import strawberry

from schema.campaigns.types import ResultEntry, SpendEntry
from schema.core.context import Info
from schema.core.enums import Channel, ResultMetric
from schema.core.mutations import UserError, key_of, perform
from schema.goals.types import CheckIn
from server.ingest.check_ins import CHECK_INS
from server.ingest.kind import Kind
from server.ingest.money import RESULTS, SPEND
from server.ingest.upsert import MAX_ENTRIES, Outcome, upsert

P = TypeVar("P")

SOURCE_HELP = "The system the entry comes from, e.g. `google-ads` (at most 100 characters)."
EXTERNAL_ID_HELP = (
    "The entry's ID in that system (at most 200 characters): sending the same source and "
    "externalId again updates the entry instead of adding it twice."
)


@strawberry.input(description="Money spent on a campaign, as another system knows it.")
class SpendUpsertEntry:
    source: str = strawberry.field(description=SOURCE_HELP)
    external_id: str = strawberry.field(description=EXTERNAL_ID_HELP)
    campaign_id: strawberry.ID
    date: dt.date
    amount: Decimal = strawberry.field(description="Not negative, at most two decimal places.")
    currency: str = strawberry.field(description="Must be the campaign's currency.")
    channel: Channel | None = None
    note: str = strawberry.field(default="", description="At most 10,000 characters.")


@strawberry.input(description="A result a campaign produced, as another system knows it.")
class ResultUpsertEntry:
    source: str = strawberry.field(description=SOURCE_HELP)
    external_id: str = strawberry.field(description=EXTERNAL_ID_HELP)
    campaign_id: strawberry.ID
    date: dt.date
    metric: ResultMetric
    value: Decimal = strawberry.field(description="Not negative, at most four decimal places.")
    channel: Channel | None = None
    note: str = strawberry.field(default="", description="At most 10,000 characters.")


@strawberry.input(description="A value measured by a metric source.")
class CheckInUpsertEntry:
    source: str = strawberry.field(description=SOURCE_HELP)
    external_id: str = strawberry.field(description=EXTERNAL_ID_HELP)
    key_result_id: strawberry.ID
    value: Decimal
    checked_in_at: dt.datetime = strawberry.field(
        description="When it was measured, with a time-zone offset; not in the future."
    )
    note: str = strawberry.field(default="", description="At most 10,000 characters.")


ENTRIES_HELP = f"At most {MAX_ENTRIES}; written all or nothing."


@strawberry.input(description="Spend entries to create or update by their external keys.")
class CampaignSpendUpsertInput:
    entries: list[SpendUpsertEntry] = strawberry.field(description=ENTRIES_HELP)


@strawberry.input(description="Result entries to create or update by their external keys.")
class CampaignResultUpsertInput:
    entries: list[ResultUpsertEntry] = strawberry.field(description=ENTRIES_HELP)


@strawberry.input(description="Check-ins to create or update by their external keys.")
class KeyResultCheckInUpsertInput:
    entries: list[CheckInUpsertEntry] = strawberry.field(description=ENTRIES_HELP)


@strawberry.type
class UpsertCounts:
    outcome: strawberry.Private[Outcome | None]

    @strawberry.field(description="Entries that were new.")
    def created(self) -> int:
        return self.outcome.created if self.outcome else 0

    @strawberry.field(description="Entries that existed and changed (their version moved).")
    def updated(self) -> int:
        return self.outcome.updated if self.outcome else 0

    @strawberry.field(description="Entries sent again as they were: nothing was written for them.")
    def unchanged(self) -> int:
        return self.outcome.unchanged if self.outcome else 0

    def served(self, info: Info) -> list[Any]:
        """The entries as the snapshot after the write holds them; none when refused."""
        rows = self.outcome.rows if self.outcome else []
        return [info.context.as_served(row) for row in rows]


ROWS_HELP = "The entries as stored, in the order sent; empty when refused."


@strawberry.type(description="The outcome of a bulk spend upsert.")
class CampaignSpendUpsertPayload(UpsertCounts):
    user_errors: list[UserError]

    @strawberry.field(description=ROWS_HELP)
    def spend_entries(self, info: Info) -> list[SpendEntry]:
        return self.served(info)


@strawberry.type(description="The outcome of a bulk result upsert.")
class CampaignResultUpsertPayload(UpsertCounts):
    user_errors: list[UserError]

    @strawberry.field(description=ROWS_HELP)
    def result_entries(self, info: Info) -> list[ResultEntry]:
        return self.served(info)


@strawberry.type(description="The outcome of a bulk check-in upsert.")
class KeyResultCheckInUpsertPayload(UpsertCounts):
    user_errors: list[UserError]

    @strawberry.field(description=ROWS_HELP)
    def check_ins(self, info: Info) -> list[CheckIn]:
        return self.served(info)


def _entries(entries: Sequence[Any], references: dict[str, str]) -> list[dict[str, Any]]:
    """Input objects as typed values by attribute, their IDs decoded to keys."""
    sent = []
    for entry in entries:
        values = dict(vars(entry))
        for name, type_name in references.items():
            values[name] = key_of(values[name], type_name)
        sent.append(values)
    return sent


async def _upsert(info: Info, payload: type[P], kind: Kind, entries: list[dict[str, Any]]) -> P:
    return await perform(info, payload, "outcome", lambda actor: upsert(actor, kind, entries))


@strawberry.type
class IngestMutations:
    @strawberry.mutation(
        description="Create or update up to 1000 spend entries by their source and externalId."
    )
    async def campaign_spend_upsert(
        self, info: Info, input: CampaignSpendUpsertInput
    ) -> CampaignSpendUpsertPayload:
        entries = _entries(input.entries, {"campaign_id": "Campaign"})
        return await _upsert(info, CampaignSpendUpsertPayload, SPEND, entries)

    @strawberry.mutation(
        description="Create or update up to 1000 result entries by their source and externalId."
    )
    async def campaign_result_upsert(
        self, info: Info, input: CampaignResultUpsertInput
    ) -> CampaignResultUpsertPayload:
        entries = _entries(input.entries, {"campaign_id": "Campaign"})
        return await _upsert(info, CampaignResultUpsertPayload, RESULTS, entries)

    @strawberry.mutation(
        description="Create or update up to 1000 check-ins by their source and externalId; "
        "each key result's current value becomes its latest check-in's."
    )
    async def key_result_check_in_upsert(
        self, info: Info, input: KeyResultCheckInUpsertInput
    ) -> KeyResultCheckInUpsertPayload:
        entries = _entries(input.entries, {"key_result_id": "KeyResult"})
        return await _upsert(info, KeyResultCheckInUpsertPayload, CHECK_INS, entries)
