"""Batch loaders for calendar feeds."""

from __future__ import annotations

from schema.core.loaders import ByIdLoader
from server import models


class CalendarFeedByIdLoader(ByIdLoader):
    model = models.CalendarFeed
