"""What tests of signing in share: a clock moved only by the test, and argon2 with the
smallest parameters (the suite checks behaviour, not strength)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher, Type


class PinnedClock:
    """`server.clock.now` frozen at a whole second, moved only by the test."""

    def __init__(self) -> None:
        self.moment = datetime.now(UTC).replace(microsecond=0)

    def now(self) -> datetime:
        return self.moment

    def advance(self, delta: timedelta) -> None:
        self.moment += delta


def cheap_hasher() -> PasswordHasher:
    return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, type=Type.ID)
