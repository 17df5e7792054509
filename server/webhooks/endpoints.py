"""Registering, changing, rotating and deleting webhook endpoints.

Administrators may send any event anywhere. Editors may register endpoints only for
their own teams' objects: their filter must name teams, all of them theirs, and
delivery keeps to the teams they still belong to (`dispatch.py`). An endpoint is its
owner's: only they or an administrator see or change it. The signing secret is shown
once, when made or rotated; the history never records it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from ipaddress import ip_address
from typing import Any
from urllib.parse import urlsplit

import httpx

from server import clock, models
from server.enums import HistoryAction
from server.events.catalogue import EventType
from server.external_calendars.addresses import permitted
from server.history import created, record
from server.permissions import Actor, require_writer
from server.settings import Webhooks
from server.webhooks.criteria import NODE_TYPES, Criteria
from server.webhooks.signing import new_secret
from server.writes.checks import Checker
from server.writes.errors import Forbidden, Invalid, Missing, UserError, UserErrorCode
from server.writes.unit import archive, check_version, save_changes, transactional

MAX_URL = 2000
MAX_ENDPOINTS_PER_OWNER = 50
MAX_LISTED = 100


@dataclass(frozen=True)
class WithSecret:
    """An endpoint and its new signing secret, which only this answer holds."""

    endpoint: models.WebhookEndpoint
    secret: str


def checked_url(check: Checker, url: str | None, rules: Webhooks) -> str | None:
    """An http(s) address without credentials; a literal address must be one webhooks
    may reach (names are checked when connecting, on every delivery)."""
    text = (url or "").strip()
    if not text:
        check.fail("url", UserErrorCode.REQUIRED, "`url` is required.")
        return None
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 (reading it validates it)
    except ValueError:
        check.fail("url", UserErrorCode.BAD_URL, "`url` is not a valid address.")
        return None
    if len(text) > MAX_URL:
        check.fail("url", UserErrorCode.TOO_LONG, f"`url` is longer than {MAX_URL} characters.")
        return None
    if any(ch.isspace() or not ch.isprintable() for ch in text) or not _parses(text):
        check.fail("url", UserErrorCode.BAD_URL, "`url` is not a valid address.")
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        check.fail(
            "url",
            UserErrorCode.BAD_URL,
            "`url` must be an http(s) address such as https://example.com/hooks.",
        )
        return None
    if parts.username is not None or parts.password is not None:
        check.fail("url", UserErrorCode.BAD_URL, "`url` must not carry a user name or password.")
        return None
    try:
        literal = ip_address(parts.hostname)
    except ValueError:
        literal = None
    if literal is not None and not permitted(literal, rules.allow_networks):
        check.fail(
            "url",
            UserErrorCode.BAD_URL,
            "`url` points to an address webhooks may not reach (a private, loopback or "
            "reserved address).",
        )
        return None
    return text


def _parses(text: str) -> bool:
    """Whether the HTTP client that delivers would accept the address."""
    try:
        httpx.URL(text)
    except (httpx.InvalidURL, ValueError):
        return False
    return True


def checked_events(check: Checker, events: tuple[str, ...] | None) -> tuple[str, ...] | None:
    if events is None:
        return None
    if not events:
        check.fail(
            "events",
            UserErrorCode.INVALID,
            "`events` must name at least one event type; leave it out to receive every type.",
        )
        return None
    known = {event.value for event in EventType}
    if any(event not in known for event in events):
        check.fail("events", UserErrorCode.INVALID, "`events` names an unknown event type.")
        return None
    return tuple(dict.fromkeys(events))


async def checked_criteria(check: Checker, actor: Actor, criteria: Criteria) -> Criteria:
    """The filter, cleaned; editors must keep it within their teams."""
    events = checked_events(check, criteria.events)
    teams, node_types = criteria.teams, criteria.node_types
    for field, values in (("filter.teams", teams), ("filter.nodeTypes", node_types)):
        if values is not None and not values:
            check.fail(
                field,
                UserErrorCode.INVALID,
                f"`{field}` must name at least one value or be left out.",
            )
        elif values is not None and len(values) > MAX_LISTED:
            check.fail(
                field, UserErrorCode.OUT_OF_RANGE, f"`{field}` may name at most {MAX_LISTED}."
            )
    if node_types and any(node_type not in NODE_TYPES for node_type in node_types):
        check.fail(
            "filter.nodeTypes", UserErrorCode.INVALID, "`filter.nodeTypes` names an unknown type."
        )
    if teams and len(teams) <= MAX_LISTED:
        teams = tuple(dict.fromkeys(teams))
        rows = dict(await models.Team.filter(id__in=list(teams)).values_list("id", "archived_at"))
        if set(teams) - rows.keys():
            check.fail("filter.teams", UserErrorCode.NOT_FOUND, "`filter.teams` names no Team.")
        elif any(rows[pk] is not None for pk in teams):
            check.fail(
                "filter.teams", UserErrorCode.ARCHIVED, "`filter.teams` names an archived Team."
            )
    if not actor.is_admin:
        if teams is None:
            check.fail(
                "filter.teams",
                UserErrorCode.REQUIRED,
                "Name the teams whose objects the endpoint receives: editors receive "
                "events of their own teams only.",
            )
        elif set(teams) - await actor.team_ids():
            raise Forbidden("Editors may register webhooks only for teams they belong to.")
    return Criteria(
        events=events,
        teams=teams,
        node_types=None if node_types is None else tuple(dict.fromkeys(node_types)),
    )


async def fetch_own_endpoint(actor: Actor, endpoint_id: int) -> models.WebhookEndpoint:
    """The endpoint, which must be `actor`'s own unless `actor` is an administrator;
    others are refused before they can tell whether it exists."""
    require_writer(actor)
    endpoint = (
        await models.WebhookEndpoint.filter(id=endpoint_id, archived_at__isnull=True).first()
        if endpoint_id
        else None
    )
    if not actor.is_admin and (endpoint is None or endpoint.owner_id != actor.user_id):
        raise Forbidden()
    if endpoint is None:
        raise Missing("The Webhook you named")
    return endpoint


@transactional
async def create_endpoint(
    actor: Actor, url: str | None, criteria: Criteria, rules: Webhooks
) -> WithSecret:
    require_writer(actor)
    check = Checker()
    cleaned_url = checked_url(check, url, rules)
    cleaned = await checked_criteria(check, actor, criteria)
    live = await models.WebhookEndpoint.filter(
        owner_id=actor.user_id, archived_at__isnull=True
    ).count()
    if live >= MAX_ENDPOINTS_PER_OWNER:
        check.fail(
            None,
            UserErrorCode.NOT_ALLOWED,
            f"You already have {MAX_ENDPOINTS_PER_OWNER} webhooks; delete one you no longer use.",
        )
    check.done()
    secret = new_secret()
    endpoint = models.WebhookEndpoint(
        owner_id=actor.user_id,
        url=cleaned_url,
        events=list(cleaned.events or ()),
        criteria=cleaned.stored(),
        signing_secret=secret,
    )
    await endpoint.save()
    await record(actor.user_id, endpoint, HistoryAction.CREATED, created(endpoint))
    return WithSecret(endpoint, secret)


@transactional
async def update_endpoint(
    actor: Actor, endpoint_id: int, version: int, rules: Webhooks, sent: dict[str, Any]
) -> models.WebhookEndpoint:
    """Change what `sent` names (`url`, `events`, `teams`, `node_types`, `enabled`; None
    for the filters means no restriction). Enabling a disabled endpoint forgets its
    failures, and the deliveries it kept are sent from the first."""
    unknown = sent.keys() - {"url", "events", "teams", "node_types", "enabled"}
    if unknown:
        raise TypeError(f"Not webhook fields: {', '.join(sorted(unknown))}")
    endpoint = await fetch_own_endpoint(actor, endpoint_id)
    check_version(endpoint, version)
    check = Checker()
    changes: dict[str, Any] = {}
    if "url" in sent:
        changes["url"] = checked_url(check, sent["url"], rules)
    if {"events", "teams", "node_types"} & sent.keys():
        current = Criteria.of(endpoint)
        merged = Criteria(
            events=sent.get("events", current.events),
            teams=sent.get("teams", current.teams),
            node_types=sent.get("node_types", current.node_types),
        )
        cleaned = await checked_criteria(check, actor, merged)
        changes["events"] = list(cleaned.events or ())
        changes["criteria"] = cleaned.stored()
    enabled = sent.get("enabled")
    if enabled is None and "enabled" in sent:
        check.fail("enabled", UserErrorCode.REQUIRED, "`enabled` must be true or false.")
    check.done()
    if enabled is not None and enabled != endpoint.enabled:
        changes["enabled"] = enabled
        if enabled:
            changes |= {"disabled_reason": "", "consecutive_failures": 0, "failing_since": None}
        else:
            changes["disabled_reason"] = "Disabled by its owner."
    changes = {name: value for name, value in changes.items() if value != getattr(endpoint, name)}
    return await save_changes(actor, endpoint, version, changes)


@transactional
async def rotate_secret(
    actor: Actor, endpoint_id: int, version: int, rules: Webhooks
) -> WithSecret:
    """A new signing secret; the one it replaces keeps signing beside it for the grace
    period, so receivers can switch without dropping a message."""
    endpoint = await fetch_own_endpoint(actor, endpoint_id)
    check_version(endpoint, version)
    secret = new_secret()
    changes = {
        "signing_secret": secret,
        "previous_signing_secret": endpoint.signing_secret,
        "previous_secret_until": clock.now() + timedelta(hours=rules.secret_grace_hours),
    }
    endpoint = await save_changes(actor, endpoint, version, changes)
    return WithSecret(endpoint, secret)


@transactional
async def delete_endpoint(actor: Actor, endpoint_id: int, version: int) -> models.WebhookEndpoint:
    """Stop sending to the endpoint for good (its deliveries are kept for the record)."""
    endpoint = await fetch_own_endpoint(actor, endpoint_id)
    return await archive(actor, endpoint, version)


def secrets_in_use(endpoint: models.WebhookEndpoint) -> list[str]:
    """The current secret, and the previous one while its grace period lasts."""
    found = [endpoint.signing_secret]
    until = endpoint.previous_secret_until
    if endpoint.previous_signing_secret and until is not None and clock.now() < until:
        found.append(endpoint.previous_signing_secret)
    return found


async def redeliver(actor: Actor, delivery_id: int) -> models.WebhookDelivery:
    """Send a delivery again, now, whatever became of it (same message ID, same body)."""
    delivery = await models.WebhookDelivery.filter(id=delivery_id).first() if delivery_id else None
    if delivery is None:
        require_writer(actor)
        if not actor.is_admin:
            raise Forbidden()
        raise Missing("The WebhookDelivery you named")
    await fetch_own_endpoint(actor, delivery.endpoint_id)
    if delivery.status == "SENDING":
        raise Invalid(
            [
                UserError(
                    "deliveryId",
                    UserErrorCode.NOT_ALLOWED,
                    "This delivery is being sent right now; ask again once it has finished.",
                )
            ]
        )
    now = clock.now()
    await models.WebhookDelivery.filter(id=delivery.id, claim=delivery.claim).update(
        status="PENDING", next_attempt_at=now, claim="", lease_until=None
    )
    return await models.WebhookDelivery.get(id=delivery.id)
