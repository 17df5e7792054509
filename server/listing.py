"""Filtered, ordered queries behind the API's root lists (no GraphQL in here).

List conditions follow `server.selection`: None sets no condition, [] keeps nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tortoise.expressions import Q, RawSQL, Subquery
from tortoise.queryset import QuerySet

from server import models
from server.selection import where_in
from server.task_team import tasks_of_teams

DateSpan = tuple[dt.date | None, dt.date | None]


@dataclass(frozen=True)
class Order:
    """A column to sort by; the primary key always breaks ties so pages are stable."""

    column: str = "id"
    descending: bool = False

    def reversed(self) -> Order:
        """The same order read backwards (empty values first where they were last)."""
        return Order(self.column, not self.descending)

    def apply(self, queryset: QuerySet) -> QuerySet:
        sign = "-" if self.descending else ""
        keys = [f"{sign}{self.column}"] + ([] if self.column == "id" else [f"{sign}id"])
        field = queryset.model._meta.fields_map.get(self.column)
        if field is not None and field.null:
            # Empty values sort as if after every value, on every engine (SQLite alone
            # would put NULL first in ascending order).
            table = queryset.model._meta.db_table
            queryset = queryset.annotate(
                _is_null=RawSQL(
                    f'CASE WHEN "{table}"."{field.source_field or self.column}" '
                    "IS NULL THEN 1 ELSE 0 END"
                )
            )
            keys.insert(0, f"{sign}_is_null")
        return queryset.order_by(*keys)


BY_NAME = Order("name")


def _live(queryset: QuerySet, include_archived: bool) -> QuerySet:
    return queryset if include_archived else queryset.filter(archived_at__isnull=True)


def _overlapping(queryset: QuerySet, start: str, end: str, span: DateSpan | None) -> QuerySet:
    """Rows whose [start, end] period shares at least one day with `span` (a single date
    column is a one-day period: pass it as both ends)."""
    if span is None:
        return queryset
    first, last = span
    if first is not None:
        queryset = queryset.filter(**{f"{end}__gte": first})
    if last is not None:
        queryset = queryset.filter(**{f"{start}__lte": last})
    return queryset


def _matching(queryset: QuerySet, text: str | None, *columns: str) -> QuerySet:
    words = (text or "").split()
    for word in words:
        condition = Q()
        for column in columns:
            condition |= Q(**{f"{column}__icontains": word})
        queryset = queryset.filter(condition)
    return queryset


def _aligned_campaign_ids() -> Subquery:
    """Live campaigns that support at least one live key result."""
    live = models.Alignment.filter(
        archived_at__isnull=True,
        key_result__archived_at__isnull=True,
        campaign__archived_at__isnull=True,
    )
    return Subquery(live.values("campaign_id"))


def _live_key_result_ids() -> Subquery:
    return Subquery(models.KeyResult.filter(archived_at__isnull=True).values("id"))


def teams(*, search: str | None = None, include_archived: bool = False) -> QuerySet:
    queryset = _live(models.Team.all(), include_archived)
    return BY_NAME.apply(_matching(queryset, search, "name", "description"))


def users(
    *, roles=None, team_ids=None, search: str | None = None, include_archived: bool = False
) -> QuerySet:
    queryset = where_in(_live(models.User.all(), include_archived), "role", roles)
    if team_ids is not None:
        members = models.Membership.filter(team_id__in=list(team_ids))
        queryset = queryset.filter(id__in=Subquery(members.values("user_id")))
    return BY_NAME.apply(_matching(queryset, search, "name", "email"))


def goals(
    *,
    roots_only: bool = False,
    parent_id: int | None = None,
    team_ids=None,
    categories=None,
    period: DateSpan | None = None,
    search: str | None = None,
    include_archived: bool = False,
    order: Order = Order(),
) -> QuerySet:
    queryset = _live(models.Goal.all(), include_archived)
    if roots_only:
        queryset = queryset.filter(parent_id__isnull=True)
    if parent_id is not None:
        queryset = queryset.filter(parent_id=parent_id)
    queryset = where_in(queryset, "owner_team_id", team_ids)
    queryset = where_in(queryset, "category", categories)
    queryset = _overlapping(queryset, "period_start", "period_end", period)
    queryset = _matching(queryset, search, "title", "description")
    return order.apply(queryset)


def key_results(
    *,
    goal_ids=None,
    team_ids=None,
    units=None,
    due: DateSpan | None = None,
    search: str | None = None,
    include_archived: bool = False,
    order: Order = Order(),
) -> QuerySet:
    queryset = where_in(_live(models.KeyResult.all(), include_archived), "goal_id", goal_ids)
    queryset = where_in(queryset, "goal__owner_team_id", team_ids)
    queryset = where_in(queryset, "unit", units)
    queryset = _overlapping(queryset, "due_date", "due_date", due)
    queryset = _matching(queryset, search, "title", "description")
    return order.apply(queryset)


def campaigns(
    *,
    team_ids=None,
    statuses=None,
    channels=None,
    dates: DateSpan | None = None,
    aligned: bool | None = None,
    search: str | None = None,
    include_archived: bool = False,
    order: Order = Order("start_date"),
) -> QuerySet:
    queryset = where_in(_live(models.Campaign.all(), include_archived), "owner_team_id", team_ids)
    queryset = where_in(queryset, "status", statuses)
    if channels is not None:
        with_channel = models.CampaignChannel.filter(channel__in=list(channels))
        queryset = queryset.filter(id__in=Subquery(with_channel.values("campaign_id")))
    if aligned is True:
        queryset = queryset.filter(id__in=_aligned_campaign_ids())
    elif aligned is False:
        queryset = queryset.filter(~Q(id__in=_aligned_campaign_ids()))
    queryset = _overlapping(queryset, "start_date", "end_date", dates)
    queryset = _matching(queryset, search, "name", "description", "audience")
    return order.apply(queryset)


def tasks(
    *,
    assignee_ids=None,
    team_ids=None,
    statuses=None,
    campaign_ids=None,
    key_result_ids=None,
    due: DateSpan | None = None,
    aligned: bool | None = None,
    search: str | None = None,
    include_archived: bool = False,
    order: Order = Order(),
) -> QuerySet:
    queryset = where_in(_live(models.Task.all(), include_archived), "assignee_id", assignee_ids)
    queryset = tasks_of_teams(queryset, team_ids)
    queryset = where_in(queryset, "status", statuses)
    queryset = where_in(queryset, "campaign_id", campaign_ids)
    queryset = where_in(queryset, "key_result_id", key_result_ids)
    queryset = _overlapping(queryset, "due_date", "due_date", due)
    # A task reaches a goal through a live key result or a live, aligned campaign.
    if aligned is True:
        queryset = queryset.filter(
            Q(key_result_id__in=_live_key_result_ids()) | Q(campaign_id__in=_aligned_campaign_ids())
        )
    elif aligned is False:
        # Spelled out rather than negated: NOT (x IN ...) is NULL when x is NULL.
        queryset = queryset.filter(
            Q(key_result_id__isnull=True) | ~Q(key_result_id__in=_live_key_result_ids())
        ).filter(Q(campaign_id__isnull=True) | ~Q(campaign_id__in=_aligned_campaign_ids()))
    queryset = _matching(queryset, search, "title", "description")
    return order.apply(queryset)


def milestones(
    *,
    team_ids=None,
    kinds=None,
    campaign_ids=None,
    dates: DateSpan | None = None,
    search: str | None = None,
    include_archived: bool = False,
    order: Order = Order("start_date"),
) -> QuerySet:
    queryset = where_in(_live(models.Milestone.all(), include_archived), "team_id", team_ids)
    queryset = where_in(queryset, "kind", kinds)
    queryset = where_in(queryset, "campaign_id", campaign_ids)
    if dates is not None:
        first, last = dates
        if first is not None:
            # A milestone without an end lasts one day.
            queryset = queryset.filter(
                Q(end_date__gte=first) | Q(end_date__isnull=True, start_date__gte=first)
            )
        if last is not None:
            queryset = queryset.filter(start_date__lte=last)
    queryset = _matching(queryset, search, "title", "description")
    return order.apply(queryset)
