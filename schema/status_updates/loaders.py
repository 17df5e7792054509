"""Status updates from the read model: by ID, and each node's updates, oldest first."""

from __future__ import annotations

from schema.core.loaders import ByIdLoader, RowsByKeyLoader
from server import models


class StatusUpdateByIdLoader(ByIdLoader):
    model = models.StatusUpdate


class StatusUpdatesByGoalIdLoader(RowsByKeyLoader):
    model = models.StatusUpdate
    key_field = "goal_id"


class StatusUpdatesByKeyResultIdLoader(RowsByKeyLoader):
    model = models.StatusUpdate
    key_field = "key_result_id"


class StatusUpdatesByCampaignIdLoader(RowsByKeyLoader):
    model = models.StatusUpdate
    key_field = "campaign_id"
