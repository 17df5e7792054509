"""The `StatusUpdate` type: what an owner reported, beside what was computed."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

import strawberry

from schema.campaigns.loaders import CampaignByIdLoader
from schema.core.edges import to_one
from schema.core.node import Node, Versioned, presents
from schema.core.refs import CampaignRef, GoalRef, KeyResultRef, UserRef
from schema.goals.loaders import GoalByIdLoader, KeyResultByIdLoader
from schema.org.loaders import UserByIdLoader
from schema.rollups.types import Health
from schema.status_updates.loaders import StatusUpdateByIdLoader
from server import enums, models
from server.rollups.progress import Health as DomainHealth
from server.status_updates.markdown import render

ReportedHealth = strawberry.enum(
    enums.ReportedHealth, description="The health an owner reports in a status update."
)

rendered = lru_cache(maxsize=4096)(render)
"""Bodies rendered once per process and text (a body never changes once posted)."""


@strawberry.type(
    description="An owner's written update on a goal, key result or campaign: the health "
    "they report and a Markdown text."
)
@presents(models.StatusUpdate, StatusUpdateByIdLoader)
class StatusUpdate(Node, Versioned):
    health: ReportedHealth = strawberry.field(  # type: ignore[valid-type]
        description="The health the author reports."
    )
    body: str = strawberry.field(description="The text as written (Markdown).")
    posted_at: datetime

    @strawberry.field(
        description="The body as HTML safe to show: everything escaped but paragraphs, "
        "lists, code, bold, italic and http(s) links."
    )
    def body_html(root: strawberry.Parent[models.StatusUpdate]) -> str:
        return rendered(root.body)

    @strawberry.field(description="The health computed for the node when it was posted.")
    def computed_health(
        root: strawberry.Parent[models.StatusUpdate],
    ) -> Health | None:  # type: ignore[valid-type]
        value = root.computed_health
        return DomainHealth(value) if value in DomainHealth.__members__ else None

    @strawberry.field(
        description="True when the reported health differed from the computed one when "
        "it was posted."
    )
    def health_disagrees(root: strawberry.Parent[models.StatusUpdate]) -> bool | None:
        if not root.computed_health:
            return None
        return root.computed_health != root.health.value

    author = to_one(UserByIdLoader, "author_id", UserRef | None, "Who posted it.")
    goal = to_one(GoalByIdLoader, "goal_id", GoalRef | None, "The goal it is about, if any.")
    key_result = to_one(
        KeyResultByIdLoader, "key_result_id", KeyResultRef | None, "The key result, if any."
    )
    campaign = to_one(
        CampaignByIdLoader, "campaign_id", CampaignRef | None, "The campaign, if any."
    )
