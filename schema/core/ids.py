"""Opaque global IDs: base64 of "TypeName:databaseId"."""

from __future__ import annotations

from schema.core.errors import BadUserInput
from server.global_ids import decode_opaque, encode_global_id, encode_opaque

__all__ = ["decode_opaque", "encode_global_id", "encode_opaque"]

# Keys are 32-bit integers on every engine; a larger number can name nothing.
MAX_DATABASE_ID = 2**31 - 1


def decode_global_id(global_id: str) -> tuple[str, int]:
    """Return (type name, database id) or raise BAD_USER_INPUT for anything malformed.

    Only the canonical spelling (base64 padding optional) is accepted, so one object
    has one ID."""
    type_name, sep, pk = (decode_opaque(global_id) or "").partition(":")
    valid = sep and type_name.isidentifier() and pk.isascii() and pk.isdigit() and len(pk) < 19
    if not valid or encode_global_id(type_name, int(pk)) != str(global_id).rstrip("="):
        raise BadUserInput(f"{global_id!r} is not a valid ID.")
    return type_name, int(pk)


def decode_id_of(global_id: str, *type_names: str) -> int:
    """Decode an ID that must name one of `type_names` (e.g. a Team for a team filter).

    An ID beyond the key range decodes to 0, which no row has, so it matches nothing."""
    type_name, pk = decode_global_id(global_id)
    if type_name not in type_names:
        expected = " or ".join(type_names)
        raise BadUserInput(f"{global_id!r} is a {type_name} ID, expected a {expected} ID.")
    return pk if pk <= MAX_DATABASE_ID else 0
