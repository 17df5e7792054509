"""The API's root lists served from a snapshot: the rows of a list, filtered and in its
order, and the page between two keyset cursors (no GraphQL in here).

Each list is its table sorted once per snapshot by the ordered column, the ID breaking
ties (`Snapshot.index`, so a second request at the same data version sorts nothing):
strings by code point, as the databases' C collation does, dates, decimals and times
natively, and empty values after every value. A descending order is the same list read
backwards (empty values first, ties by descending ID), as `listing.Order` sorts in SQL.
Filters keep rows of the sorted list, so their order stays; a cursor's key is found by
bisection, so a page starts after the same place however the rows around it changed.

A list asked for twice is filtered once: the rows of each filter are kept (`memoised`,
per list at most `MEMO_LISTS` filters and `MEMO_ROWS` rows, least recently asked
forgotten first) until a write changes what the list reads: a check-in keeps the task
search, a renamed task drops it.

Conditions mean what they meant in SQL: a list condition follows `server.selection`
(None: no condition; []: nothing), a date span keeps rows sharing a day with it, and a
search keeps rows where every word appears in one of the columns. Letters compare by
Unicode case folding (`str.casefold`: "straße" finds "STRASSE"), where SQLite's LIKE
folds ASCII letters only.
"""

from __future__ import annotations

import datetime as dt
import functools
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Collection, Hashable, Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, Generic, ParamSpec, TypeVar

from tortoise.models import Model

from server import models
from server.bounded_lru import BoundedLRU
from server.keyset import Key
from server.listing import BY_ID, BY_NAME, BY_START_DATE, Order
from server.read_model.snapshot import Snapshot
from server.selection import chosen
from server.task_team import TEAM_READS, team_of

M = TypeVar("M", bound=Model)
P = ParamSpec("P")
DateSpan = tuple[dt.date | None, dt.date | None]
Condition = Callable[[Any], bool]

_EMPTY = (1, 0)
"""How an empty value sorts: after every value `(0, value)`."""


def sort_value(row: Model, column: str) -> Any:
    """The value a row sorts by (an enum by the value stored for it)."""
    value = getattr(row, column)
    return value.value if isinstance(value, Enum) else value


def _position(value: Any, pk: int) -> tuple:
    return (*(_EMPTY if value is None else (0, value)), pk)


def _position_of(column: str) -> Callable[[Any], tuple]:
    if column == "id":
        return lambda row: (0, row.pk, row.pk)
    return lambda row: _position(sort_value(row, column), row.pk)


@dataclass(frozen=True)
class Listed(Generic[M]):
    """The rows of a list, ascending by `order.column` then ID (empty values last),
    whichever direction `order` reads them in."""

    model: type[M]
    order: Order
    rows: Sequence[M]

    def __len__(self) -> int:
        return len(self.rows)

    def page(self, after: Key | None, before: Key | None, size: int, from_end: bool) -> list[M]:
        """Up to `size` rows strictly after `after` and before `before` in `order`: the
        first ones, or with `from_end` the last ones, nearest the end first."""
        position = _position_of(self.order.column)
        start, end = 0, len(self.rows)
        if self.order.descending:
            after, before = before, after  # ascending, rows after a cursor come before it
        if after is not None:
            start = bisect_right(self.rows, _position(*after), key=position)
        if before is not None:
            end = bisect_left(self.rows, _position(*before), key=position)
        if end <= start:
            return []
        if self.order.descending == from_end:  # reading upwards from `start`
            return list(self.rows[start : min(end, start + size)])
        return list(reversed(self.rows[max(start, end - size) : end]))


# --- sorting, once per snapshot ------------------------------------------------------


def _sorted(snapshot: Snapshot, model: type[M], column: str, include_archived: bool) -> list[M]:
    """Every row of `model` (only live ones unless `include_archived`), ascending."""
    table = model._meta.db_table
    name = f"listing:{table}:{column}"

    def every(snapshot: Snapshot) -> list[M]:
        return sorted(snapshot.table(model).values(), key=_position_of(column))

    rows: list[M] = snapshot.index(name, (table,), every)
    if include_archived:
        return rows

    def live(_: Snapshot) -> list[M]:
        return [row for row in rows if getattr(row, "archived_at", None) is None]

    live_rows: list[M] = snapshot.index(f"{name}:live", (table,), live)
    return live_rows


