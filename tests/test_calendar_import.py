"""Importing calendars through the API from a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import dataclasses
import socket
import time
from datetime import date, timedelta
from ipaddress import ip_network

import httpx
import pytest

from server import clock, models
from server.app import create_app
from server.enums import Role
from server.external_calendars.occurrences import MAX_PER_EVENT
from server.external_calendars.refresh import RefreshScheduler, refresh_due
from server.settings import CalendarImports, SettingsError, load_settings
from tests import factories
from tests.graphql import GraphQLClient
from tests.test_calendar_api import calendar
from tests.test_calendar_import_expand import CALENDAR, SECONDLY

pytestmark = pytest.mark.date_sensitive

LIMITS = CalendarImports(
    max_bytes=20_000,
    max_events=50,
    fetch_seconds=2.0,  # well under /never's three seconds, with room for a busy machine
    scheduler=False,
    allow_networks=(ip_network("127.0.0.1/32"),),
)

ADD = """
mutation Add($input: ExternalCalendarAddInput!) {
  externalCalendarAdd(input: $input) {
    externalCalendar { id name url blocking color refreshMinutes refreshedAt lastError
                       eventCount version }
    userErrors { field code message }
  }
}
"""
REFRESH = """
mutation Refresh($input: ExternalCalendarRefreshInput!) {
  externalCalendarRefresh(input: $input) {
    externalCalendar { id refreshedAt lastError eventCount }
    userErrors { field code message }
  }
}
"""
UPDATE = """
mutation Update($input: ExternalCalendarUpdateInput!) {
  externalCalendarUpdate(input: $input) {
    externalCalendar { id name color blocking refreshMinutes version }
    userErrors { field code message }
  }
}
"""
ARCHIVE = """
mutation Archive($input: ExternalCalendarArchiveInput!) {
  externalCalendarArchive(input: $input) {
    externalCalendar { id archivedAt }
    userErrors { field code message }
  }
}
"""
LIST = "{ externalCalendars { nodes { name eventCount blocking } } }"


@pytest.fixture
def settings(settings):
    return dataclasses.replace(settings, calendar_imports=LIMITS)


def refused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def add(gql, **input):
    input.setdefault("name", "Holidays")
    return await gql.mutate(ADD, input, "externalCalendarAdd")


async def test_import_by_url_lists_and_expands(db, gql, feed):
    payload = await add(gql, url=feed.url("/holidays.ics"), blocking=True, color="#AA0000")
    assert payload["userErrors"] == []
    calendar = payload["externalCalendar"]
    assert calendar["url"] == feed.url("/holidays.ics")
    assert (calendar["blocking"], calendar["color"], calendar["eventCount"]) == (
        True,
        "#aa0000",
        4,
    )
    assert calendar["lastError"] is None and calendar["refreshedAt"] is not None
    row = await models.ExternalCalendar.get()
    assert row.next_refresh_at is not None
    data = await gql.data(LIST)
    assert data["externalCalendars"]["nodes"] == [
        {"name": "Holidays", "eventCount": 4, "blocking": True}
    ]
    history = await models.HistoryEntry.filter(node_type="ExternalCalendar", node_id=row.pk)
    assert [entry.action for entry in history] == ["CREATED"]


async def test_upload_is_imported_once_and_never_fetched(db, gql):
    payload = await add(gql, name="Uploaded", content=CALENDAR)
    assert payload["userErrors"] == []
    assert payload["externalCalendar"]["url"] is None
    assert payload["externalCalendar"]["eventCount"] == 4
    row = await models.ExternalCalendar.get()
    assert row.next_refresh_at is None


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("/page.html", "NOT_ICALENDAR"),
        ("/junk.bin", "NOT_ICALENDAR"),
        ("/huge.ics", "TOO_LARGE"),
        ("/nowhere.ics", "HTTP_STATUS"),
        ("/loop", "TOO_MANY_REDIRECTS"),
        ("/never", "UNREACHABLE"),
    ],
)
async def test_bad_feeds_import_nothing(db, gql, feed, path, code):
    began = time.monotonic()
    payload = await add(gql, url=feed.url(path))
    assert time.monotonic() - began < 5
    assert payload["externalCalendar"] is None
    [error] = payload["userErrors"]
    assert (error["field"], error["code"]) == ("url", code)
    assert error["message"]
    assert await models.ExternalCalendar.all().count() == 0
    assert await models.ExternalEvent.all().count() == 0


async def test_a_refused_connection_and_a_bad_address(db, gql):
    payload = await add(gql, url=f"http://127.0.0.1:{refused_port()}/cal.ics")
    assert [e["code"] for e in payload["userErrors"]] == ["UNREACHABLE"]
    payload = await add(gql, url="ftp://example.com/cal.ics")
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [("url", "BAD_URL")]
    assert await models.ExternalCalendar.all().count() == 0


async def test_bad_uploads_and_inputs_import_nothing(db, gql):
    payload = await add(gql, content="<html>not a calendar</html>")
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        ("content", "NOT_ICALENDAR")
    ]
    payload = await add(gql, content=CALENDAR.replace("DTSTART;VALUE=DATE:20261226\r\n", ""))
    assert [e["code"] for e in payload["userErrors"]] == ["MISSING_START"]
    payload = await add(gql, content=CALENDAR, url="http://127.0.0.1/x.ics")
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(None, "INVALID")]
    payload = await add(gql, content=CALENDAR, name=" ", color="red", refreshMinutes=1)
    assert sorted((e["field"], e["code"]) for e in payload["userErrors"]) == [
        ("color", "INVALID"),
        ("name", "REQUIRED"),
        ("refreshMinutes", "OUT_OF_RANGE"),
    ]
    assert await models.ExternalCalendar.all().count() == 0


async def test_an_endless_rule_is_imported(db, gql, feed):
    payload = await add(gql, url=feed.url("/secondly.ics"))
    assert payload["userErrors"] == []
    assert payload["externalCalendar"]["eventCount"] == 1


async def test_a_failed_refresh_keeps_the_old_events(db, gql, feed):
    payload = await add(gql, url=feed.url("/holidays.ics"))
    calendar_id = payload["externalCalendar"]["id"]
    before = payload["externalCalendar"]["refreshedAt"]
    feed.documents["/holidays.ics"] = (200, "text/html", b"<html>maintenance</html>")
    refreshed = await gql.mutate(REFRESH, {"id": calendar_id}, "externalCalendarRefresh")
    assert [(e["field"], e["code"]) for e in refreshed["userErrors"]] == [("id", "NOT_ICALENDAR")]
    row = await models.ExternalCalendar.get()
    assert row.last_error.startswith("NOT_ICALENDAR: ")
    assert row.refreshed_at.isoformat().startswith(before[:19])
    assert await models.ExternalEvent.filter(calendar_id=row.pk).count() == 4

    smaller = CALENDAR.replace("UID:fair@test", "UID:fair-2@test")
    feed.documents["/holidays.ics"] = (200, "text/calendar", smaller.encode())
    refreshed = await gql.mutate(REFRESH, {"id": calendar_id}, "externalCalendarRefresh")
    assert refreshed["userErrors"] == []
    assert refreshed["externalCalendar"]["lastError"] is None
    uids = await models.ExternalEvent.filter(calendar_id=row.pk).values_list("uid", flat=True)
    assert sorted(uids) == ["boxing-2026@test", "christmas-2026@test", "fair-2@test", "weekly@test"]


async def test_the_scheduler_claims_a_due_calendar_once(db, gql, feed):
    await add(gql, url=feed.url("/holidays.ics"))
    row = await models.ExternalCalendar.get()
    row.next_refresh_at = clock.now() - timedelta(minutes=1)
    await row.save()
    hits = feed.hits["/holidays.ics"]
    first, second = await asyncio.gather(refresh_due(LIMITS), refresh_due(LIMITS))
    assert sorted(first + second) == [row.pk]
    assert feed.hits["/holidays.ics"] == hits + 1
    await row.refresh_from_db()
    assert row.next_refresh_at > clock.now() + timedelta(minutes=300)
    assert await refresh_due(LIMITS) == []


async def test_update_is_version_checked_and_archive_hides_events(db, gql):
    payload = await add(gql, content=CALENDAR)
    calendar = payload["externalCalendar"]
    changed = await gql.mutate(
        UPDATE,
        {"id": calendar["id"], "version": 1, "name": "Public holidays", "blocking": True},
        "externalCalendarUpdate",
    )
    assert changed["userErrors"] == []
    assert (changed["externalCalendar"]["name"], changed["externalCalendar"]["version"]) == (
        "Public holidays",
        2,
    )
    stale = await gql.error(UPDATE, {"input": {"id": calendar["id"], "version": 1, "name": "X"}})
    assert stale["extensions"]["code"] == "CONFLICT"
    archived = await gql.mutate(
        ARCHIVE, {"id": calendar["id"], "version": 2}, "externalCalendarArchive"
    )
    assert archived["externalCalendar"]["archivedAt"] is not None
    assert (await gql.data(LIST))["externalCalendars"]["nodes"] == []


@pytest.mark.parametrize("role", [Role.VIEWER, Role.EDITOR])
async def test_only_administrators_change_imported_calendars(db, gql, role):
    payload = await add(gql, content=CALENDAR)
    calendar = payload["externalCalendar"]
    person = gql.as_user(await factories.user(role=role))
    operations = [
        (ADD, {"name": "Mine", "content": CALENDAR}),
        (UPDATE, {"id": calendar["id"], "version": 1, "name": "Mine"}),
        (REFRESH, {"id": calendar["id"]}),
        (ARCHIVE, {"id": calendar["id"], "version": 1}),
    ]
    for operation, input in operations:
        error = await person.error(operation, {"input": input})
        assert error["extensions"]["code"] == "FORBIDDEN"
    assert (await person.data(LIST))["externalCalendars"]["nodes"] == [
        {"name": "Holidays", "eventCount": 4, "blocking": False}
    ]
    assert await models.ExternalCalendar.all().count() == 1


async def test_the_background_task_refreshes_due_feeds_until_stopped(db, gql, feed):
    await add(gql, url=feed.url("/holidays.ics"))
    row = await models.ExternalCalendar.get()
    row.next_refresh_at = clock.now() - timedelta(minutes=1)
    await row.save()
    hits = feed.hits["/holidays.ics"]
    scheduler = RefreshScheduler(LIMITS, poll_seconds=0.05)
    scheduler.start()
    for _ in range(100):
        if feed.hits["/holidays.ics"] > hits:
            break
        await asyncio.sleep(0.05)
    await scheduler.stop()
    assert feed.hits["/holidays.ics"] == hits + 1


def test_import_settings_are_read_and_checked():
    loaded = load_settings(
        env={
            "THROUGHLINE_IMPORT_MAX_BYTES": "50000",
            "THROUGHLINE_IMPORT_MAX_EVENTS": "10",
            "THROUGHLINE_IMPORT_FETCH_SECONDS": "2.5",
            "THROUGHLINE_IMPORT_SCHEDULER": "off",
        }
    )
    assert loaded.calendar_imports == CalendarImports(50_000, 10, 2.5, False)
    with pytest.raises(SettingsError, match="THROUGHLINE_IMPORT_MAX_EVENTS"):
        load_settings(env={"THROUGHLINE_IMPORT_MAX_EVENTS": "0"})
    opened = load_settings(env={"THROUGHLINE_IMPORT_ALLOW_NETWORKS": "127.0.0.1, 10.1.0.0/16"})
    assert opened.calendar_imports.allow_networks == (
        ip_network("127.0.0.1/32"),
        ip_network("10.1.0.0/16"),
    )
    with pytest.raises(SettingsError, match="THROUGHLINE_IMPORT_ALLOW_NETWORKS"):
        load_settings(env={"THROUGHLINE_IMPORT_ALLOW_NETWORKS": "intranet"})


async def test_an_upload_at_the_import_limit_passes_the_request_body_limit(db, anonymous, settings):
    # given: a tiny general body limit, and a document at the import limit whose text
    # takes six bytes per byte in JSON (control characters are escaped as \u0001)
    tight = dataclasses.replace(
        settings, limits=dataclasses.replace(settings.limits, max_body_bytes=1000)
    )
    app = create_app(tight, manage_database=False)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    head, tail = CALENDAR.split("END:VCALENDAR")
    filler = LIMITS.max_bytes - len(CALENDAR.encode()) - len("X-PAD:\r\n")
    document = f"{head}X-PAD:{chr(1) * filler}\r\nEND:VCALENDAR{tail}"
    assert len(document.encode()) == LIMITS.max_bytes

    # when
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        admin = GraphQLClient(http, anonymous.signer).as_admin()
        accepted = await add(admin, name="Large", content=document)
        refused = await add(admin, name="Larger", content=document + "X")

    # then: the body limit lets both through; the import limit refuses the larger one
    assert accepted["userErrors"] == []
    assert accepted["externalCalendar"]["eventCount"] == 4
    assert [e["code"] for e in refused["userErrors"]] == ["TOO_LARGE"]


async def test_an_endless_secondly_rule_shows_its_first_occurrences_in_the_range(db, gql):
    # given: a rule every second since 2020
    payload = await add(gql, name="Spam", content=SECONDLY)
    assert payload["userErrors"] == []

    # when: one day is read on the shared calendar
    found = await calendar(gql, date(2026, 5, 1), date(2026, 5, 1), zone="UTC", first=2)

    # then: the day's first occurrences, up to the cap, none spent before the range
    entries = found["entries"]
    assert entries["totalCount"] == MAX_PER_EVENT
    assert [e["startsAt"] for e in entries["nodes"]] == [
        "2026-05-01T00:00:00+00:00",
        "2026-05-01T00:00:01+00:00",
    ]
