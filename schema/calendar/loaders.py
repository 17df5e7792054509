"""Batch loaders for milestones."""

from __future__ import annotations

from schema.core.loaders import ByIdLoader, RowsByKeyLoader
from server import models


class MilestoneByIdLoader(ByIdLoader):
    model = models.Milestone


class MilestonesByCampaignIdLoader(RowsByKeyLoader):
    model = models.Milestone
    key_field = "campaign_id"


class MilestonesByKeyResultIdLoader(RowsByKeyLoader):
    model = models.Milestone
    key_field = "key_result_id"


class MilestonesByTeamIdLoader(RowsByKeyLoader):
    model = models.Milestone
    key_field = "team_id"
