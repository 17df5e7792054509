"""Loaders for imported calendars, answered from the read model."""

from __future__ import annotations

from typing import Any

from schema.core.loaders import ByIdLoader, ModelServed
from server import models
from server.read_model import Snapshot


class ExternalCalendarByIdLoader(ByIdLoader):
    model = models.ExternalCalendar


class EventCountByCalendarIdLoader(ModelServed):
    """Stored events per calendar (a recurring event counts once)."""

    def from_snapshot(self, snapshot: Snapshot, key: Any) -> Any:
        return len(snapshot.children(models.ExternalEvent, "calendar_id", key))
