"""`calendar_entries`, the domain function the API and the iCalendar feeds share."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from server import models
from server.calendar.entries import CalendarQuery, EntryKind, calendar_entries
from server.calendar.ranges import CalendarInputError
from server.calendar.zones import zone_named
from server.enums import MilestoneKind
from server.external_calendars.occurrences import occurrence_key
from tests import factories as make
from tests.snapshots import current

pytestmark = pytest.mark.date_sensitive


async def test_entries_carry_what_a_feed_needs(db):
    # given: a timed milestone on a key result, later edited once; an imported event
    team = await make.team(name="Product", color="#123456")
    top = await make.goal(team, title="Grow")
    kr = await make.key_result(await make.goal(team, parent=top))
    milestone = await make.milestone(
        team,
        title="Release 5",
        kind=MilestoneKind.RELEASE,
        key_result=kr,
        start_date=date(2026, 6, 2),
        starts_at=datetime(2026, 6, 2, 8, tzinfo=UTC),
        ends_at=datetime(2026, 6, 2, 9, tzinfo=UTC),
        version=2,
    )
    fairs = await models.ExternalCalendar.create(name="Fairs", color="#00ff00")
    fair = await models.ExternalEvent.create(
        calendar=fairs,
        uid="fair@example",
        sequence=3,
        summary="Data fair",
        all_day=False,
        first_date=date(2026, 6, 3),
        last_date=date(2026, 6, 3),
        source=(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n"
            "UID:fair@example\r\nSEQUENCE:3\r\nDTSTAMP:20260101T000000Z\r\n"
            "SUMMARY:Data fair\r\nLOCATION:Hall 4\r\nDTSTART:20260603T070000Z\r\n"
            "DTEND:20260603T150000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        ),
    )
    query = CalendarQuery(date(2026, 6, 1), date(2026, 6, 30), ZoneInfo("Europe/Paris"))

    # when
    release, event = calendar_entries(await current(), query)

    # then
    assert release.key == f"milestone-{milestone.pk}"
    assert release.kind == EntryKind.RELEASE
    assert (release.all_day, release.start, release.end) == (
        False,
        datetime(2026, 6, 2, 8, tzinfo=UTC),
        datetime(2026, 6, 2, 9, tzinfo=UTC),
    )
    assert (release.team_id, release.team_name, release.color) == (team.pk, "Product", "#123456")
    assert (release.node_type, release.node_id) == ("Milestone", milestone.pk)
    assert release.objectives == ((top.pk, "Grow"),)
    assert release.version == 2
    assert release.updated_at.tzinfo is not None
    assert abs(release.updated_at - datetime.now(UTC)) < timedelta(minutes=5)
    assert event.key == occurrence_key(fairs.pk, fair.uid, "")
    assert (event.kind, event.version, event.location) == (EntryKind.EXTERNAL, 3, "Hall 4")
    assert (event.external_calendar_id, event.external_calendar_name) == (fairs.pk, "Fairs")
    assert (event.node_type, event.node_id, event.objectives) == (None, None, ())


def test_queries_refuse_reversed_or_long_ranges_and_unknown_zones():
    # when / then
    with pytest.raises(CalendarInputError, match="is before `from`"):
        CalendarQuery(date(2026, 6, 2), date(2026, 6, 1))
    with pytest.raises(CalendarInputError, match="covers 367 days"):
        CalendarQuery(date(2026, 1, 1), date(2027, 1, 2))
    assert CalendarQuery(date(2026, 1, 1), date(2027, 1, 1)).span.days == 366
    with pytest.raises(CalendarInputError, match="IANA time zone"):
        zone_named("Europe/Atlantis")
    assert zone_named("Asia/Kolkata").key == "Asia/Kolkata"
