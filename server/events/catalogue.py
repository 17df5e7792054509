"""The event types integrations can receive, and how each recorded change maps to them.

Events are derived from the audit history's entries (`server.history.record`), which
every write makes inside its transaction, so no write path can forget to emit one.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from server.enums import HistoryAction


class EventType(StrEnum):
    GOAL_CREATED = "goal.created"
    GOAL_UPDATED = "goal.updated"
    GOAL_ARCHIVED = "goal.archived"
    KEY_RESULT_CREATED = "keyResult.created"
    KEY_RESULT_UPDATED = "keyResult.updated"
    KEY_RESULT_ARCHIVED = "keyResult.archived"
    CAMPAIGN_CREATED = "campaign.created"
    CAMPAIGN_UPDATED = "campaign.updated"
    CAMPAIGN_ARCHIVED = "campaign.archived"
    TASK_CREATED = "task.created"
    TASK_UPDATED = "task.updated"
    TASK_ARCHIVED = "task.archived"
    MILESTONE_CREATED = "milestone.created"
    MILESTONE_UPDATED = "milestone.updated"
    MILESTONE_ARCHIVED = "milestone.archived"
    CHECK_IN_RECORDED = "checkIn.recorded"
    ALIGNMENT_CHANGED = "alignment.changed"
    SPEND_RECORDED = "spend.recorded"
    SPEND_UPDATED = "spend.updated"
    SPEND_ARCHIVED = "spend.archived"
    RESULT_RECORDED = "result.recorded"
    RESULT_UPDATED = "result.updated"
    RESULT_ARCHIVED = "result.archived"
    CALENDAR_ENTRY_MOVED = "calendarEntry.moved"
    RISK_RAISED = "risk.raised"
    RISK_CLEARED = "risk.cleared"
    STATUS_UPDATE_POSTED = "statusUpdate.posted"


# Node type -> its created, updated and archived events.
LIFECYCLE: dict[str, tuple[EventType, EventType, EventType]] = {
    "Goal": (EventType.GOAL_CREATED, EventType.GOAL_UPDATED, EventType.GOAL_ARCHIVED),
    "KeyResult": (
        EventType.KEY_RESULT_CREATED,
        EventType.KEY_RESULT_UPDATED,
        EventType.KEY_RESULT_ARCHIVED,
    ),
    "Campaign": (
        EventType.CAMPAIGN_CREATED,
        EventType.CAMPAIGN_UPDATED,
        EventType.CAMPAIGN_ARCHIVED,
    ),
    "Task": (EventType.TASK_CREATED, EventType.TASK_UPDATED, EventType.TASK_ARCHIVED),
    "Milestone": (
        EventType.MILESTONE_CREATED,
        EventType.MILESTONE_UPDATED,
        EventType.MILESTONE_ARCHIVED,
    ),
}
# Changes recorded on a node that are events of their own rather than an update.
SPECIAL_ACTIONS: dict[tuple[str, HistoryAction], EventType] = {
    ("KeyResult", HistoryAction.CHECKED_IN): EventType.CHECK_IN_RECORDED,
    ("Campaign", HistoryAction.ALIGNMENTS_SET): EventType.ALIGNMENT_CHANGED,
    ("Campaign", HistoryAction.SPEND_ADDED): EventType.SPEND_RECORDED,
    ("Campaign", HistoryAction.RESULT_ADDED): EventType.RESULT_RECORDED,
    ("SpendEntry", HistoryAction.ARCHIVED): EventType.SPEND_ARCHIVED,
    ("ResultEntry", HistoryAction.ARCHIVED): EventType.RESULT_ARCHIVED,
    # An entry sent again from its source with other figures (bulk upserts).
    ("SpendEntry", HistoryAction.UPDATED): EventType.SPEND_UPDATED,
    ("ResultEntry", HistoryAction.UPDATED): EventType.RESULT_UPDATED,
    # An owner's written update (`server.writes.status_updates`), on the node it is about.
    **{
        (node_type, HistoryAction.STATUS_UPDATE_POSTED): EventType.STATUS_UPDATE_POSTED
        for node_type in ("Goal", "KeyResult", "Campaign")
    },
}
# The columns that place an entry on the calendar, by node type.
CALENDAR_DATES: dict[str, frozenset[str]] = {
    "Campaign": frozenset({"start_date", "end_date"}),
    "Milestone": frozenset({"start_date", "end_date", "starts_at", "ends_at"}),
    "Task": frozenset({"start_date", "due_date"}),
}
# Node types whose events exist; the rest (teams, users, feeds...) emit none.
NODE_TYPES = frozenset(LIFECYCLE) | {"SpendEntry", "ResultEntry"}

Changes = dict[str, dict[str, Any]]


def derive(
    node_type: str, action: HistoryAction, changes: Changes
) -> list[tuple[EventType, Changes]]:
    """The events one recorded change stands for, each with the changes it carries
    (still by column attribute)."""
    special = SPECIAL_ACTIONS.get((node_type, action))
    if special is not None:
        return [(special, changes)]
    lifecycle = LIFECYCLE.get(node_type)
    if lifecycle is None:
        return []
    created, updated, archived = lifecycle
    if action == HistoryAction.CREATED:
        return [(created, changes)]
    if action == HistoryAction.ARCHIVED:
        return [(archived, changes)]
    if action not in (HistoryAction.UPDATED, HistoryAction.MOVED):
        return []
    found = [(updated, changes)]
    moved = {name: changes[name] for name in CALENDAR_DATES.get(node_type, ()) if name in changes}
    if moved:
        found.append((EventType.CALENDAR_ENTRY_MOVED, moved))
    return found
