"""What every mutation shares: the `userErrors` type, input ID decoding, and `perform`,
which runs a domain write and turns its refusals into payload errors or API errors.

Expected problems with the input are data (`userErrors`, nothing written); signing in,
permission, a missing target and a stale version are top-level errors (UNAUTHENTICATED,
FORBIDDEN, NOT_FOUND, CONFLICT).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import strawberry

from schema.core.context import Info
from schema.core.errors import BadUserInput, Conflict, Forbidden, NotFound, Unauthenticated
from schema.core.ids import MAX_DATABASE_ID, decode_global_id
from server.permissions import Actor
from server.writes import errors as refusals
from server.writes.plain import plain

UserErrorCode = strawberry.enum(
    refusals.UserErrorCode, description="Why one input field was refused."
)

P = TypeVar("P")


@strawberry.type(description="A problem with the input of a mutation; nothing was written.")
class UserError:
    field: str | None = strawberry.field(
        description="The input field at fault (camelCase, dotted into lists as "
        "`alignments.1.share`), or null when it concerns the input as a whole."
    )
    code: UserErrorCode
    message: str


def key_of(global_id: strawberry.ID | None, type_name: str) -> int | None:
    """The database key of an ID in an input; 0 (which names nothing) when the ID is
    malformed or names another type, so the write reports it as not found."""
    if global_id is None:
        return None
    try:
        found_type, pk = decode_global_id(global_id)
    except BadUserInput:
        return 0
    return pk if found_type == type_name and pk <= MAX_DATABASE_ID else 0


def target_of(global_id: strawberry.ID, type_name: str) -> int:
    """The key of the object a mutation acts on; an unusable ID names nothing."""
    return key_of(global_id, type_name) or 0


def require_actor(info: Info) -> Actor:
    actor = info.context.actor
    if actor is None:
        raise Unauthenticated(info.context.signed_out_reason)
    return actor


async def perform(
    info: Info,
    payload: Callable[..., P],
    field: str,
    write: Callable[[Actor], Awaitable[Any]],
) -> P:
    """Run `write` for the signed-in user and build `payload(field=row, user_errors=...)`.

    The write's permission checks read the request's snapshot (the one after any
    earlier write of the same request), see `server.permissions`."""
    actor = require_actor(info).reading(info.context.snapshot)
    try:
        row = await write(actor)
    except refusals.Invalid as invalid:
        errors = [
            UserError(field=e.field, code=e.code, message=plain(e.message)) for e in invalid.errors
        ]
        return payload(**{field: None, "user_errors": errors})
    except refusals.Forbidden as refused:
        raise Forbidden(str(refused)) from None
    except refusals.Missing as missing:
        raise NotFound(str(missing)) from None
    except refusals.Conflict as conflict:
        raise Conflict(str(conflict), currentVersion=conflict.current) from None
    finally:
        await info.context.after_write()
    return payload(**{field: info.context.as_served(row), "user_errors": []})
