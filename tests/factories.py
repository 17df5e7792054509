"""Small factories: one row per call, sensible defaults, every field overridable."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from decimal import Decimal

from server import models
from server.currency.model import ExchangeRate
from server.enums import Channel

_counter = itertools.count(1)

YEAR_START = date(2026, 1, 1)
YEAR_END = date(2026, 12, 31)


def _n() -> int:
    return next(_counter)


async def team(**fields) -> models.Team:
    fields.setdefault("name", f"Team {_n()}")
    return await models.Team.create(**fields)


async def user(teams: list[models.Team] = (), **fields) -> models.User:
    n = _n()
    fields.setdefault("name", f"Person {n}")
    fields.setdefault("email", f"person{n}@example.com")
    created = await models.User.create(email_key=fields["email"].lower(), **fields)
    for member_of in teams:
        await models.Membership.create(team=member_of, user=created)
    return created


async def goal(owner_team: models.Team, parent: models.Goal | None = None, **fields):
    fields.setdefault("title", f"Goal {_n()}")
    fields.setdefault("period_start", YEAR_START)
    fields.setdefault("period_end", YEAR_END)
    return await models.Goal.create(owner_team=owner_team, parent=parent, **fields)


async def key_result(goal: models.Goal, **fields) -> models.KeyResult:
    fields.setdefault("title", f"Key result {_n()}")
    fields.setdefault("start_value", Decimal(0))
    fields.setdefault("target_value", Decimal(100))
    fields.setdefault("current_value", Decimal(0))
    fields.setdefault("due_date", YEAR_END)
    return await models.KeyResult.create(goal=goal, **fields)


async def check_in(key_result: models.KeyResult, value, **fields) -> models.CheckIn:
    fields.setdefault("checked_in_at", datetime(2026, 3, 1, 9, tzinfo=UTC))
    return await models.CheckIn.create(key_result=key_result, value=Decimal(value), **fields)


async def campaign(
    owner_team: models.Team, channels: list[Channel] = (), **fields
) -> models.Campaign:
    fields.setdefault("name", f"Campaign {_n()}")
    fields.setdefault("start_date", date(2026, 3, 1))
    fields.setdefault("end_date", date(2026, 5, 31))
    fields.setdefault("budget", Decimal("10000.00"))
    created = await models.Campaign.create(owner_team=owner_team, **fields)
    for channel in channels:
        await models.CampaignChannel.create(campaign=created, channel=channel)
    return created


async def align(campaign: models.Campaign, key_result: models.KeyResult, share="1"):
    return await models.Alignment.create(
        campaign=campaign, key_result=key_result, share=Decimal(share)
    )


async def spend(campaign: models.Campaign, amount, **fields) -> models.SpendEntry:
    fields.setdefault("date", date(2026, 3, 15))
    fields.setdefault("currency", campaign.currency)
    return await models.SpendEntry.create(campaign=campaign, amount=Decimal(amount), **fields)


async def result(campaign: models.Campaign, metric, value, **fields) -> models.ResultEntry:
    fields.setdefault("date", date(2026, 3, 20))
    return await models.ResultEntry.create(
        campaign=campaign, metric=metric, value=Decimal(value), **fields
    )


async def exchange_rate(currency: str, rate, on: date, quote: str = "USD") -> ExchangeRate:
    """1 `currency` = `rate` `quote` from `on`."""
    return await ExchangeRate.create(currency=currency, quote=quote, date=on, rate=Decimal(rate))


async def task(**fields) -> models.Task:
    fields.setdefault("title", f"Task {_n()}")
    return await models.Task.create(**fields)


async def milestone(team: models.Team, **fields) -> models.Milestone:
    fields.setdefault("title", f"Milestone {_n()}")
    fields.setdefault("start_date", date(2026, 4, 1))
    return await models.Milestone.create(team=team, **fields)


async def status_update(**fields) -> models.StatusUpdate:
    """An update on the goal, key result or campaign given as `goal=`, `key_result=` or
    `campaign=`."""
    fields.setdefault("health", "ON_TRACK")
    fields.setdefault("body", "Going well.")
    fields.setdefault("posted_at", datetime(2026, 3, 1, 9, tzinfo=UTC))
    return await models.StatusUpdate.create(**fields)


ARCHIVED_AT = datetime(2026, 2, 3, 4, 5, 6, tzinfo=UTC)


async def archive(row, at: datetime = ARCHIVED_AT):
    """Archive any entity row (archived rows are left out of edges and lists)."""
    row.archived_at = at
    await row.save(update_fields=["archived_at"])
    return row
