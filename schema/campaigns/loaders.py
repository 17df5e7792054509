"""Batch loaders for campaigns, alignments, channels, spend and results."""

from __future__ import annotations

from schema.core.loaders import ByIdLoader, RowsByKeyLoader
from server import models


class CampaignByIdLoader(ByIdLoader):
    model = models.Campaign


class AlignmentByIdLoader(ByIdLoader):
    model = models.Alignment


class SpendEntryByIdLoader(ByIdLoader):
    model = models.SpendEntry


class ResultEntryByIdLoader(ByIdLoader):
    model = models.ResultEntry


class CampaignsByTeamIdLoader(RowsByKeyLoader):
    model = models.Campaign
    key_field = "owner_team_id"


class CampaignsByOwnerIdLoader(RowsByKeyLoader):
    model = models.Campaign
    key_field = "owner_id"


class ChannelsByCampaignIdLoader(RowsByKeyLoader):
    model = models.CampaignChannel
    key_field = "campaign_id"
    archivable = False

    def query(self, keys):
        return super().query(keys).order_by("channel")


class AlignmentsByCampaignIdLoader(RowsByKeyLoader):
    """Live alignments of each campaign to live key results."""

    model = models.Alignment
    key_field = "campaign_id"

    def query(self, keys):
        return super().query(keys).filter(key_result__archived_at__isnull=True)


class AlignmentsByKeyResultIdLoader(RowsByKeyLoader):
    """Live alignments of live campaigns to each key result."""

    model = models.Alignment
    key_field = "key_result_id"

    def query(self, keys):
        return super().query(keys).filter(campaign__archived_at__isnull=True)


class SpendEntriesByCampaignIdLoader(RowsByKeyLoader):
    model = models.SpendEntry
    key_field = "campaign_id"


class ResultEntriesByCampaignIdLoader(RowsByKeyLoader):
    model = models.ResultEntry
    key_field = "campaign_id"
