"""The request's rollups: the organisation's engine as of the request's snapshot.

The engine is computed once per data version and shared by every request reading that
version (`server.rollups.shared`); a request only waits for it, and its time limit can
stop the waiting without stopping the work. The request's date is read once
(`Context.today`), so every figure of a response agrees, even across midnight.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from schema.core.context import Info
from schema.core.node import NODE_TYPES, TYPE_NAME_OF_MODEL
from server.rollups.engine import Rollups
from server.rollups.progress import NodeKey
from server.rollups.sections import Section
from server.rollups.shared import ready_rollups, shared_rollups
from server.settings import Thresholds

T = TypeVar("T")


def thresholds_of(info: Info) -> Thresholds:
    return thresholds_in(info.context)


def thresholds_in(context: Any) -> Thresholds:
    settings = context.settings
    return settings.thresholds if settings is not None else Thresholds()


def engine_key(calendar: bool) -> tuple[str, bool]:
    """Where a request keeps the engine it found (`Context.computed`)."""
    return ("rollups", calendar)


async def rollups(info: Info, sections: Iterable[Section]) -> Rollups:
    """The engine for fields reading `sections`: every section is there but the
    calendar, which only the risks read (it costs statements to load)."""
    context = info.context
    if context.snapshot is None:
        raise RuntimeError("Rollups are computed from the read model; this context has none.")
    calendar = Section.CALENDAR in sections
    return await shared_rollups(
        context.snapshot, context.today, thresholds_of(info), calendar=calendar
    )


def with_rollups(info: Info, sections: Sequence[Section], then: Callable[[Rollups], T]) -> Any:
    """`then(engine)` at once when the request's engine is already computed (a plain
    value, so the field costs no task), else an awaitable of it once it is."""
    context = info.context
    calendar = Section.CALENDAR in sections
    ready = context.computed.get(engine_key(calendar))
    if ready is None and context.snapshot is not None:
        ready = ready_rollups(
            context.snapshot, context.today, thresholds_of(info), calendar=calendar
        )
        if ready is not None:
            context.computed[engine_key(calendar)] = ready
    if ready is not None:
        return then(ready)

    async def later() -> T:
        return then(await rollups(info, sections))

    return later()


def load_rows(info: Info, keys: Sequence[NodeKey]) -> list[Any]:
    """The model rows the computations point at (contributors, risk subjects, tasks), as
    the request's snapshot holds them."""
    served = info.context.served
    return [served(NODE_TYPES[TYPE_NAME_OF_MODEL[model]].loader, pk) for model, pk in keys]
