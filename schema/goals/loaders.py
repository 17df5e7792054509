"""Batch loaders for goals, key results and check-ins."""

from __future__ import annotations

from typing import Any

from schema.core.loaders import ByIdLoader, ModelServed, RowsByKeyLoader
from server import models
from server.read_model import Snapshot
from server.trace import supporting_ids


class GoalByIdLoader(ByIdLoader):
    model = models.Goal


class KeyResultByIdLoader(ByIdLoader):
    model = models.KeyResult


class CheckInByIdLoader(ByIdLoader):
    model = models.CheckIn


class GoalChildrenByGoalIdLoader(RowsByKeyLoader):
    model = models.Goal
    key_field = "parent_id"


class GoalsByTeamIdLoader(RowsByKeyLoader):
    model = models.Goal
    key_field = "owner_team_id"


class GoalsByOwnerIdLoader(RowsByKeyLoader):
    model = models.Goal
    key_field = "owner_id"


class KeyResultsByGoalIdLoader(RowsByKeyLoader):
    model = models.KeyResult
    key_field = "goal_id"


class KeyResultsByOwnerIdLoader(RowsByKeyLoader):
    model = models.KeyResult
    key_field = "owner_id"


class CheckInsByKeyResultIdLoader(RowsByKeyLoader):
    model = models.CheckIn
    key_field = "key_result_id"


class CheckInsByAuthorIdLoader(RowsByKeyLoader):
    model = models.CheckIn
    key_field = "author_id"


class _SupportingIdsByGoalIdLoader(ModelServed):
    """IDs of the work reaching each goal through its subtree, from the read model."""

    kind: str

    def from_snapshot(self, snapshot: Snapshot, key: Any) -> Any:
        return supporting_ids(snapshot, self.kind, [key])[key]


class SupportingCampaignIdsByGoalIdLoader(_SupportingIdsByGoalIdLoader):
    kind = "campaigns"


class SupportingTaskIdsByGoalIdLoader(_SupportingIdsByGoalIdLoader):
    kind = "tasks"


class SupportingMilestoneIdsByGoalIdLoader(_SupportingIdsByGoalIdLoader):
    kind = "milestones"
