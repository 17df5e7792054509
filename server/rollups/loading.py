"""Whole-organisation rows for the rollups, exactly one SQL statement per section.

Raw SELECTs of the needed columns, converted here: SQLite hands back dates, decimals
and timestamps as text, PostgreSQL as Python objects, and both end up the same.
Entity tables come with archived rows flagged (an archived goal still has a progress);
entries, tasks, milestones and links come live only. Converting a whole organisation's
rows takes long enough to matter, so it runs on a worker thread, off the event loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from tortoise import connections

from server import clock
from server.calendar.horizon import upcoming_entries
from server.dates import clamp_date, clamp_moment
from server.enums import (
    CampaignStatus,
    Channel,
    GoalCategory,
    MilestoneKind,
    ResultMetric,
    TaskStatus,
)
from server.rollups import rows as r
from server.rollups.sections import Section
from server.task_team import task_team_sql

ARCHIVED = "CASE WHEN archived_at IS NULL THEN 0 ELSE 1 END AS archived"


def _day(value: Any) -> date | None:
    """A stored date, moved into the supported range (an older row may lie outside)."""
    if value is None:
        return None
    return clamp_date(value if isinstance(value, date) else date.fromisoformat(str(value)[:10]))


def _utc_day(value: Any) -> date:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return clamp_moment(moment).date()


def _dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _opt(enum: type[StrEnum]) -> Callable[[Any], Any]:
    return lambda value: None if value is None else enum(value)


_QUERIES: dict[Section, tuple[str, Callable[[dict], Any]]] = {
    Section.GOALS: (
        f"SELECT id, parent_id, owner_team_id, title, category, period_start, period_end, "
        f"weight, {ARCHIVED} FROM goal ORDER BY id",
        lambda row: r.GoalRow(
            row["id"],
            row["parent_id"],
            row["owner_team_id"],
            row["title"],
            GoalCategory(row["category"]),
            _day(row["period_start"]),
            _day(row["period_end"]),
            _dec(row["weight"]),
            bool(row["archived"]),
        ),
    ),
    Section.KEY_RESULTS: (
        f"SELECT id, goal_id, title, start_value, target_value, current_value, due_date, "
        f"weight, {ARCHIVED} FROM key_result ORDER BY id",
        lambda row: r.KeyResultRow(
            row["id"],
            row["goal_id"],
            row["title"],
            _dec(row["start_value"]),
            _dec(row["target_value"]),
            _dec(row["current_value"]),
            _day(row["due_date"]),
            _dec(row["weight"]),
            bool(row["archived"]),
        ),
    ),
    Section.CHECK_INS: (
        "SELECT key_result_id, checked_in_at FROM check_in WHERE archived_at IS NULL "
        "ORDER BY key_result_id, checked_in_at",
        lambda row: r.CheckInRow(row["key_result_id"], _utc_day(row["checked_in_at"])),
    ),
    Section.CAMPAIGNS: (
        f"SELECT id, name, owner_team_id, audience, start_date, end_date, status, budget, "
        f"currency, {ARCHIVED} FROM campaign ORDER BY id",
        lambda row: r.CampaignRow(
            row["id"],
            row["name"],
            row["owner_team_id"],
            row["audience"],
            _day(row["start_date"]),
            _day(row["end_date"]),
            CampaignStatus(row["status"]),
            _dec(row["budget"]),
            row["currency"],
            bool(row["archived"]),
        ),
    ),
    Section.CHANNELS: (
        "SELECT campaign_id, channel FROM campaign_channel ORDER BY campaign_id, channel",
        lambda row: r.ChannelRow(row["campaign_id"], Channel(row["channel"])),
    ),
    Section.ALIGNMENTS: (
        "SELECT a.campaign_id, a.key_result_id, a.share FROM alignment a "
        "JOIN campaign c ON c.id = a.campaign_id AND c.archived_at IS NULL "
        "JOIN key_result k ON k.id = a.key_result_id AND k.archived_at IS NULL "
        "WHERE a.archived_at IS NULL ORDER BY a.id",
        lambda row: r.AlignmentRow(row["campaign_id"], row["key_result_id"], _dec(row["share"])),
    ),
    Section.SPEND: (
        "SELECT campaign_id, date, channel, amount, currency FROM spend_entry "
        "WHERE archived_at IS NULL ORDER BY id",
        lambda row: r.SpendRow(
            row["campaign_id"],
            _day(row["date"]),
            _opt(Channel)(row["channel"]),
            _dec(row["amount"]),
            row["currency"],
        ),
    ),
    Section.RESULTS: (
        "SELECT campaign_id, date, channel, metric, value FROM result_entry "
        "WHERE archived_at IS NULL ORDER BY id",
        lambda row: r.ResultRow(
            row["campaign_id"],
            _day(row["date"]),
            _opt(Channel)(row["channel"]),
            ResultMetric(row["metric"]),
            _dec(row["value"]),
        ),
    ),
    Section.TASKS: (
        f"SELECT id, title, campaign_id, key_result_id, assignee_id, {task_team_sql()} AS "
        "team_id, status, start_date, due_date, estimate_hours FROM task "
        "WHERE archived_at IS NULL ORDER BY id",
        lambda row: r.TaskRow(
            row["id"],
            row["title"],
            row["campaign_id"],
            row["key_result_id"],
            row["assignee_id"],
            row["team_id"],
            TaskStatus(row["status"]),
            _day(row["start_date"]),
            _day(row["due_date"]),
            _dec(row["estimate_hours"]),
        ),
    ),
    Section.USERS: (
        f"SELECT id, name, weekly_capacity_hours, {ARCHIVED} FROM app_user ORDER BY id",
        lambda row: r.UserRow(
            row["id"], row["name"], _dec(row["weekly_capacity_hours"]), bool(row["archived"])
        ),
    ),
    Section.TEAMS: (
        f"SELECT id, name, {ARCHIVED} FROM team ORDER BY id",
        lambda row: r.TeamRow(row["id"], row["name"], bool(row["archived"])),
    ),
    Section.MEMBERSHIPS: (
        "SELECT m.team_id, m.user_id FROM membership m "
        "JOIN team t ON t.id = m.team_id AND t.archived_at IS NULL "
        "JOIN app_user u ON u.id = m.user_id AND u.archived_at IS NULL ORDER BY m.id",
        lambda row: r.MembershipRow(row["team_id"], row["user_id"]),
    ),
    Section.MILESTONES: (
        "SELECT id, title, team_id, kind, start_date, end_date, campaign_id, key_result_id "
        "FROM milestone WHERE archived_at IS NULL ORDER BY id",
        lambda row: r.MilestoneRow(
            row["id"],
            row["title"],
            row["team_id"],
            MilestoneKind(row["kind"]),
            _day(row["start_date"]),
            _day(row["end_date"]),
            row["campaign_id"],
            row["key_result_id"],
        ),
    ),
}


async def load_section(section: Section, today: date | None = None) -> list:
    """Every row of one section, in a stable order (one statement; the calendar, a few,
    from `today`, else the clock's date)."""
    if section == Section.CALENDAR:
        return await upcoming_entries(today or clock.today())
    sql, convert = _QUERIES[section]
    rows = await connections.get("default").execute_query_dict(sql)
    return await asyncio.to_thread(_converted, convert, rows)


def _converted(convert: Callable[[dict[str, Any]], Any], rows: list[dict[str, Any]]) -> list:
    return [convert(row) for row in rows]
