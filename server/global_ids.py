"""Opaque global IDs, "TypeName:databaseId" in URL-safe base64, as the API gives them.

Kept in the domain so that what leaves the server by other roads (webhook payloads,
events) names objects exactly as the GraphQL API does. A node's type name is its
model's class name.
"""

from __future__ import annotations

import base64
import binascii
import functools


def encode_opaque(text: str) -> str:
    """URL-safe base64 without padding: IDs and cursors are opaque to clients."""
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_opaque(token: str) -> str | None:
    """The text inside an opaque token (padding optional), or None if it is not one."""
    text = str(token)
    try:
        raw = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
        return raw.decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None


GLOBAL_IDS_REMEMBERED = 131_072
"""More than the 75 858 nodes of the whole tree of a 100 000-node organisation: with
fewer, each full-tree read pushed out the IDs it would need next and encoded every one
again (about a tenth of that read). Each ID costs about 240 bytes, so 31 MB when full;
the cache only grows to the objects actually named, bounded against IDs clients send."""


@functools.lru_cache(maxsize=GLOBAL_IDS_REMEMBERED)
def encode_global_id(type_name: str, pk: int) -> str:
    """Remembered for the objects named most recently: answers name the same objects
    again and again."""
    return encode_opaque(f"{type_name}:{pk}")
