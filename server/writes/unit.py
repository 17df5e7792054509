"""The steps every write shares: find, authorise, version-check, save, record.

Entity modules call these inside a `@transactional` write, so a refused or failed mutation
leaves nothing behind, and no write can skip the permission check or the history.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any, ParamSpec, TypeVar

from tortoise.expressions import F
from tortoise.models import Model
from tortoise.transactions import in_transaction

from server import clock
from server.enums import HistoryAction
from server.history import created, diff, record, snapshot
from server.permissions import Actor, authorize, authorize_placement, require_writer
from server.writes.checks import Checker
from server.writes.errors import Conflict, Invalid, Missing, UserError, UserErrorCode

M = TypeVar("M", bound=Model)

OWNERSHIP_FIELDS = frozenset(
    {"owner_team_id", "team_id", "campaign_id", "key_result_id", "goal_id", "parent_id"}
)


P = ParamSpec("P")
R = TypeVar("R")


def transactional(write: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
    """Run a whole write in one transaction: anything raised rolls all of it back."""

    @functools.wraps(write)
    async def run(*args: P.args, **kwargs: P.kwargs) -> R:
        async with in_transaction():
            return await write(*args, **kwargs)

    return run


def label(model: type[Model], pk: int) -> str:
    return f"{model.__name__} {pk}"


async def fetch_for_write(actor: Actor, model: type[M], pk: int | None, *, live: bool = True) -> M:
    """The row `pk` of `model`, which `actor` must be allowed to change.

    Viewers are refused before the lookup, so a refusal never tells them whether the
    object exists. With `live`, an archived row is refused as a user error on `id`.
    """
    require_writer(actor)
    row = None if pk is None else await model.filter(id=pk).first()
    if row is None:
        raise Missing(f"The {model.__name__} you named")
    await authorize(actor, row)
    if live and getattr(row, "archived_at", None) is not None:
        raise Invalid(
            [
                UserError(
                    "id",
                    UserErrorCode.ARCHIVED,
                    f"This {model.__name__} is archived and can no longer be changed.",
                )
            ]
        )
    return row


async def reference(
    check: Checker, field: str, model: type[M], pk: int | None, *, required: bool = False
) -> M | None:
    """A row named in an input; missing or archived ones become user errors."""
    if pk is None:
        if required:
            check.required(field, None)
        return None
    row = await model.filter(id=pk).first()
    if row is None:
        check.fail(field, UserErrorCode.NOT_FOUND, f"`{field}` names no {model.__name__}.")
        return None
    if getattr(row, "archived_at", None) is not None:
        check.fail(field, UserErrorCode.ARCHIVED, f"`{field}` names an archived {model.__name__}.")
        return None
    return row


async def save_new(
    actor: Actor,
    row: M,
    action: HistoryAction = HistoryAction.CREATED,
    *,
    related: dict[str, dict[str, Any]] | None = None,
) -> M:
    """Insert a row `actor` may create (checked against its owners) and record it.

    `related` adds changes kept outside the row's columns (a user's teams) to the same
    history entry.
    """
    require_writer(actor)
    await authorize(actor, row, as_assignee=False)
    await authorize_placement(actor, row)
    await row.save()
    await record(actor.user_id, row, action, created(row) | (related or {}))
    return row


def check_version(row: Model, version: int) -> None:
    if row.version != version:
        raise Conflict(label(type(row), row.pk), version, row.version)


async def save_changes(
    actor: Actor,
    row: M,
    version: int,
    changes: dict[str, Any],
    action: HistoryAction = HistoryAction.UPDATED,
    *,
    related: dict[str, dict[str, Any]] | None = None,
) -> M:
    """Apply `changes` to a row fetched with `fetch_for_write`, if still at `version`.

    The UPDATE names the version it expects, so of two racing writers exactly one wins
    and the other gets `Conflict`. Moving a row needs the right to write it where it was,
    where it goes, and the containers it goes under.
    `related` ({name: {before, after}}) records changes kept outside the row's columns
    (a user's teams) in the same entry; they count as a change, so the version moves.
    """
    check_version(row, version)
    before = snapshot(row)
    moved = {
        name for name in OWNERSHIP_FIELDS & changes.keys() if getattr(row, name) != changes[name]
    }
    if moved:
        # Moving a row takes the right to write it where it is, not only as its assignee.
        await authorize(actor, row, as_assignee=False)
    for name, value in changes.items():
        setattr(row, name, value)
    if moved:
        await authorize(actor, row, as_assignee=False)
        await authorize_placement(actor, row, moved)
    changed = diff(before, snapshot(row)) | (related or {})
    if not changed:
        return row
    now = clock.now()
    columns = {name: getattr(row, name) for name in changes}
    updated = (
        await type(row)
        .filter(id=row.pk, version=version)
        .update(**columns, version=F("version") + 1, updated_at=now)
    )
    if updated != 1:
        current = await type(row).filter(id=row.pk).values_list("version", flat=True)
        raise Conflict(label(type(row), row.pk), version, current[0] if current else version)
    row.version = version + 1
    row.updated_at = now
    await record(actor.user_id, row, action, changed)
    return row


async def archive(actor: Actor, row: M, version: int) -> M:
    """Archive a row (idempotent: archiving an archived row changes nothing)."""
    if row.archived_at is not None:
        check_version(row, version)
        return row
    return await save_changes(
        actor, row, version, {"archived_at": clock.now()}, HistoryAction.ARCHIVED
    )
