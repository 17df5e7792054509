"""The audit history as the API shows it: `history` on every node.

Entries are stored with model attribute names and raw keys (`server/history.py`); here
each change is renamed to the API's field (`period_end` -> `periodEnd`, `parent_id` ->
`parent`) and each key becomes the global ID of the object it names.
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
from strawberry.utils.str_converters import to_camel_case
from tortoise.expressions import Q
from tortoise.models import Model

from schema.core.context import Info
from schema.core.ids import encode_global_id
from schema.core.refs import UserRef
from schema.org.loaders import UserByIdLoader
from server import enums, models
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
# Recorded lists of keys kept outside a row's columns, and the model they name.
REFERENCE_LISTS: dict[str, type[Model]] = {"team_ids": models.Team}
# Recorded structured values (a campaign's alignments, an added spend or result entry):
# the keys inside them that hold references, by the value's name.
NESTED_REFERENCES: dict[str, dict[str, type[Model]]] = {
    "alignments": {"keyResult": models.KeyResult},
    "spendEntry": {"id": models.SpendEntry},
    "resultEntry": {"id": models.ResultEntry},
}


def _nested_ids(references: dict[str, type[Model]]) -> Callable[[Any], Any]:
    converters = {key: _as_global_id(model) for key, model in references.items()}

    def convert(value: Any) -> Any:
        if isinstance(value, list):
            return [convert(item) for item in value]
        if isinstance(value, dict):
            return {
                key: converters[key](item) if key in converters else item
                for key, item in value.items()
            }
        return value

    return convert


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


def _as_global_id(model: type[Model]) -> Callable[[Any], Any]:
    type_name = _type_name_of(model)

    def convert(value: Any) -> Any:
        if type_name is None or value is None:
            return value
        if isinstance(value, list):
            return [convert(item) for item in value]
        return encode_global_id(type_name, value)

    return convert


def _unchanged(value: Any) -> Any:
    return value


def _presentation(model: type[Model] | None, attribute: str) -> tuple[str, Callable[[Any], Any]]:
    """The API field name of a recorded attribute and how to show its values."""
    if attribute in NESTED_REFERENCES:
        return attribute, _nested_ids(NESTED_REFERENCES[attribute])
    if attribute in REFERENCE_LISTS:
        return to_camel_case(attribute.removesuffix("_ids") + "s"), _as_global_id(
            REFERENCE_LISTS[attribute]
        )
    if model is not None:
        for fk_name in model._meta.fk_fields:
            fk = model._meta.fields_map[fk_name]
            if fk.source_field == attribute:
                return to_camel_case(fk_name), _as_global_id(fk.related_model)
    return to_camel_case(attribute), _unchanged


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
        name, convert = _presentation(model, attribute)
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
