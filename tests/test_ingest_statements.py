"""What a bulk upsert costs: a bounded number of statements, the same for 600 entries
as for 1 000 (two chunks of 500) and for 10 as for 400 (one chunk), whether the entries
are new, changed or sent again unchanged; never one statement per entry."""

from __future__ import annotations

import pytest

from server.enums import Role
from server.ingest.upsert import CHUNK
from server.statements import count_statements
from tests import factories
from tests.test_ingest_upsert import SPEND_UPSERT, spend_entries

pytestmark = pytest.mark.date_sensitive

MOST_STATEMENTS_PER_CHUNK = 8


async def cost(client, entries: list[dict]) -> int:
    await client.settle()
    with count_statements() as counter:
        payload = await client.mutate(SPEND_UPSERT, {"entries": entries}, "campaignSpendUpsert")
    assert payload["userErrors"] == []
    return counter.count


async def costs_of(client, campaign, count: int) -> tuple[int, int, int]:
    """Statements of creating `count` entries, changing them all, sending them again."""
    entries = spend_entries(campaign, count, source=f"ads-{count}")
    created = await cost(client, entries)
    for entry in entries:
        entry["note"] = "Reconciled"
    changed = await cost(client, entries)
    again = await cost(client, entries)
    return created, changed, again


async def test_the_statements_of_an_upsert_do_not_grow_with_its_entries(gql, db):
    # given: an editor, whose permission checks read the model, not the database
    growth = await factories.team(name="Growth")
    editor = gql.as_user(await factories.user(teams=[growth], role=Role.EDITOR))
    campaign = await factories.campaign(growth, currency="USD")

    # when
    ten, four_hundred = await costs_of(editor, campaign, 10), await costs_of(editor, campaign, 400)
    six_hundred = await costs_of(editor, campaign, 600)
    thousand = await costs_of(editor, campaign, 1000)

    # then
    assert ten == four_hundred
    assert six_hundred == thousand
    assert 1000 // CHUNK == 2
    for created, changed, again in (ten, thousand):
        assert max(created, changed, again) <= 2 * MOST_STATEMENTS_PER_CHUNK + 4, (
            created,
            changed,
            again,
        )
    # sent again unchanged: nothing is written, only read
    assert thousand[2] < thousand[0]
