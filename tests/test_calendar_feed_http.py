"""The iCalendar feed as calendar apps read it: GET /calendar/<secret>.ics, parsed back
with the `icalendar` package and checked field by field against hand-computed values."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar

from schema.core.ids import encode_global_id
from server import clock, models
from server.enums import MilestoneKind, Role
from server.feeds.secrets import digest
from server.permissions import Actor
from server.statements import count_statements
from server.writes.milestones import archive_milestone
from tests import factories

TODAY = date(2026, 3, 15)
BASE = "http://127.0.0.1:8000"
# The feed with its owner, the read model's freshness check (which finds nothing new:
# the entries and the filter's team names come from the snapshot), and the latest
# history entry.
FEED_STATEMENTS = 1 + 1 + 1

FEED_CREATE = """
mutation Create($input: CalendarFeedCreateInput!) {
  calendarFeedCreate(input: $input) {
    calendarFeed { id name version }
    url
    userErrors { field code message }
  }
}
"""

CAMPAIGN_UPDATE = """
mutation Update($input: CampaignUpdateInput!) {
  campaignUpdate(input: $input) { campaign { version } userErrors { field code message } }
}
"""

FEED_REVOKE = """
mutation Revoke($input: CalendarFeedRevokeInput!) {
  calendarFeedRevoke(input: $input) { calendarFeed { revoked } userErrors { code } }
}
"""


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)


@pytest.fixture
async def org(db):
    growth = await factories.team(name="Growth")
    sales = await factories.team(name="Sales")
    objective = await factories.goal(growth, title="Double qualified pipeline")
    key_result = await factories.key_result(objective, title="400 SQLs")
    campaign = await factories.campaign(
        growth,
        name="Spring webinars",
        description="Three webinars for SMB buyers.",
        start_date=date(2026, 3, 1),
        end_date=date(2026, 5, 31),
    )
    await factories.align(campaign, key_result)
    launch = await factories.milestone(
        sales,
        title="Pricing launch",
        kind=MilestoneKind.LAUNCH,
        start_date=date(2026, 4, 2),
        starts_at=datetime(2026, 4, 2, 14, 0, tzinfo=UTC),
        ends_at=datetime(2026, 4, 2, 15, 30, tzinfo=UTC),
    )
    return type("Org", (), locals())


async def make_feed(gql, name="Team plans", filter=None) -> tuple[str, dict]:
    """The path of a new feed's URL, and the created feed."""
    input = {"name": name} | ({"filter": filter} if filter is not None else {})
    payload = await gql.mutate(FEED_CREATE, input, "calendarFeedCreate")
    assert payload["userErrors"] == []
    assert payload["url"].startswith(f"{BASE}/calendar/")
    return payload["url"].removeprefix(BASE), payload["calendarFeed"]


def parsed(response) -> Calendar:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events_by_uid(calendar: Calendar) -> dict[str, object]:
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def stamp(row) -> datetime:
    return row.updated_at.astimezone(UTC).replace(microsecond=0)


async def test_feed_fields_parse_back(gql, http, org):
    # given
    path, _ = await make_feed(gql, name="Growth & Sales")
    campaign = await models.Campaign.get(id=org.campaign.pk)
    launch = await models.Milestone.get(id=org.launch.pk)

    # when
    calendar = parsed(await http.get(path))

    # then
    assert str(calendar["PRODID"]) == "-//Throughline//Shared calendar feed//EN"
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["X-WR-CALNAME"]) == "Growth & Sales"
    assert str(calendar["X-WR-CALDESC"]) == "Everything on the shared calendar"
    events = events_by_uid(calendar)
    assert set(events) == {f"campaign-{campaign.pk}@127.0.0.1", f"milestone-{launch.pk}@127.0.0.1"}

    spring = events[f"campaign-{campaign.pk}@127.0.0.1"]
    assert str(spring["SUMMARY"]) == "Spring webinars"
    assert spring.decoded("DTSTART") == date(2026, 3, 1)
    assert spring.decoded("DTEND") == date(2026, 6, 1)  # exclusive: the day after May 31
    assert spring["DTSTART"].params.get("VALUE") == "DATE"
    assert spring.decoded("DTSTAMP") == stamp(campaign)
    assert int(spring["SEQUENCE"]) == 0
    assert [str(c) for c in spring["CATEGORIES"].cats] == ["Growth", "Campaign"]
    link = f"{BASE}/#/campaigns/{encode_global_id('Campaign', campaign.pk)}"
    assert str(spring["URL"]) == link
    assert str(spring["DESCRIPTION"]) == (
        "Three webinars for SMB buyers.\n\n"
        "Objectives it serves:\n- Double qualified pipeline\n\n"
        f"Open in Throughline: {link}"
    )

    pricing = events[f"milestone-{launch.pk}@127.0.0.1"]
    assert pricing.decoded("DTSTART") == datetime(2026, 4, 2, 14, 0, tzinfo=UTC)
    assert pricing.decoded("DTEND") == datetime(2026, 4, 2, 15, 30, tzinfo=UTC)
    assert b"DTSTART:20260402T140000Z" in (await http.get(path)).content
    assert [str(c) for c in pricing["CATEGORIES"].cats] == ["Sales", "Launch"]
    assert str(pricing["DESCRIPTION"]).startswith("Serves no objective yet.")


