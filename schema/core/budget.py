"""One budget per request: the operations of a batch share the limits of one operation.

Tokens, selections and cost are summed over a request's operations, so a batch of ten
asks no more of the server than a single operation may. Computations over the whole
organisation are shared by the request's operations, so each is counted once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace


@dataclass
class RequestBudget:
    """What the request's operations have been granted so far."""

    operations: int = 0
    tokens: int = 0
    selections: int = 0
    cost: int = 0
    computations: set[str] = field(default_factory=set)
    last_cost: int = 0
    """The cost granted to the latest operation (what its API token is charged)."""

    @property
    def batched(self) -> bool:
        """Whether an earlier operation of the request has already been measured."""
        return self.operations > 0

    def shared_cost(self, computations: Iterable[str], weights: Mapping[str, int]) -> int:
        """Cost of the organisation-wide computations no earlier operation counted."""
        return sum(weights[name] for name in set(computations) - self.computations)

    def grant(self, selections: int, cost: int, computations: Iterable[str]) -> None:
        self.operations += 1
        self.selections += selections
        self.cost += cost
        self.last_cost = cost
        self.computations.update(computations)

    def copy(self) -> RequestBudget:
        return replace(self, computations=set(self.computations))

    def restore(self, earlier: RequestBudget) -> None:
        """Back to `earlier` (a copy), for an operation given up before it ran."""
        copied = earlier.copy()
        for each in fields(self):
            setattr(self, each.name, getattr(copied, each.name))
