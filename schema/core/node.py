"""Relay object identification: the `Node` interface and `node` / `nodes` lookups.

Each GraphQL type registers the model it presents and the loader that fetches it by
primary key; resolvers return model rows and `is_type_of` picks the GraphQL type.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import strawberry
from tortoise.models import Model

from schema.core.connection import Connection, connection_from_list, page_args
from schema.core.context import Info
from schema.core.edges import PAGE_ARGS_HELP
from schema.core.errors import BadUserInput
from schema.core.history import HistoryEntry, history_by_node, history_key
from schema.core.ids import decode_global_id, encode_global_id
from schema.core.loaders import ModelServed

MAX_NODES = 100


@dataclass(frozen=True)
class NodeSpec:
    model: type[Model]
    loader: type[ModelServed]


NODE_TYPES: dict[str, NodeSpec] = {}
TYPE_NAME_OF_MODEL: dict[type[Model], str] = {}


def global_id_of(row: Model) -> str:
    return encode_global_id(TYPE_NAME_OF_MODEL[type(row)], row.pk)


def instance_test(model: type[Model]) -> classmethod:
    """The `is_type_of` of a type presenting `model`. It names the model as
    `instances_of`, so compiled plans test `isinstance` inline, without resolve info."""

    def is_type_of(_cls: type, obj: Any, _info: Any) -> bool:
        return isinstance(obj, model)

    is_type_of.instances_of = model  # type: ignore[attr-defined]
    return classmethod(is_type_of)


def presents(model: type[Model], loader: type[ModelServed]) -> Callable[[type], type]:
    """Register a GraphQL type as the presentation of `model` (apply under @strawberry.type)."""

    def register(cls: type) -> type:
        cls.is_type_of = instance_test(model)
        NODE_TYPES[cls.__name__] = NodeSpec(model, loader)
        TYPE_NAME_OF_MODEL[model] = cls.__name__
        return cls

    return register


@strawberry.interface(description="An object with an opaque, globally unique ID.")
class Node:
    @strawberry.field(description="Opaque global ID; pass it to `node(id:)` to fetch again.")
    def id(root: strawberry.Parent[Any]) -> strawberry.ID:
        return strawberry.ID(global_id_of(root))

    @strawberry.field(
        description="Every recorded change of this object, oldest first: who, when and "
        f"each field before and after. {PAGE_ARGS_HELP}"
    )
    async def history(
        root: strawberry.Parent[Any],
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[HistoryEntry]:
        page = page_args(first, after, last, before)
        entries = await info.context.loaders.data_loader(history_by_node).load(history_key(root))
        return connection_from_list(entries, page)


def load_node(info: Info, global_id: str) -> Any | None:
    type_name, pk = decode_global_id(global_id)
    spec = NODE_TYPES.get(type_name)
    if spec is None:
        raise BadUserInput(f"{global_id!r} is not a valid ID.")
    return info.context.served(spec.loader, pk)


@strawberry.type
class NodeQueries:
    @strawberry.field(description="Any object by its global ID; null when it does not exist.")
    def node(self, info: Info, id: strawberry.ID) -> Node | None:
        return load_node(info, id)

    @strawberry.field(description=f"Several objects by global ID, in order (at most {MAX_NODES}).")
    def nodes(self, info: Info, ids: list[strawberry.ID]) -> list[Node | None]:
        if len(ids) > MAX_NODES:
            raise BadUserInput(f"`ids` may hold at most {MAX_NODES} IDs, got {len(ids)}.")
        return [load_node(info, global_id) for global_id in ids]


@strawberry.interface(description="An editable object: versioned, timestamped, archivable.")
class Versioned:
    version: int = strawberry.field(
        description="Increases with every change; send it back "
        "with an update so a stale edit is refused."
    )
    created_at: datetime
    updated_at: datetime
    archived_at: datetime | None = strawberry.field(
        description="When it was archived; archived objects are left out of lists."
    )