async def test_uid_stable_and_sequence_grows_after_campaign_update(gql, http, org):
    # given
    path, _ = await make_feed(gql)
    uid = f"campaign-{org.campaign.pk}@127.0.0.1"
    before = events_by_uid(parsed(await http.get(path)))[uid]

    # when
    payload = await gql.mutate(
        CAMPAIGN_UPDATE,
        {"id": encode_global_id("Campaign", org.campaign.pk), "version": 1, "name": "Webinars"},
        "campaignUpdate",
    )
    after = events_by_uid(parsed(await http.get(path)))[uid]

    # then
    assert payload["userErrors"] == [] and payload["campaign"]["version"] == 2
    assert int(before["SEQUENCE"]) == 0
    assert int(after["SEQUENCE"]) == 1
    assert str(after["SUMMARY"]) == "Webinars"


async def test_feed_shows_only_what_its_filter_allows(gql, http, org):
    # given: a feed of the Sales team only
    path, _ = await make_feed(gql, filter={"teams": [encode_global_id("Team", org.sales.pk)]})

    # when
    calendar = parsed(await http.get(path))

    # then
    assert set(events_by_uid(calendar)) == {f"milestone-{org.launch.pk}@127.0.0.1"}
    assert str(calendar["X-WR-CALDESC"]) == "Teams: Sales"
    assert b"Spring webinars" not in (await http.get(path)).content


@pytest.mark.parametrize(
    "title",
    [
        "Launch, phase 1; EMEA",
        "Line one\nline two",
        "Lancement été – Zürich “Δ” 🚀 " + "ü" * 60,
    ],
)
async def test_titles_round_trip(gql, http, org, title):
    # given
    await models.Milestone.filter(id=org.launch.pk).update(title=title)
    path, _ = await make_feed(gql)

    # when
    response = await http.get(path)

    # then: folded at 75 octets, escaped, and read back unchanged
    lines = response.content.split(b"\r\n")
    assert max(len(line) for line in lines) <= 75
    assert all(line.decode("utf-8") for line in lines if line)  # no UTF-8 split in a fold
    pricing = events_by_uid(parsed(response))[f"milestone-{org.launch.pk}@127.0.0.1"]
    assert str(pricing["SUMMARY"]) == title


async def test_unchanged_feed_answers_304_and_change_gives_new_etag(gql, http, org):
    # given
    path, _ = await make_feed(gql)
    first = await http.get(path)
    etag, last_modified = first.headers["etag"], first.headers["last-modified"]

    # when
    by_etag = await http.get(path, headers={"If-None-Match": etag})
    by_date = await http.get(path, headers={"If-Modified-Since": last_modified})
    head = await http.head(path)

    # then
    assert first.headers["cache-control"] == "private, max-age=300"
    assert etag.startswith('"') and not etag.startswith("W/")
    assert (by_etag.status_code, by_etag.content) == (304, b"")
    assert by_etag.headers["etag"] == etag
    assert (by_date.status_code, by_date.content) == (304, b"")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == etag
    assert int(head.headers["content-length"]) == len(first.content)

    # when the campaign changes, the old validators no longer match
    await gql.mutate(
        CAMPAIGN_UPDATE,
        {"id": encode_global_id("Campaign", org.campaign.pk), "version": 1, "name": "Webinars"},
        "campaignUpdate",
    )
    again = await http.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 200 and again.headers["etag"] != etag


async def test_archived_entry_changes_last_modified(gql, http, org, monkeypatch):
    # given: polled once, then an entry leaves the feed a minute later
    path, _ = await make_feed(gql)
    first = await http.get(path)
    real_now = clock.now
    monkeypatch.setattr(clock, "now", lambda: real_now() + timedelta(minutes=2))
    admin = await models.User.get(email_key="admin@throughline.test")
    await archive_milestone(Actor(admin.pk, Role.ADMIN), org.launch.pk, 1)

    # when
    response = await http.get(path, headers={"If-Modified-Since": first.headers["last-modified"]})

    # then
    assert response.status_code == 200
    assert f"milestone-{org.launch.pk}".encode() not in response.content


async def test_wrong_revoked_and_malformed_secrets_get_the_same_404(gql, http, org):
    # given
    path, feed = await make_feed(gql)
    revoked_path, revoked = await make_feed(gql, name="Old")
    await gql.mutate(
        FEED_REVOKE, {"id": revoked["id"], "version": revoked["version"]}, "calendarFeedRevoke"
    )
    secret = path.removeprefix("/calendar/").removesuffix(".ics")
    wrong = secret[:-1] + ("A" if secret[-1] != "A" else "B")

    # when
    answers = [
        await http.get(p)
        for p in (
            revoked_path,
            f"/calendar/{wrong}.ics",
            "/calendar/short.ics",
            "/calendar/" + "x" * 5000 + ".ics",
            "/calendar/%00%ff.ics",
        )
    ]

    # then
    for answer in answers:
        assert (answer.status_code, answer.text) == (404, "No calendar feed here.\n")
        assert answer.headers["cache-control"] == "no-store"
    assert (await http.get(path)).status_code == 200


