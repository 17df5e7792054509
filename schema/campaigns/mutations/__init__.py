"""Mutations of campaigns, their alignments, spend and results, merged into one class."""

from __future__ import annotations

import strawberry

from schema.campaigns.mutations.alignments import AlignmentMutations
from schema.campaigns.mutations.campaigns import CampaignEditMutations
from schema.campaigns.mutations.money_entries import MoneyEntryMutations


@strawberry.type
class CampaignMutations(CampaignEditMutations, AlignmentMutations, MoneyEntryMutations):
    pass
