"""Recorded changes in the API's words: camelCase field names, references as global IDs.

History entries keep model attribute names and raw keys (`owner_team_id: 3`); an event
says `ownerTeam: "VGVhbToz"`, as a GraphQL client reads the same field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tortoise.models import Model

from server import models
from server.global_ids import encode_global_id

# Recorded values kept outside a row's columns that hold keys: field -> (API name, model).
RELATED_KEYS: dict[str, tuple[str, type[Model]]] = {
    "team_ids": ("teams", models.Team),
    "check_in_id": ("checkIn", models.CheckIn),
    "status_update_id": ("statusUpdate", models.StatusUpdate),
}
# Recorded structured values (alignments, an added spend or result entry): the keys
# inside them that hold references.
NESTED_REFERENCES: dict[str, dict[str, type[Model]]] = {
    "alignments": {"keyResult": models.KeyResult},
    "spendEntry": {"id": models.SpendEntry},
    "resultEntry": {"id": models.ResultEntry},
}
# Never sent out, whatever recorded them.
INTERNAL = frozenset({"email_key", "password_hash", "signing_secret", "previous_signing_secret"})


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


TypeNameOf = Callable[[type[Model]], "str | None"]


def model_name(model: type[Model]) -> str | None:
    """A node's type name in the API is its model's name."""
    return model.__name__


def global_ids(model: type[Model], type_name_of: TypeNameOf = model_name) -> Callable[[Any], Any]:
    """Keys of `model` as global IDs; left as they are for a model without a type."""
    type_name = type_name_of(model)

    def convert(value: Any) -> Any:
        if type_name is None or value is None:
            return value
        if isinstance(value, list):
            return [convert(item) for item in value]
        return encode_global_id(type_name, int(value))

    return convert


def nested(
    references: dict[str, type[Model]], type_name_of: TypeNameOf = model_name
) -> Callable[[Any], Any]:
    converters = {key: global_ids(model, type_name_of) for key, model in references.items()}

    def convert(value: Any) -> Any:
        if isinstance(value, list):
            return [convert(item) for item in value]
        if isinstance(value, dict):
            return {k: converters[k](v) if k in converters else v for k, v in value.items()}
        return value

    return convert


def _unchanged(value: Any) -> Any:
    return value


def presentation(
    model: type[Model] | None, attribute: str, type_name_of: TypeNameOf = model_name
) -> tuple[str, Callable[[Any], Any]]:
    """The API field name of a recorded attribute and how its values are shown
    (`type_name_of` names the API type of a referenced model: the history's reader
    passes the GraphQL layer's names)."""
    if attribute in NESTED_REFERENCES:
        return attribute, nested(NESTED_REFERENCES[attribute], type_name_of)
    if attribute in RELATED_KEYS:
        name, related = RELATED_KEYS[attribute]
        return name, global_ids(related, type_name_of)
    if model is not None:
        for fk_name in model._meta.fk_fields:
            fk: Any = model._meta.fields_map[fk_name]
            if fk.source_field == attribute:
                return camel(fk_name), global_ids(fk.related_model, type_name_of)
    return camel(attribute), _unchanged


def api_changes(node_type: str, changes: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """{apiField: {before, after}} for the recorded `changes` of a `node_type` node."""
    model = getattr(models, node_type, None)
    shown: dict[str, dict[str, Any]] = {}
    for attribute, change in changes.items():
        if attribute in INTERNAL:
            continue
        name, convert = presentation(model, attribute)
        change = change or {}
        shown[name] = {
            "before": convert(change.get("before")),
            "after": convert(change.get("after")),
        }
    return shown
