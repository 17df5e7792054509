"""Timed milestones through the milestone mutations: `startsAt`/`endsAt` both or neither,
the end after the start, each on its calendar date in some time zone; refused writes
change nothing."""

from __future__ import annotations

from datetime import date

from schema.core.node import global_id_of
from server import models
from tests import factories as make

FIELDS = "milestone { id startDate endDate startsAt endsAt version } userErrors { field code }"
CREATE = (
    f"mutation ($input: MilestoneCreateInput!) {{ milestoneCreate(input: $input) {{ {FIELDS} }} }}"
)
UPDATE = (
    f"mutation ($input: MilestoneUpdateInput!) {{ milestoneUpdate(input: $input) {{ {FIELDS} }} }}"
)


async def test_a_timed_milestone_is_stored_in_utc(gql):
    # given
    team = await make.team()

    # when: a webinar at 18:00 in Berlin (summer time)
    payload = await gql.mutate(
        CREATE,
        {
            "title": "Pricing webinar",
            "teamId": global_id_of(team),
            "startDate": "2026-05-04",
            "startsAt": "2026-05-04T18:00:00+02:00",
            "endsAt": "2026-05-04T19:30:00+02:00",
        },
        "milestoneCreate",
    )

    # then
    assert payload["userErrors"] == []
    assert payload["milestone"]["startsAt"] == "2026-05-04T16:00:00+00:00"
    assert payload["milestone"]["endsAt"] == "2026-05-04T17:30:00+00:00"


async def test_late_evening_west_of_utc_is_still_its_own_date(gql):
    # given: 20:00 on 4 May in Los Angeles is 03:00 on 5 May in UTC
    team = await make.team()

    # when
    payload = await gql.mutate(
        CREATE,
        {
            "title": "Launch party",
            "teamId": global_id_of(team),
            "startDate": "2026-05-04",
            "startsAt": "2026-05-04T20:00:00-07:00",
            "endsAt": "2026-05-04T23:00:00-07:00",
        },
        "milestoneCreate",
    )

    # then
    assert payload["userErrors"] == []
    assert payload["milestone"]["startsAt"] == "2026-05-05T03:00:00+00:00"


async def test_bad_times_are_refused_and_nothing_is_written(gql):
    # given
    team = await make.team()
    base = {"title": "Webinar", "teamId": global_id_of(team), "startDate": "2026-05-04"}
    cases = [
        ({"startsAt": "2026-05-04T16:00:00Z"}, [("endsAt", "REQUIRED")]),
        ({"endsAt": "2026-05-04T16:00:00Z"}, [("startsAt", "REQUIRED")]),
        (
            {"startsAt": "2026-05-04T16:00:00Z", "endsAt": "2026-05-04T16:00:00Z"},
            [("endsAt", "END_BEFORE_START")],
        ),
        (
            {"startsAt": "2026-05-04T16:00:00Z", "endsAt": "2026-05-04T15:00:00Z"},
            [("endsAt", "END_BEFORE_START")],
        ),
        (
            {"startsAt": "2026-05-04T16:00:00", "endsAt": "2026-05-04T17:00:00Z"},
            [("startsAt", "INVALID")],
        ),
        (  # 12:00 UTC on 5 May is on 5 May everywhere but UTC-12
            {"startsAt": "2026-05-05T12:00:00Z", "endsAt": "2026-05-05T13:00:00Z"},
            [("startsAt", "INVALID"), ("endsAt", "INVALID")],
        ),
        (  # 09:59 UTC on 3 May is 23:59 on 3 May at UTC+14
            {"startsAt": "2026-05-03T09:59:00Z", "endsAt": "2026-05-04T01:00:00Z"},
            [("startsAt", "INVALID")],
        ),
        (
            {
                "endDate": "2026-05-07",
                "startsAt": "2026-05-04T16:00:00Z",
                "endsAt": "2026-05-04T17:00:00Z",
            },
            [("endsAt", "INVALID")],
        ),
    ]
    for change, expected in cases:
        # when
        payload = await gql.mutate(CREATE, {**base, **change}, "milestoneCreate")

        # then
        assert payload["milestone"] is None, change
        errors = [(e["field"], e["code"]) for e in payload["userErrors"]]
        assert errors == expected, change
    assert await models.Milestone.all().count() == 0


async def test_the_edges_of_the_time_zones_are_accepted(gql):
    # given: 10:00 UTC on 3 May is midnight of 4 May at UTC+14; 11:59 UTC on 5 May is
    # 23:59 on 4 May at UTC-12
    team = await make.team()

    # when
    payload = await gql.mutate(
        CREATE,
        {
            "title": "Around the world",
            "teamId": global_id_of(team),
            "startDate": "2026-05-04",
            "startsAt": "2026-05-03T10:00:00Z",
            "endsAt": "2026-05-05T12:00:00Z",
        },
        "milestoneCreate",
    )

    # then
    assert payload["userErrors"] == []


async def test_update_makes_a_milestone_timed_and_all_day_again(gql):
    # given: an all-day milestone
    team = await make.team()
    milestone = await make.milestone(team, start_date=date(2026, 5, 4))
    target = {"id": global_id_of(milestone)}

    # when: times alone, then a new date that no longer fits them, then both cleared
    timed = await gql.mutate(
        UPDATE,
        {
            **target,
            "version": 1,
            "startsAt": "2026-05-04T09:00:00Z",
            "endsAt": "2026-05-04T10:00:00Z",
        },
        "milestoneUpdate",
    )
    moved = await gql.mutate(
        UPDATE, {**target, "version": 2, "startDate": "2026-05-06"}, "milestoneUpdate"
    )
    cleared = await gql.mutate(
        UPDATE, {**target, "version": 2, "startsAt": None, "endsAt": None}, "milestoneUpdate"
    )
    half = await gql.mutate(
        UPDATE, {**target, "version": 3, "endsAt": "2026-05-04T10:00:00Z"}, "milestoneUpdate"
    )

    # then
    assert timed["milestone"]["startsAt"] == "2026-05-04T09:00:00+00:00"
    assert moved["userErrors"] == [
        {"field": "startsAt", "code": "INVALID"},
        {"field": "endsAt", "code": "INVALID"},
    ]
    assert cleared["milestone"]["startsAt"] is None
    assert cleared["milestone"]["endsAt"] is None
    assert cleared["milestone"]["version"] == 3
    assert half["userErrors"] == [{"field": "startsAt", "code": "REQUIRED"}]
    stored = await models.Milestone.get(pk=milestone.pk)
    assert (stored.start_date, stored.starts_at, stored.ends_at) == (date(2026, 5, 4), None, None)