def _listed(
    snapshot: Snapshot,
    model: type[M],
    order: Order,
    include_archived: bool,
    conditions: Sequence[Condition],
) -> Listed[M]:
    rows: Sequence[M] = _sorted(snapshot, model, order.column, include_archived)
    if len(conditions) == 1:
        rows = list(filter(conditions[0], rows))
    elif conditions:
        rows = [row for row in rows if all(condition(row) for condition in conditions)]
    return Listed(model, order, rows)


# --- kept per snapshot ---------------------------------------------------------------

MEMO_LISTS = 64
MEMO_ROWS = 200_000
"""What is kept of one list's filters: a kept list costs a pointer per row."""


class Unkeyed(Exception):
    """A condition that cannot name a kept list (an iterator is read once)."""


def _key_part(value: Any) -> Hashable:
    """A condition as a memo key: a list condition as the set it means (so `[1, 2]` and
    `[2, 1]` share a list, and `[]` stays apart from None), a date span as it is."""
    if isinstance(value, list | set | frozenset):
        return ("in", frozenset(value))
    if value is None or isinstance(value, str | int | Enum | dt.date | Order | tuple):
        hash(value)  # a tuple of something unhashable is refused here
        return value
    raise Unkeyed


def table_of(model: type[Model], column: str | None = None) -> str:
    """A read as `Snapshot.index` names it: the model's table, or one of its columns."""
    table = model._meta.db_table
    return table if column is None else f"{table}.{column}"


def memoised(
    *reads: str,
) -> Callable[[Callable[P, Listed[M]]], Callable[P, Listed[M]]]:
    """`list_rows(snapshot, **conditions)`, filtered once per conditions for as long as
    no write changes what it `reads`: the table whose rows it lists, whole (the rows are
    handed on and any of their columns may be read), and what its filters read."""

    def decorate(list_rows: Callable[P, Listed[M]]) -> Callable[P, Listed[M]]:
        name = list_rows.__name__

        @functools.wraps(list_rows)
        def kept(*args: P.args, **conditions: P.kwargs) -> Listed[M]:
            snapshot = args[0]
            assert isinstance(snapshot, Snapshot)
            try:
                key = tuple(sorted((field, _key_part(v)) for field, v in conditions.items()))
            except (Unkeyed, TypeError):
                return list_rows(*args, **conditions)
            memo: BoundedLRU[tuple, Listed] = snapshot.index(
                f"listing.memo:{name}", reads, lambda _: BoundedLRU(MEMO_LISTS, MEMO_ROWS, len)
            )
            found = memo.get(key)
            if found is None:
                found = list_rows(*args, **conditions)
                memo.put(key, found)
            return found

        kept.reads = reads  # type: ignore[attr-defined]
        return kept

    return decorate


# --- conditions ----------------------------------------------------------------------


def _where_in(conditions: list[Condition], read: Callable[[Any], Any], values: Iterable | None):
    wanted = chosen(values)
    if wanted is not None:
        conditions.append(lambda row: read(row) in wanted)


def _attribute(name: str) -> Callable[[Any], Any]:
    return lambda row: getattr(row, name)


def _overlapping(conditions: list[Condition], start: str, end: str, span: DateSpan | None):
    """Rows whose [start, end] period shares at least one day with `span`; an empty
    date shares none."""
    if span is None:
        return
    first, last = span
    if first is not None:
        conditions.append(lambda row: (value := getattr(row, end)) is not None and value >= first)
    if last is not None:
        conditions.append(lambda row: (value := getattr(row, start)) is not None and value <= last)


def _folded(snapshot: Snapshot, model: type[Model], columns: tuple[str, ...]) -> dict[int, str]:
    """Each row's searched columns, case-folded, separated by a character no word holds
    (so no word is found across two columns)."""
    table = model._meta.db_table

    def build(snapshot: Snapshot) -> dict[int, str]:
        return {
            pk: "\n".join((getattr(row, column) or "").casefold() for column in columns)
            for pk, row in snapshot.table(model).items()
        }

    folded: dict[int, str] = snapshot.index(f"search:{table}:{','.join(columns)}", (table,), build)
    return folded


def _matching(
    conditions: list[Condition],
    snapshot: Snapshot,
    model: type[Model],
    text: str | None,
    *columns: str,
) -> None:
    words = [word.casefold() for word in (text or "").split()]
    if not words:
        return
    found: Iterable[tuple[int, str]] = _folded(snapshot, model, columns).items()
    for word in words:  # one pass per word over plain strings, the cheapest test
        found = [(pk, text) for pk, text in found if word in text]
    matched = frozenset(pk for pk, _ in found)
    conditions.append(lambda row: row.pk in matched)


