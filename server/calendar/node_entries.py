"""The calendar entry of one campaign, milestone or task, memoised per snapshot.

An entry depends on its row, its team, its live campaign (channels and audience) and
the objectives it reaches, never on the query that finds it, so each is built once per
snapshot and later requests look it up. A later snapshot keeps the built entries while
none of the tables they are read from changes (`Snapshot.index`).
"""

from __future__ import annotations

from datetime import timedelta

from server.calendar import dated
from server.calendar.entries import Entry, EntryKind
from server.calendar.objectives import reach
from server.dates import as_utc, clamp_date, clamp_moment
from server.models import Campaign, Milestone, Task, Team
from server.read_model import Snapshot
from server.task_team import team_of

NO_TEAM_COLOR = "#6b7280"

READS = (
    "campaign",
    "campaign_channel",
    "alignment",
    "key_result.archived_at",
    "key_result.goal_id",
    "goal",
    "team",
    "milestone",
    "task",
)
"""Every table an entry of the organisation's work is read from (of key results only
whether they are live and their goal: a check-in keeps the entries)."""


def _built(snapshot: Snapshot) -> dict[str, Entry]:
    return snapshot.index("calendar.node_entries", READS, lambda _: {})


def _team_fields(snapshot: Snapshot, team_id: int | None) -> dict:
    team = snapshot.row(Team, team_id) if team_id else None
    return {
        "team_id": team_id if team else None,
        "team_name": team.name if team else None,
        "color": team.color if team else NO_TEAM_COLOR,
    }


def _work_fields(snapshot: Snapshot, campaign_id: int | None, key_result_id: int | None) -> dict:
    """Channels, audience and objectives from the live campaign and the key result."""
    campaign = snapshot.live(Campaign, campaign_id)
    found = reach(snapshot, campaign.pk if campaign else None, key_result_id)
    fields = {"objectives": found.objectives, "goal_ids": found.goal_ids}
    if campaign is None:
        return fields | {"channels": (), "audience": "", "campaign_id": None}
    return fields | {
        "channels": dated.channels(snapshot).get(campaign.pk, ()),
        "audience": campaign.audience,
        "campaign_id": campaign.pk,
    }


def campaign_entry(snapshot: Snapshot, campaign: Campaign) -> Entry:
    """The entry of a live campaign: its dates, all day."""
    key = f"campaign-{campaign.pk}"
    built = _built(snapshot)
    entry = built.get(key)
    if entry is None:
        first, last = clamp_date(campaign.start_date), clamp_date(campaign.end_date)
        entry = built[key] = Entry(
            key=key,
            kind=EntryKind.CAMPAIGN,
            title=campaign.name,
            description=campaign.description,
            all_day=True,
            start=first,
            end=last + timedelta(days=1),
            node_type="Campaign",
            node_id=campaign.pk,
            version=campaign.version,
            updated_at=as_utc(campaign.updated_at),
            **_team_fields(snapshot, campaign.owner_team_id),
            **_work_fields(snapshot, campaign.pk, None),
        )
    return entry


def milestone_entry(snapshot: Snapshot, milestone: Milestone) -> Entry:
    """The entry of a live milestone: its UTC times when it has both, else its dates."""
    key = f"milestone-{milestone.pk}"
    built = _built(snapshot)
    entry = built.get(key)
    if entry is None:
        starts_at, ends_at = milestone.starts_at, milestone.ends_at
        timed = starts_at is not None and ends_at is not None
        first_day = clamp_date(milestone.start_date)
        last_day = clamp_date(milestone.end_date or milestone.start_date)
        entry = built[key] = Entry(
            key=key,
            kind=EntryKind(milestone.kind),
            title=milestone.title,
            description=milestone.description,
            all_day=not timed,
            start=clamp_moment(starts_at) if timed else first_day,
            end=clamp_moment(ends_at) if timed else last_day + timedelta(days=1),
            node_type="Milestone",
            node_id=milestone.pk,
            version=milestone.version,
            updated_at=as_utc(milestone.updated_at),
            **_team_fields(snapshot, milestone.team_id),
            **_work_fields(snapshot, milestone.campaign_id, milestone.key_result_id),
        )
    return entry


def task_entry(snapshot: Snapshot, task: Task) -> Entry:
    """The entry of a live task's due date, in the team the task belongs to."""
    key = f"task-{task.pk}"
    built = _built(snapshot)
    entry = built.get(key)
    if entry is None:
        due_date = clamp_date(task.due_date)
        entry = built[key] = Entry(
            key=key,
            kind=EntryKind.TASK_DUE,
            title=task.title,
            description=task.description,
            all_day=True,
            start=due_date,
            end=due_date + timedelta(days=1),
            node_type="Task",
            node_id=task.pk,
            version=task.version,
            updated_at=as_utc(task.updated_at),
            **_team_fields(snapshot, team_of(snapshot, task)),
            **_work_fields(snapshot, task.campaign_id, task.key_result_id),
        )
    return entry
