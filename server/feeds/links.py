"""Absolute links into the web client, built from the public base URL.

The web client routes by global ID (the same opaque IDs as the API's `node(id:)`),
so a link from a calendar app opens the node without any translation.
"""

from __future__ import annotations

import base64
from urllib.parse import urlsplit

# The web client's route for each kind of node an entry can come from.
ROUTES = {
    "Goal": "goals",
    "KeyResult": "key-results",
    "Campaign": "campaigns",
    "Task": "tasks",
    "Milestone": "milestones",
}


def global_id(type_name: str, pk: int) -> str:
    """The API's global ID of a row (URL-safe base64 of `Type:key`, unpadded)."""
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode().rstrip("=")


def base(public_url: str) -> str:
    return public_url.rstrip("/")


def feed_url(public_url: str, secret: str) -> str:
    return f"{base(public_url)}/calendar/{secret}.ics"


def node_url(public_url: str, type_name: str | None, pk: int | None) -> str | None:
    """The web client's page of a node; None for what has no page (imported events)."""
    route = ROUTES.get(type_name or "")
    if route is None or pk is None:
        return None
    return f"{base(public_url)}/#/{route}/{global_id(type_name, pk)}"


def uid_domain(public_url: str) -> str:
    """The right-hand side of event UIDs: the installation's host name."""
    return urlsplit(public_url).hostname or "throughline"
