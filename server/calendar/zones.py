"""IANA time zones, named by clients, turned into `ZoneInfo` or refused clearly."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from server.calendar.ranges import CalendarInputError

NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})
"""Files of the zone database that name no place (the server's own zone, aliases)."""


@cache
def known_zones() -> frozenset[str]:
    return frozenset(available_timezones()) - NOT_ZONES


def zone_named(name: str, argument: str = "timeZone") -> ZoneInfo:
    """The zone of an IANA name such as `Europe/Berlin`; anything else is refused.

    Only names in the zone database are accepted, so a path or an empty string never
    reaches the file system lookup of `ZoneInfo`.
    """
    if not isinstance(name, str) or name not in known_zones():
        shown = name if isinstance(name, str) and len(name) <= 64 else f"{str(name)[:64]}..."
        raise CalendarInputError(
            f"`{argument}` must be an IANA time zone name such as Europe/Berlin or "
            f"America/New_York; {shown!r} is not one.",
            argument,
        )
    return ZoneInfo(name)


def day_start(day: date, zone: ZoneInfo) -> datetime:
    """The UTC instant at which `day` begins in `zone` (the first instant of that date,
    also on a day that starts in a daylight-saving gap)."""
    local = datetime.combine(day, time(0), tzinfo=zone)
    # Round-trip through UTC so a non-existent local midnight moves forward, not back.
    instant = local.astimezone(UTC)
    if instant.astimezone(zone).date() < day:
        instant = datetime.combine(day, time(1), tzinfo=zone).astimezone(UTC)
    return instant


def local_date(instant: datetime, zone: ZoneInfo) -> date:
    return instant.astimezone(zone).date()
