"""Loading calendar entries from the database and from imported calendars.

Statements are fixed, whatever the size of the organisation or the range: campaigns
overlapping the range or holding its milestones and tasks, milestones and (when asked)
tasks overlapping it, the campaigns' channels, the teams, and three for the objectives
(`server.calendar.objectives`); the imported events come from
`server.external_calendars.occurrences`. Every statement filters on date columns in
SQL (never in Python over the whole organisation); task due dates and imported events'
bounds are indexed. Rows come back as plain values: building ORM objects for tens of
thousands of rows would cost more than everything else together.

Conflicts need every entry of the range, so by default only the dates narrow the load.
A caller that only selects (no conflicts) passes `narrow`, and the query's team, kind
and campaign conditions go into SQL too; `calendar.entries.selected` still applies
every condition exactly afterwards.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from server.calendar.entries import CalendarQuery, Entry, EntryKind
from server.calendar.objectives import ObjectiveIndex
from server.dates import as_utc, clamp_date, clamp_moment
from server.enums import CampaignStatus, Channel, MilestoneKind, TaskStatus
from server.models import Campaign, CampaignChannel, Milestone, Task, Team
from server.task_team import ANNOTATION, tasks_of_teams, with_task_team

NO_TEAM_COLOR = "#6b7280"

ZONE_SLACK = timedelta(days=2)
"""A timed milestone's `start_date` is its date in the zone it was planned in, which is
at most a day from its UTC date; the query's zone adds at most another day. Milestones
are found by their indexed dates widened by this much, then tested exactly."""

CAMPAIGN_COLUMNS = (
    "id",
    "name",
    "description",
    "owner_team_id",
    "audience",
    "start_date",
    "end_date",
    "status",
    "version",
    "updated_at",
)
MILESTONE_COLUMNS = (
    "id",
    "title",
    "description",
    "team_id",
    "kind",
    "start_date",
    "end_date",
    "starts_at",
    "ends_at",
    "campaign_id",
    "key_result_id",
    "version",
    "updated_at",
)
TASK_COLUMNS = (
    "id",
    "title",
    "description",
    "campaign_id",
    "key_result_id",
    "due_date",
    "version",
    "updated_at",
)

Row = dict[str, Any]


def _wants(query: CalendarQuery, narrow: bool, *kinds: EntryKind) -> bool:
    """Whether rows of these kinds can be selected (always, unless narrowing)."""
    return not narrow or query.kinds is None or not query.kinds.isdisjoint(kinds)


def _milestones_near(query: CalendarQuery, narrow: bool = False) -> QuerySet[Milestone]:
    first, last = query.start - ZONE_SLACK, query.end + ZONE_SLACK
    reaches = Q(end_date__gte=first) | Q(end_date__isnull=True, start_date__gte=first)
    found = Milestone.filter(Q(archived_at=None), Q(start_date__lte=last), reaches)
    if narrow:
        if query.kinds is not None:
            found = found.filter(kind__in=[k.value for k in MilestoneKind if k in query.kinds])
        if query.teams is not None:
            found = found.filter(team_id__in=sorted(query.teams))
        if query.campaign is not None:
            found = found.filter(campaign_id=query.campaign)
    return found


def _tasks_due(query: CalendarQuery, narrow: bool = False) -> QuerySet[Task]:
    found = Task.filter(
        archived_at=None, due_date__gte=query.start, due_date__lte=query.end
    ).exclude(status=TaskStatus.CANCELLED)
    if narrow:
        found = tasks_of_teams(found, None if query.teams is None else sorted(query.teams))
        if query.campaign is not None:
            found = found.filter(campaign_id=query.campaign)
    return found


async def _campaigns_of(
    query: CalendarQuery, milestones: bool, tasks: bool, narrow: bool
) -> dict[int, Row]:
    """Live campaigns overlapping the range, and those the range's milestones (and tasks)
    belong to, in one statement."""
    wanted: list[Q] = []
    if _wants(query, narrow, EntryKind.CAMPAIGN):
        overlapping = Q(start_date__lte=query.end, end_date__gte=query.start) & ~Q(
            status=CampaignStatus.CANCELLED
        )
        if narrow and query.teams is not None:
            overlapping &= Q(owner_team_id__in=sorted(query.teams))
        if narrow and query.campaign is not None:
            overlapping &= Q(id=query.campaign)
        wanted.append(overlapping)
    if milestones:
        wanted.append(Q(id__in=Subquery(_milestones_near(query, narrow).values("campaign_id"))))
    if tasks:
        wanted.append(Q(id__in=Subquery(_tasks_due(query, narrow).values("campaign_id"))))
    if not wanted:
        return {}
    rows = await Campaign.filter(Q(archived_at=None), Q(*wanted, join_type=Q.OR)).values(
        *CAMPAIGN_COLUMNS
    )
    return {row["id"]: row for row in rows}


async def load_entries(
    query: CalendarQuery, tasks: bool = False, narrow: bool = False
) -> list[Entry]:
    """Every entry that may overlap the query's range, unfiltered otherwise (the caller
    selects); task due dates only when `tasks`. With `narrow`, rows the query's team,
    kind and campaign conditions leave out are not loaded (too few to find conflicts)."""
    milestone_kinds = [EntryKind(k.value) for k in MilestoneKind]
    with_milestones = _wants(query, narrow, *milestone_kinds)
    tasks = tasks and _wants(query, narrow, EntryKind.TASK_DUE)
    campaigns = await _campaigns_of(query, with_milestones, tasks, narrow)
    milestones = (
        await _milestones_near(query, narrow).values(*MILESTONE_COLUMNS) if with_milestones else []
    )
    due = (
        await with_task_team(_tasks_due(query, narrow)).values(*TASK_COLUMNS, ANNOTATION)
        if tasks
        else []
    )
    channels: dict[int, list[Channel]] = {pk: [] for pk in campaigns}
    if campaigns:
        for campaign_id, channel in (
            await CampaignChannel.filter(campaign_id__in=list(campaigns))
            .order_by("channel")
            .values_list("campaign_id", "channel")
        ):
            channels[campaign_id].append(Channel(channel))
    team_ids = {c["owner_team_id"] for c in campaigns.values()}
    team_ids |= {m["team_id"] for m in milestones} | {t[ANNOTATION] for t in due if t[ANNOTATION]}
    teams: dict[int, tuple[str, str]] = {}
    if team_ids:
        rows = await Team.filter(id__in=team_ids).values_list("id", "name", "color")
        teams = {pk: (name, color) for pk, name, color in rows}
    key_results = {row["key_result_id"] for row in [*milestones, *due] if row["key_result_id"]}
    objectives = await ObjectiveIndex.load(campaigns, key_results)

    def team_fields(team_id: int | None) -> dict:
        team = teams.get(team_id) if team_id else None
        return {
            "team_id": team_id if team else None,
            "team_name": team[0] if team else None,
            "color": team[1] if team else NO_TEAM_COLOR,
        }

    def campaign_fields(campaign_id: int | None) -> dict:
        campaign = campaigns.get(campaign_id) if campaign_id else None
        if campaign is None:
            return {"channels": (), "audience": "", "campaign_id": None}
        return {
            "channels": tuple(channels[campaign_id]),
            "audience": campaign["audience"],
            "campaign_id": campaign_id,
        }

    def reach_fields(campaign_id: int | None, key_result_id: int | None) -> dict:
        live_campaign = campaign_id if campaign_id in campaigns else None
        reach = objectives.reach(live_campaign, key_result_id)
        return {"objectives": reach.objectives, "goal_ids": reach.goal_ids}

    entries: list[Entry] = []
    for campaign in campaigns.values():
        first, last = clamp_date(campaign["start_date"]), clamp_date(campaign["end_date"])
        if campaign["status"] == CampaignStatus.CANCELLED or not query.span.overlaps(
            first, last + timedelta(days=1)
        ):
            continue  # loaded only as the campaign of a milestone or task
        entries.append(
            Entry(
                key=f"campaign-{campaign['id']}",
                kind=EntryKind.CAMPAIGN,
                title=campaign["name"],
                description=campaign["description"],
                all_day=True,
                start=first,
                end=last + timedelta(days=1),
                node_type="Campaign",
                node_id=campaign["id"],
                version=campaign["version"],
                updated_at=as_utc(campaign["updated_at"]),
                **team_fields(campaign["owner_team_id"]),
                **campaign_fields(campaign["id"]),
                **reach_fields(campaign["id"], None),
            )
        )
    for milestone in milestones:
        starts_at, ends_at = milestone["starts_at"], milestone["ends_at"]
        timed = starts_at is not None and ends_at is not None
        first_day: date = clamp_date(milestone["start_date"])
        last_day = clamp_date(milestone["end_date"] or milestone["start_date"])
        entries.append(
            Entry(
                key=f"milestone-{milestone['id']}",
                kind=EntryKind(milestone["kind"]),
                title=milestone["title"],
                description=milestone["description"],
                all_day=not timed,
                start=clamp_moment(starts_at) if timed else first_day,
                end=clamp_moment(ends_at) if timed else last_day + timedelta(days=1),
                node_type="Milestone",
                node_id=milestone["id"],
                version=milestone["version"],
                updated_at=as_utc(milestone["updated_at"]),
                **team_fields(milestone["team_id"]),
                **campaign_fields(milestone["campaign_id"]),
                **reach_fields(milestone["campaign_id"], milestone["key_result_id"]),
            )
        )
    for task in due:
        due_date = clamp_date(task["due_date"])
        entries.append(
            Entry(
                key=f"task-{task['id']}",
                kind=EntryKind.TASK_DUE,
                title=task["title"],
                description=task["description"],
                all_day=True,
                start=due_date,
                end=due_date + timedelta(days=1),
                node_type="Task",
                node_id=task["id"],
                version=task["version"],
                updated_at=as_utc(task["updated_at"]),
                **team_fields(task[ANNOTATION]),
                **campaign_fields(task["campaign_id"]),
                **reach_fields(task["campaign_id"], task["key_result_id"]),
            )
        )
    if _wants(query, narrow, EntryKind.EXTERNAL):
        entries += await external_entries(query)
    return entries


async def external_entries(query: CalendarQuery) -> list[Entry]:
    """Occurrences of imported events in the range. Only the range is asked for: the
    expansion's caps must be spent inside it. (All-day occurrences are judged by the UTC
    days the range touches, which hold every local day of it; `matches` trims the rest.)"""
    from server.external_calendars.occurrences import occurrences_between

    found = await occurrences_between(query.start_utc, query.end_utc)
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
