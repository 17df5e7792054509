"""The engines an operation's fields read, computed before the fields run."""

from __future__ import annotations

from typing import Any

from schema.core.cost_map import RISKS, ROLLUPS
from schema.rollups.loaders import engine_key, thresholds_in
from server.rollups.shared import shared_rollups


async def computed_first(context: Any, computations: frozenset[str]) -> None:
    """Compute, or wait for, the engines an operation's fields read before they run, so
    each of them is a plain lookup on the plan instead of a wait of its own (after a
    write, a page of 20 goals made 80 of them). A failure is left to the fields, which
    meet it each with its error, as before."""
    snapshot = getattr(context, "snapshot", None)
    if snapshot is None:
        return
    thresholds = thresholds_in(context)
    for calendar, computation in ((False, ROLLUPS), (True, RISKS)):
        key = engine_key(calendar)
        if computation in computations and key not in context.computed:
            try:
                engine = await shared_rollups(
                    snapshot, context.today, thresholds, calendar=calendar
                )
            except Exception:  # each field reports it
                return
            context.computed[key] = engine
