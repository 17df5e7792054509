"""Webhook mutations: inputs converted to plain values for `server.webhooks.endpoints`."""

from __future__ import annotations

from typing import Any

import strawberry

from schema.core.context import Info
from schema.core.mutations import UserError, key_of, perform, target_of
from schema.webhooks.types import Webhook, WebhookDelivery, WebhookEventType, WebhookNodeType
from server.settings import Webhooks
from server.webhooks import endpoints
from server.webhooks.criteria import Criteria


def rules_of(info: Info) -> Webhooks:
    settings = info.context.settings
    return settings.webhooks if settings is not None else Webhooks()


@strawberry.input(description="Which events an endpoint receives; left out, everything.")
class WebhookFilter:
    teams: list[strawberry.ID] | None = strawberry.field(
        default=None,
        description="Only objects of these teams (required for editors, who may name only "
        "their own teams). Null: every team's.",
    )
    node_types: list[WebhookNodeType] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Only events about these kinds of object. Null: every kind."
    )


def _teams(filter: WebhookFilter) -> tuple[int, ...] | None:
    """An ID of another type becomes key 0, which the write reports as naming nothing."""
    if filter.teams is None:
        return None
    return tuple(key_of(gid, "Team") or 0 for gid in filter.teams)


def _types(values: list[Any] | None) -> tuple[str, ...] | None:
    return None if values is None else tuple(getattr(v, "value", v) for v in values)


@strawberry.input(description="A new webhook endpoint of yours.")
class WebhookCreateInput:
    url: str = strawberry.field(description="An http(s) address the events are POSTed to.")
    events: list[WebhookEventType] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="The event types to send; left out, every type."
    )
    filter: WebhookFilter | None = None


@strawberry.input(description="Change an endpoint: only the fields given change.")
class WebhookUpdateInput:
    id: strawberry.ID
    version: int = strawberry.field(description="The version you last read.")
    url: str | None = strawberry.UNSET
    events: list[WebhookEventType] | None = strawberry.field(  # type: ignore[valid-type]
        default=strawberry.UNSET, description="The event types to send; null for every type."
    )
    filter: WebhookFilter | None = strawberry.field(
        default=strawberry.UNSET,
        description="Its fields given replace the current ones (null: no restriction).",
    )
    enabled: bool | None = strawberry.field(
        default=strawberry.UNSET,
        description="True re-enables a disabled endpoint: its failures are forgotten and "
        "the deliveries it kept are sent.",
    )


@strawberry.input
class WebhookRefInput:
    id: strawberry.ID
    version: int


@strawberry.input
class WebhookRedeliverInput:
    delivery_id: strawberry.ID


@strawberry.type(
    description="The endpoint with its signing secret (`whsec_` + base64): shown this once "
    "and never again. Null with `userErrors` saying why not."
)
class WebhookSecretPayload:
    webhook: Webhook | None
    secret: str | None
    user_errors: list[UserError]


@strawberry.type(description="The endpoint written, or null with `userErrors` saying why not.")
class WebhookPayload:
    webhook: Webhook | None
    user_errors: list[UserError]


@strawberry.type(description="The delivery queued again, or null with `userErrors`.")
class WebhookDeliveryPayload:
    delivery: WebhookDelivery | None
    user_errors: list[UserError]


def _with_secret(made: endpoints.WithSecret | None, user_errors: list[UserError]):
    if made is None:
        return WebhookSecretPayload(webhook=None, secret=None, user_errors=user_errors)
    served: Any = made.endpoint  # the model row, presented as `Webhook`
    return WebhookSecretPayload(webhook=served, secret=made.secret, user_errors=[])


@strawberry.type
class WebhookMutations:
    @strawberry.mutation(
        description="Register an endpoint for events. Administrators may send anything; "
        "editors only their teams' objects. The answer holds the signing secret, which "
        "cannot be retrieved later."
    )
    async def webhook_create(self, info: Info, input: WebhookCreateInput) -> WebhookSecretPayload:
        given = input.filter or WebhookFilter()
        criteria = Criteria(
            events=_types(input.events), teams=_teams(given), node_types=_types(given.node_types)
        )
        return await perform(
            info,
            _with_secret,
            "made",
            lambda actor: endpoints.create_endpoint(actor, input.url, criteria, rules_of(info)),
        )

    @strawberry.mutation(description="Change one of your endpoints.")
    async def webhook_update(self, info: Info, input: WebhookUpdateInput) -> WebhookPayload:
        sent: dict[str, Any] = {}
        if input.url is not strawberry.UNSET:
            sent["url"] = input.url
        if input.events is not strawberry.UNSET:
            sent["events"] = _types(input.events)
        if input.filter is not strawberry.UNSET:
            given = input.filter or WebhookFilter()
            sent["teams"], sent["node_types"] = _teams(given), _types(given.node_types)
        if input.enabled is not strawberry.UNSET:
            sent["enabled"] = input.enabled
        endpoint_id = target_of(input.id, "Webhook")
        return await perform(
            info,
            WebhookPayload,
            "webhook",
            lambda actor: endpoints.update_endpoint(
                actor, endpoint_id, input.version, rules_of(info), sent
            ),
        )

    @strawberry.mutation(
        description="A new signing secret for one of your endpoints. The old one keeps "
        "signing beside it (a second signature) for the grace period, so a receiver can "
        "switch without losing a message."
    )
    async def webhook_rotate_secret(
        self, info: Info, input: WebhookRefInput
    ) -> WebhookSecretPayload:
        endpoint_id = target_of(input.id, "Webhook")
        return await perform(
            info,
            _with_secret,
            "made",
            lambda actor: endpoints.rotate_secret(
                actor, endpoint_id, input.version, rules_of(info)
            ),
        )

    @strawberry.mutation(description="Delete one of your endpoints: nothing more is sent to it.")
    async def webhook_delete(self, info: Info, input: WebhookRefInput) -> WebhookPayload:
        endpoint_id = target_of(input.id, "Webhook")
        return await perform(
            info,
            WebhookPayload,
            "webhook",
            lambda actor: endpoints.delete_endpoint(actor, endpoint_id, input.version),
        )

    @strawberry.mutation(
        description="Send a delivery again now, with the same message ID and body."
    )
    async def webhook_redeliver(
        self, info: Info, input: WebhookRedeliverInput
    ) -> WebhookDeliveryPayload:
        delivery_id = target_of(input.delivery_id, "WebhookDelivery")
        return await perform(
            info,
            WebhookDeliveryPayload,
            "delivery",
            lambda actor: endpoints.redeliver(actor, delivery_id),
        )
