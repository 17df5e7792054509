"""Calendar feed mutations: inputs converted to plain values for `server.writes.feeds`."""

from __future__ import annotations

import strawberry

from schema.calendar.entries import CalendarFilter
from schema.core.context import Info
from schema.core.mutations import UserError, key_of, perform, target_of
from schema.feeds.types import CalendarFeed
from server.calendar.entries import EntryKind
from server.enums import Channel
from server.feeds import links
from server.feeds.criteria import FeedCriteria
from server.settings import Settings
from server.writes import feeds


def public_url(info: Info) -> str:
    settings = info.context.settings
    return settings.public_url if settings is not None else Settings.public_url


def criteria_of(filter: CalendarFilter | None) -> FeedCriteria:
    """The filter as stored criteria; an ID of the wrong kind becomes key 0, which
    the write reports as naming nothing."""
    if filter is None:
        return FeedCriteria()

    def listed(values, convert):
        return None if values is None else tuple(convert(value) for value in values)

    return FeedCriteria(
        teams=listed(filter.teams, lambda gid: key_of(gid, "Team") or 0),
        kinds=listed(filter.kinds, lambda kind: EntryKind(getattr(kind, "value", kind))),
        channels=listed(filter.channels, lambda ch: Channel(getattr(ch, "value", ch))),
        audiences=listed(filter.audiences, str),
        under=key_of(filter.under, "Goal"),
        campaign=key_of(filter.campaign, "Campaign"),
        include_tasks=bool(filter.include_tasks),
    )


@strawberry.input(description="A new calendar feed of yours.")
class CalendarFeedCreateInput:
    name: str = strawberry.field(description="1 to 120 characters, shown as the calendar's name.")
    filter: CalendarFilter | None = strawberry.field(
        default=None, description="What the feed shows; everything when left out."
    )


@strawberry.input
class CalendarFeedRenameInput:
    id: strawberry.ID
    version: int = strawberry.field(description="The version you last read.")
    name: str


@strawberry.input
class CalendarFeedRevokeInput:
    id: strawberry.ID
    version: int


@strawberry.type(
    description="The feed made, with its subscription URL: shown this once and never "
    "again (only a digest of its secret is kept). Null with `userErrors` saying why not."
)
class CalendarFeedCreatePayload:
    calendar_feed: CalendarFeed | None
    url: str | None = strawberry.field(
        description="The feed's address for calendar apps; anyone holding it reads the feed."
    )
    user_errors: list[UserError]


@strawberry.type(description="The feed written, or null with `userErrors` saying why not.")
class CalendarFeedPayload:
    calendar_feed: CalendarFeed | None
    user_errors: list[UserError]


@strawberry.type
class FeedMutations:
    @strawberry.mutation(
        description="Make an iCalendar feed over a calendar filter. The answer holds its "
        "URL, which cannot be retrieved later."
    )
    async def calendar_feed_create(
        self, info: Info, input: CalendarFeedCreateInput
    ) -> CalendarFeedCreatePayload:
        def payload(made: feeds.CreatedFeed | None, user_errors: list[UserError]):
            """The created feed with its URL, which only this answer ever holds."""
            if made is None:
                return CalendarFeedCreatePayload(
                    calendar_feed=None, url=None, user_errors=user_errors
                )
            url = links.feed_url(public_url(info), made.secret)
            return CalendarFeedCreatePayload(calendar_feed=made.feed, url=url, user_errors=[])

        return await perform(
            info,
            payload,
            "made",
            lambda actor: feeds.create_feed(actor, input.name, criteria_of(input.filter)),
        )

    @strawberry.mutation(description="Rename one of your feeds (its URL stays the same).")
    async def calendar_feed_rename(
        self, info: Info, input: CalendarFeedRenameInput
    ) -> CalendarFeedPayload:
        feed_id = target_of(input.id, "CalendarFeed")
        return await perform(
            info,
            CalendarFeedPayload,
            "calendar_feed",
            lambda actor: feeds.rename_feed(actor, feed_id, input.version, input.name),
        )

    @strawberry.mutation(
        description="Revoke one of your feeds: its URL answers 404 from now on. "
        "Revoking is final; make a new feed to subscribe again."
    )
    async def calendar_feed_revoke(
        self, info: Info, input: CalendarFeedRevokeInput
    ) -> CalendarFeedPayload:
        feed_id = target_of(input.id, "CalendarFeed")
        return await perform(
            info,
            CalendarFeedPayload,
            "calendar_feed",
            lambda actor: feeds.revoke_feed(actor, feed_id, input.version),
        )
