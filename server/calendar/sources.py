"""Calendar entries built from the request's snapshot of the read model, without SQL.

Campaigns, milestones and task due dates near the range are found through the
snapshot's date indexes (`server.calendar.dated`), so a request reads about the rows
of its range however large the organisation; their entries are built once per snapshot
(`server.calendar.node_entries`); imported events come expanded from
`server.external_calendars.occurrences`, memoised per snapshot too.

Conflicts need every entry of the range, so by default only the dates narrow the rows.
A caller that only selects (no conflicts) passes `narrow`, and the query's team, kind
and campaign conditions leave rows out before entries are built;
`calendar.entries.selected` still applies every condition exactly afterwards.
"""

from __future__ import annotations

from datetime import timedelta

from server.calendar import dated
from server.calendar.entries import CalendarQuery, Entry, EntryKind
from server.calendar.node_entries import campaign_entry, milestone_entry, task_entry
from server.dates import as_utc, clamp_date
from server.enums import CampaignStatus, MilestoneKind
from server.external_calendars.occurrences import occurrences_between
from server.models import Campaign, Milestone, Task
from server.read_model import Snapshot
from server.task_team import team_of

ZONE_SLACK = timedelta(days=2)
"""A timed milestone's `start_date` is its date in the zone it was planned in, which is
at most a day from its UTC date; the query's zone adds at most another day. Milestones
are found by their dates widened by this much, then tested exactly."""

MILESTONE_KINDS = frozenset(EntryKind(kind.value) for kind in MilestoneKind)


def _wants(query: CalendarQuery, narrow: bool, *kinds: EntryKind) -> bool:
    """Whether rows of these kinds can be selected (always, unless narrowing)."""
    return not narrow or query.kinds is None or not query.kinds.isdisjoint(kinds)


def _milestones_near(snapshot: Snapshot, query: CalendarQuery, narrow: bool) -> list[Milestone]:
    first, last = query.start - ZONE_SLACK, query.end + ZONE_SLACK
    found = [
        milestone
        for milestone in dated.milestones(snapshot).meeting(first, last)
        if milestone.start_date <= last and (milestone.end_date or milestone.start_date) >= first
    ]
    if narrow:
        found = [
            m
            for m in found
            if (query.kinds is None or EntryKind(m.kind) in query.kinds)
            and (query.teams is None or m.team_id in query.teams)
            and (query.campaign is None or m.campaign_id == query.campaign)
        ]
    return found


def _tasks_due(snapshot: Snapshot, query: CalendarQuery, narrow: bool) -> list[Task]:
    found = dated.tasks_due(snapshot).meeting(query.start, query.end)
    if narrow:
        found = [
            task
            for task in found
            if (query.teams is None or team_of(snapshot, task) in query.teams)
            and (query.campaign is None or task.campaign_id == query.campaign)
        ]
    return found


def _campaigns(
    snapshot: Snapshot, query: CalendarQuery, narrow: bool, holding: set[int]
) -> list[Campaign]:
    """Live campaigns overlapping the range (unless narrowed away), and the live ones
    in `holding` (those of the range's milestones and tasks), in campaign order."""
    index = dated.campaigns(snapshot)
    found: dict[int, Campaign] = {}
    if _wants(query, narrow, EntryKind.CAMPAIGN):
        for campaign in index.meeting(query.start, query.end):
            overlaps = campaign.start_date <= query.end and campaign.end_date >= query.start
            if not overlaps or campaign.status == CampaignStatus.CANCELLED:
                continue
            if narrow and query.teams is not None and campaign.owner_team_id not in query.teams:
                continue
            if narrow and query.campaign is not None and campaign.pk != query.campaign:
                continue
            found[campaign.pk] = campaign
    for pk in holding - found.keys():
        campaign = snapshot.live(Campaign, pk)
        if campaign is not None:
            found[pk] = campaign
    return snapshot.ordered(Campaign, found.values())


def load_entries(
    snapshot: Snapshot, query: CalendarQuery, tasks: bool = False, narrow: bool = False
) -> list[Entry]:
    """Every entry that may overlap the query's range, unfiltered otherwise (the caller
    selects); task due dates only when `tasks`. With `narrow`, rows the query's team,
    kind and campaign conditions leave out are not read (too few to find conflicts)."""
    milestones = (
        _milestones_near(snapshot, query, narrow) if _wants(query, narrow, *MILESTONE_KINDS) else []
    )
    due = (
        _tasks_due(snapshot, query, narrow)
        if tasks and _wants(query, narrow, EntryKind.TASK_DUE)
        else []
    )
    holding = {m.campaign_id for m in milestones if m.campaign_id}
    holding |= {task.campaign_id for task in due if task.campaign_id}
    entries: list[Entry] = []
    for campaign in _campaigns(snapshot, query, narrow, holding):
        first, last = clamp_date(campaign.start_date), clamp_date(campaign.end_date)
        if campaign.status == CampaignStatus.CANCELLED or not query.span.overlaps(
            first, last + timedelta(days=1)
        ):
            continue  # read only as the campaign of a milestone or task
        entries.append(campaign_entry(snapshot, campaign))
    entries += [milestone_entry(snapshot, milestone) for milestone in milestones]
    entries += [task_entry(snapshot, task) for task in due]
    if _wants(query, narrow, EntryKind.EXTERNAL):
        entries += external_entries(snapshot, query)
    return entries


def external_entries(snapshot: Snapshot, query: CalendarQuery) -> list[Entry]:
    """Occurrences of imported events in the range. Only the range is asked for: the
    expansion's caps must be spent inside it. (All-day occurrences are judged by the UTC
    days the range touches, which hold every local day of it; `matches` trims the rest.)"""
    found = occurrences_between(snapshot, query.start_utc, query.end_utc)
    entries = []
    for occurrence in found:
        start = occurrence.start if occurrence.all_day else as_utc(occurrence.start)
        end = occurrence.end if occurrence.all_day else as_utc(occurrence.end)
        entries.append(
            Entry(
                key=occurrence.key,
                kind=EntryKind.EXTERNAL,
                title=occurrence.summary,
                description=occurrence.description,
                all_day=occurrence.all_day,
                start=start,
                end=end,
                team_id=None,
                team_name=None,
                color=occurrence.color,
                node_type=None,
                node_id=None,
                objectives=(),
                version=occurrence.sequence,
                updated_at=as_utc(occurrence.updated_at),
                external_calendar_id=occurrence.calendar_id,
                external_calendar_name=occurrence.calendar_name,
                blocking=occurrence.blocking,
                location=occurrence.location,
            )
        )
    return entries
