"""The calendar's answers are memoised per snapshot of the read model: the same query
asked again of the same data version is not computed again, any write is seen by the
next request, queries differing in one condition never share an answer, and a snapshot
keeps a bounded number of them.

Ranges are in April 2026; Europe/Berlin is at +02:00 then.
"""

from __future__ import annotations

import dataclasses
import random
import threading
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from schema.core.connection import encode_cursor
from schema.core.node import global_id_of
from server import models
from server.calendar import view
from server.calendar.entries import CalendarQuery, EntryKind
from server.enums import Channel, MilestoneKind
from tests import factories as make
from tests.snapshots import current, edited

CALENDAR = """
query ($from: Date!, $to: Date!, $zone: String, $filter: CalendarFilter, $after: String) {
  calendar(from: $from, to: $to, timeZone: $zone, filter: $filter) {
    entries(first: 2, after: $after) {
      totalCount pageInfo { hasNextPage endCursor }
      nodes { id startDate endDate color channels audience objectives { title } }
    }
  }
}
"""

WITH_CONFLICTS = """
query ($from: Date!, $to: Date!, $filter: CalendarFilter) {
  calendar(from: $from, to: $to, filter: $filter) {
    entries(first: 100) { totalCount nodes { id } }
    conflicts { rule entries { id } }
  }
}
"""

MILESTONE_UPDATE = """
mutation ($input: MilestoneUpdateInput!) {
  milestoneUpdate(input: $input) { milestone { id } userErrors { field code message } }
}
"""

APRIL = {"from": "2026-04-01", "to": "2026-04-30"}


@pytest.fixture
def builds(monkeypatch) -> list[tuple]:
    """Every calendar computed afresh rather than taken from a memo, as (snapshot, query,
    conflicts wanted)."""
    found: list[tuple] = []
    build = view.build_calendar

    def counted(snapshot, query, launches_per_day, conflicts_wanted):
        found.append((snapshot, query, conflicts_wanted))
        return build(snapshot, query, launches_per_day, conflicts_wanted)

    monkeypatch.setattr(view, "build_calendar", counted)
    return found


@pytest.fixture
async def april(db):
    """Growth's "Spring" campaign (1 to 20 April, email, for "SMB Europe", serving "Grow
    revenue") with a launch on the 15th and a task due on the 10th; Brand's webinar at
    22:30 UTC on 30 April, which is 1 May in Berlin; Brand's "Autumn" campaign in
    October, and a goal nothing serves."""
    growth = await make.team(name="Growth", color="#112233")
    brand = await make.team(name="Brand", color="#445566")
    objective = await make.goal(growth, title="Grow revenue")
    idle_goal = await make.goal(brand, title="Idle")
    key_result = await make.key_result(objective)
    spring = await make.campaign(
        growth,
        channels=[Channel.EMAIL],
        name="Spring",
        audience="SMB Europe",
        start_date=date(2026, 4, 1),
        end_date=date(2026, 4, 20),
    )
    autumn = await make.campaign(
        brand, name="Autumn", start_date=date(2026, 10, 1), end_date=date(2026, 10, 31)
    )
    alignment = await make.align(spring, key_result)
    launch = await make.milestone(
        growth, title="Launch", kind=MilestoneKind.LAUNCH, campaign=spring,
        start_date=date(2026, 4, 15),
    )  # fmt: skip
    webinar = await make.milestone(
        brand, title="Webinar", kind=MilestoneKind.WEBINAR, start_date=date(2026, 4, 30),
        starts_at=datetime(2026, 4, 30, 22, 30, tzinfo=UTC),
        ends_at=datetime(2026, 4, 30, 23, 30, tzinfo=UTC),
    )  # fmt: skip
    task = await make.task(campaign=spring, due_date=date(2026, 4, 10))
    keys = type(
        "Keys",
        (),
        {
            "spring": f"campaign-{spring.pk}",
            "launch": f"milestone-{launch.pk}",
            "webinar": f"milestone-{webinar.pk}",
            "task": f"task-{task.pk}",
        },
    )
    return type("April", (), locals())