ALIGNED_READS = ("alignment", "key_result.archived_at", "campaign.archived_at")


def aligned_campaign_ids(snapshot: Snapshot) -> frozenset[int]:
    """Live campaigns that support at least one live key result."""

    def build(snapshot: Snapshot) -> frozenset[int]:
        return frozenset(
            alignment.campaign_id
            for alignment in snapshot.table(models.Alignment).values()
            if alignment.archived_at is None
            and snapshot.live(models.KeyResult, alignment.key_result_id) is not None
            and snapshot.live(models.Campaign, alignment.campaign_id) is not None
        )

    found: frozenset[int] = snapshot.index("listing:aligned_campaigns", ALIGNED_READS, build)
    return found


def _live_key_result_ids(snapshot: Snapshot) -> frozenset[int]:
    def build(snapshot: Snapshot) -> frozenset[int]:
        rows = snapshot.table(models.KeyResult)
        return frozenset(pk for pk, row in rows.items() if row.archived_at is None)

    found: frozenset[int] = snapshot.index(
        "listing:live_key_results", ("key_result.archived_at",), build
    )
    return found


def _keys_of(groups: dict[Any, list[Any]], keys: Collection[Any], field: str) -> frozenset[Any]:
    return frozenset(getattr(row, field) for key in keys for row in groups.get(key, ()))


# --- the lists -----------------------------------------------------------------------


@memoised(table_of(models.Team))
def teams(
    snapshot: Snapshot, *, search: str | None = None, include_archived: bool = False
) -> Listed[models.Team]:
    conditions: list[Condition] = []
    _matching(conditions, snapshot, models.Team, search, "name", "description")
    return _listed(snapshot, models.Team, BY_NAME, include_archived, conditions)


@memoised(table_of(models.User), table_of(models.Membership))
def users(
    snapshot: Snapshot,
    *,
    roles: Iterable | None = None,
    team_ids: Iterable[int] | None = None,
    search: str | None = None,
    include_archived: bool = False,
) -> Listed[models.User]:
    conditions: list[Condition] = []
    _where_in(conditions, _attribute("role"), roles)
    teams_wanted = chosen(team_ids)
    if teams_wanted is not None:
        members = _keys_of(snapshot.groups(models.Membership, "team_id"), teams_wanted, "user_id")
        conditions.append(lambda user: user.pk in members)
    _matching(conditions, snapshot, models.User, search, "name", "email")
    return _listed(snapshot, models.User, BY_NAME, include_archived, conditions)


@memoised(table_of(models.Goal))
def goals(
    snapshot: Snapshot,
    *,
    roots_only: bool = False,
    parent_id: int | None = None,
    team_ids: Iterable[int] | None = None,
    categories: Iterable | None = None,
    period: DateSpan | None = None,
    search: str | None = None,
    include_archived: bool = False,
    order: Order = BY_ID,
) -> Listed[models.Goal]:
    conditions: list[Condition] = []
    if roots_only:
        conditions.append(lambda goal: goal.parent_id is None)
    if parent_id is not None:
        conditions.append(lambda goal: goal.parent_id == parent_id)
    _where_in(conditions, _attribute("owner_team_id"), team_ids)
    _where_in(conditions, _attribute("category"), categories)
    _overlapping(conditions, "period_start", "period_end", period)
    _matching(conditions, snapshot, models.Goal, search, "title", "description")
    return _listed(snapshot, models.Goal, order, include_archived, conditions)


@memoised(table_of(models.KeyResult), table_of(models.Goal, "owner_team_id"))
def key_results(
    snapshot: Snapshot,
    *,
    goal_ids: Iterable[int] | None = None,
    team_ids: Iterable[int] | None = None,
    units: Iterable | None = None,
    due: DateSpan | None = None,
    search: str | None = None,
    include_archived: bool = False,
    order: Order = BY_ID,
) -> Listed[models.KeyResult]:
    conditions: list[Condition] = []
    _where_in(conditions, _attribute("goal_id"), goal_ids)

    def goal_team(key_result: models.KeyResult) -> int | None:
        goal = snapshot.row(models.Goal, key_result.goal_id)
        return None if goal is None else goal.owner_team_id

    _where_in(conditions, goal_team, team_ids)
    _where_in(conditions, _attribute("unit"), units)
    _overlapping(conditions, "due_date", "due_date", due)
    _matching(conditions, snapshot, models.KeyResult, search, "title", "description")
    return _listed(snapshot, models.KeyResult, order, include_archived, conditions)


