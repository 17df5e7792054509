"""Batch loaders for campaigns, alignments, channels, spend and results."""

from __future__ import annotations

from typing import Any

from schema.core.loaders import ByIdLoader, RowsByKeyLoader
from server import models
from server.read_model import Snapshot


def _channel_order(row: models.CampaignChannel) -> tuple[str, int]:
    return (row.channel.value, row.pk)


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

    def from_snapshot(self, snapshot: Snapshot, key: Any) -> Any:
        channels = snapshot.children(models.CampaignChannel, "campaign_id", key)
        return sorted(channels, key=_channel_order)


class AlignmentsByCampaignIdLoader(RowsByKeyLoader):
    """Live alignments of each campaign to live key results."""

    model = models.Alignment
    key_field = "campaign_id"

    def from_snapshot(self, snapshot: Snapshot, key: Any) -> Any:
        alignments = super().from_snapshot(snapshot, key)
        return [a for a in alignments if snapshot.live(models.KeyResult, a.key_result_id)]


class AlignmentsByKeyResultIdLoader(RowsByKeyLoader):
    """Live alignments of live campaigns to each key result."""

    model = models.Alignment
    key_field = "key_result_id"

    def from_snapshot(self, snapshot: Snapshot, key: Any) -> Any:
        alignments = super().from_snapshot(snapshot, key)
        return [a for a in alignments if snapshot.live(models.Campaign, a.campaign_id)]


class SpendEntriesByCampaignIdLoader(RowsByKeyLoader):
    model = models.SpendEntry
    key_field = "campaign_id"


class ResultEntriesByCampaignIdLoader(RowsByKeyLoader):
    model = models.ResultEntry
    key_field = "campaign_id"
