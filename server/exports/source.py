"""What every export reads: one snapshot of the read model and the rollups engine of it.

The engine is the one the GraphQL API shares at that data version, day and thresholds
(`server.rollups.shared`), so an export computed at the same version as a query shows
the same figures. It is awaited before the first row is written: a failure then is an
error response, not a file cut short.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from server.read_model import Snapshot
from server.rollups.engine import Rollups
from server.rollups.shared import shared_rollups
from server.settings import Thresholds


@dataclass(frozen=True)
class Source:
    snapshot: Snapshot
    rollups: Rollups
    today: date
    thresholds: Thresholds


async def source_of(
    snapshot: Snapshot, today: date, thresholds: Thresholds, *, risks: bool
) -> Source:
    """The source of an export; `risks` asks for the engine holding the risks (it also
    reads the calendar of the year ahead)."""
    engine = await shared_rollups(snapshot, today, thresholds, calendar=risks)
    return Source(snapshot, engine, today, thresholds)
