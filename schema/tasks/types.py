"""GraphQL type for tasks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import strawberry

from schema.campaigns.loaders import CampaignByIdLoader
from schema.core.edges import to_one
from schema.core.enums import TaskStatus
from schema.core.external_key import ExternalKey
from schema.core.node import Node, Versioned, presents
from schema.core.refs import CampaignRef, KeyResultRef, TeamRef, UserRef
from schema.core.viewer_can import Permitted
from schema.goals.loaders import KeyResultByIdLoader
from schema.org.loaders import TeamByIdLoader, UserByIdLoader
from schema.rollups import fields as rollup
from schema.tasks.loaders import TaskByIdLoader
from server import models


@strawberry.type(description="A piece of work on a campaign and/or directly on a key result.")
@presents(models.Task, TaskByIdLoader)
class Task(Node, Versioned, ExternalKey, Permitted):
    title: str
    description: str
    status: TaskStatus
    start_date: dt.date | None
    due_date: dt.date | None
    estimate_hours: Decimal | None

    campaign = to_one(CampaignByIdLoader, "campaign_id", CampaignRef | None, "Its campaign.")
    key_result = to_one(
        KeyResultByIdLoader, "key_result_id", KeyResultRef | None, "Key result it serves directly."
    )
    assignee = to_one(UserByIdLoader, "assignee_id", UserRef | None, "Who does it.")
    team = to_one(
        TeamByIdLoader,
        "team_id",
        TeamRef | None,
        "The team the task names; null when it takes its campaign's (or key result's "
        "goal's) team, as workload, risks, the calendar and filters by team do.",
    )

    risks = rollup.risks_field(
        models.Task, "Risks about it or involving it (overdue, unaligned, overbooking)."
    )
