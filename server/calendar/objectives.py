"""The objectives calendar entries serve, traced for many entries at once.

Follows `server.trace`: a campaign reaches the key results it is aligned to, a
milestone or task its key result and its campaign's key results, then each key result
goes up its goal's ancestry. Alignments, key results and goals are read in three
statements for the whole calendar, never per entry, as plain values (no ORM objects).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from tortoise import connections

from server.models import Alignment, KeyResult


@dataclass(frozen=True)
class Reach:
    """Top-level goals (id, title) in id order, and every goal on the way up."""

    objectives: tuple[tuple[int, str], ...] = ()
    goal_ids: frozenset[int] = frozenset()


NOWHERE = Reach()


class ObjectiveIndex:
    """Answers "which objectives does this campaign / key result serve" from rows loaded
    once by `load`."""

    def __init__(self) -> None:
        self.key_results_of: dict[int, list[int]] = defaultdict(list)
        self.goal_of: dict[int, int] = {}
        self.goals: dict[int, tuple[int | None, str]] = {}
        """Goal id: (parent id, title)."""

    @classmethod
    async def load(
        cls, campaign_ids: Iterable[int], key_result_ids: Iterable[int]
    ) -> ObjectiveIndex:
        index = cls()
        campaign_ids, kr_ids = set(campaign_ids), set(key_result_ids)
        if campaign_ids:
            rows = (
                await Alignment.filter(campaign_id__in=campaign_ids, archived_at=None)
                .order_by("id")
                .values_list("campaign_id", "key_result_id")
            )
            for campaign_id, key_result_id in rows:
                index.key_results_of[campaign_id].append(key_result_id)
                kr_ids.add(key_result_id)
        if kr_ids:
            key_results = await KeyResult.filter(id__in=kr_ids, archived_at=None).values_list(
                "id", "goal_id"
            )
            index.goal_of = dict(key_results)
        index.goals = await _ancestry(set(index.goal_of.values()))
        return index

    def _from_goal(self, goal_id: int, goals: set[int], tops: dict[int, str]) -> None:
        seen: set[int] = set()
        current: int | None = goal_id
        last: int | None = None
        while current is not None and current in self.goals and current not in seen:
            seen.add(current)
            goals.add(current)
            last = current
            current = self.goals[current][0]
        if last is not None:
            tops[last] = self.goals[last][1]

    def reach(self, campaign_id: int | None, key_result_id: int | None) -> Reach:
        """Where work under `campaign_id` and/or directly under `key_result_id` leads
        (a campaign the index did not load, such as an archived one, leads nowhere)."""
        kr_ids = list(self.key_results_of.get(campaign_id, [])) if campaign_id else []
        if key_result_id:
            kr_ids.append(key_result_id)
        goals: set[int] = set()
        tops: dict[int, str] = {}
        for kr_id in kr_ids:
            if kr_id in self.goal_of:
                self._from_goal(self.goal_of[kr_id], goals, tops)
        if not goals:
            return NOWHERE
        return Reach(tuple(sorted(tops.items())), frozenset(goals))


async def _ancestry(goal_ids: set[int]) -> dict[int, tuple[int | None, str]]:
    """The goals named and all their ancestors, as id: (parent id, title), in one
    statement (the same walk as `server.trace.goal_ancestry`, without ORM objects)."""
    if not goal_ids:
        return {}
    ids = ", ".join(str(int(i)) for i in sorted(goal_ids))
    sql = f"""
        WITH RECURSIVE chain(id) AS (
            SELECT id FROM goal WHERE id IN ({ids})
            UNION
            SELECT g.parent_id FROM goal g JOIN chain c ON g.id = c.id
            WHERE g.parent_id IS NOT NULL
        )
        SELECT id, parent_id, title FROM goal WHERE id IN (SELECT id FROM chain)
    """
    rows = await connections.get("default").execute_query_dict(sql)
    return {row["id"]: (row["parent_id"], row["title"]) for row in rows}
