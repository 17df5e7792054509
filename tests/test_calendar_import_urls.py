"""Who sees an imported calendar's address, and how much of it: administrators see it
without credentials, everyone else sees null (in the calendar and in its history)."""

from __future__ import annotations

import dataclasses

import pytest

from server import models
from server.enums import Role
from server.external_calendars.shown_url import masked_url
from tests import factories
from tests.test_calendar_import import LIMITS, UPDATE, add
from tests.test_calendar_import_expand import CALENDAR

SECRET_PATH = "/calendar/ical/team%40example.com/private-8f14e45fceea167a5a36dedd4bea2543"
READ = """
query Read($id: ID!) {
  node(id: $id) {
    ... on ExternalCalendar { url history { nodes { changes { field before after } } } }
  }
}
"""
LIST_URLS = "{ externalCalendars { nodes { name url } } }"


@pytest.fixture
def settings(settings):
    return dataclasses.replace(settings, calendar_imports=LIMITS)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("http://127.0.0.1:8080/holidays-2026.ics", "http://127.0.0.1:8080/holidays-2026.ics"),
        ("https://me:hunter2@example.com/cal.ics", "https://example.com/cal.ics"),
        (
            "https://example.com/feed.ics?token=s3cr3t-value&lang=en&empty=",
            "https://example.com/feed.ics?token=s3cr…&lang=…&empty=",
        ),
        (
            f"https://calendar.google.com{SECRET_PATH}/basic.ics",
            "https://calendar.google.com/calendar/ical/team%40example.com/priv…/basic.ics",
        ),
        ("https://[2001:db8::1]:8443/a.ics", "https://[2001:db8::1]:8443/a.ics"),
    ],
)
def test_addresses_are_shown_without_credentials(url, shown):
    assert masked_url(url) == shown


async def test_only_administrators_see_calendar_addresses_and_never_credentials(db, gql, feed):
    # given: a feed address carrying a password, a token and a secret path
    secret_url = feed.url(f"{SECRET_PATH}.ics?token=0123456789").replace(
        "http://", "http://alice:hunter2@"
    )
    feed.documents[f"{SECRET_PATH}.ics?token=0123456789"] = (
        200,
        "text/calendar",
        CALENDAR.encode(),
    )
    payload = await add(gql, url=secret_url)
    assert payload["userErrors"] == []
    calendar = payload["externalCalendar"]
    changed = await gql.mutate(
        UPDATE, {"id": calendar["id"], "version": 1, "name": "Renamed"}, "externalCalendarUpdate"
    )
    assert changed["userErrors"] == []
    expected = feed.url("/calendar/ical/team%40example.com/priv….ics?token=0123…")

    # when
    admin_view = await gql.data(READ, {"id": calendar["id"]})
    others = {
        role: gql.as_user(await factories.user(role=role)) for role in (Role.VIEWER, Role.EDITOR)
    }

    # then: the administrator sees the address without its secrets, everywhere
    assert calendar["url"] == expected
    assert admin_view["node"]["url"] == expected
    history_urls = [
        change
        for entry in admin_view["node"]["history"]["nodes"]
        for change in entry["changes"]
        if change["field"] == "url"
    ]
    assert history_urls == [{"field": "url", "before": None, "after": expected}]
    assert (await gql.data(LIST_URLS))["externalCalendars"]["nodes"] == [
        {"name": "Renamed", "url": expected}
    ]
    for person in others.values():
        seen = await person.data(READ, {"id": calendar["id"]})
        assert seen["node"]["url"] is None
        assert [
            change["after"]
            for entry in seen["node"]["history"]["nodes"]
            for change in entry["changes"]
            if change["field"] == "url"
        ] == [None]
        listed = await person.data(LIST_URLS)
        assert listed["externalCalendars"]["nodes"] == [{"name": "Renamed", "url": None}]
    assert (await models.ExternalCalendar.get()).url == secret_url
