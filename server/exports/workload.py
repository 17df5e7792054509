"""The workload export: for each team, then each person, a row per week (Monday to
Sunday) of the range with capacity against booked hours, as `team.workload` and
`user.workload` compute them.

`from` and `to` are required and cover at most `MAX_WEEKS` whole weeks, as in the API.
`teams` keeps those teams and the people on them. Teams and people come by name, then
ID; archived ones are left out.
"""

from __future__ import annotations

from datetime import date

from server import models
from server.exports.columns import Row, Rows, columns
from server.exports.criteria import Criteria, ExportInputError
from server.exports.ids import global_id
from server.exports.source import Source
from server.rollups.arithmetic import cents, fraction
from server.rollups.workload import Workload, monday_of
from server.selection import admits

MAX_WEEKS = 60

COLUMNS = columns(
    ("subject_type", "TEAM or PERSON."),
    ("subject_id", "The team's or person's global ID."),
    ("subject", "The team's or person's name."),
    ("week_start", "Monday of the week."),
    ("week_end", "Sunday of the week."),
    ("capacity_hours", "Hours available: a person's weekly capacity; a team's members' "
     "capacity, each divided by the number of teams they are on."),
    ("booked_hours", "Hours the open tasks book in the week."),
    ("utilisation", "Booked over capacity; empty without capacity."),
    ("overbooked", "true when booked past capacity."),
    ("tasks", "Number of tasks booking hours in the week."),
)  # fmt: skip


def workload_rows(source: Source, criteria: Criteria) -> Rows:
    start, end = criteria.start, criteria.end
    assert start is not None and end is not None, "`from` and `to` are required"
    if (monday_of(end) - monday_of(start)).days // 7 + 1 > MAX_WEEKS:
        raise ExportInputError(f"A workload covers at most {MAX_WEEKS} weeks.", "to")
    return _rows(source, criteria, start, end)


def _rows(source: Source, criteria: Criteria, start: date, end: date) -> Rows:
    snapshot, engine = source.snapshot, source.rollups
    teams = [
        team
        for team in snapshot.ordered(models.Team, snapshot.table(models.Team).values())
        if team.archived_at is None and admits(criteria.teams, team.pk)
    ]
    for team in teams:
        load = engine.team_workload(team.pk, start, end)
        yield from _weeks("TEAM", global_id("Team", team.pk), team.name, load)
    chosen = {team.pk for team in teams}
    people = snapshot.ordered(models.User, snapshot.table(models.User).values())
    for person in people:
        if person.archived_at is not None:
            continue
        if criteria.teams is not None and not chosen & set(
            engine.graph.teams_of.get(person.pk, [])
        ):
            continue
        load = engine.user_workload(person.pk, start, end)
        yield from _weeks("PERSON", global_id("User", person.pk), person.name, load)


def _weeks(kind: str, subject_id: str, name: str, load: Workload) -> Rows:
    for week in load.weeks:
        utilisation = week.utilisation
        row: Row = (
            kind,
            subject_id,
            name,
            week.start,
            week.end,
            cents(week.capacity),
            cents(week.booked),
            None if utilisation is None else fraction(utilisation),
            week.overbooked,
            len(week.bookings),
        )
        yield row
