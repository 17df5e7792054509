"""GraphQL types for goals, key results and check-ins."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import strawberry

from schema.calendar.loaders import MilestoneByIdLoader, MilestonesByKeyResultIdLoader
from schema.campaigns.loaders import (
    AlignmentsByKeyResultIdLoader,
    CampaignByIdLoader,
)
from schema.campaigns.types import AlignedCampaignConnection, aligned_campaigns
from schema.core.connection import Connection
from schema.core.context import Info
from schema.core.edges import to_many, to_many_through, to_one
from schema.core.enums import GoalCategory, MeasureUnit
from schema.core.external_key import ExternalKey
from schema.core.node import Node, Versioned, presents
from schema.core.refs import (
    AlignmentRef,
    CampaignRef,
    CheckInRef,
    GoalRef,
    KeyResultRef,
    MilestoneRef,
    TaskRef,
    TeamRef,
    UserRef,
)
from schema.core.viewer_can import Permitted
from schema.goals import measured
from schema.goals.loaders import (
    CheckInByIdLoader,
    CheckInsByKeyResultIdLoader,
    GoalByIdLoader,
    GoalChildrenByGoalIdLoader,
    KeyResultByIdLoader,
    KeyResultsByGoalIdLoader,
    SupportingCampaignIdsByGoalIdLoader,
    SupportingMilestoneIdsByGoalIdLoader,
    SupportingTaskIdsByGoalIdLoader,
)
from schema.org.loaders import TeamByIdLoader, UserByIdLoader
from schema.rollups import fields as rollup
from schema.rollups.funnel import funnel_field
from schema.status_updates import fields as updates
from schema.status_updates.loaders import (
    StatusUpdatesByGoalIdLoader,
    StatusUpdatesByKeyResultIdLoader,
)
from schema.tasks.loaders import TaskByIdLoader, TasksByKeyResultIdLoader
from server import models


@strawberry.type(
    description="Campaigns, tasks and milestones that reach a goal through its "
    "subtree (its key results and those of every goal below it)."
)
class SupportingWork:
    pk: strawberry.Private[int]

    campaigns = to_many_through(
        SupportingCampaignIdsByGoalIdLoader,
        CampaignByIdLoader,
        None,
        CampaignRef,
        "Campaigns aligned to a key result in the subtree, by start date.",
    )
    tasks = to_many_through(
        SupportingTaskIdsByGoalIdLoader,
        TaskByIdLoader,
        None,
        TaskRef,
        "Tasks on such a campaign or directly on such a key result.",
    )
    milestones = to_many_through(
        SupportingMilestoneIdsByGoalIdLoader,
        MilestoneByIdLoader,
        None,
        MilestoneRef,
        "Milestones of such a campaign or key result, by date.",
    )


@strawberry.type(description="An objective: a node of the goal tree.")
@presents(models.Goal, GoalByIdLoader)
class Goal(Node, Versioned, Permitted):
    title: str
    description: str
    category: GoalCategory
    period_start: date
    period_end: date
    weight: Decimal = strawberry.field(description="Weight among its siblings in rollups.")

    @strawberry.field(description="True for a top-level company objective.")
    def is_root(root: strawberry.Parent[models.Goal]) -> bool:
        return root.parent_id is None

    parent = to_one(GoalByIdLoader, "parent_id", GoalRef | None, "The goal this one serves.")
    owner_team = to_one(TeamByIdLoader, "owner_team_id", TeamRef, "Team accountable for it.")
    owner = to_one(UserByIdLoader, "owner_id", UserRef | None, "Person accountable for it.")
    children = to_many(GoalChildrenByGoalIdLoader, GoalRef, "Goals that serve this one.")
    key_results = to_many(KeyResultsByGoalIdLoader, KeyResultRef, "How this goal is measured.")

    @strawberry.field(description="All work reaching this goal through its subtree.")
    def supporting_work(root: strawberry.Parent[models.Goal]) -> SupportingWork:
        return SupportingWork(pk=root.pk)

    progress = rollup.progress_field(
        rollup.GOAL,
        "progress",
        "Weighted mean of the progress of its key results and child goals, in [0, 1].",
    )
    attainment = rollup.progress_field(
        rollup.GOAL, "attainment", "Weighted mean of their attainments (may exceed 1)."
    )
    expected_progress = rollup.progress_field(
        rollup.GOAL, "expected", "Elapsed fraction of the goal's period, in [0, 1]."
    )
    health = rollup.progress_field(
        rollup.GOAL, "health", "Progress against expectation; NOT_STARTED when empty."
    )
    progress_breakdown = rollup.progress_field(
        rollup.GOAL, "breakdown", "Each key result's and child goal's part in the progress."
    )
    risks = rollup.risks_field(models.Goal, "Every risk touching its subtree, most severe first.")
    money = rollup.money_field(
        rollup.GOAL_MONEY,
        "Money and results of the campaigns supporting its subtree, through their "
        "alignment shares.",
    )
    funnel = funnel_field(models.Goal)
    status_updates = updates.status_updates_field(StatusUpdatesByGoalIdLoader)
    latest_status_update = updates.latest_status_update_field(StatusUpdatesByGoalIdLoader)
    health_disagrees = updates.health_disagrees_field(rollup.GOAL, StatusUpdatesByGoalIdLoader)


@strawberry.type(description="A measurable result of a goal: from a start value to a target.")
@presents(models.KeyResult, KeyResultByIdLoader)
class KeyResult(Node, Versioned, Permitted):
    title: str
    description: str
    unit: MeasureUnit
    currency: str | None = strawberry.field(description="ISO 4217 code when unit is CURRENCY.")
    start_value: Decimal
    target_value: Decimal
    current_value: Decimal | None = strawberry.field(
        resolver=measured.current_value_field,
        description="Value at the latest check-in; for a measured key result, computed from "
        "its campaigns' entries (null when its formula has no value, see `measurement`).",
    )
    due_date: date
    weight: Decimal = strawberry.field(description="Weight among the goal's key results.")
    source: measured.KeyResultSource = strawberry.field(
        resolver=measured.source_field,
        description="Where its current value comes from: check-ins, or a formula over its "
        "aligned campaigns' entries.",
    )
    measurement: measured.KeyResultMeasurement | None = strawberry.field(
        resolver=measured.measurement_field,
        description="How a measured key result's value is computed (campaigns, shares, "
        "entries, gaps); null for a MANUAL one, whose check-ins are its record.",
    )
    value_history: Connection[measured.KeyResultValuePoint] = strawberry.field(
        resolver=measured.value_history_field, description=measured.VALUE_HISTORY_HELP
    )

    goal = to_one(GoalByIdLoader, "goal_id", GoalRef, "The goal this key result measures.")
    owner = to_one(UserByIdLoader, "owner_id", UserRef | None, "Person accountable for it.")
    check_ins = to_many(CheckInsByKeyResultIdLoader, CheckInRef, "Recorded values, oldest first.")
    alignments = to_many(
        AlignmentsByKeyResultIdLoader, AlignmentRef, "Campaigns' alignments to this key result."
    )

    @strawberry.field(
        description="Campaigns supporting this key result; each edge carries the "
        "share of the campaign allocated to it. Cursor pagination."
    )
    def campaigns(
        root: strawberry.Parent[models.KeyResult],
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> AlignedCampaignConnection:
        return aligned_campaigns(info, root.pk, first, after, last, before)

    tasks = to_many(TasksByKeyResultIdLoader, TaskRef, "Tasks directly on this key result.")
    milestones = to_many(
        MilestonesByKeyResultIdLoader, MilestoneRef, "Milestones tied to this key result."
    )

    progress = rollup.progress_field(
        rollup.KEY_RESULT,
        "progress",
        "(current - start) / (target - start), clamped to [0, 1]; works for decreasing targets.",
    )
    attainment = rollup.progress_field(
        rollup.KEY_RESULT, "attainment", "The same ratio unclamped: above 1 when over-attained."
    )
    expected_progress = rollup.progress_field(
        rollup.KEY_RESULT,
        "expected",
        "Elapsed fraction of its period (its goal's start to its due date), in [0, 1].",
    )
    health = rollup.progress_field(rollup.KEY_RESULT, "health", "Progress against expectation.")
    risks = rollup.risks_field(
        models.KeyResult, "Risks about it or involving it, most severe first."
    )
    money = rollup.money_field(
        rollup.KEY_RESULT_MONEY,
        "Money and results of its supporting campaigns, each times its alignment share.",
    )
    funnel = funnel_field(models.KeyResult)
    status_updates = updates.status_updates_field(StatusUpdatesByKeyResultIdLoader)
    latest_status_update = updates.latest_status_update_field(StatusUpdatesByKeyResultIdLoader)
    health_disagrees = updates.health_disagrees_field(
        rollup.KEY_RESULT, StatusUpdatesByKeyResultIdLoader
    )


@strawberry.type(description="A value of a key result recorded at a point in time.")
@presents(models.CheckIn, CheckInByIdLoader)
class CheckIn(Node, Versioned, ExternalKey):
    value: Decimal
    note: str
    checked_in_at: datetime

    key_result = to_one(KeyResultByIdLoader, "key_result_id", KeyResultRef, "What was measured.")
    author = to_one(UserByIdLoader, "author_id", UserRef | None, "Who recorded it.")
