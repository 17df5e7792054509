"""Shortening secrets for display and logs: enough of a prefix to tell two apart, never
enough to use one."""

from __future__ import annotations

SHOWN_CHARACTERS = 4
ELLIPSIS = "…"


def mask(secret: str, shown: int = SHOWN_CHARACTERS) -> str:
    """`abcdefgh` -> `abcd…`; a value no longer than `shown` becomes `…` alone."""
    return (secret[:shown] if len(secret) > shown else "") + ELLIPSIS
