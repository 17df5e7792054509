"""Creating, changing and archiving campaigns, their channels included.

A campaign's channels live in rows of their own (without versions), yet changing them is
a change of the campaign: its version moves and its one history entry lists the channels
before and after (`related` changes of the shared saves in `unit`).
"""

from __future__ import annotations

from typing import Any

from server import models
from server.enums import Channel
from server.permissions import Actor, authorize, require_writer
from server.writes.checks import MAX_TEXT, Checker
from server.writes.errors import UserErrorCode
from server.writes.unit import (
    archive,
    fetch_for_write,
    reference,
    save_changes,
    save_new,
    transactional,
)

MAX_NAME = 200
MAX_AUDIENCE = 200

# Campaign attribute -> the input field that sets it (user errors name the input field).
FIELDS = {
    "name": "name",
    "description": "description",
    "owner_team_id": "ownerTeamId",
    "owner_id": "ownerId",
    "audience": "audience",
    "start_date": "startDate",
    "end_date": "endDate",
    "status": "status",
    "budget": "budget",
    "currency": "currency",
    "channels": "channels",
}


@transactional
async def create_campaign(actor: Actor, fields: dict[str, Any]) -> models.Campaign:
    """A new campaign from `fields` (keys of `FIELDS`; a missing key counts as null)."""
    require_writer(actor)
    check = Checker()
    columns, channels = await _clean(check, {name: fields.get(name) for name in FIELDS})
    check.date_order("startDate", columns["start_date"], "endDate", columns["end_date"])
    if columns["owner_team_id"] is not None:
        await authorize(actor, models.Campaign(owner_team_id=columns["owner_team_id"]))
    check.done()
    return await _insert(actor, models.Campaign(**columns), channels or [])


@transactional
async def update_campaign(
    actor: Actor, campaign_id: int, version: int, fields: dict[str, Any]
) -> models.Campaign:
    """Change the fields sent (keys of `FIELDS`); `channels` replaces the whole set."""
    campaign = await fetch_for_write(actor, models.Campaign, campaign_id)
    check = Checker()
    columns, channels = await _clean(check, fields)
    check.date_order(
        "startDate",
        columns.get("start_date", campaign.start_date),
        "endDate",
        columns.get("end_date", campaign.end_date),
    )
    await _check_currency_change(check, campaign, columns.get("currency"))
    check.done()
    related = None
    if channels is not None:
        before = await channels_of(campaign.pk)
        if before != channels:
            related = {"channels": {"before": before, "after": channels}}
    # Saved first: the conditional UPDATE locks the campaign before its channels change.
    await save_changes(actor, campaign, version, columns, related=related)
    if related:
        await _write_channels(campaign.pk, related["channels"]["before"], channels or [])
    return campaign


@transactional
async def archive_campaign(actor: Actor, campaign_id: int, version: int) -> models.Campaign:
    campaign = await fetch_for_write(actor, models.Campaign, campaign_id, live=False)
    return await archive(actor, campaign, version)


async def _clean(check: Checker, sent: dict[str, Any]) -> tuple[dict[str, Any], list[str] | None]:
    """Validated column values of the fields sent, and the sorted channel set if sent.

    Null clears the optional fields (description, audience, owner, channels) and is
    refused for the others."""
    columns: dict[str, Any] = {}
    for name, limit, required, multiline in (
        ("name", MAX_NAME, True, False),
        ("description", MAX_TEXT, False, True),
        ("audience", MAX_AUDIENCE, False, False),
    ):
        if name in sent:
            value = sent[name] if required or sent[name] is not None else ""
            columns[name] = check.text(
                name, value, max_length=limit, required=required, multiline=multiline
            )
    if "owner_team_id" in sent:
        team = await reference(
            check, "ownerTeamId", models.Team, sent["owner_team_id"], required=True
        )
        columns["owner_team_id"] = team.pk if team else None
    if "owner_id" in sent:
        owner = await reference(check, "ownerId", models.User, sent["owner_id"])
        columns["owner_id"] = owner.pk if owner else None
    for name in ("start_date", "end_date", "status"):
        if name in sent:
            check.required(FIELDS[name], sent[name])
            columns[name] = sent[name]
    if "budget" in sent and check.required("budget", sent["budget"]):
        columns["budget"] = check.money("budget", sent["budget"])
    if "currency" in sent and check.required("currency", sent["currency"]):
        columns["currency"] = check.currency("currency", sent["currency"])
    channels = None
    if "channels" in sent:
        channels = sorted({Channel(channel).value for channel in sent["channels"] or ()})
    return columns, channels


async def _check_currency_change(
    check: Checker, campaign: models.Campaign, currency: str | None
) -> None:
    """Spend is kept in the campaign's currency, so once there is spend it stays."""
    if currency is None or currency == campaign.currency:
        return
    locked = await lock_campaign(campaign.pk)
    spent = models.SpendEntry.filter(campaign_id=campaign.pk, archived_at__isnull=True)
    if locked.currency != currency and await spent.exists():
        check.fail(
            "currency",
            UserErrorCode.CURRENCY_MISMATCH,
            f"This campaign already has spend in {locked.currency}, so its currency can no "
            f"longer change to {currency}; archive that spend first.",
        )


async def lock_campaign(campaign_id: int) -> models.Campaign:
    """The campaign re-read and locked until the transaction ends (on engines that lock
    rows), so adding spend and changing the currency cannot interleave."""
    return await models.Campaign.filter(id=campaign_id).select_for_update().get()


async def channels_of(campaign_id: int) -> list[str]:
    rows = await models.CampaignChannel.filter(campaign_id=campaign_id).values_list(
        "channel", flat=True
    )
    return sorted(Channel(channel).value for channel in rows)


async def _write_channels(campaign_id: int, before: list[str], after: list[str]) -> None:
    removed = set(before) - set(after)
    added = sorted(set(after) - set(before))
    if removed:
        await models.CampaignChannel.filter(
            campaign_id=campaign_id, channel__in=list(removed)
        ).delete()
    for channel in added:
        await models.CampaignChannel.create(campaign_id=campaign_id, channel=Channel(channel))


async def _insert(actor: Actor, campaign: models.Campaign, channels: list[str]) -> models.Campaign:
    """Save a new campaign with its channels, listed in the same CREATED entry."""
    related = {"channels": {"before": None, "after": channels}} if channels else None
    await save_new(actor, campaign, related=related)
    await _write_channels(campaign.pk, [], channels)
    return campaign
