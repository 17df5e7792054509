"""The API's global IDs in exports: written for every node, read for filters.

Exports name nodes as the API does, so a row can be fetched with `node(id:)`; a filter
parameter takes the same IDs. Only the canonical spelling of an ID is read (padding
optional), as the API reads it.
"""

from __future__ import annotations

import base64
import binascii

from server.feeds.links import global_id

__all__ = ["decoded", "global_id"]

MAX_DATABASE_ID = 2**31 - 1


def decoded(text: str, type_name: str) -> int | None:
    """The key of a global ID naming a `type_name`, or None when it is not one. A key
    beyond the database's range reads as 0, which names no row."""
    try:
        raw = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
        named, sep, pk = raw.decode("ascii").partition(":")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    if not sep or named != type_name or not (pk.isascii() and pk.isdigit()) or len(pk) > 18:
        return None
    if global_id(type_name, int(pk)) != text.rstrip("="):
        return None
    return int(pk) if int(pk) <= MAX_DATABASE_ID else 0
