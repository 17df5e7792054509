"""Lazy references to each domain's GraphQL types, for the edges between domains
(the type modules would otherwise import each other in a cycle)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

if TYPE_CHECKING:
    from schema.calendar.types import Milestone
    from schema.campaigns.types import Alignment, Campaign, ResultEntry, SpendEntry
    from schema.goals.types import CheckIn, Goal, KeyResult
    from schema.org.types import Team, User
    from schema.tasks.types import Task

TeamRef = Annotated["Team", strawberry.lazy("schema.org.types")]
UserRef = Annotated["User", strawberry.lazy("schema.org.types")]
GoalRef = Annotated["Goal", strawberry.lazy("schema.goals.types")]
KeyResultRef = Annotated["KeyResult", strawberry.lazy("schema.goals.types")]
CheckInRef = Annotated["CheckIn", strawberry.lazy("schema.goals.types")]
CampaignRef = Annotated["Campaign", strawberry.lazy("schema.campaigns.types")]
AlignmentRef = Annotated["Alignment", strawberry.lazy("schema.campaigns.types")]
SpendEntryRef = Annotated["SpendEntry", strawberry.lazy("schema.campaigns.types")]
ResultEntryRef = Annotated["ResultEntry", strawberry.lazy("schema.campaigns.types")]
TaskRef = Annotated["Task", strawberry.lazy("schema.tasks.types")]
MilestoneRef = Annotated["Milestone", strawberry.lazy("schema.calendar.types")]
