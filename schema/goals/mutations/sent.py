"""Partial updates: which optional input fields a client actually sent.

An update input field left out is `UNSET` (keep the stored value); sent as null it is
None (clear it, or a REQUIRED user error where null is not allowed)."""

from __future__ import annotations

from typing import Any

import strawberry

from schema.core.mutations import key_of


def sent_fields(**values: Any) -> dict[str, Any]:
    """The given values except the ones left out, keyed by domain attribute name."""
    return {name: value for name, value in values.items() if value is not strawberry.UNSET}


def sent_key(global_id: Any, type_name: str) -> Any:
    """`key_of` for an optional reference of an update, passing `UNSET` through."""
    return global_id if global_id is strawberry.UNSET else key_of(global_id, type_name)
