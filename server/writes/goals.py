"""Goal writes: create, update, archive, and move a goal within the goal tree.

Also the checks that goals and key results share (titles, weights, measures, the goal a
row hangs under), so both follow the same rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from tortoise import connections
from tortoise.models import Model

from server import models
from server.enums import GoalCategory, HistoryAction
from server.permissions import Actor, authorize, require_writer
from server.trace import goal_ancestry
from server.writes.checks import MAX_MEASURE, MAX_TEXT, Checker
from server.writes.errors import Invalid, UserError, UserErrorCode
from server.writes.unit import (
    archive,
    check_version,
    fetch_for_write,
    reference,
    save_changes,
    save_new,
    transactional,
)

Code = UserErrorCode
MAX_TITLE = 200
MAX_WEIGHT = Decimal(1000)
WEIGHT_PLACES = 3
# Any constant will do: it names the one PostgreSQL advisory lock that goal moves share.
GOAL_MOVES_LOCK = 0x60A1_7EE


# --- checks shared with key results ---------------------------------------------------


def title_of(check: Checker, value: str | None) -> str | None:
    return check.text("title", value, max_length=MAX_TITLE, required=True)


def description_of(check: Checker, value: str | None) -> str:
    return (
        check.text("description", value, max_length=MAX_TEXT, required=False, multiline=True) or ""
    )


def number_of(
    check: Checker,
    field: str,
    value: Decimal | None,
    *,
    places: int = 4,
    maximum: Decimal = MAX_MEASURE,
) -> Decimal | None:
    """A finite decimal within ±`maximum`, rounded to the column's scale.

    Far too large numbers are refused by their exponent first, so no decimal
    arithmetic on them can overflow."""
    if value is None:
        return None
    if value.is_finite() and value.adjusted() > maximum.adjusted():
        check.fail(field, Code.OUT_OF_RANGE, f"`{field}` is too large (at most {maximum}).")
        return None
    checked = check.decimal(field, value, maximum=maximum, places=places)
    return None if checked is None else checked.quantize(Decimal(1).scaleb(-places))


def weight_of(check: Checker, value: Decimal | None) -> Decimal | None:
    """A weight among siblings: more than 0, at most 1000."""
    weight = number_of(check, "weight", value, places=WEIGHT_PLACES, maximum=MAX_WEIGHT)
    if weight is not None and weight <= 0:
        check.fail("weight", Code.OUT_OF_RANGE, f"`weight` must be greater than 0 (got {value}).")
        return None
    return weight


async def lock_rows(model: type[Model], ids: Iterable[int]) -> None:
    """Hold these rows until the transaction ends, so a concurrent archive and a new
    child under the same row cannot both pass their checks. (SQLite needs no lock: it
    runs one write transaction at a time.)"""
    if connections.get("default").capabilities.support_for_update:
        await model.filter(id__in=list(ids)).select_for_update(no_key=True)


async def live_goal(
    check: Checker, field: str, goal_id: int | None, *, required: bool
) -> models.Goal | None:
    """The unarchived goal named by `field`, locked against being archived meanwhile."""
    if goal_id:
        await lock_rows(models.Goal, [goal_id])
    return await reference(check, field, models.Goal, goal_id, required=required)


async def owner_of(check: Checker, owner_id: int | None) -> int | None:
    """An accountable person: an unarchived user, or nobody."""
    owner = await reference(check, "ownerId", models.User, owner_id)
    return owner.pk if owner is not None else None


def required_value(check: Checker, field: str, value: Any) -> Any:
    """A value sent for a field that cannot be null (null is reported, not applied)."""
    return value if check.required(field, value) else None


# --- goals --------------------------------------------------------------------------


def period_order(check: Checker, start: date | None, end: date | None, *, blame: str) -> None:
    """The period must not end before it starts; `blame` is the field that was sent."""
    if start is None or end is None or end >= start:
        return
    check.fail(
        blame,
        Code.END_BEFORE_START,
        f"The period would end ({end.isoformat()}) before it starts "
        f"({start.isoformat()}); `periodEnd` must not be before `periodStart`.",
    )


async def writable_parent(
    check: Checker, actor: Actor, parent_id: int | None
) -> models.Goal | None:
    """A live goal to put a goal under; the actor must be allowed to change it too,
    since it gains a child."""
    parent = await live_goal(check, "parentId", parent_id, required=False)
    if parent is not None:
        await authorize(actor, parent)
    return parent


@transactional
async def create_goal(
    actor: Actor,
    *,
    title: str | None,
    description: str | None,
    category: GoalCategory | None,
    owner_team_id: int | None,
    owner_id: int | None,
    parent_id: int | None,
    period_start: date | None,
    period_end: date | None,
    weight: Decimal | None,
) -> models.Goal:
    require_writer(actor)
    check = Checker()
    team = await reference(check, "ownerTeamId", models.Team, owner_team_id, required=True)
    if team is not None:
        # Refuse a team the actor may not write for before judging the rest of the input.
        await authorize(actor, models.Goal(owner_team_id=team.pk), as_assignee=False)
    parent = await writable_parent(check, actor, parent_id)
    fields = {
        "title": title_of(check, title),
        "description": description_of(check, description),
        "category": category or GoalCategory.OTHER,
        "owner_team_id": team.pk if team is not None else None,
        "owner_id": await owner_of(check, owner_id),
        "parent_id": parent.pk if parent is not None else None,
        "period_start": required_value(check, "periodStart", period_start),
        "period_end": required_value(check, "periodEnd", period_end),
        "weight": weight_of(check, weight) if weight is not None else Decimal(1),
    }
    period_order(check, period_start, period_end, blame="periodEnd")
    check.done()
    return await save_new(actor, models.Goal(**fields))


GOAL_UPDATE_FIELDS = frozenset(
    {
        "title",
        "description",
        "category",
        "owner_team_id",
        "owner_id",
        "period_start",
        "period_end",
        "weight",
    }
)


@transactional
async def update_goal(
    actor: Actor, goal_id: int, version: int, sent: Mapping[str, Any]
) -> models.Goal:
    """Change the fields in `sent` (attribute name -> value; absent means unchanged).

    A change of owner team is authorised on the new team as well by `save_changes`."""
    unknown = sent.keys() - GOAL_UPDATE_FIELDS
    if unknown:
        raise TypeError(f"not goal fields: {sorted(unknown)}")
    goal = await fetch_for_write(actor, models.Goal, goal_id)
    check_version(goal, version)
    check = Checker()
    changes: dict[str, Any] = {}
    if "title" in sent:
        changes["title"] = title_of(check, sent["title"])
    if "description" in sent:
        changes["description"] = description_of(check, sent["description"])
    if "category" in sent:
        changes["category"] = required_value(check, "category", sent["category"])
    if "owner_team_id" in sent:
        team = await reference(
            check, "ownerTeamId", models.Team, sent["owner_team_id"], required=True
        )
        changes["owner_team_id"] = team.pk if team is not None else None
    if "owner_id" in sent:
        changes["owner_id"] = await owner_of(check, sent["owner_id"])
    if "period_start" in sent:
        changes["period_start"] = required_value(check, "periodStart", sent["period_start"])
    if "period_end" in sent:
        changes["period_end"] = required_value(check, "periodEnd", sent["period_end"])
    if "weight" in sent:
        changes["weight"] = weight_of(check, required_value(check, "weight", sent["weight"]))
    period_order(
        check,
        changes.get("period_start", goal.period_start),
        changes.get("period_end", goal.period_end),
        blame="periodEnd" if "period_end" in sent else "periodStart",
    )
    check.done()
    return await save_changes(actor, goal, version, changes)


@transactional
async def archive_goal(actor: Actor, goal_id: int, version: int) -> models.Goal:
    """Archive a goal that no live goal or key result hangs under any more."""
    goal = await fetch_for_write(actor, models.Goal, goal_id, live=False)
    check_version(goal, version)
    if goal.archived_at is None:
        await lock_rows(models.Goal, [goal.pk])
        children = await models.Goal.filter(parent_id=goal.pk, archived_at=None).count()
        key_results = await models.KeyResult.filter(goal_id=goal.pk, archived_at=None).count()
        if children or key_results:
            raise Invalid([UserError("id", Code.HAS_DEPENDENTS, dependents(children, key_results))])
    return await archive(actor, goal, version)


def dependents(children: int, key_results: int) -> str:
    """What still hangs under a goal, and what to do about it first."""
    counts = []
    steps = []
    if children:
        counts.append(f"{children} live child goal{'s' if children != 1 else ''}")
        steps.append("move its child goals elsewhere (goalMove) or archive them")
    if key_results:
        counts.append(f"{key_results} live key result{'s' if key_results != 1 else ''}")
        steps.append("archive its key results (keyResultArchive)")
    return f"This goal still has {' and '.join(counts)}; first {' and '.join(steps)}."


async def serialise_goal_moves() -> None:
    """Let one goal move at a time check the tree for cycles: two moves that are each
    fine alone (A under B, B under A) must not both pass. SQLite already runs one write
    transaction at a time; PostgreSQL takes an advisory lock held until commit."""
    connection = connections.get("default")
    if connection.capabilities.dialect == "postgres":
        await connection.execute_query("SELECT pg_advisory_xact_lock($1)", [GOAL_MOVES_LOCK])


@transactional
async def move_goal(actor: Actor, goal_id: int, version: int, parent_id: int | None) -> models.Goal:
    """Put a goal under another parent (None: make it a top-level objective).

    The actor must be allowed to change both the goal and its new parent; a move
    under the goal itself or anything below it is refused."""
    goal = await fetch_for_write(actor, models.Goal, goal_id)
    check_version(goal, version)
    await serialise_goal_moves()
    check = Checker()
    parent = await writable_parent(check, actor, parent_id)
    if parent is not None and goal.pk in await goal_ancestry([parent.pk]):
        where = "itself" if parent.pk == goal.pk else "one of the goals below it"
        check.fail(
            "parentId",
            Code.CYCLE,
            f"A goal cannot be moved under {where}: the goal tree would loop.",
        )
    check.done()
    new_parent_id = parent.pk if parent is not None else None
    return await save_changes(
        actor, goal, version, {"parent_id": new_parent_id}, HistoryAction.MOVED
    )
