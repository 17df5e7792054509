"""Creating, renaming and revoking calendar feeds.

Any signed-in user may make feeds for themselves: a feed reads what every user may
read. Only the owner or an administrator may rename or revoke one; anyone else is
refused the same way whether or not the feed exists. The secret is returned once, at
creation, and only its digest is stored or recorded in the history.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from server import models
from server.enums import HistoryAction
from server.feeds.criteria import FeedCriteria
from server.feeds.secrets import digest, new_secret
from server.history import created, record
from server.permissions import Actor
from server.writes.checks import Checker
from server.writes.errors import Forbidden, Missing, UserErrorCode
from server.writes.unit import archive, check_version, save_changes, transactional

MAX_NAME = 120
MAX_FEEDS_PER_OWNER = 100
MAX_LISTED = 100
MAX_AUDIENCE = 200
# Recorded fields that must not reach the history: the digest opens nothing, but it
# is no one's business either.
UNRECORDED = frozenset({"secret_hash"})


@dataclass(frozen=True)
class CreatedFeed:
    feed: models.CalendarFeed
    secret: str


def checked_name(check: Checker, name: str | None) -> str | None:
    return check.text("name", name, max_length=MAX_NAME, required=True)


async def checked_criteria(check: Checker, criteria: FeedCriteria) -> FeedCriteria:
    """The criteria with audiences cleaned; every key must name a live row."""
    for field, values in (
        ("teams", criteria.teams),
        ("kinds", criteria.kinds),
        ("channels", criteria.channels),
        ("audiences", criteria.audiences),
    ):
        if values is not None and len(values) > MAX_LISTED:
            check.fail(
                f"filter.{field}",
                UserErrorCode.OUT_OF_RANGE,
                f"`filter.{field}` may name at most {MAX_LISTED} values, got {len(values)}.",
            )
    audiences = criteria.audiences
    if audiences is not None:
        audiences = tuple(dict.fromkeys(a.strip() for a in audiences))
        if any(not a or len(a) > MAX_AUDIENCE for a in audiences):
            check.fail(
                "filter.audiences",
                UserErrorCode.INVALID,
                f"Each audience must be 1 to {MAX_AUDIENCE} characters long.",
            )
        else:
            for audience in audiences:
                if not check.single_line("filter.audiences", audience):
                    break
    if criteria.teams:
        teams = dict.fromkeys(criteria.teams)
        rows = await models.Team.filter(id__in=list(teams)).values_list("id", "archived_at")
        live = {pk for pk, archived_at in rows if archived_at is None}
        if set(teams) - {pk for pk, _ in rows}:
            check.fail("filter.teams", UserErrorCode.NOT_FOUND, "`filter.teams` names no Team.")
        elif set(teams) - live:
            check.fail(
                "filter.teams", UserErrorCode.ARCHIVED, "`filter.teams` names an archived Team."
            )
        criteria = FeedCriteria(**{**criteria.__dict__, "teams": tuple(teams)})
    for field, model, pk in (
        ("filter.under", models.Goal, criteria.under),
        ("filter.campaign", models.Campaign, criteria.campaign),
    ):
        if pk is None:
            continue
        row = await model.filter(id=pk).first()
        if row is None:
            check.fail(field, UserErrorCode.NOT_FOUND, f"`{field}` names no {model.__name__}.")
        elif row.archived_at is not None:
            check.fail(
                field, UserErrorCode.ARCHIVED, f"`{field}` names an archived {model.__name__}."
            )
    return FeedCriteria(**{**criteria.__dict__, "audiences": audiences})


def history_of_creation(feed: models.CalendarFeed) -> dict[str, dict[str, Any]]:
    return {name: change for name, change in created(feed).items() if name not in UNRECORDED}


@transactional
async def create_feed(actor: Actor, name: str | None, criteria: FeedCriteria) -> CreatedFeed:
    """A new feed of `actor`'s, with its secret (shown this once, never stored)."""
    check = Checker()
    cleaned_name = checked_name(check, name)
    cleaned = await checked_criteria(check, criteria)
    live = await models.CalendarFeed.filter(
        owner_id=actor.user_id, archived_at__isnull=True
    ).count()
    if live >= MAX_FEEDS_PER_OWNER:
        check.fail(
            None,
            UserErrorCode.NOT_ALLOWED,
            f"You already have {MAX_FEEDS_PER_OWNER} feeds; revoke one you no longer use.",
        )
    check.done()
    secret = new_secret()
    feed = models.CalendarFeed(
        owner_id=actor.user_id,
        name=cleaned_name,
        secret_hash=digest(secret),
        criteria=cleaned.to_json(),
    )
    await feed.save()
    await record(actor.user_id, feed, HistoryAction.CREATED, history_of_creation(feed))
    return CreatedFeed(feed, secret)


async def fetch_own_feed(actor: Actor, feed_id: int) -> models.CalendarFeed:
    """The feed, which must be `actor`'s own unless `actor` is an administrator; others
    are refused before they can tell whether it exists."""
    feed = await models.CalendarFeed.filter(id=feed_id).first() if feed_id else None
    if not actor.is_admin and (feed is None or feed.owner_id != actor.user_id):
        raise Forbidden()
    if feed is None:
        raise Missing("The CalendarFeed you named")
    return feed


@transactional
async def rename_feed(
    actor: Actor, feed_id: int, version: int, name: str | None
) -> models.CalendarFeed:
    feed = await fetch_own_feed(actor, feed_id)
    check_version(feed, version)
    check = Checker()
    cleaned = checked_name(check, name)
    if feed.archived_at is not None:
        check.fail("id", UserErrorCode.ARCHIVED, "This feed is revoked and can no longer change.")
    check.done()
    changes = {"name": cleaned} if cleaned != feed.name else {}
    return await save_changes(actor, feed, version, changes)


@transactional
async def revoke_feed(actor: Actor, feed_id: int, version: int) -> models.CalendarFeed:
    """Archive the feed: its URL answers 404 from now on (revoking twice changes nothing)."""
    feed = await fetch_own_feed(actor, feed_id)
    return await archive(actor, feed, version)
