"""GraphQL type for milestones."""

from __future__ import annotations

import datetime as dt

import strawberry

from schema.calendar.loaders import MilestoneByIdLoader
from schema.campaigns.loaders import CampaignByIdLoader
from schema.core.edges import to_one
from schema.core.enums import MilestoneKind
from schema.core.node import Node, Versioned, presents
from schema.core.refs import CampaignRef, KeyResultRef, TeamRef
from schema.core.viewer_can import Permitted
from schema.goals.loaders import KeyResultByIdLoader
from schema.org.loaders import TeamByIdLoader
from schema.rollups import fields as rollup
from server import models


@strawberry.type(
    description="A dated moment on the shared calendar: a launch, a release, "
    "a webinar, a sales kickoff..."
)
@presents(models.Milestone, MilestoneByIdLoader)
class Milestone(Node, Versioned, Permitted):
    title: str
    description: str
    kind: MilestoneKind
    start_date: dt.date
    end_date: dt.date | None = strawberry.field(description="Null for a one-day milestone.")
    starts_at: dt.datetime | None = strawberry.field(
        description="Start of a timed milestone (UTC); null for an all-day one."
    )
    ends_at: dt.datetime | None = strawberry.field(
        description="End of a timed milestone (UTC); null for an all-day one."
    )

    team = to_one(TeamByIdLoader, "team_id", TeamRef, "Team it belongs to.")
    campaign = to_one(CampaignByIdLoader, "campaign_id", CampaignRef | None, "Its campaign.")
    key_result = to_one(
        KeyResultByIdLoader, "key_result_id", KeyResultRef | None, "Key result it serves."
    )

    risks = rollup.risks_field(
        models.Milestone, "Risks involving it (several launches on one day)."
    )
