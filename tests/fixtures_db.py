"""Row counts per table, to compare a loaded database with the document it came from."""

from __future__ import annotations

from server.currency.model import ExchangeRate
from server.models import (
    Alignment,
    Campaign,
    CampaignChannel,
    CheckIn,
    Goal,
    KeyResult,
    Membership,
    Milestone,
    ResultEntry,
    SpendEntry,
    Task,
    Team,
    User,
)

TABLES = {
    "team": Team,
    "app_user": User,
    "membership": Membership,
    "goal": Goal,
    "key_result": KeyResult,
    "check_in": CheckIn,
    "campaign": Campaign,
    "campaign_channel": CampaignChannel,
    "alignment": Alignment,
    "spend_entry": SpendEntry,
    "result_entry": ResultEntry,
    "task": Task,
    "milestone": Milestone,
    "exchange_rate": ExchangeRate,
}


async def table_counts() -> dict[str, int]:
    return {table: await model.all().count() for table, model in TABLES.items()}
