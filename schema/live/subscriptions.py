"""`events`: the event log as it grows, for the nodes and types a subscriber asks for."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Coroutine
from typing import Any

import strawberry

from schema.core.context import Info
from schema.core.errors import BadUserInput, Unauthenticated
from schema.core.ids import decode_global_id
from schema.core.loaders import LoaderRegistry
from schema.live.socket import LIVE, SIGNED_OUT, TOO_SLOW, LiveConnection, wait_forever
from schema.live.types import LiveEvent
from schema.webhooks.types import WebhookEventType
from server import models
from server.live.access import SignInRefused

MAX_NODE_IDS = 100


def wanted(
    types: list[str] | None, node_ids: list[strawberry.ID] | None
) -> tuple[frozenset[str] | None, frozenset[tuple[str, int]] | None]:
    """The filter's sets (None: no condition; empty: nothing, as everywhere in the API)."""
    type_set = None if types is None else frozenset(str(getattr(t, "value", t)) for t in types)
    if node_ids is None:
        return type_set, None
    if len(node_ids) > MAX_NODE_IDS:
        raise BadUserInput(f"`nodeIds` may hold at most {MAX_NODE_IDS} IDs, got {len(node_ids)}.")
    return type_set, frozenset(decode_global_id(global_id) for global_id in node_ids)


@strawberry.type
class LiveSubscriptions:
    @strawberry.subscription(
        description="Events as they are recorded (the webhook catalogue), from now on, "
        'over WebSocket with graphql-transport-ws (see README, "Live updates"). '
        "`types` and `nodeIds` keep to those types and objects (left out: all; "
        f"an empty list: none); at most {MAX_NODE_IDS} IDs."
    )
    async def events(
        self,
        info: Info,
        types: list[WebhookEventType] | None = None,  # type: ignore[valid-type]
        node_ids: list[strawberry.ID] | None = None,
    ) -> AsyncGenerator[LiveEvent, None]:
        scope = info.context.request.scope if info.context.request is not None else {}
        connection = scope.get(LIVE)
        if not isinstance(connection, LiveConnection):
            raise Unauthenticated("Subscriptions run over WebSocket, signed in at connection_init.")
        type_set, node_set = wanted(types, node_ids)

        def wants(event: models.Event) -> bool:
            return (type_set is None or event.type in type_set) and (
                node_set is None or (event.node_type, event.node_id) in node_set
            )

        async def overflowed() -> None:
            limit = connection.service.settings.queue_size
            await connection.end(
                TOO_SLOW, f"Too slow: more than {limit} events waited; reconnect and reload."
            )

        hub = connection.service.hub
        subscriber = hub.subscribe(wants, lambda: _spawn(overflowed()))
        try:
            while True:
                delivery = await subscriber.queue.get()
                try:
                    signed_in = connection.credentials.sign_in(delivery.snapshot)
                except SignInRefused as ended:
                    await connection.end(SIGNED_OUT, str(ended))
                    await wait_forever()
                context = info.context
                if context.request is not None:
                    context.request.scope["user"] = signed_in
                context.snapshot = delivery.snapshot
                context.loaders = LoaderRegistry(delivery.snapshot)
                context.computed = {}
                yield LiveEvent(row=delivery.event)
        finally:
            hub.unsubscribe(subscriber)


_background: set[asyncio.Future] = set()


def _spawn(coroutine: Coroutine[Any, Any, None]) -> None:
    """Close a slow subscriber's connection off the hub's loop, which must not wait."""
    task = asyncio.ensure_future(coroutine)
    _background.add(task)
    task.add_done_callback(_background.discard)
