"""Conflict rules on plain entries (no database): each firing at its threshold and not
just below it, in the zone asked for."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from server.calendar.conflicts import ConflictRule, find_conflicts
from server.calendar.entries import Entry, EntryKind
from server.calendar.ranges import DateSpan
from server.enums import Channel
from server.rollups.risks import Severity

UTC_ZONE = ZoneInfo("UTC")
MAY = DateSpan(date(2026, 5, 1), date(2026, 5, 31))
STAMP = datetime(2026, 1, 1, tzinfo=UTC)


def entry(key: str, kind: EntryKind, start, end=None, **fields) -> Entry:
    """An all-day entry from dates (`end` the last day, included) or a timed one."""
    if isinstance(start, datetime):
        all_day = False
    else:
        all_day = True
        end = (end or start) + timedelta(days=1)
    node_type, _, node_id = key.partition("-")
    external = kind == EntryKind.EXTERNAL
    defaults = {
        "title": key,
        "description": "",
        "team_id": None if external else 1,
        "team_name": None,
        "color": "#000000",
        "node_type": None if external else node_type.capitalize(),
        "node_id": None if external else int(node_id),
        "objectives": (),
        "version": 1,
        "updated_at": STAMP,
    }
    return Entry(key, kind, start=start, end=end, all_day=all_day, **{**defaults, **fields})


def campaign(n: int, start: date, end: date, audience: str, *channels: Channel) -> Entry:
    return entry(
        f"campaign-{n}", EntryKind.CAMPAIGN, start, end, audience=audience, channels=channels
    )


def rules(found) -> list[tuple]:
    return [(c.rule, c.severity, c.start, c.end, c.keys) for c in found]


def test_campaigns_clash_on_a_shared_channel_and_audience_from_one_shared_day():
    # given: the same audience (spelt differently) on e-mail, sharing exactly one day
    a = campaign(1, date(2026, 5, 1), date(2026, 5, 10), "SMB Europe", Channel.EMAIL, Channel.SEO)
    b = campaign(
        2, date(2026, 5, 10), date(2026, 5, 20), " smb  europe", Channel.EMAIL, Channel.SEO
    )
    apart = campaign(3, date(2026, 5, 11), date(2026, 5, 20), "SMB Europe", Channel.PAID_SEARCH)
    after = campaign(4, date(2026, 5, 21), date(2026, 5, 25), "SMB Europe", Channel.EMAIL)
    other = campaign(5, date(2026, 5, 1), date(2026, 5, 31), "Enterprise", Channel.EMAIL)
    nobody = campaign(6, date(2026, 5, 1), date(2026, 5, 31), "", Channel.EMAIL)
    nobody_too = campaign(7, date(2026, 5, 1), date(2026, 5, 31), "  ", Channel.EMAIL)

    # when
    found = find_conflicts([a, b, apart, after, other, nobody, nobody_too], MAY, UTC_ZONE, 1)

    # then
    assert rules(found) == [
        (
            ConflictRule.CHANNEL_AUDIENCE_OVERLAP,
            Severity.MEDIUM,
            date(2026, 5, 10),
            date(2026, 5, 10),
            ("campaign-1", "campaign-2"),
        )
    ]
    assert found[0].channels == ("EMAIL", "SEO")
    assert found[0].message == (
        "campaign-1 and campaign-2 address the same audience (SMB Europe) on EMAIL, SEO "
        "from 2026-05-10 to 2026-05-10."
    )


def test_a_crowded_day_is_one_launch_more_than_allowed():
    # given: two launches allowed a day; a release spanning two days; a webinar and a
    # deadline, which never crowd a day
    launch = [entry(f"milestone-{n}", EntryKind.LAUNCH, date(2026, 5, 4)) for n in (1, 2)]
    release = entry("milestone-3", EntryKind.RELEASE, date(2026, 5, 4), date(2026, 5, 5))
    event = entry("milestone-4", EntryKind.EVENT, date(2026, 5, 5))
    webinar = entry("milestone-5", EntryKind.WEBINAR, date(2026, 5, 5))
    deadline = entry("milestone-6", EntryKind.DEADLINE, date(2026, 5, 5))
    sixth = [entry(f"milestone-{n}", EntryKind.LAUNCH, date(2026, 5, 6)) for n in range(7, 12)]

    # when
    found = find_conflicts([*launch, release, event, webinar, deadline, *sixth], MAY, UTC_ZONE, 2)

    # then: 4 May has three (MEDIUM), 5 May two (allowed), 6 May five (> 2 x 2: HIGH)
    assert rules(found) == [
        (
            ConflictRule.CROWDED_DAY,
            Severity.MEDIUM,
            date(2026, 5, 4),
            date(2026, 5, 4),
            ("milestone-1", "milestone-2", "milestone-3"),
        ),
        (
            ConflictRule.CROWDED_DAY,
            Severity.HIGH,
            date(2026, 5, 6),
            date(2026, 5, 6),
            tuple(f"milestone-{n}" for n in range(7, 12)),
        ),
    ]
    assert found[0].message.startswith("3 launches, releases and events on 2026-05-04 (at most 2")


def test_exactly_twice_the_allowed_launches_is_medium():
    # given
    four = [entry(f"milestone-{n}", EntryKind.LAUNCH, date(2026, 5, 4)) for n in range(1, 5)]

    # when
    found = find_conflicts(four, MAY, UTC_ZONE, 2)

    # then
    assert [c.severity for c in found] == [Severity.MEDIUM]


def test_timed_launches_crowd_the_day_of_the_zone_asked_for():
    # given: launches at 23:30 UTC on 4 May and 00:30 UTC on 5 May, one launch a day
    late = entry(
        "milestone-1",
        EntryKind.LAUNCH,
        datetime(2026, 5, 4, 23, 30, tzinfo=UTC),
        datetime(2026, 5, 4, 23, 45, tzinfo=UTC),
    )
    early = entry(
        "milestone-2",
        EntryKind.LAUNCH,
        datetime(2026, 5, 5, 0, 30, tzinfo=UTC),
        datetime(2026, 5, 5, 0, 45, tzinfo=UTC),
    )

    # when
    in_utc = find_conflicts([late, early], MAY, UTC_ZONE, 1)
    in_berlin = find_conflicts([late, early], MAY, ZoneInfo("Europe/Berlin"), 1)

    # then: different days in UTC, both on 5 May in Berlin
    assert in_utc == []
    assert rules(in_berlin) == [
        (
            ConflictRule.CROWDED_DAY,
            Severity.MEDIUM,
            date(2026, 5, 5),
            date(2026, 5, 5),
            ("milestone-1", "milestone-2"),
        )
    ]


def test_blocking_events_clash_with_milestones_and_campaign_starts():
    # given: a blocking holiday on 14 May, a non-blocking fair the same day
    holiday = entry(
        "external-1-2026-05-14",
        EntryKind.EXTERNAL,
        date(2026, 5, 14),
        blocking=True,
        external_calendar_name="Public holidays",
        title="Ascension Day",
    )
    fair = entry("external-2-2026-05-14", EntryKind.EXTERNAL, date(2026, 5, 14))
    launch = entry("milestone-1", EntryKind.LAUNCH, date(2026, 5, 14), title="App launch")
    webinar = entry(
        "milestone-2",
        EntryKind.WEBINAR,
        datetime(2026, 5, 14, 15, tzinfo=UTC),
        datetime(2026, 5, 14, 16, tzinfo=UTC),
    )
    day_before = entry("milestone-3", EntryKind.LAUNCH, date(2026, 5, 13))
    ending_at_midnight = entry(
        "milestone-4",
        EntryKind.EVENT,
        datetime(2026, 5, 13, 22, tzinfo=UTC),
        datetime(2026, 5, 14, 0, tzinfo=UTC),
    )
    starts = campaign(5, date(2026, 5, 14), date(2026, 5, 31), "")
    running = campaign(6, date(2026, 5, 1), date(2026, 5, 31), "")
    task = entry("task-7", EntryKind.TASK_DUE, date(2026, 5, 14))
    everything = [holiday, fair, launch, webinar, day_before, ending_at_midnight, starts]

    # when
    found = find_conflicts([*everything, running, task], MAY, UTC_ZONE, 5)

    # then
    blocker = "external-1-2026-05-14"
    assert rules(found) == [
        (
            ConflictRule.BLOCKING_EVENT,
            Severity.MEDIUM,
            date(2026, 5, 14),
            date(2026, 5, 14),
            ("campaign-5", blocker),
        ),
        (
            ConflictRule.BLOCKING_EVENT,
            Severity.HIGH,
            date(2026, 5, 14),
            date(2026, 5, 14),
            ("milestone-1", blocker),
        ),
        (
            ConflictRule.BLOCKING_EVENT,
            Severity.MEDIUM,
            date(2026, 5, 14),
            date(2026, 5, 14),
            ("milestone-2", blocker),
        ),
    ]
    assert found[1].message == (
        "App launch on 2026-05-14, during Ascension Day (Public holidays), an event "
        "marked as blocking."
    )


def test_clashes_outside_the_span_are_left_out():
    # given: two launches on 1 June, one day past the span
    june = [entry(f"milestone-{n}", EntryKind.LAUNCH, date(2026, 6, 1)) for n in (1, 2)]

    # when
    found = find_conflicts(june, MAY, UTC_ZONE, 1)

    # then
    assert found == []
