"""Imported calendar mutations (administrators only), converted for the domain writes."""

from __future__ import annotations

from typing import Any

import strawberry

from schema.core.context import Info
from schema.core.mutations import UserError, perform, target_of
from schema.external_calendars.types import ExternalCalendar
from server.settings import CalendarImports
from server.writes import external_calendars as writes


def limits_of(info: Info) -> CalendarImports:
    settings = info.context.settings
    return settings.calendar_imports if settings is not None else CalendarImports()


@strawberry.input(description="A calendar to import: give exactly one of `url` and `content`.")
class ExternalCalendarAddInput:
    name: str = strawberry.field(description="1 to 120 characters.")
    url: str | None = strawberry.field(
        default=None, description="An http(s) or webcal address, fetched now and on a schedule."
    )
    content: str | None = strawberry.field(
        default=None, description="The text of an uploaded .ics file, imported once."
    )
    blocking: bool = strawberry.field(
        default=False, description="Whether its events block launches."
    )
    color: str = strawberry.field(default="#6b7280", description="As #rrggbb.")
    refresh_minutes: int = strawberry.field(
        default=360, description="How often the address is fetched (15 to 10080)."
    )


@strawberry.input(description="Changes to an imported calendar: only the fields sent change.")
class ExternalCalendarUpdateInput:
    id: strawberry.ID
    version: int = strawberry.field(description="The version you last read.")
    name: str | None = strawberry.UNSET
    url: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="A new address: imported before anything changes, refused if it fails.",
    )
    blocking: bool | None = strawberry.UNSET
    color: str | None = strawberry.UNSET
    refresh_minutes: int | None = strawberry.UNSET


@strawberry.input
class ExternalCalendarRefreshInput:
    id: strawberry.ID


@strawberry.input
class ExternalCalendarArchiveInput:
    id: strawberry.ID
    version: int


@strawberry.type(
    description="The imported calendar written, or null with `userErrors` saying why not."
)
class ExternalCalendarPayload:
    external_calendar: ExternalCalendar | None
    user_errors: list[UserError]


def sent_values(input: ExternalCalendarUpdateInput) -> dict[str, Any]:
    values = {}
    for attr in writes.INPUT_FIELDS:
        value = getattr(input, attr, strawberry.UNSET)
        if value is not strawberry.UNSET:
            values[attr] = value
    return values


@strawberry.type
class ExternalCalendarMutations:
    @strawberry.mutation(
        description="Import a calendar from an address or an uploaded file. It is read "
        "at once; if it cannot be read nothing is stored and `userErrors` says why."
    )
    async def external_calendar_add(
        self, info: Info, input: ExternalCalendarAddInput
    ) -> ExternalCalendarPayload:
        return await perform(
            info,
            ExternalCalendarPayload,
            "external_calendar",
            lambda actor: writes.add_external_calendar(
                actor,
                limits_of(info),
                name=input.name,
                url=input.url,
                content=input.content,
                blocking=input.blocking,
                color=input.color,
                refresh_minutes=input.refresh_minutes,
            ),
        )

    @strawberry.mutation(description="Change an imported calendar.")
    async def external_calendar_update(
        self, info: Info, input: ExternalCalendarUpdateInput
    ) -> ExternalCalendarPayload:
        calendar_id = target_of(input.id, "ExternalCalendar")
        return await perform(
            info,
            ExternalCalendarPayload,
            "external_calendar",
            lambda actor: writes.update_external_calendar(
                actor, limits_of(info), calendar_id, input.version, **sent_values(input)
            ),
        )

    @strawberry.mutation(
        description="Fetch an imported calendar's address now. If it fails, the events "
        "already imported stay and `userErrors` (and `lastError`) say why."
    )
    async def external_calendar_refresh(
        self, info: Info, input: ExternalCalendarRefreshInput
    ) -> ExternalCalendarPayload:
        calendar_id = target_of(input.id, "ExternalCalendar")
        return await perform(
            info,
            ExternalCalendarPayload,
            "external_calendar",
            lambda actor: writes.refresh_external_calendar(actor, limits_of(info), calendar_id),
        )

    @strawberry.mutation(
        description="Archive an imported calendar: its events leave the shared calendar."
    )
    async def external_calendar_archive(
        self, info: Info, input: ExternalCalendarArchiveInput
    ) -> ExternalCalendarPayload:
        calendar_id = target_of(input.id, "ExternalCalendar")
        return await perform(
            info,
            ExternalCalendarPayload,
            "external_calendar",
            lambda actor: writes.archive_external_calendar(actor, calendar_id, input.version),
        )
