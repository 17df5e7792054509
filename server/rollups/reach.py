"""Where a node belongs: the teams that own it and the goals whose subtree it serves,
so risks can be selected by team or by goal.

A node serves a goal when it sits in the goal's live subtree: the goal, its live child
goals (recursively), their live key results, the campaigns aligned to those, and the
tasks and milestones of those campaigns and key results. Computed upwards, once per
node, so selecting the risks under every goal of a tree costs one pass.
"""

from __future__ import annotations

from server import models
from server.rollups.graph import OrgGraph
from server.rollups.progress import NodeKey

NOTHING: frozenset[int] = frozenset()


class Reach:
    def __init__(self, graph: OrgGraph) -> None:
        self.graph = graph
        self._chains: dict[int, frozenset[int]] = {}

    def teams_of(self, key: NodeKey) -> set[int]:
        """Owner team of a goal, key result (its goal's), campaign; team of a task or
        milestone; every team of a person; a team itself."""
        model, pk = key
        graph = self.graph
        if model is models.Team:
            return {pk}
        if model is models.User:
            return set(graph.teams_of.get(pk, []))
        if model is models.Goal:
            return {graph.goals[pk].owner_team_id}
        if model is models.Campaign:
            return {graph.campaigns[pk].owner_team_id}
        if model is models.KeyResult:
            return {graph.goals[graph.key_results[pk].goal_id].owner_team_id}
        row = graph.tasks[pk] if model is models.Task else graph.milestones[pk]
        return {row.team_id} if row.team_id is not None else set()

    def goals_above(self, key: NodeKey) -> frozenset[int]:
        """The goals whose live subtree holds the node (none for people and teams)."""
        model, pk = key
        graph = self.graph
        if model is models.Goal:
            return self._chain(pk)
        if model is models.KeyResult:
            return self._above_key_result(pk)
        if model is models.Campaign:
            return self._above_campaign(pk)
        if model in (models.Task, models.Milestone):
            row = graph.tasks[pk] if model is models.Task else graph.milestones[pk]
            above = self._above_key_result(row.key_result_id) if row.key_result_id else NOTHING
            return above | (self._above_campaign(row.campaign_id) if row.campaign_id else NOTHING)
        return NOTHING

    def _chain(self, goal_id: int) -> frozenset[int]:
        """The goal and, while each is live, its ancestors (cycles cut)."""
        if goal_id not in self._chains:
            chain, current = [], self.graph.goals.get(goal_id)
            while current is not None and current.id not in chain:
                chain.append(current.id)
                if current.archived or current.parent_id is None:
                    break
                current = self.graph.goals.get(current.parent_id)
            self._chains[goal_id] = frozenset(chain)
        return self._chains[goal_id]

    def _above_key_result(self, key_result_id: int) -> frozenset[int]:
        kr = self.graph.key_results.get(key_result_id)
        return NOTHING if kr is None or kr.archived else self._chain(kr.goal_id)

    def _above_campaign(self, campaign_id: int) -> frozenset[int]:
        above = NOTHING
        for alignment in self.graph.alignments_of_campaign.get(campaign_id, []):
            above = above | self._above_key_result(alignment.key_result_id)
        return above
