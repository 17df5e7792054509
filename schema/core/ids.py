"""Opaque global IDs: base64 of "TypeName:databaseId"."""

from __future__ import annotations

import base64
import binascii

from schema.core.errors import BadUserInput


def encode_global_id(type_name: str, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode().rstrip("=")


def decode_global_id(global_id: str) -> tuple[str, int]:
    """Return (type name, database id) or raise BAD_USER_INPUT for anything malformed."""
    text = str(global_id).strip()
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadUserInput(f"{global_id!r} is not a valid ID.") from None
    type_name, sep, pk = raw.partition(":")
    if not sep or not type_name.isidentifier() or not pk.isdigit() or len(pk) > 18:
        raise BadUserInput(f"{global_id!r} is not a valid ID.")
    return type_name, int(pk)


def decode_id_of(global_id: str, *type_names: str) -> int:
    """Decode an ID that must name one of `type_names` (e.g. a Team for a team filter)."""
    type_name, pk = decode_global_id(global_id)
    if type_name not in type_names:
        expected = " or ".join(type_names)
        raise BadUserInput(f"{global_id!r} is a {type_name} ID, expected a {expected} ID.")
    return pk
