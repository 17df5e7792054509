"""Batch loaders for tasks."""

from __future__ import annotations

from schema.core.loaders import ByIdLoader, RowsByKeyLoader
from server import models


class TaskByIdLoader(ByIdLoader):
    model = models.Task


class TasksByCampaignIdLoader(RowsByKeyLoader):
    model = models.Task
    key_field = "campaign_id"


class TasksByKeyResultIdLoader(RowsByKeyLoader):
    model = models.Task
    key_field = "key_result_id"


class TasksByAssigneeIdLoader(RowsByKeyLoader):
    model = models.Task
    key_field = "assignee_id"


class TasksByTeamIdLoader(RowsByKeyLoader):
    model = models.Task
    key_field = "team_id"
