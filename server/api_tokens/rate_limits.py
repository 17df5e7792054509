"""Per-token rate limits: requests and query cost per minute.

Each token has a window of `WINDOW_SECONDS` starting at its first request in it; the
window counts admitted requests and the cost (nodes, as `schema.core.limits` measures
them) of admitted operations. A request past the limit, or an operation whose cost
would take the window past its limit, is refused and counts nothing. The counters are
per process: with several workers a token may reach each worker's limits.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from server import clock

WINDOW_SECONDS = 60
REQUESTS = "requests per minute"
COST = "cost per minute"
MAX_TRACKED = 100_000
"""Windows kept before the finished ones are dropped."""


@dataclass
class Window:
    started: float
    requests: int = 0
    cost: int = 0


@dataclass(frozen=True)
class Refusal:
    """Why a request or an operation was refused, and when to try again."""

    message: str
    measure: str
    limit: int
    value: int
    retry_after: int


class TokenRateLimits:
    def __init__(self, requests_per_minute: int, cost_per_minute: int) -> None:
        self.requests_per_minute = requests_per_minute
        self.cost_per_minute = cost_per_minute
        self._windows: dict[int, Window] = {}

    def _window(self, token_id: int) -> Window:
        now = clock.now().timestamp()
        window = self._windows.get(token_id)
        if window is None or now >= window.started + WINDOW_SECONDS:
            if len(self._windows) >= MAX_TRACKED:
                self._windows = {
                    k: w for k, w in self._windows.items() if now < w.started + WINDOW_SECONDS
                }
            window = self._windows[token_id] = Window(now)
        return window

    def reset_seconds(self, token_id: int) -> int:
        """Whole seconds until the token's window ends (at least 1)."""
        window = self._window(token_id)
        left = window.started + WINDOW_SECONDS - clock.now().timestamp()
        return max(1, math.ceil(left))

    def admit_request(self, token_id: int) -> Refusal | None:
        window = self._window(token_id)
        if window.requests >= self.requests_per_minute:
            wait = self.reset_seconds(token_id)
            return Refusal(
                f"This API token has made {window.requests} requests this minute, the most "
                f"allowed ({self.requests_per_minute} a minute); retry after {wait} s.",
                REQUESTS,
                self.requests_per_minute,
                window.requests + 1,
                wait,
            )
        window.requests += 1
        return None

    def charge_cost(self, token_id: int, cost: int) -> Refusal | None:
        """Count `cost` against the token's window, unless it would pass the limit."""
        window = self._window(token_id)
        if window.cost + cost > self.cost_per_minute:
            wait = self.reset_seconds(token_id)
            left = self.cost_per_minute - window.cost
            return Refusal(
                f"This query costs {cost} nodes, and this API token has {left} of its "
                f"{self.cost_per_minute} a minute left; retry after {wait} s or ask for "
                "smaller pages.",
                COST,
                self.cost_per_minute,
                window.cost + cost,
                wait,
            )
        window.cost += cost
        return None

    def refund_cost(self, token_id: int, cost: int) -> None:
        """Give back the cost of an operation charged but answered another way."""
        window = self._window(token_id)
        window.cost = max(0, window.cost - cost)

    def headers(self, token_id: int) -> dict[str, str]:
        """The state of both limits, for every response to a token."""
        window = self._window(token_id)
        return {
            "ratelimit-limit": str(self.requests_per_minute),
            "ratelimit-remaining": str(max(0, self.requests_per_minute - window.requests)),
            "ratelimit-reset": str(self.reset_seconds(token_id)),
            "ratelimit-cost-limit": str(self.cost_per_minute),
            "ratelimit-cost-remaining": str(max(0, self.cost_per_minute - window.cost)),
        }
