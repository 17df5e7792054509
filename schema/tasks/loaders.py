"""Batch loaders for tasks."""

from __future__ import annotations

from typing import Any

from schema.core.loaders import ByIdLoader, ModelServed, RowsByKeyLoader
from server import models, task_team
from server.read_model import Snapshot


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


class TasksByTeamIdLoader(ModelServed):
    """A team's tasks: its own, and those taking it from their campaign or key result."""

    def from_snapshot(self, snapshot: Snapshot, key: Any) -> Any:
        return task_team.tasks_by_team(snapshot).get(key, [])
