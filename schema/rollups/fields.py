"""Field factories that put computed figures on the graph's node types.

This module deliberately avoids `from __future__ import annotations`: the resolvers
built here carry real annotations that Strawberry reads at schema build time.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

import strawberry
from tortoise.models import Model

from schema.core.connection import Connection, connection_from_list, page_args
from schema.core.context import Info
from schema.core.edges import PAGE_ARGS_HELP
from schema.core.errors import BadUserInput
from schema.rollups.loaders import with_rollups
from schema.rollups.money import MoneySummary, money_summary
from schema.rollups.risks import Risk
from schema.rollups.types import Health, ProgressBreakdown
from schema.rollups.workload import Workload
from server.rollups import engine
from server.rollups.arithmetic import fraction
from server.rollups.progress import Progress
from server.rollups.sections import Section
from server.rollups.workload import monday_of


@dataclass(frozen=True)
class Computed:
    """A computation for one node type, and the sections of rows it reads."""

    sections: Sequence[Section]
    compute: Callable[[engine.Rollups, int], Any]


GOAL = Computed(engine.PROGRESS, engine.Rollups.goal_progress)
KEY_RESULT = Computed(engine.PROGRESS, engine.Rollups.key_result_progress)
CAMPAIGN = Computed(engine.CAMPAIGN_PROGRESS, engine.Rollups.campaign_progress)
GOAL_MONEY = Computed(engine.MONEY, engine.Rollups.goal_money)
KEY_RESULT_MONEY = Computed(engine.MONEY, engine.Rollups.key_result_money)
CAMPAIGN_MONEY = Computed(engine.CAMPAIGN_MONEY, engine.Rollups.campaign_money)

_PROGRESS_FIGURES: dict[str, tuple[Any, Callable[[Progress], Any]]] = {
    "progress": (Decimal, lambda p: fraction(p.progress)),
    "attainment": (Decimal, lambda p: fraction(p.attainment)),
    "expected": (Decimal, lambda p: fraction(p.expected)),
    "health": (Health, lambda p: p.health),
    "breakdown": (ProgressBreakdown, lambda p: ProgressBreakdown(result=p)),
}


def computed_field(
    of: Computed, present: Callable[[Any], Any], return_type: Any, description: str
) -> Any:
    """A field showing `present(result)` of the node's computed result: a plain lookup
    once the request's engine is computed, else an awaitable that waits for it."""

    def resolve(root: strawberry.Parent[Any], info: Info):
        return with_rollups(
            info, of.sections, lambda computed: present(of.compute(computed, root.pk))
        )

    resolve.__annotations__["return"] = return_type
    return strawberry.field(resolver=resolve, description=description)


def progress_field(of: Computed, figure: str, description: str) -> Any:
    """One figure of a node's progress: "progress", "attainment", "expected", "health"
    or "breakdown"."""
    return_type, present = _PROGRESS_FIGURES[figure]
    return computed_field(of, present, return_type, description)


def money_field(of: Computed, description: str) -> Any:
    return computed_field(of, money_summary, MoneySummary, description)


def risks_field(model: type[Model], description: str) -> Any:
    """The node's risks, most severe first, as a connection."""

    def resolve(
        root: strawberry.Parent[Any],
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Risk]:
        page = page_args(first, after, last, before)

        def listed(computed: engine.Rollups) -> Connection[Risk]:
            found = computed.risks_involving((model, root.pk))
            return connection_from_list(found, page, lambda risk: Risk(item=risk))

        return with_rollups(info, engine.RISKS, listed)

    return strawberry.field(resolver=resolve, description=f"{description} {PAGE_ARGS_HELP}")


MAX_WORKLOAD_WEEKS = 60
WORKLOAD_HELP = (
    "Capacity and booked hours per week, for the whole weeks (Monday to Sunday) from "
    f"`from` to `to`, at most {MAX_WORKLOAD_WEEKS} weeks."
)


def workload_weeks(start: date, end: date) -> None:
    """Refuse a range that ends before it starts or spans too many weeks (counted, not
    listed: a range may span centuries)."""
    if end < start:
        raise BadUserInput(f"`to` ({end}) is before `from` ({start}).", argument="to")
    if (monday_of(end) - monday_of(start)).days // 7 + 1 > MAX_WORKLOAD_WEEKS:
        raise BadUserInput(f"A workload covers at most {MAX_WORKLOAD_WEEKS} weeks.", argument="to")


def workload_field(compute: Callable[[engine.Rollups, int, date, date], Any]) -> Any:
    def resolve(
        root: strawberry.Parent[Any],
        info: Info,
        from_: Annotated[date, strawberry.argument(name="from")],
        to: date,
    ) -> Workload:
        workload_weeks(from_, to)
        return with_rollups(
            info,
            engine.WORKLOAD,
            lambda computed: Workload(load=compute(computed, root.pk, from_, to)),
        )

    return strawberry.field(resolver=resolve, description=WORKLOAD_HELP)


USER_WORKLOAD = engine.Rollups.user_workload
TEAM_WORKLOAD = engine.Rollups.team_workload
