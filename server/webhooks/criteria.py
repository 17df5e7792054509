"""Which events an endpoint receives: by type, by team and by node type."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from server import models


class NodeType(StrEnum):
    """The node types an endpoint can narrow to: those events are about."""

    GOAL = "Goal"
    KEY_RESULT = "KeyResult"
    CAMPAIGN = "Campaign"
    TASK = "Task"
    MILESTONE = "Milestone"
    SPEND_ENTRY = "SpendEntry"
    RESULT_ENTRY = "ResultEntry"
    TEAM = "Team"
    USER = "User"


NODE_TYPES = frozenset(node_type.value for node_type in NodeType)


@dataclass(frozen=True)
class Criteria:
    """None: no restriction on that axis."""

    events: tuple[str, ...] | None = None
    teams: tuple[int, ...] | None = None
    node_types: tuple[str, ...] | None = None

    @classmethod
    def of(cls, endpoint: models.WebhookEndpoint) -> Criteria:
        stored: dict[str, Any] = endpoint.criteria or {}
        teams, node_types = stored.get("teams"), stored.get("nodeTypes")
        return cls(
            events=tuple(endpoint.events) if endpoint.events else None,
            teams=None if teams is None else tuple(teams),
            node_types=None if node_types is None else tuple(node_types),
        )

    def stored(self) -> dict[str, Any]:
        """The `criteria` column (event types are kept in their own column)."""
        return {
            "teams": None if self.teams is None else list(self.teams),
            "nodeTypes": None if self.node_types is None else list(self.node_types),
        }

    def admits(self, event: models.Event, node_teams: frozenset[int]) -> bool:
        if self.events is not None and event.type not in self.events:
            return False
        if self.node_types is not None and event.node_type not in self.node_types:
            return False
        return self.teams is None or bool(node_teams & set(self.teams))
