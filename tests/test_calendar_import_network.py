"""Imports reach public addresses only: loopback, private, link-local and metadata
addresses are refused before any connection (at import, on refresh, on a new address,
after a redirect, and whatever a second DNS answer says) unless
THROUGHLINE_IMPORT_ALLOW_NETWORKS opens them; every failure to fetch reads the same, so
the answers do not map the network. Here only 127.0.0.1 is opened (as in every import
test); a server on 127.0.0.2 stands for the internal network."""

from __future__ import annotations

import asyncio
import dataclasses
import socket
from collections.abc import Iterator
from datetime import timedelta
from ipaddress import ip_address, ip_network

import pytest

from server import clock, models
from server.external_calendars.addresses import permitted
from server.external_calendars.errors import ImportFailure
from server.external_calendars.fetch import fetch_calendar
from server.external_calendars.refresh import refresh_due
from tests.feed_server import Feed, serving
from tests.test_calendar_import import LIMITS, UPDATE, add, refused_port

CLOSED = dataclasses.replace(LIMITS, allow_networks=())
"""The default policy: no network opened."""


@pytest.fixture
def settings(settings):
    return dataclasses.replace(settings, calendar_imports=LIMITS)


@pytest.fixture
def inside() -> Iterator[Feed]:
    """A live calendar server on an address imports may not reach."""
    with serving("127.0.0.2") as feed:
        yield feed


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.100.100.200",
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fd00:ec2::254",
        "fe80::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:169.254.169.254",
        "64:ff9b::a9fe:a9fe",
    ],
)
def test_imports_may_not_reach_internal_addresses(address):
    assert not permitted(ip_address(address))


def test_imports_may_reach_public_addresses_and_allowed_networks():
    assert permitted(ip_address("93.184.215.14"))
    assert permitted(ip_address("2606:4700:4700::1111"))
    allowed = (ip_network("127.0.0.1/32"),)
    assert permitted(ip_address("127.0.0.1"), allowed)
    assert permitted(ip_address("::ffff:127.0.0.1"), allowed)
    assert not permitted(ip_address("127.0.0.2"), allowed)


async def test_imports_refuse_internal_addresses_and_every_failure_reads_the_same(
    db, gql, feed, inside
):
    # given: an open internal port in several spellings, and failures of every kind
    addresses = [
        inside.url("/holidays.ics"),
        f"http://[::ffff:127.0.0.2]:{inside.port}/holidays.ics",
        f"http://[::1]:{inside.port}/holidays.ics",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.255.255.1/cal.ics",
        f"http://127.0.0.1:{refused_port()}/cal.ics",  # allowed, closed port
        feed.url("/never"),  # allowed, never answers
        "http://calendar.invalid/cal.ics",  # no such host
    ]

    # when
    answers = [await add(gql, url=url) for url in addresses]

    # then: nothing reached the internal server, and every answer is the same
    assert inside.hits == {}
    errors = {(e["field"], e["code"], e["message"]) for a in answers for e in a["userErrors"]}
    assert len(errors) == 1
    assert errors.pop()[:2] == ("url", "UNREACHABLE")
    assert await models.ExternalCalendar.all().count() == 0


async def test_a_name_for_a_loopback_address_is_refused(feed):
    with pytest.raises(ImportFailure) as refused:
        await fetch_calendar(f"http://localhost:{feed.port}/holidays.ics", CLOSED)
    assert refused.value.code == "UNREACHABLE"
    assert feed.hits == {}


async def test_a_redirect_into_a_network_not_allowed_is_not_followed(db, gql, feed, inside):
    # given
    feed.redirects["/moved.ics"] = inside.url("/holidays.ics")

    # when
    payload = await add(gql, url=feed.url("/moved.ics"))

    # then
    assert feed.hits == {"/moved.ics": 1}
    assert inside.hits == {}
    assert [e["code"] for e in payload["userErrors"]] == ["UNREACHABLE"]


async def test_a_new_address_in_a_network_not_allowed_changes_nothing(db, gql, feed, inside):
    # given
    calendar = (await add(gql, url=feed.url("/holidays.ics")))["externalCalendar"]

    # when
    payload = await gql.mutate(
        UPDATE,
        {"id": calendar["id"], "version": 1, "url": inside.url("/holidays.ics")},
        "externalCalendarUpdate",
    )

    # then
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [("url", "UNREACHABLE")]
    assert inside.hits == {}
    assert (await models.ExternalCalendar.get()).url == feed.url("/holidays.ics")


async def test_the_scheduler_refreshes_only_from_allowed_networks(db, gql, feed):
    # given: a feed imported while its network was open, then closed
    await add(gql, url=feed.url("/holidays.ics"))
    row = await models.ExternalCalendar.get()
    row.next_refresh_at = clock.now() - timedelta(minutes=1)
    await row.save()
    hits = dict(feed.hits)

    # when
    assert await refresh_due(CLOSED) == [row.pk]

    # then: not fetched; the events stay and the reason is recorded
    await row.refresh_from_db()
    assert feed.hits == hits
    assert row.last_error.startswith("UNREACHABLE: ")
    assert await models.ExternalEvent.filter(calendar_id=row.pk).count() == 4


async def test_a_second_dns_answer_cannot_swap_the_checked_address(feed, monkeypatch):
    # given: a name that first resolves to the allowed address, then to an internal one
    # serving on the same port (DNS rebinding)
    loop = asyncio.get_running_loop()
    real = loop.getaddrinfo
    lookups: list[str] = []

    async def rebinding(host, port, *args, **kwargs):
        if host != "rebind.test":
            return await real(host, port, *args, **kwargs)
        lookups.append(host)
        address = "127.0.0.1" if len(lookups) == 1 else "127.0.0.2"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(loop, "getaddrinfo", rebinding)
    with serving("127.0.0.2", feed.port) as inside:
        # when
        body = await fetch_calendar(f"http://rebind.test:{feed.port}/holidays.ics", LIMITS)

        # then: one lookup, and the connection went to the address it checked
        assert body.startswith(b"BEGIN:VCALENDAR")
        assert lookups == ["rebind.test"]
        assert feed.hits == {"/holidays.ics": 1}
        assert inside.hits == {}