async def test_feed_of_deactivated_owner_is_gone(gql, http, org):
    # given
    viewer = await factories.user(name="Vera")
    path, _ = await make_feed(gql.as_user(viewer))
    assert (await http.get(path)).status_code == 200

    # when
    await factories.archive(viewer)

    # then
    assert (await http.get(path)).status_code == 404


async def test_only_the_digest_is_stored(gql, http, org):
    # given / when
    path, _ = await make_feed(gql)
    secret = path.removeprefix("/calendar/").removesuffix(".ics")

    # then
    feed = await models.CalendarFeed.get()
    assert len(secret) == 43  # 256 random bits, URL-safe base64
    assert feed.secret_hash == digest(secret) and secret not in str(feed.criteria)
    history = await models.HistoryEntry.filter(node_type="CalendarFeed").values_list(
        "changes", flat=True
    )
    assert all("secret_hash" not in changes for changes in history)


async def test_statement_count_of_a_feed_request_is_constant(gql, http, org):
    # given
    path, _ = await make_feed(gql, filter={"teams": [encode_global_id("Team", org.growth.pk)]})
    await gql.settle()
    with count_statements() as small:
        assert (await http.get(path)).status_code == 200
    for n in range(15):
        extra = await factories.campaign(org.growth, name=f"Extra {n}")
        await factories.milestone(org.growth, title=f"Extra milestone {n}")
        await factories.align(extra, org.key_result)
    await gql.settle()

    # when
    with count_statements() as large:
        response = await http.get(path)

    # then
    assert response.status_code == 200 and response.content.count(b"BEGIN:VEVENT") == 31
    assert large.count == small.count == FEED_STATEMENTS, "\n".join(
        s[:90] for s in large.statements
    )


# Control bytes a strict iCalendar parser refuses: any C0 control but the tab and a CRLF
# line end, and DEL.
CONTROL_BYTES = [bytes([code]) for code in (*range(0x20), 0x7F) if code not in (0x09, 0x0D, 0x0A)]


def content_lines(response) -> list[bytes]:
    body = response.content
    assert body.endswith(b"\r\n")
    lines = body[:-2].split(b"\r\n")
    assert all(b"\r" not in line and b"\n" not in line for line in lines)
    return lines


async def test_names_with_line_breaks_and_controls_still_render(gql, http, org):
    # given: names written before they were checked, straight into the database
    path, _ = await make_feed(
        gql,
        filter={
            "teams": [encode_global_id("Team", org.growth.pk)],
            "under": encode_global_id("Goal", org.objective.pk),
        },
    )
    await models.CalendarFeed.all().update(name="Plans\nfor Q3; EMEA\x7f")
    await models.Team.filter(id=org.growth.pk).update(name="Growth\r\nteam\x01")
    await models.Goal.filter(id=org.objective.pk).update(title="Double\npipeline\x7f")
    await models.Campaign.filter(id=org.campaign.pk).update(
        name="Spring\x7f\nwebinars", description="One\r\ntwo\x02\tthree\x85four"
    )

    # when
    response = await http.get(path)

    # then: one content line each, line breaks escaped, other controls gone; it parses
    lines = content_lines(response)
    assert not [line for line in lines if any(byte in line for byte in CONTROL_BYTES)]
    assert b"X-WR-CALNAME:Plans\\nfor Q3\\; EMEA " in lines
    assert b"NAME:Plans\\nfor Q3\\; EMEA " in lines
    calendar = parsed(response)
    assert "Growth\\nteam " in str(calendar["X-WR-CALDESC"])
    assert "Double\\npipeline " in str(calendar["X-WR-CALDESC"])
    spring = events_by_uid(calendar)[f"campaign-{org.campaign.pk}@127.0.0.1"]
    assert str(spring["SUMMARY"]) == "Spring \nwebinars"
    assert [str(c) for c in spring["CATEGORIES"].cats] == ["Growth\nteam ", "Campaign"]
    assert str(spring["DESCRIPTION"]).startswith("One\ntwo \tthree\nfour\n\n")
    assert "- Double\npipeline " in str(spring["DESCRIPTION"])


async def test_text_is_escaped_exactly_once(gql, http, org):
    # given: characters the `icalendar` package would read as escapes of its own
    await models.Milestone.filter(id=org.launch.pk).update(title="C:\\New, now; \\n")
    path, _ = await make_feed(gql, name="A\\N, B; C")

    # when
    response = await http.get(path)

    # then
    assert b"X-WR-CALNAME:A\\\\N\\, B\\; C" in content_lines(response)
    pricing = events_by_uid(parsed(response))[f"milestone-{org.launch.pk}@127.0.0.1"]
    assert str(pricing["SUMMARY"]) == "C:\\New, now; \\n"


async def test_published_ttl_is_an_rfc_5545_duration(gql, http, org):
    # given
    path, _ = await make_feed(gql)

    # when
    lines = content_lines(await http.get(path))

    # then
    assert b"X-PUBLISHED-TTL:PT1H" in lines
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H" in lines
