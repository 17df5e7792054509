"""The GraphQL schema: each domain's queries merged into one root type."""

from __future__ import annotations

import strawberry
from strawberry.schema.config import StrawberryConfig

from schema.calendar.queries import CalendarQueries
from schema.calendar.types import Milestone
from schema.campaigns.queries import CampaignQueries
from schema.campaigns.types import Alignment, Campaign, ResultEntry, SpendEntry
from schema.core.errors import ErrorCodes
from schema.core.node import NodeQueries
from schema.core.sign_in import SignInRequired
from schema.goals.queries import GoalQueries
from schema.goals.types import CheckIn, Goal, KeyResult
from schema.org.queries import OrgQueries
from schema.org.types import Team, User
from schema.tasks.queries import TaskQueries
from schema.tasks.types import Task
from schema.trace.queries import TraceQueries

NODE_TYPES = [
    Team,
    User,
    Goal,
    KeyResult,
    CheckIn,
    Campaign,
    Alignment,
    SpendEntry,
    ResultEntry,
    Task,
    Milestone,
]


@strawberry.type(description="Read the goal graph.")
class Query(
    NodeQueries,
    GoalQueries,
    CampaignQueries,
    TaskQueries,
    CalendarQueries,
    OrgQueries,
    TraceQueries,
):
    pass


# Each domain's `XxxMutations` class, merged into the root `Mutation` type.
MUTATION_CLASSES: list[type] = []


def merged_mutation() -> type | None:
    if not MUTATION_CLASSES:
        return None
    return strawberry.type(
        type("Mutation", tuple(MUTATION_CLASSES), {}), description="Change the goal graph."
    )


class ThroughlineSchema(strawberry.Schema):
    def process_errors(self, errors, execution_context=None) -> None:
        """Client mistakes are not server errors: `ErrorCodes` logs the unexpected ones."""


def build_schema() -> strawberry.Schema:
    return ThroughlineSchema(
        query=Query,
        mutation=merged_mutation(),
        types=NODE_TYPES,
        extensions=[SignInRequired, ErrorCodes],
        config=StrawberryConfig(auto_camel_case=True),
    )


schema = build_schema()
