"""Mutations of goals and key results, merged into the root `Mutation` type."""

from __future__ import annotations

from schema.goals.mutations.goals import GoalMutations
from schema.goals.mutations.key_results import KeyResultMutations

__all__ = ["GoalMutations", "KeyResultMutations"]
