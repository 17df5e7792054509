"""Spend and results recorded against a campaign, and archiving them to correct mistakes.

Spend is kept in the campaign's own currency: an amount in another currency is refused
rather than summed with the rest, since no conversion rate is known here. Each entry is
recorded twice in the history: CREATED on the entry, SPEND_ADDED or RESULT_ADDED on the
campaign, so the campaign's history tells where its money went.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from tortoise.models import Model

from server import models
from server.enums import Channel, HistoryAction, ResultMetric
from server.history import plain, record
from server.permissions import Actor, authorize, require_writer
from server.writes.campaigns import lock_campaign
from server.writes.checks import MAX_TEXT, Checker
from server.writes.errors import UserErrorCode
from server.writes.unit import archive, fetch_for_write, reference, save_new, transactional


@transactional
async def add_spend(
    actor: Actor,
    campaign_id: int | None,
    *,
    date: dt.date | None,
    amount: Decimal | None,
    currency: str | None,
    channel: Channel | None = None,
    note: str | None = None,
) -> models.SpendEntry:
    """Record money spent on a campaign, in the campaign's currency."""
    require_writer(actor)
    check = Checker()
    campaign = await _campaign(actor, check, campaign_id, models.SpendEntry)
    check.required("date", date)
    if check.required("amount", amount):
        amount = check.money("amount", amount)
    if check.required("currency", currency):
        currency = check.currency("currency", currency)
        if currency is not None and campaign is not None and currency != campaign.currency:
            check.fail(
                "currency",
                UserErrorCode.CURRENCY_MISMATCH,
                f"This campaign is budgeted in {campaign.currency}; record its spend in "
                f"{campaign.currency}, not {currency}.",
            )
    note = check.text("note", note or "", max_length=MAX_TEXT, required=False, multiline=True)
    check.done()
    assert campaign is not None
    entry = models.SpendEntry(
        campaign_id=campaign.pk,
        date=date,
        amount=amount,
        currency=currency,
        channel=channel,
        note=note,
    )
    await save_new(actor, entry)
    await _record_on_campaign(actor, campaign, entry, HistoryAction.SPEND_ADDED, "spendEntry")
    return entry


@transactional
async def add_result(
    actor: Actor,
    campaign_id: int | None,
    *,
    date: dt.date | None,
    metric: ResultMetric | None,
    value: Decimal | None,
    channel: Channel | None = None,
    note: str | None = None,
) -> models.ResultEntry:
    """Record a result a campaign produced (leads, revenue, sign-ups...)."""
    require_writer(actor)
    check = Checker()
    campaign = await _campaign(actor, check, campaign_id, models.ResultEntry)
    check.required("date", date)
    check.required("metric", metric)
    if check.required("value", value):
        value = check.decimal("value", value, minimum=Decimal(0))
    note = check.text("note", note or "", max_length=MAX_TEXT, required=False, multiline=True)
    check.done()
    assert campaign is not None
    entry = models.ResultEntry(
        campaign_id=campaign.pk,
        date=date,
        metric=metric,
        value=value,
        channel=channel,
        note=note,
    )
    await save_new(actor, entry)
    await _record_on_campaign(actor, campaign, entry, HistoryAction.RESULT_ADDED, "resultEntry")
    return entry


@transactional
async def archive_spend(actor: Actor, entry_id: int, version: int) -> models.SpendEntry:
    entry = await fetch_for_write(actor, models.SpendEntry, entry_id, live=False)
    return await archive(actor, entry, version)


@transactional
async def archive_result(actor: Actor, entry_id: int, version: int) -> models.ResultEntry:
    entry = await fetch_for_write(actor, models.ResultEntry, entry_id, live=False)
    return await archive(actor, entry, version)


async def _campaign(
    actor: Actor, check: Checker, campaign_id: int | None, entry_model: type[Model]
) -> models.Campaign | None:
    """The live campaign an entry is for, locked, once `actor` may add entries to it."""
    campaign = await reference(check, "campaignId", models.Campaign, campaign_id, required=True)
    if campaign is None:
        return None
    await authorize(actor, entry_model(campaign_id=campaign.pk), as_assignee=False)
    return await lock_campaign(campaign.pk)


def entry_on_campaign(entry: Model, name: str) -> dict[str, Any]:
    """The entry as a change of its campaign: {name: {before: null, after: entry}}."""
    fields = ["date", "channel", "amount", "currency", "metric", "value"]
    after: dict[str, Any] = {"id": entry.pk}
    after |= {field: plain(getattr(entry, field)) for field in fields if hasattr(entry, field)}
    return {name: {"before": None, "after": after}}


async def _record_on_campaign(
    actor: Actor, campaign: models.Campaign, entry: Model, action: HistoryAction, name: str
) -> None:
    await record(actor.user_id, campaign, action, entry_on_campaign(entry, name))
