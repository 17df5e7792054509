"""Section rows built from the read model's snapshot instead of SQL.

Each section is the rows the computations expect (`rows.py`), in id order, built once
per snapshot and kept by the next snapshot as long as none of the tables it reads
changed: a write to a task rebuilds the task section, not the goals. Entity tables
come with archived rows flagged (an archived goal still has a progress); entries,
tasks, milestones and links come live only, and a link is dropped when what it joins
is archived. Dates are moved into the supported range, check-ins reduced to their
UTC day, as stored rows older than those limits may lie outside them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

from server import models
from server.currency.model import ExchangeRate
from server.currency.rates import RateRow
from server.dates import clamp_date, clamp_moment
from server.measured.source import source_of
from server.read_model import Snapshot
from server.rollups import rows as r
from server.rollups.sections import Section
from server.task_team import TEAM_READS, team_of


def _day(value: date | None) -> date | None:
    return None if value is None else clamp_date(value)


def _utc_day(value: datetime) -> date:
    return clamp_moment(value).date()


def _archived(row: Any) -> bool:
    return row.archived_at is not None


def _by_id(rows: Iterable[Any]) -> list[Any]:
    return sorted(rows, key=lambda row: row.pk)


def _live(snapshot: Snapshot, model: type) -> list[Any]:
    return _by_id(row for row in snapshot.table(model).values() if row.archived_at is None)


def _goals(snapshot: Snapshot) -> list[r.GoalRow]:
    return [
        r.GoalRow(
            g.pk,
            g.parent_id,
            g.owner_team_id,
            g.title,
            g.category,
            _day(g.period_start),
            _day(g.period_end),
            g.weight,
            _archived(g),
        )
        for g in _by_id(snapshot.table(models.Goal).values())
    ]


def _key_results(snapshot: Snapshot) -> list[r.KeyResultRow]:
    return [
        r.KeyResultRow(
            k.pk,
            k.goal_id,
            k.title,
            k.start_value,
            k.target_value,
            k.current_value,
            _day(k.due_date),
            k.weight,
            _archived(k),
            k.currency,
            source_of(k),
        )
        for k in _by_id(snapshot.table(models.KeyResult).values())
    ]


def _check_ins(snapshot: Snapshot) -> list[r.CheckInRow]:
    live = (c for c in snapshot.table(models.CheckIn).values() if c.archived_at is None)
    ordered = sorted(live, key=lambda c: (c.key_result_id, c.checked_in_at, c.pk))
    return [r.CheckInRow(c.key_result_id, _utc_day(c.checked_in_at)) for c in ordered]


def _status_updates(snapshot: Snapshot) -> list[r.StatusUpdateRow]:
    """Live updates on goals and key results, oldest first."""
    live = (
        u
        for u in snapshot.table(models.StatusUpdate).values()
        if u.archived_at is None and (u.goal_id is not None or u.key_result_id is not None)
    )
    ordered = sorted(live, key=lambda u: (u.posted_at, u.pk))
    return [r.StatusUpdateRow(u.goal_id, u.key_result_id, _utc_day(u.posted_at)) for u in ordered]


def _campaigns(snapshot: Snapshot) -> list[r.CampaignRow]:
    return [
        r.CampaignRow(
            c.pk,
            c.name,
            c.owner_team_id,
            c.audience,
            _day(c.start_date),
            _day(c.end_date),
            c.status,
            c.budget,
            c.currency,
            _archived(c),
        )
        for c in _by_id(snapshot.table(models.Campaign).values())
    ]


def _channels(snapshot: Snapshot) -> list[r.ChannelRow]:
    rows = snapshot.table(models.CampaignChannel).values()
    ordered = sorted(rows, key=lambda c: (c.campaign_id, c.channel.value, c.pk))
    return [r.ChannelRow(c.campaign_id, c.channel) for c in ordered]


def _alignments(snapshot: Snapshot) -> list[r.AlignmentRow]:
    """Live alignments joining a live campaign to a live key result."""
    return [
        r.AlignmentRow(a.campaign_id, a.key_result_id, a.share)
        for a in _live(snapshot, models.Alignment)
        if snapshot.live(models.Campaign, a.campaign_id)
        and snapshot.live(models.KeyResult, a.key_result_id)
    ]


def _spend(snapshot: Snapshot) -> list[r.SpendRow]:
    return [
        r.SpendRow(s.campaign_id, _day(s.date), s.channel, s.amount, s.currency, s.pk)
        for s in _live(snapshot, models.SpendEntry)
    ]


def _results(snapshot: Snapshot) -> list[r.ResultRow]:
    return [
        r.ResultRow(e.campaign_id, _day(e.date), e.channel, e.metric, e.value, e.pk)
        for e in _live(snapshot, models.ResultEntry)
    ]


def _tasks(snapshot: Snapshot) -> list[r.TaskRow]:
    return [
        r.TaskRow(
            t.pk,
            t.title,
            t.campaign_id,
            t.key_result_id,
            t.assignee_id,
            team_of(snapshot, t),
            t.status,
            _day(t.start_date),
            _day(t.due_date),
            t.estimate_hours,
        )
        for t in _live(snapshot, models.Task)
    ]


def _users(snapshot: Snapshot) -> list[r.UserRow]:
    return [
        r.UserRow(u.pk, u.name, u.weekly_capacity_hours, _archived(u))
        for u in _by_id(snapshot.table(models.User).values())
    ]


def _teams(snapshot: Snapshot) -> list[r.TeamRow]:
    return [
        r.TeamRow(t.pk, t.name, _archived(t)) for t in _by_id(snapshot.table(models.Team).values())
    ]


def _memberships(snapshot: Snapshot) -> list[r.MembershipRow]:
    """Memberships of live users in live teams."""
    return [
        r.MembershipRow(m.team_id, m.user_id)
        for m in _by_id(snapshot.table(models.Membership).values())
        if snapshot.live(models.Team, m.team_id) and snapshot.live(models.User, m.user_id)
    ]


def _milestones(snapshot: Snapshot) -> list[r.MilestoneRow]:
    return [
        r.MilestoneRow(
            m.pk,
            m.title,
            m.team_id,
            m.kind,
            _day(m.start_date),
            _day(m.end_date),
            m.campaign_id,
            m.key_result_id,
        )
        for m in _live(snapshot, models.Milestone)
    ]


def _rates(snapshot: Snapshot) -> list[RateRow]:
    return sorted(
        RateRow(x.currency, x.quote, clamp_date(x.date), x.rate)
        for x in snapshot.table(ExchangeRate).values()
    )


def _tables(*reads: type) -> tuple[str, ...]:
    return tuple(model._meta.db_table for model in reads)


BUILDERS: dict[Section, tuple[tuple[str, ...], Callable[[Snapshot], list]]] = {
    Section.GOALS: (_tables(models.Goal), _goals),
    Section.KEY_RESULTS: (_tables(models.KeyResult), _key_results),
    Section.CHECK_INS: (_tables(models.CheckIn), _check_ins),
    Section.CAMPAIGNS: (_tables(models.Campaign), _campaigns),
    Section.CHANNELS: (_tables(models.CampaignChannel), _channels),
    Section.ALIGNMENTS: (
        ("alignment", "campaign.archived_at", "key_result.archived_at"),
        _alignments,
    ),
    Section.SPEND: (_tables(models.SpendEntry), _spend),
    Section.RESULTS: (_tables(models.ResultEntry), _results),
    Section.TASKS: (TEAM_READS, _tasks),
    Section.USERS: (_tables(models.User), _users),
    Section.TEAMS: (_tables(models.Team), _teams),
    Section.MEMBERSHIPS: (("membership", "team.archived_at", "user.archived_at"), _memberships),
    Section.MILESTONES: (_tables(models.Milestone), _milestones),
    Section.RATES: (_tables(ExchangeRate), _rates),
    Section.STATUS_UPDATES: (_tables(models.StatusUpdate), _status_updates),
}
"""Each section built from the snapshot: the tables it reads, and how."""

FROM_MODEL = tuple(BUILDERS)


class Built:
    """A section's rows, built by whichever thread asks first (conversion takes long
    enough at 100k rows to belong on a worker thread), then shared read-only.

    The snapshot's index holding it is only touched on the event loop, which is where
    the read model moves it on to the next snapshot.
    """

    def __init__(self, snapshot: Snapshot, build: Callable[[Snapshot], list]) -> None:
        self._snapshot: Snapshot | None = snapshot
        self._build = build
        self._rows: list | None = None
        self._lock = threading.Lock()

    def rows(self) -> list:
        with self._lock:
            if self._rows is None:
                assert self._snapshot is not None
                self._rows = self._build(self._snapshot)
                self._snapshot = None  # later snapshots share the rows, not this one
            return self._rows


def section(snapshot: Snapshot, which: Section) -> Built:
    """The section as of `snapshot`, kept until one of the tables it reads changes
    (call on the event loop; `rows()` anywhere)."""
    reads, build = BUILDERS[which]
    return snapshot.index(f"rollups.{which.value}", reads, lambda s: Built(s, build))


def section_rows(snapshot: Snapshot, which: Section) -> list:
    return section(snapshot, which).rows()
