"""Tracing work up to the objectives it serves, and goals down to the work behind them.

Both run in a fixed number of statements: goal ancestry and subtrees are walked by a
recursive CTE inside the database (SQLite and PostgreSQL alike), never node by node.
UNION (not UNION ALL) in the recursion makes it terminate even on corrupt, cyclic data.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from tortoise import connections
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
    return {goal.pk: goal for goal in await Goal.raw(sql)}


def _goal_chain(goal_id: int, goals: dict[int, Goal]) -> tuple[Goal, ...]:
    chain: list[Goal] = []
    seen: set[int] = set()
    current: int | None = goal_id
    while current is not None and current in goals and current not in seen:
        seen.add(current)
        chain.append(goals[current])
        current = goals[current].parent_id
    return tuple(chain)


async def trace(origin: Model) -> Trace:
    """Every path from `origin` to a top-level goal (at most four statements)."""
    if not isinstance(origin, TRACEABLE):
        raise TypeError(f"{type(origin).__name__} cannot be traced")

    campaign_ids: set[int] = set()
    if isinstance(origin, (Task, Milestone, SpendEntry, ResultEntry)) and origin.campaign_id:
        campaign_ids.add(origin.campaign_id)
    campaigns = {c.pk: c for c in await Campaign.filter(id__in=campaign_ids, archived_at=None)}
    if isinstance(origin, Campaign) and origin.archived_at is None:
        campaigns[origin.pk] = origin

    alignments_by_campaign: dict[int, list[Alignment]] = defaultdict(list)
    if campaigns:
        rows = await Alignment.filter(campaign_id__in=list(campaigns), archived_at=None)
        for row in rows:
            alignments_by_campaign[row.campaign_id].append(row)
    direct_kr_id = None
    if isinstance(origin, (Task, Milestone, CheckIn, Alignment)):
        direct_kr_id = origin.key_result_id
    kr_ids = {a.key_result_id for rows in alignments_by_campaign.values() for a in rows}
    if direct_kr_id:
        kr_ids.add(direct_kr_id)
    key_results = {k.pk: k for k in await KeyResult.filter(id__in=kr_ids, archived_at=None)}
    if isinstance(origin, KeyResult):
        key_results[origin.pk] = origin

    goal_ids = {k.goal_id for k in key_results.values()}
    if isinstance(origin, Goal):
        goal_ids.add(origin.pk)
    goals = await goal_ancestry(goal_ids)

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
        for alignment in sorted(alignments_by_campaign[campaign_id], key=lambda a: a.pk):
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
        if getattr(origin, "campaign_id", None):
            upward += from_campaign(origin.campaign_id)
    return Trace(origin, [TracePath((origin, *p.rows), p.share) for p in upward])


# --- goal subtrees: the work that reaches a goal ---------------------------------------

_SUBTREE = """
    WITH RECURSIVE subtree(root, id) AS (
        SELECT id, id FROM goal WHERE id IN ({ids})
        UNION
        SELECT s.root, g.id FROM goal g JOIN subtree s ON g.parent_id = s.id
        WHERE g.archived_at IS NULL
    ),
    krs(root, id) AS (
        SELECT s.root, k.id FROM subtree s
        JOIN key_result k ON k.goal_id = s.id AND k.archived_at IS NULL
    ),
    camps(root, id) AS (
        SELECT DISTINCT krs.root, c.id FROM krs
        JOIN alignment a ON a.key_result_id = krs.id AND a.archived_at IS NULL
        JOIN campaign c ON c.id = a.campaign_id AND c.archived_at IS NULL
    )
"""

_SUPPORTING = {
    "campaigns": """
        SELECT camps.root AS root, c.id AS id FROM camps JOIN campaign c ON c.id = camps.id
        ORDER BY camps.root, c.start_date, c.id
    """,
    "tasks": """
        SELECT DISTINCT root, id FROM (
            SELECT krs.root AS root, t.id AS id FROM krs
            JOIN task t ON t.key_result_id = krs.id AND t.archived_at IS NULL
            UNION
            SELECT camps.root AS root, t.id AS id FROM camps
            JOIN task t ON t.campaign_id = camps.id AND t.archived_at IS NULL
        ) work ORDER BY root, id
    """,
    "milestones": """
        SELECT DISTINCT root, id, start_date FROM (
            SELECT krs.root AS root, m.id AS id, m.start_date AS start_date FROM krs
            JOIN milestone m ON m.key_result_id = krs.id AND m.archived_at IS NULL
            UNION
            SELECT camps.root AS root, m.id AS id, m.start_date AS start_date FROM camps
            JOIN milestone m ON m.campaign_id = camps.id AND m.archived_at IS NULL
        ) work ORDER BY root, start_date, id
    """,
}


async def supporting_ids(kind: str, goal_ids: Sequence[int]) -> dict[int, list[int]]:
    """IDs of the campaigns, tasks or milestones reaching each goal through its subtree,
    for many goals in one statement."""
    ids = _id_list(goal_ids)
    result: dict[int, list[int]] = {int(g): [] for g in goal_ids}
    if ids == "NULL":
        return result
    sql = _SUBTREE.format(ids=ids) + _SUPPORTING[kind]
    for row in await connections.get("default").execute_query_dict(sql):
        result[int(row["root"])].append(int(row["id"]))
    return result
