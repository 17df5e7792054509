"""Bulk upserts leave their events in the same transaction, like every other write: one
`spend.recorded` per entry created, one `spend.updated` per entry changed, and none for
an entry sent again unchanged or for a call refused."""

from __future__ import annotations

import pytest

from server import models
from tests import factories
from tests.test_ingest_upsert import SPEND_UPSERT, gid, spend_entries

pytestmark = pytest.mark.date_sensitive


async def events(node_type: str, event_type: str) -> list[models.Event]:
    return await models.Event.filter(node_type=node_type, type=event_type).order_by("id")


async def test_a_bulk_upsert_records_one_event_per_entry_written(gql):
    # given
    campaign = await factories.campaign(await factories.team())
    entries = spend_entries(campaign, 3)

    # when the entries are sent, sent again unchanged, then one of them changed
    first = await gql.mutate(SPEND_UPSERT, {"entries": entries}, "campaignSpendUpsert")
    again = await gql.mutate(SPEND_UPSERT, {"entries": entries}, "campaignSpendUpsert")
    entries[1]["amount"] = "99.00"
    changed = await gql.mutate(SPEND_UPSERT, {"entries": entries}, "campaignSpendUpsert")

    # then
    assert (first["created"], again["unchanged"], changed["updated"]) == (3, 3, 1)
    recorded = await events("Campaign", "spend.recorded")
    assert [event.node_id for event in recorded] == [campaign.pk] * 3
    assert all(event.actor_id is not None for event in recorded)
    (update,) = await events("SpendEntry", "spend.updated")
    assert update.changes["amount"] == {"before": "2", "after": "99"}


async def test_a_refused_bulk_upsert_records_no_event(gql):
    # given
    campaign = await factories.campaign(await factories.team())
    entries = spend_entries(campaign, 3)
    entries[2]["amount"] = "-1.00"

    # when
    payload = await gql.mutate(SPEND_UPSERT, {"entries": entries}, "campaignSpendUpsert")

    # then
    assert payload["userErrors"]
    assert await models.Event.all().count() == 0
    assert gid(campaign)
