"""The team a task belongs to: its own team when it names one, else its campaign's
owner team, else its key result's goal's owner team (None for a task with none of
them). A campaign task created without a team is the campaign team's work.

`team_of` reads it from the read model for the rollups (workload, OVER_CAPACITY, risks
by team), the calendar, the `tasks(filter: {teams})` list and `team.tasks`. The flat
goal tree applies the same rule in SQL to the campaign and key result rows it already
holds.
"""

from __future__ import annotations

from collections import defaultdict

from server import models
from server.read_model import Snapshot

TEAM_READS = ("task", "campaign.owner_team_id", "key_result.goal_id", "goal.owner_team_id")
"""What `team_of` reads, as `Snapshot.index` names it: a check-in or a renamed campaign
keeps what was derived from it."""


def team_of(snapshot: Snapshot, task: models.Task) -> int | None:
    """The rule above, read from the read model."""
    if task.team_id is not None:
        return task.team_id
    campaign = snapshot.row(models.Campaign, task.campaign_id) if task.campaign_id else None
    if campaign is not None:
        return campaign.owner_team_id
    key_result = snapshot.row(models.KeyResult, task.key_result_id) if task.key_result_id else None
    goal = snapshot.row(models.Goal, key_result.goal_id) if key_result is not None else None
    return goal.owner_team_id if goal is not None else None


def tasks_by_team(snapshot: Snapshot) -> dict[int, list[models.Task]]:
    """Live tasks grouped by the team they belong to, each group in task order."""

    def build(snapshot: Snapshot) -> dict[int, list[models.Task]]:
        grouped: dict[int, list[models.Task]] = defaultdict(list)
        for task in snapshot.ordered(models.Task, snapshot.table(models.Task).values()):
            team = team_of(snapshot, task) if task.archived_at is None else None
            if team is not None:
                grouped[team].append(task)
        return dict(grouped)

    return snapshot.index("task.team", TEAM_READS, build)
