"""The narrow rows the computations read: only the columns they need, already typed.

Loading full models would parse every timestamp of every row; these carry the handful
of columns a rollup looks at, so a whole organisation loads in a few milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from server.enums import (
    CampaignStatus,
    Channel,
    GoalCategory,
    MilestoneKind,
    ResultMetric,
    TaskStatus,
)
from server.measured.source import MANUAL, Source


@dataclass(frozen=True, slots=True)
class GoalRow:
    id: int
    parent_id: int | None
    owner_team_id: int
    title: str
    category: GoalCategory
    period_start: date
    period_end: date
    weight: Decimal
    archived: bool = False


@dataclass(frozen=True, slots=True)
class KeyResultRow:
    id: int
    goal_id: int
    title: str
    start_value: Decimal
    target_value: Decimal
    current_value: Decimal
    due_date: date
    weight: Decimal
    archived: bool = False
    currency: str | None = None
    source: Source = MANUAL
    """Where its current value comes from (`server.measured`): typed, or computed."""


@dataclass(frozen=True, slots=True)
class StatusUpdateRow:
    goal_id: int | None
    key_result_id: int | None
    day: date  # the UTC date it was posted on


@dataclass(frozen=True, slots=True)
class CheckInRow:
    key_result_id: int
    day: date  # the UTC date it was recorded on


@dataclass(frozen=True, slots=True)
class CampaignRow:
    id: int
    name: str
    owner_team_id: int
    audience: str
    start_date: date
    end_date: date
    status: CampaignStatus
    budget: Decimal
    currency: str
    archived: bool = False


@dataclass(frozen=True, slots=True)
class ChannelRow:
    campaign_id: int
    channel: Channel


@dataclass(frozen=True, slots=True)
class AlignmentRow:
    campaign_id: int
    key_result_id: int
    share: Decimal


@dataclass(frozen=True, slots=True)
class SpendRow:
    campaign_id: int
    date: date
    channel: Channel | None
    amount: Decimal
    currency: str
    id: int = 0


@dataclass(frozen=True, slots=True)
class ResultRow:
    campaign_id: int
    date: date
    channel: Channel | None
    metric: ResultMetric
    value: Decimal
    id: int = 0


@dataclass(frozen=True, slots=True)
class TaskRow:
    id: int
    title: str
    campaign_id: int | None
    key_result_id: int | None
    assignee_id: int | None
    team_id: int | None  # the team it belongs to, its own or derived (server.task_team)
    status: TaskStatus
    start_date: date | None
    due_date: date | None
    estimate_hours: Decimal | None


@dataclass(frozen=True, slots=True)
class UserRow:
    id: int
    name: str
    weekly_capacity_hours: Decimal
    archived: bool = False


@dataclass(frozen=True, slots=True)
class TeamRow:
    id: int
    name: str
    archived: bool = False


@dataclass(frozen=True, slots=True)
class MembershipRow:
    team_id: int
    user_id: int


@dataclass(frozen=True, slots=True)
class MilestoneRow:
    id: int
    title: str
    team_id: int
    kind: MilestoneKind
    start_date: date
    end_date: date | None
    campaign_id: int | None
    key_result_id: int | None
