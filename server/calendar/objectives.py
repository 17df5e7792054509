"""The objectives calendar entries serve, read from the snapshot.

Follows `server.trace`: a campaign reaches the live key results it is aligned to (live
alignments, by ID), a milestone or task its own live key result and its campaign's,
then each key result goes up its goal's ancestry, archived goals included. The walk up
from each goal is memoised per snapshot, so an entry costs a few lookups.
"""

from __future__ import annotations

from dataclasses import dataclass

from server.models import Alignment, Goal, KeyResult
from server.read_model import Snapshot


@dataclass(frozen=True)
class Reach:
    """Top-level goals (id, title) in id order, and every goal on the way up."""

    objectives: tuple[tuple[int, str], ...] = ()
    goal_ids: frozenset[int] = frozenset()


NOWHERE = Reach()


@dataclass(frozen=True)
class _Ascent:
    """The goals from one goal up to its top (the last one before a cycle), and that
    top as (id, title)."""

    goals: tuple[int, ...]
    top: tuple[int, str] | None


def _ascent(snapshot: Snapshot, goal_id: int) -> _Ascent:
    memo: dict[int, _Ascent] = snapshot.index("calendar.goal_ascents", ("goal",), lambda s: {})
    found = memo.get(goal_id)
    if found is None:
        path: list[int] = []
        seen: set[int] = set()
        current: int | None = goal_id
        last: Goal | None = None
        while current is not None and current not in seen:
            goal = snapshot.row(Goal, current)
            if goal is None:
                break
            seen.add(current)
            path.append(current)
            last = goal
            current = goal.parent_id
        top = None if last is None else (last.pk, last.title)
        found = memo[goal_id] = _Ascent(tuple(path), top)
    return found


def reach(snapshot: Snapshot, campaign_id: int | None, key_result_id: int | None) -> Reach:
    """Where work under the live campaign `campaign_id` and/or directly under
    `key_result_id` leads (pass None for a campaign that is archived or missing)."""
    aligned = snapshot.children(Alignment, "campaign_id", campaign_id) if campaign_id else []
    kr_ids = [alignment.key_result_id for alignment in aligned]
    if key_result_id:
        kr_ids.append(key_result_id)
    goals: set[int] = set()
    tops: dict[int, str] = {}
    for kr_id in kr_ids:
        key_result = snapshot.live(KeyResult, kr_id)
        if key_result is None:
            continue
        ascent = _ascent(snapshot, key_result.goal_id)
        goals.update(ascent.goals)
        if ascent.top is not None:
            tops[ascent.top[0]] = ascent.top[1]
    if not goals:
        return NOWHERE
    return Reach(tuple(sorted(tops.items())), frozenset(goals))
