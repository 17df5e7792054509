"""Batch loaders for imported calendars."""

from __future__ import annotations

from collections.abc import Sequence

from tortoise.functions import Count

from schema.core.batching import BatchLoader
from schema.core.loaders import ByIdLoader
from server import models


class ExternalCalendarByIdLoader(ByIdLoader):
    model = models.ExternalCalendar


class EventCountByCalendarIdLoader(BatchLoader):
    """Stored events per calendar (a recurring event counts once), one query per batch."""

    async def batch_load(self, keys: Sequence[int]) -> list[int]:
        rows = (
            await models.ExternalEvent.filter(calendar_id__in=list(set(keys)))
            .annotate(count=Count("id"))
            .group_by("calendar_id")
            .values("calendar_id", "count")
        )
        counts = {row["calendar_id"]: row["count"] for row in rows}
        return [counts.get(key, 0) for key in keys]
