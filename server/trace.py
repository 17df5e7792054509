"""Tracing work up to the objectives it serves, and goals down to the work behind them.

Both read the read model's snapshot, with no statement. Writes still check a goal's
ancestry inside their transaction (`goal_ancestry`), with a recursive CTE in the
database: UNION (not UNION ALL) makes it terminate even on corrupt, cyclic data, as the
walks here do by remembering what they have seen.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from tortoise.models import Model

from server.models import (
    Alignment,
    Campaign,
    CheckIn,
    Goal,
    KeyResult,
    Milestone,
    ResultEntry,
    SpendEntry,
    Task,
)
from server.read_model import Snapshot

TRACEABLE = (
    Goal,
    KeyResult,
    Campaign,
    Task,
    Milestone,
    CheckIn,
    SpendEntry,
    ResultEntry,
    Alignment,
)


@dataclass(frozen=True)
class TracePath:
    """Rows from the traced node up to a top-level goal; `share` multiplies the alignment
    shares crossed on the way (1 when the path crosses none)."""

    rows: tuple[Model, ...]
    share: Decimal = Decimal(1)


@dataclass
class Trace:
    origin: Model
    paths: list[TracePath] = field(default_factory=list)

    @property
    def aligned(self) -> bool:
        return bool(self.paths)


def _id_list(ids: Iterable[int]) -> str:
    return ", ".join(str(int(i)) for i in sorted(set(ids))) or "NULL"


async def goal_ancestry(goal_ids: Iterable[int]) -> dict[int, Goal]:
    """The goals named and all their ancestors, in one statement."""
    ids = _id_list(goal_ids)
    if ids == "NULL":
        return {}
    sql = f"""
        WITH RECURSIVE chain(id) AS (
            SELECT id FROM goal WHERE id IN ({ids})
            UNION
            SELECT g.parent_id FROM goal g JOIN chain c ON g.id = c.id
            WHERE g.parent_id IS NOT NULL
        )
        SELECT * FROM goal WHERE id IN (SELECT id FROM chain)
    """
    found: list[Goal] = await Goal.raw(sql)
    return {goal.pk: goal for goal in found}


def _goal_chain(goal_id: int, goals: Mapping[int, Goal]) -> tuple[Goal, ...]:
    chain: list[Goal] = []
    seen: set[int] = set()
    current: int | None = goal_id
    while current is not None and current in goals and current not in seen:
        seen.add(current)
        chain.append(goals[current])
        current = goals[current].parent_id
    return tuple(chain)


def trace(snapshot: Snapshot, origin: Model) -> Trace:
    """Every path from `origin` to a top-level goal, read from the read model."""
    if not isinstance(origin, TRACEABLE):
        raise TypeError(f"{type(origin).__name__} cannot be traced")

    campaigns: dict[int, Campaign] = {}
    if isinstance(origin, (Task, Milestone, SpendEntry, ResultEntry)) and origin.campaign_id:
        campaign = snapshot.live(Campaign, origin.campaign_id)
        if campaign is not None:
            campaigns[campaign.pk] = campaign
    if isinstance(origin, Campaign) and origin.archived_at is None:
        campaigns[origin.pk] = origin

    alignments_by_campaign = {
        pk: snapshot.children(Alignment, "campaign_id", pk) for pk in campaigns
    }
    direct_kr_id = None
    if isinstance(origin, (Task, Milestone, CheckIn, Alignment)):
        direct_kr_id = origin.key_result_id
    kr_ids = {a.key_result_id for rows in alignments_by_campaign.values() for a in rows}
    if direct_kr_id:
        kr_ids.add(direct_kr_id)
    key_results = {
        pk: kr for pk in kr_ids if (kr := snapshot.live(KeyResult, pk)) is not None
    }
    if isinstance(origin, KeyResult):
        key_results[origin.pk] = origin
    goals = snapshot.table(Goal)

    def from_key_result(kr_id: int) -> list[TracePath]:
        kr = key_results.get(kr_id)
        if kr is None:
            return []
        return [TracePath((kr, *_goal_chain(kr.goal_id, goals)))]

    def from_campaign(campaign_id: int) -> list[TracePath]:
        campaign = campaigns.get(campaign_id)
        if campaign is None:
            return []
        paths = []
        for alignment in alignments_by_campaign[campaign_id]:
            for path in from_key_result(alignment.key_result_id):
                paths.append(TracePath((campaign, *path.rows), alignment.share))
        return paths

    if isinstance(origin, Goal):
        upward = [TracePath(_goal_chain(origin.pk, goals))]
        return Trace(origin, upward)
    if isinstance(origin, KeyResult):
        return Trace(origin, from_key_result(origin.pk))
    if isinstance(origin, Campaign):
        return Trace(origin, from_campaign(origin.pk))
    upward = []
    if isinstance(origin, Alignment):
        upward = [TracePath(p.rows, origin.share) for p in from_key_result(origin.key_result_id)]
    else:
        if direct_kr_id:
            upward += from_key_result(direct_kr_id)
        campaign_id = getattr(origin, "campaign_id", None)
        if campaign_id:
            upward += from_campaign(campaign_id)
    return Trace(origin, [TracePath((origin, *p.rows), p.share) for p in upward])


# --- goal subtrees: the work that reaches a goal ---------------------------------------

def _subtree(snapshot: Snapshot, root: int) -> list[int]:
    """The goal `root` (archived or not) and its live descendants; a cycle in corrupt
    data ends the walk instead of looping."""
    found, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        for child in snapshot.children(Goal, "parent_id", parent):
            if child.pk not in found:
                found.add(child.pk)
                frontier.append(child.pk)
    return list(found)


def _supporting(snapshot: Snapshot, kind: str, root: int) -> list[int]:
    key_results = [
        kr.pk
        for goal in _subtree(snapshot, root)
        for kr in snapshot.children(KeyResult, "goal_id", goal)
    ]
    campaigns = {
        alignment.campaign_id: campaign
        for kr in key_results
        for alignment in snapshot.children(Alignment, "key_result_id", kr)
        if (campaign := snapshot.live(Campaign, alignment.campaign_id)) is not None
    }
    if kind == "campaigns":
        return [c.pk for c in snapshot.ordered(Campaign, campaigns.values())]
    model = Task if kind == "tasks" else Milestone
    work = {
        row.pk: row
        for key, owners in (("key_result_id", key_results), ("campaign_id", list(campaigns)))
        for owner in owners
        for row in snapshot.children(model, key, owner)
    }
    return [row.pk for row in snapshot.ordered(model, work.values())]


def supporting_ids(snapshot: Snapshot, kind: str, goal_ids: Sequence[int]) -> dict[int, list[int]]:
    """IDs of the campaigns, tasks or milestones reaching each goal through its subtree
    (live key results, live alignments to live campaigns), in their models' order."""
    if kind not in ("campaigns", "tasks", "milestones"):
        raise ValueError(f"no supporting work of kind {kind!r}")
    goals = snapshot.table(Goal)
    return {
        int(goal): _supporting(snapshot, kind, int(goal)) if int(goal) in goals else []
        for goal in goal_ids
    }
