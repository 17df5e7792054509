"""Spend and results of campaigns, as bulk entries.

A created entry is also recorded on its campaign (SPEND_ADDED, RESULT_ADDED), as a single
entry is (`server.writes.money_entries`), so the campaign's history tells where its money
went; an update is recorded on the entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from server import clock, models
from server.enums import Channel, HistoryAction, ResultMetric
from server.ingest.containers import Containers
from server.ingest.kind import Kind, Written, supported_date
from server.permissions import Actor
from server.writes.checks import MAX_TEXT, Checker
from server.writes.errors import UserErrorCode
from server.writes.money_entries import entry_on_campaign

# Stored at the columns' scale, so an entry sent again as 20.5 reads as the 20.50 stored.
CENT = Decimal("0.01")
MEASURE_STEP = Decimal("0.0001")


def _common(check: Checker, sent: Mapping[str, Any]) -> dict[str, Any]:
    check.required("campaignId", sent.get("campaign_id"))
    check.required("date", sent.get("date"))
    note = sent.get("note") or ""
    return {
        "campaign_id": sent.get("campaign_id"),
        "date": supported_date(check, "date", sent.get("date")),
        "channel": Channel(sent["channel"]) if sent.get("channel") is not None else None,
        "note": check.text("note", note, max_length=MAX_TEXT, required=False, multiline=True),
    }


def _clean_spend(check: Checker, sent: Mapping[str, Any]) -> dict[str, Any]:
    columns = _common(check, sent)
    amount = sent.get("amount")
    amount = check.money("amount", amount) if check.required("amount", amount) else None
    columns["amount"] = None if amount is None else amount.quantize(CENT)
    currency = sent.get("currency")
    columns["currency"] = (
        check.currency("currency", currency) if check.required("currency", currency) else None
    )
    return columns


def _clean_result(check: Checker, sent: Mapping[str, Any]) -> dict[str, Any]:
    columns = _common(check, sent)
    if check.required("metric", sent.get("metric")):
        columns["metric"] = ResultMetric(sent["metric"])
    value = sent.get("value")
    columns["value"] = (
        check.decimal("value", value, minimum=Decimal(0))
        if check.required("value", value)
        else None
    )
    return columns


def _currency_fits(check: Checker, columns: dict[str, Any], containers: Containers) -> None:
    campaign = containers.get(models.Campaign, columns["campaign_id"])
    currency = columns.get("currency")
    if isinstance(campaign, models.Campaign) and currency and currency != campaign.currency:
        check.fail(
            "currency",
            UserErrorCode.CURRENCY_MISMATCH,
            f"This campaign is budgeted in {campaign.currency}; record its spend in "
            f"{campaign.currency}, not {currency}.",
        )


def _recorded_on_campaign(action: HistoryAction, name: str):
    async def effects(
        actor: Actor, written: Written, containers: Containers
    ) -> list[models.HistoryEntry]:
        now = clock.now()
        return [
            models.HistoryEntry(
                node_type="Campaign",
                node_id=entry.campaign_id,  # type: ignore[attr-defined]
                actor_id=actor.user_id,
                at=now,
                action=action,
                changes=entry_on_campaign(entry, name),
            )
            for entry in written.created
        ]

    return effects


COMMON_FIELDS = {"campaign_id": "campaignId", "date": "date"}

SPEND = Kind(
    name="spend",
    model=models.SpendEntry,
    fields={
        **COMMON_FIELDS,
        "amount": "amount",
        "currency": "currency",
        "channel": "channel",
        "note": "note",
    },
    references={"campaign_id": models.Campaign},
    clean=_clean_spend,
    required=frozenset({"campaign_id", "date", "amount", "currency"}),
    fit=_currency_fits,
    effects=_recorded_on_campaign(HistoryAction.SPEND_ADDED, "spendEntry"),
)

RESULTS = Kind(
    name="results",
    model=models.ResultEntry,
    fields={
        **COMMON_FIELDS,
        "metric": "metric",
        "value": "value",
        "channel": "channel",
        "note": "note",
    },
    references={"campaign_id": models.Campaign},
    clean=_clean_result,
    required=frozenset({"campaign_id", "date", "metric", "value"}),
    effects=_recorded_on_campaign(HistoryAction.RESULT_ADDED, "resultEntry"),
)