@memoised(table_of(models.Campaign), table_of(models.CampaignChannel), *ALIGNED_READS)
def campaigns(
    snapshot: Snapshot,
    *,
    team_ids: Iterable[int] | None = None,
    statuses: Iterable | None = None,
    channels: Iterable | None = None,
    dates: DateSpan | None = None,
    aligned: bool | None = None,
    search: str | None = None,
    include_archived: bool = False,
    order: Order = BY_START_DATE,
) -> Listed[models.Campaign]:
    conditions: list[Condition] = []
    _where_in(conditions, _attribute("owner_team_id"), team_ids)
    _where_in(conditions, _attribute("status"), statuses)
    channels_wanted = chosen(channels)
    if channels_wanted is not None:
        by_channel = snapshot.groups(models.CampaignChannel, "channel")
        with_channel = _keys_of(by_channel, channels_wanted, "campaign_id")
        conditions.append(lambda campaign: campaign.pk in with_channel)
    if aligned is not None:
        supporting = aligned_campaign_ids(snapshot)
        conditions.append(lambda campaign: (campaign.pk in supporting) is aligned)
    _overlapping(conditions, "start_date", "end_date", dates)
    _matching(conditions, snapshot, models.Campaign, search, "name", "description", "audience")
    return _listed(snapshot, models.Campaign, order, include_archived, conditions)


@memoised(
    table_of(models.Task), *TEAM_READS, *ALIGNED_READS, table_of(models.KeyResult, "archived_at")
)
def tasks(
    snapshot: Snapshot,
    *,
    assignee_ids: Iterable[int] | None = None,
    team_ids: Iterable[int] | None = None,
    statuses: Iterable | None = None,
    campaign_ids: Iterable[int] | None = None,
    key_result_ids: Iterable[int] | None = None,
    due: DateSpan | None = None,
    aligned: bool | None = None,
    search: str | None = None,
    include_archived: bool = False,
    order: Order = BY_ID,
) -> Listed[models.Task]:
    conditions: list[Condition] = []
    _where_in(conditions, _attribute("assignee_id"), assignee_ids)
    _where_in(conditions, lambda task: team_of(snapshot, task), team_ids)
    _where_in(conditions, _attribute("status"), statuses)
    _where_in(conditions, _attribute("campaign_id"), campaign_ids)
    _where_in(conditions, _attribute("key_result_id"), key_result_ids)
    _overlapping(conditions, "due_date", "due_date", due)
    if aligned is not None:
        # A task reaches a goal through a live key result or a live, aligned campaign.
        live_key_results = _live_key_result_ids(snapshot)
        supporting = aligned_campaign_ids(snapshot)
        conditions.append(
            lambda task: (
                (task.key_result_id in live_key_results or task.campaign_id in supporting)
                is aligned
            )
        )
    _matching(conditions, snapshot, models.Task, search, "title", "description")
    return _listed(snapshot, models.Task, order, include_archived, conditions)


@memoised(table_of(models.Milestone))
def milestones(
    snapshot: Snapshot,
    *,
    team_ids: Iterable[int] | None = None,
    kinds: Iterable | None = None,
    campaign_ids: Iterable[int] | None = None,
    dates: DateSpan | None = None,
    search: str | None = None,
    include_archived: bool = False,
    order: Order = BY_START_DATE,
) -> Listed[models.Milestone]:
    conditions: list[Condition] = []
    _where_in(conditions, _attribute("team_id"), team_ids)
    _where_in(conditions, _attribute("kind"), kinds)
    _where_in(conditions, _attribute("campaign_id"), campaign_ids)
    if dates is not None:
        first, last = dates
        if first is not None:
            # A milestone without an end lasts one day.
            conditions.append(
                lambda milestone: (milestone.end_date or milestone.start_date) >= first
            )
        if last is not None:
            conditions.append(lambda milestone: milestone.start_date <= last)
    _matching(conditions, snapshot, models.Milestone, search, "title", "description")
    return _listed(snapshot, models.Milestone, order, include_archived, conditions)
