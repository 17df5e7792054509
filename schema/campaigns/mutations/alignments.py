"""campaignSetAlignments, campaignAlign and campaignUnalign: a campaign's shares in the
key results it supports, which always add up to 1."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from schema.campaigns.mutations.payloads import CampaignPayload
from schema.core.context import Info
from schema.core.mutations import key_of, perform, target_of
from server.writes.alignments import align, set_alignments, unalign


@strawberry.input(description="One key result a campaign supports, with its share.")
class AlignmentInput:
    key_result_id: strawberry.ID
    share: Decimal = strawberry.field(description="Above 0, at most 1, at most 4 decimals.")


@strawberry.input(description="All alignments of a campaign at once.")
class CampaignSetAlignmentsInput:
    id: strawberry.ID
    version: int
    alignments: list[AlignmentInput] = strawberry.field(
        description="Each key result once; the shares add up to exactly 1. "
        "An empty list leaves the campaign unaligned."
    )


@strawberry.input(description="Align a campaign to one more key result, or re-share one.")
class CampaignAlignInput:
    id: strawberry.ID
    version: int
    key_result_id: strawberry.ID
    share: Decimal = strawberry.field(
        description="The share of this key result; 1 for a campaign's only alignment."
    )


@strawberry.input(description="Stop a campaign supporting one key result.")
class CampaignUnalignInput:
    id: strawberry.ID
    version: int
    key_result_id: strawberry.ID


@strawberry.type
class AlignmentMutations:
    @strawberry.mutation(
        description="Replace all of a campaign's alignments; the shares must add up to 1."
    )
    async def campaign_set_alignments(
        self, info: Info, input: CampaignSetAlignmentsInput
    ) -> CampaignPayload:
        pairs = [(key_of(item.key_result_id, "KeyResult"), item.share) for item in input.alignments]
        return await perform(
            info,
            CampaignPayload,
            "campaign",
            lambda actor: set_alignments(
                actor, target_of(input.id, "Campaign"), input.version, pairs
            ),
        )

    @strawberry.mutation(
        description="Align a campaign to a key result with a share; its other alignments "
        "shrink in proportion so the shares still add up to 1."
    )
    async def campaign_align(self, info: Info, input: CampaignAlignInput) -> CampaignPayload:
        return await perform(
            info,
            CampaignPayload,
            "campaign",
            lambda actor: align(
                actor,
                target_of(input.id, "Campaign"),
                input.version,
                key_of(input.key_result_id, "KeyResult"),
                input.share,
            ),
        )

    @strawberry.mutation(
        description="Stop a campaign supporting a key result; its other alignments grow in "
        "proportion to add up to 1 (rounded to 4 places, the remainder on the largest)."
    )
    async def campaign_unalign(self, info: Info, input: CampaignUnalignInput) -> CampaignPayload:
        return await perform(
            info,
            CampaignPayload,
            "campaign",
            lambda actor: unalign(
                actor,
                target_of(input.id, "Campaign"),
                input.version,
                key_of(input.key_result_id, "KeyResult"),
            ),
        )
