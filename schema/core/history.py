"""The audit history as the API shows it: `history` on every node.

Entries are stored with model attribute names and raw keys (`server/history.py`); here
each change is renamed to the API's field (`period_end` -> `periodEnd`, `parent_id` ->
`parent`) and each key becomes the global ID of the object it names, as events name
them (`server/events/fields.py`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import datetime
from functools import partial, reduce
from operator import or_
from typing import Any

import strawberry
from strawberry.scalars import JSON
from tortoise.expressions import Q
from tortoise.models import Model

from schema.core.context import Info
from schema.core.refs import UserRef
from schema.org.loaders import UserByIdLoader
from server import enums, models
from server.events.fields import presentation
from server.external_calendars.shown_url import shown_url
from server.permissions import Actor

HistoryAction = strawberry.enum(enums.HistoryAction, description="What kind of change it was.")

# Recorded columns that are not API fields (the lower-cased email is a lookup key), and
# the password hash, which is never recorded but must not show even if it were.
INTERNAL_ATTRIBUTES = frozenset({"email_key", "password_hash"})
# Recorded values shown only as the reader may see them, by (model name, attribute).
GUARDED_ATTRIBUTES: dict[tuple[str, str], Callable[..., Any]] = {
    ("ExternalCalendar", "url"): shown_url,
}


async def history_by_node(keys: Sequence[tuple[str, int]]) -> list[list[Any]]:
    """Each node's entries, oldest first, keyed by (model name, key): one SELECT for the
    nodes a request's `DataLoader` collected, whatever their types. History is not held
    in the read model (it grows with every write and is read rarely)."""
    ids_by_type: dict[str, set[int]] = defaultdict(set)
    for node_type, node_id in keys:
        ids_by_type[node_type].add(node_id)
    condition = reduce(
        or_,
        (Q(node_type=t, node_id__in=sorted(ids)) for t, ids in sorted(ids_by_type.items())),
    )
    grouped: dict[tuple[str, int], list[Any]] = defaultdict(list)
    for entry in await models.HistoryEntry.filter(condition).order_by("at", "id"):
        grouped[(entry.node_type, entry.node_id)].append(entry)
    return [grouped.get(key, []) for key in keys]


def history_key(row: Model) -> tuple[str, int]:
    return type(row).__name__, row.pk


@strawberry.type(description="One field of a change, before and after.")
class FieldChange:
    field: str = strawberry.field(description="The field's API name (camelCase).")
    before: JSON | None = strawberry.field(
        description="The value before; references as global IDs, decimals and dates as text."
    )
    after: JSON | None = strawberry.field(description="The value after, in the same form.")


def _type_name_of(model: type[Model]) -> str | None:
    # Imported here: the node module imports this one to put `history` on `Node`.
    from schema.core.node import TYPE_NAME_OF_MODEL

    return TYPE_NAME_OF_MODEL.get(model)


def field_changes(
    node_type: str, changes: dict[str, dict[str, Any]], actor: Actor | None = None
) -> list[FieldChange]:
    """The recorded changes as the API shows them, in the model's field order (stored
    JSON keeps no order on every engine); guarded values as `actor` may see them."""
    model = getattr(models, node_type, None)
    order = list(model._meta.fields_db_projection) if model is not None else []

    def position(attribute: str) -> tuple[int, str]:
        return (order.index(attribute) if attribute in order else len(order), attribute)

    shown = []
    for attribute in sorted(changes, key=position):
        if attribute in INTERNAL_ATTRIBUTES:
            continue
        name, convert = presentation(model, attribute, _type_name_of)
        guard = GUARDED_ATTRIBUTES.get((node_type, attribute))
        if guard is not None:
            convert = partial(guard, actor=actor)
        change = changes[attribute] or {}
        shown.append(
            FieldChange(
                field=name,
                before=convert(change.get("before")),
                after=convert(change.get("after")),
            )
        )
    return shown


@strawberry.type(description="One recorded change of an object: who, when, what.")
class HistoryEntry:
    at: datetime
    action: HistoryAction

    @strawberry.field(description="Who made the change (null for imports and tools).")
    def actor(root: strawberry.Parent[models.HistoryEntry], info: Info) -> UserRef | None:
        if root.actor_id is None:
            return None
        return info.context.served(UserByIdLoader, root.actor_id)

    @strawberry.field(description="The fields that changed, with their values before and after.")
    def changes(root: strawberry.Parent[models.HistoryEntry], info: Info) -> list[FieldChange]:
        return field_changes(root.node_type, root.changes or {}, info.context.actor)
