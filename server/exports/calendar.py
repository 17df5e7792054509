"""The calendar export: the entries the API's `calendar(from:, to:, timeZone:, filter:)`
returns, in its order (by start, then ID), each with the clashes it is part of.

`from` and `to` are required (both included, at most a year, as in the API); dates and
times are shown in `timeZone` (default UTC); `teams`, `kinds`, `channels`, `under`,
`campaign` and `includeTasks` filter as the API's `CalendarFilter` does.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from server.calendar.conflicts import Conflict
from server.calendar.entries import CalendarQuery, Entry
from server.calendar.ranges import CalendarInputError
from server.calendar.view import load_calendar
from server.exports.columns import Item, Row, Rows, columns
from server.exports.criteria import Criteria, ExportInputError
from server.exports.ids import global_id
from server.exports.source import Source

COLUMNS = columns(
    ("id", "The entry's stable key: campaign-12, milestone-7, task-3 or "
     "external-<calendar>-<occurrence>."),
    ("kind", "CAMPAIGN, a milestone kind, TASK_DUE or EXTERNAL."),
    ("title", "Its title."),
    ("description", "Its description (may hold line breaks)."),
    ("all_day", "true for whole days, false for an entry with times."),
    ("start_date", "Its first day, in the export's time zone."),
    ("end_date", "Its last day (included)."),
    ("starts_at", "Start of a timed entry, with its UTC offset; empty for all-day ones."),
    ("ends_at", "End of a timed entry."),
    ("team", "The team's name; empty for imported events."),
    ("node_type", "Campaign, Milestone or Task; empty for imported events."),
    ("node_id", "The global ID of the node it comes from."),
    ("objective_ids", "Global IDs of the top-level objectives its trace reaches."),
    ("objectives", "Their titles."),
    ("channels", "Channels of its campaign."),
    ("audience", "Audience of its campaign."),
    ("blocking", "true for an imported event marked blocking."),
    ("external_calendar", "Name of the imported calendar it comes from."),
    ("location", "Where an imported event takes place."),
    ("conflicts", "The clashes it is part of: in CSV `RULE SEVERITY: message; ...`, in "
     "JSON lines objects with `rule`, `severity`, `startDate`, `endDate`, `message`."),
)  # fmt: skip


def calendar_rows(source: Source, criteria: Criteria) -> Rows:
    assert criteria.start is not None and criteria.end is not None, "`from`, `to` required"
    try:
        query = CalendarQuery(
            start=criteria.start,
            end=criteria.end,
            zone=criteria.zone,
            teams=criteria.teams,
            kinds=criteria.entry_kinds,
            channels=criteria.channels,
            under=criteria.under,
            campaign=criteria.campaign,
            include_tasks=criteria.include_tasks,
        )
    except CalendarInputError as error:
        raise ExportInputError(str(error), error.argument) from None
    view = load_calendar(source.snapshot, query, source.thresholds.launches_per_day)
    clashes: dict[str, list[Conflict]] = defaultdict(list)
    for conflict in view.conflicts:
        for key in dict.fromkeys(conflict.keys):
            clashes[key].append(conflict)
    return (_row(entry, query, clashes.get(entry.key, [])) for entry in view.entries)


def _conflict(conflict: Conflict) -> Item:
    return Item(
        {
            "rule": conflict.rule.value,
            "severity": conflict.severity.value,
            "startDate": conflict.start,
            "endDate": conflict.end,
            "message": conflict.message,
        },
        f"{conflict.rule.value} {conflict.severity.value}: {conflict.message}",
    )


def _row(entry: Entry, query: CalendarQuery, conflicts: list[Conflict]) -> Row:
    zone = query.zone
    starts = entry.start.astimezone(zone) if isinstance(entry.start, datetime) else None
    ends = entry.end.astimezone(zone) if isinstance(entry.end, datetime) else None
    node = None
    if entry.node_type is not None and entry.node_id is not None:
        node = global_id(entry.node_type, entry.node_id)
    return (
        entry.key,
        entry.kind.value,
        entry.title,
        entry.description,
        entry.all_day,
        entry.first_day(zone),
        entry.last_day(zone),
        None if entry.all_day else starts,
        None if entry.all_day else ends,
        entry.team_name,
        entry.node_type,
        node,
        [global_id("Goal", pk) for pk, _ in entry.objectives],
        [title for _, title in entry.objectives],
        [channel.value for channel in entry.channels],
        entry.audience,
        entry.blocking,
        entry.external_calendar_name,
        entry.location,
        [_conflict(conflict) for conflict in conflicts],
    )