async def raw_calendar(gql, variables: dict) -> bytes:
    """The response body of the calendar query, byte for byte."""
    response = await gql.http.post(
        "/graphql", json={"query": CALENDAR, "variables": variables}, headers=await gql.headers()
    )
    assert response.status_code == 200, response.text
    return response.content


async def entry_ids(gql, variables: dict) -> list[str]:
    """Every entry of the calendar, page by page (two to a page)."""
    found, after = [], None
    while True:
        page = (await gql.data(CALENDAR, {**variables, "after": after}))["calendar"]["entries"]
        found += [node["id"] for node in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            return found
        after = page["pageInfo"]["endCursor"]


async def test_the_same_calendar_twice_is_computed_once_and_answered_alike(gql, april, builds):
    # given: the read model up to date with the organisation
    await gql.settle()
    variables = {**APRIL, "filter": {"includeTasks": True}}

    # when
    first = await raw_calendar(gql, variables)
    second = await raw_calendar(gql, variables)
    later_page = await raw_calendar(gql, {**variables, "after": encode_cursor(1)})

    # then: one computation served all three, the third only a later page of it
    assert second == first
    assert b'"totalCount":4' in first
    assert april.keys.spring.encode() in first and april.keys.task.encode() in first
    assert april.keys.launch.encode() in later_page
    assert april.keys.webinar.encode() in later_page
    assert len(builds) == 1
    snapshot, _, _ = builds[0]
    assert len(view.memo_of(snapshot)) == 1


async def move_launch(gql, april) -> None:
    payload = await gql.mutate(
        MILESTONE_UPDATE,
        {"id": global_id_of(april.launch), "version": 1, "startDate": "2026-05-05"},
        "milestoneUpdate",
    )
    assert payload["userErrors"] == []


async def recolour_growth(gql, april) -> None:
    await models.Team.filter(id=april.growth.pk).update(color="#abcdef")


async def archive_alignment(gql, april) -> None:
    await make.archive(april.alignment)


async def give_objective_a_parent(gql, april) -> None:
    company = await make.goal(april.growth, title="Company")
    await models.Goal.filter(id=april.objective.pk).update(parent_id=company.pk)


async def drop_email(gql, april) -> None:
    await models.CampaignChannel.filter(campaign_id=april.spring.pk).delete()


async def change_audience(gql, april) -> None:
    await models.Campaign.filter(id=april.spring.pk).update(audience="Enterprise")


async def cancel_task_date(gql, april) -> None:
    await models.Task.filter(id=april.task.pk).update(due_date=date(2026, 6, 1))


def shown(nodes: list[dict]) -> list[tuple]:
    return [
        (n["id"], n["color"], tuple(n["channels"]), n["audience"],
         tuple(o["title"] for o in n["objectives"]))
        for n in nodes
    ]  # fmt: skip


@pytest.mark.parametrize(
    "write",
    [
        move_launch,
        recolour_growth,
        archive_alignment,
        give_objective_a_parent,
        drop_email,
        change_audience,
        cancel_task_date,
    ],
)
async def test_a_write_between_two_identical_reads_shows_in_the_second(gql, april, builds, write):
    # given: the Growth team's calendar, read once (and kept)
    variables = {**APRIL, "filter": {"teams": [global_id_of(april.growth)], "includeTasks": True}}
    await gql.settle()
    before = (await gql.data(CALENDAR, variables))["calendar"]["entries"]
    assert (await gql.data(CALENDAR, variables))["calendar"]["entries"] == before

    # when: a write to one of the tables the calendar reads, by this server or another
    await write(gql, april)
    after = await gql.data(CALENDAR, variables)

    # then: the second answer is the calendar of the new data version
    assert len(builds) == 2, "the write must start a new memo"
    expected = view.build_calendar(await current(), builds[-1][1], 1, False)
    assert after["calendar"]["entries"]["totalCount"] == len(expected.entries)
    assert after["calendar"]["entries"] != before
    ids_after = await entry_ids(gql, variables)
    assert ids_after == [entry.key for entry in expected.entries]


async def test_each_write_shows_in_the_next_answer(gql, april, builds):
    # given
    variables = {**APRIL, "filter": {"teams": [global_id_of(april.growth)]}}
    await gql.settle()
    first = (await gql.data(CALENDAR, variables))["calendar"]["entries"]["nodes"]

    # when: the team changes colour, then the launch moves out of April
    await recolour_growth(gql, april)
    second = (await gql.data(CALENDAR, variables))["calendar"]["entries"]["nodes"]
    await move_launch(gql, april)
    third = (await gql.data(CALENDAR, variables))["calendar"]["entries"]["nodes"]

    # then
    assert shown(first) == [
        (april.keys.spring, "#112233", ("EMAIL",), "SMB Europe", ("Grow revenue",)),
        (april.keys.launch, "#112233", ("EMAIL",), "SMB Europe", ("Grow revenue",)),
    ]
    assert [n["color"] for n in second] == ["#abcdef", "#abcdef"]
    assert [n["id"] for n in third] == [april.keys.spring]


async def test_conflicts_follow_a_write_too(gql, april):
    # given: one launch a day is allowed; the calendar with its conflicts is read once
    await gql.settle()
    before = (await gql.data(WITH_CONFLICTS, APRIL))["calendar"]

    # when: the webinar becomes a launch on the 15th, the launch's day
    await models.Milestone.filter(id=april.webinar.pk).update(
        kind=MilestoneKind.LAUNCH, start_date=date(2026, 4, 15), starts_at=None, ends_at=None
    )
    after = (await gql.data(WITH_CONFLICTS, APRIL))["calendar"]

    # then
    assert before["conflicts"] == []
    assert after["conflicts"] == [
        {
            "rule": "CROWDED_DAY",
            "entries": [{"id": april.keys.launch}, {"id": april.keys.webinar}],
        }
    ]


# (what differs, first query, its entries, second query, its entries); a query is
# (from, to, zone, filter) and entries are named by the fixture's keys
PAIRS = [
    ("teams", ("04-01", "04-30", None, {"teams": "growth"}), ["spring", "launch"],
     ("04-01", "04-30", None, {"teams": "brand"}), ["webinar"]),
    ("kinds", ("04-01", "04-30", None, {"kinds": ["LAUNCH"]}), ["launch"],
     ("04-01", "04-30", None, {"kinds": ["WEBINAR"]}), ["webinar"]),
    ("zone", ("04-01", "04-30", "UTC", {}), ["spring", "launch", "webinar"],
     ("04-01", "04-30", "Europe/Berlin", {}), ["spring", "launch"]),
    ("include tasks", ("04-01", "04-30", None, {}), ["spring", "launch", "webinar"],
     ("04-01", "04-30", None, {"includeTasks": True}), ["spring", "task", "launch", "webinar"]),
    ("channels", ("04-01", "04-30", None, {"channels": ["EMAIL"]}), ["spring", "launch"],
     ("04-01", "04-30", None, {"channels": ["PAID_SEARCH"]}), []),
    ("audiences", ("04-01", "04-30", None, {"audiences": ["smb  europe"]}), ["spring", "launch"],
     ("04-01", "04-30", None, {"audiences": ["Enterprise"]}), []),
    ("under", ("04-01", "04-30", None, {"under": "objective"}), ["spring", "launch"],
     ("04-01", "04-30", None, {"under": "idle_goal"}), []),
    ("campaign", ("04-01", "04-30", None, {"campaign": "spring"}), ["spring", "launch"],
     ("04-01", "04-30", None, {"campaign": "autumn"}), []),
    ("start", ("04-01", "04-30", None, {}), ["spring", "launch", "webinar"],
     ("04-16", "04-30", None, {}), ["spring", "webinar"]),
    ("end", ("04-01", "04-30", None, {}), ["spring", "launch", "webinar"],
     ("04-01", "04-14", None, {}), ["spring"]),
]  # fmt: skip


def variables_of(april, query) -> dict:
    start, end, zone, conditions = query
    filter = {}
    for name, value in conditions.items():
        if name == "teams":
            filter[name] = [global_id_of(getattr(april, value))]
        elif name in ("under", "campaign"):
            filter[name] = global_id_of(getattr(april, value))
        else:
            filter[name] = value
    found = {"from": f"2026-{start}", "to": f"2026-{end}", "filter": filter}
    if zone is not None:
        found["zone"] = zone
    return found


@pytest.mark.parametrize(
    ("first", "first_entries", "second", "second_entries"),
    [pair[1:] for pair in PAIRS],
    ids=[pair[0] for pair in PAIRS],
)
async def test_queries_differing_in_one_condition_get_their_own_answers(
    gql, april, builds, first, first_entries, second, second_entries
):
    # given
    await gql.settle()
    a, b = variables_of(april, first), variables_of(april, second)

    # when: each asked twice, alternately
    answers = [await entry_ids(gql, variables) for variables in (a, b, a, b)]

    # then: each its own, computed once
    expected_a = [getattr(april.keys, name) for name in first_entries]
    expected_b = [getattr(april.keys, name) for name in second_entries]
    assert answers == [expected_a, expected_b, expected_a, expected_b]
    assert len(builds) == 2


async def test_a_page_without_conflicts_does_not_answer_for_conflicts(gql, april, builds):
    # given: the calendar read without its conflicts
    await gql.settle()
    await gql.data(CALENDAR, APRIL)

    # when: the same range with them
    found = (await gql.data(WITH_CONFLICTS, APRIL))["calendar"]

    # then
    assert found["conflicts"] == []
    assert [wanted for _, _, wanted in builds] == [False, True]


async def test_a_snapshot_keeps_a_bounded_number_of_calendars(gql, april, builds, monkeypatch):
    # given: room for three calendars a snapshot
    monkeypatch.setattr(view, "MEMO_QUERIES", 3)
    await gql.settle()
    ranges = [{"from": "2026-04-01", "to": f"2026-04-{day:02}"} for day in range(20, 26)]

    # when: six different ranges, then the last and the first again
    for variables in ranges:
        await gql.data(CALENDAR, variables)
    snapshot = builds[-1][0]
    kept = len(view.memo_of(snapshot))
    await gql.data(CALENDAR, ranges[-1])
    built_for_last = len(builds) - len(ranges)
    await gql.data(CALENDAR, ranges[0])

    # then: three kept; the last still among them, the first long forgotten
    assert kept == 3
    assert built_for_last == 0
    assert len(builds) == len(ranges) + 1
    assert len(view.memo_of(snapshot)) == 3
    assert {b[0] for b in builds} == {snapshot}


async def test_the_memo_holds_at_most_its_items(gql, april, builds, monkeypatch):
    # given: room for calendars of four entries and conflicts in all
    monkeypatch.setattr(view, "MEMO_ITEMS", 4)
    await gql.settle()
    everything = {**APRIL, "filter": {"includeTasks": True}}

    # when: a calendar of four entries (five items with itself), then one of one entry
    await gql.data(CALENDAR, everything)
    await gql.data(CALENDAR, everything)
    await gql.data(CALENDAR, {**APRIL, "filter": {"kinds": ["LAUNCH"]}})
    await gql.data(CALENDAR, {**APRIL, "filter": {"kinds": ["LAUNCH"]}})

    # then: the large one was never kept, the small one was
    assert len(builds) == 3
    memo = view.memo_of(builds[-1][0])
    assert len(memo) == 1 and memo.size <= 4


# --- the domain: what the memo is keyed by, and where it lives --------------------------


def test_every_field_of_a_calendar_query_tells_queries_apart():
    # given: a query, and for each of its fields another value
    base = CalendarQuery(date(2026, 4, 1), date(2026, 4, 30))
    others = {
        "start": date(2026, 4, 2),
        "end": date(2026, 4, 29),
        "zone": ZoneInfo("Europe/Berlin"),
        "teams": [1],
        "kinds": [EntryKind.LAUNCH],
        "channels": [Channel.EMAIL],
        "audiences": ["smb"],
        "under": 1,
        "campaign": 1,
        "include_tasks": True,
    }

    # when
    variants = {name: dataclasses.replace(base, **{name: value}) for name, value in others.items()}

    # then: every field is covered here, and each makes another key
    assert set(others) == {f.name for f in dataclasses.fields(CalendarQuery)}
    for name, variant in variants.items():
        assert variant != base, name
        assert len({base, variant}) == 2, name
    assert CalendarQuery(date(2026, 4, 1), date(2026, 4, 30), teams=[2, 1]) == CalendarQuery(
        date(2026, 4, 1), date(2026, 4, 30), teams=(1, 2)
    )


async def test_launches_allowed_a_day_and_conflicts_wanted_are_part_of_the_key(april):
    # given: a second launch on the launch's day
    await make.milestone(april.growth, kind=MilestoneKind.LAUNCH, start_date=date(2026, 4, 15))
    snapshot = await current()
    query = CalendarQuery(date(2026, 4, 1), date(2026, 4, 30))

    # when
    strict = view.load_calendar(snapshot, query, 1)
    lenient = view.load_calendar(snapshot, query, 2)
    paged = view.load_calendar(snapshot, query, 1, conflicts_wanted=False)

    # then
    assert [c.rule for c in strict.conflicts] == ["CROWDED_DAY"]
    assert lenient.conflicts == ()
    with pytest.raises(RuntimeError):
        paged.conflicts  # noqa: B018 (the property raises)
    assert paged.entries == strict.entries
    assert view.load_calendar(snapshot, query, 1) is strict


async def test_a_write_to_what_calendars_read_starts_without_them(april):
    # given: a calendar with task due dates, kept with a snapshot
    snapshot = await current()
    query = CalendarQuery(date(2026, 4, 1), date(2026, 4, 30), include_tasks=True)
    kept = view.load_calendar(snapshot, query, 1)
    key_result = next(iter(snapshot.table(models.KeyResult).values()))
    task = next(iter(snapshot.table(models.Task).values()))

    # when: a check-in (a key result's value and version), then a renamed task
    checked_in = edited(key_result, current_value=Decimal("3"), version=key_result.version + 1)
    after_check_in = snapshot.changed(
        snapshot.version + 1, {"key_result": {key_result.pk: checked_in}}
    )
    renamed = edited(task, title="Renamed", version=task.version + 1)
    after_rename = after_check_in.changed(after_check_in.version + 1, {"task": {task.pk: renamed}})

    # then: the check-in keeps the answer; the rename starts without it
    assert view.load_calendar(after_check_in, query, 1) is kept
    assert len(view.memo_of(after_rename)) == 0
    again = view.load_calendar(after_rename, query, 1)
    assert again is not kept
    assert "Renamed" in [entry.title for entry in again.entries]
    assert view.load_calendar(snapshot, query, 1) is kept


async def test_threads_sharing_a_snapshot_get_right_answers(april, monkeypatch):
    # given: a memo smaller than the queries asked, so entries come and go meanwhile
    monkeypatch.setattr(view, "MEMO_QUERIES", 3)
    snapshot = await current()
    queries = [
        CalendarQuery(date(2026, 4, 1), date(2026, 4, day), include_tasks=day % 2 == 0)
        for day in range(9, 21)
    ]
    expected = {q: view.build_calendar(snapshot, q, 1, True).entries for q in queries}
    failures: list[str] = []

    def read(seed: int) -> None:
        chooser = random.Random(seed)
        for _ in range(200):
            query = chooser.choice(queries)
            if view.load_calendar(snapshot, query, 1).entries != expected[query]:
                failures.append(f"{query.end} {query.include_tasks}")

    # when: four threads read at once
    threads = [threading.Thread(target=read, args=(seed,)) for seed in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then
    assert failures == []
    assert len(view.memo_of(snapshot)) <= 3
