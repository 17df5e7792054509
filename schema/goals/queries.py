"""Root queries for goals and key results."""

from __future__ import annotations

from enum import Enum

import strawberry

from schema.core.connection import Connection
from schema.core.context import Info
from schema.core.enums import GoalCategory, MeasureUnit, OrderDirection
from schema.core.inputs import DateRange, fiscal_of, ids_of, order_of, search_text, span
from schema.core.root_lists import served_connection
from schema.goals.types import Goal, KeyResult
from server.read_model import listing


@strawberry.input(description="Which goals to list; every condition given must hold.")
class GoalFilter:
    roots_only: bool = strawberry.field(default=False, description="Top-level objectives only.")
    parent: strawberry.ID | None = strawberry.field(default=None, description="Children of it.")
    teams: list[strawberry.ID] | None = strawberry.field(default=None, description="Owner teams.")
    categories: list[GoalCategory] | None = None
    period_overlaps: DateRange | None = strawberry.field(
        default=None, description="Goals whose period shares at least one day with this range."
    )
    search: str | None = strawberry.field(
        default=None, description="Words that must all appear in the title or description."
    )
    include_archived: bool = False


@strawberry.enum
class GoalOrderField(Enum):
    CREATED = "id"
    TITLE = "title"
    CATEGORY = "category"
    PERIOD_START = "period_start"
    PERIOD_END = "period_end"
    UPDATED_AT = "updated_at"


@strawberry.input
class GoalOrder:
    field: GoalOrderField = GoalOrderField.CREATED
    direction: OrderDirection = OrderDirection.ASC


@strawberry.input(description="Which key results to list; every condition given must hold.")
class KeyResultFilter:
    goals: list[strawberry.ID] | None = None
    teams: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Teams owning the key result's goal."
    )
    units: list[MeasureUnit] | None = None
    due: DateRange | None = None
    search: str | None = None
    include_archived: bool = False


@strawberry.enum
class KeyResultOrderField(Enum):
    CREATED = "id"
    TITLE = "title"
    DUE_DATE = "due_date"
    UPDATED_AT = "updated_at"


@strawberry.input
class KeyResultOrder:
    field: KeyResultOrderField = KeyResultOrderField.CREATED
    direction: OrderDirection = OrderDirection.ASC


@strawberry.type
class GoalQueries:
    @strawberry.field(description="Goals, filtered and ordered. Cursor pagination.")
    async def goals(
        self,
        info: Info,
        filter: GoalFilter | None = None,
        order_by: GoalOrder | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Goal]:
        f = filter or GoalFilter()
        order = order_of(order_by, GoalOrderField.CREATED)
        listed = listing.goals(
            info.context.require_snapshot(),
            roots_only=f.roots_only,
            parent_id=ids_of([f.parent], "Goal")[0] if f.parent is not None else None,
            team_ids=ids_of(f.teams, "Team"),
            categories=f.categories,
            period=span(f.period_overlaps, "filter.periodOverlaps", fiscal_of(info)),
            search=search_text(f.search, "filter.search"),
            include_archived=f.include_archived,
            order=order,
        )
        return served_connection(info, listed, first, after, last, before)

    @strawberry.field(description="Key results, filtered and ordered. Cursor pagination.")
    async def key_results(
        self,
        info: Info,
        filter: KeyResultFilter | None = None,
        order_by: KeyResultOrder | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[KeyResult]:
        f = filter or KeyResultFilter()
        order = order_of(order_by, KeyResultOrderField.CREATED)
        listed = listing.key_results(
            info.context.require_snapshot(),
            goal_ids=ids_of(f.goals, "Goal"),
            team_ids=ids_of(f.teams, "Team"),
            units=f.units,
            due=span(f.due, "filter.due", fiscal_of(info)),
            search=search_text(f.search, "filter.search"),
            include_archived=f.include_archived,
            order=order,
        )
        return served_connection(info, listed, first, after, last, before)
