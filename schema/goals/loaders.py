"""Batch loaders for goals, key results and check-ins."""

from __future__ import annotations

from schema.core.batching import BatchLoader
from schema.core.loaders import ByIdLoader, RowsByKeyLoader
from server import models
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


class _SupportingIdsByGoalIdLoader(BatchLoader):
    """IDs of the work reaching each goal through its subtree, one statement per batch."""

    kind: str

    async def batch_load(self, keys):
        found = await supporting_ids(self.kind, keys)
        return [found[key] for key in keys]


class SupportingCampaignIdsByGoalIdLoader(_SupportingIdsByGoalIdLoader):
    kind = "campaigns"


class SupportingTaskIdsByGoalIdLoader(_SupportingIdsByGoalIdLoader):
    kind = "tasks"


class SupportingMilestoneIdsByGoalIdLoader(_SupportingIdsByGoalIdLoader):
    kind = "milestones"
