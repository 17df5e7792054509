"""Root-list cursors are keyset cursors: a page continues after the same row however
many rows were inserted meanwhile, and a cursor only works on the list and ordering that
made it. Undated rows sort after every date (so first in descending order).
"""

from __future__ import annotations

import json
from datetime import date

from schema.core.ids import decode_opaque, encode_opaque
from server import models
from server.statements import count_statements
from tests import factories as make

TASKS = """
query ($first: Int, $after: String, $last: Int, $before: String, $orderBy: TaskOrder) {
  tasks(first: $first, after: $after, last: $last, before: $before, orderBy: $orderBy) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    nodes { title }
  }
}
"""
GOALS = """
query ($after: String, $orderBy: GoalOrder) {
  goals(first: 2, after: $after, orderBy: $orderBy) { nodes { title } }
}
"""
CAMPAIGNS = "{ campaigns(first: 1) { pageInfo { endCursor } } }"

BY_DUE = {"field": "DUE_DATE", "direction": "ASC"}
BY_DUE_DESC = {"field": "DUE_DATE", "direction": "DESC"}


async def tasks_page(gql, **variables) -> dict:
    return (await gql.data(TASKS, variables))["tasks"]


def titles(connection: dict) -> list[str]:
    return [node["title"] for node in connection["nodes"]]


async def five_tasks() -> None:
    """A due 1 Jan, B 2 Jan, C 3 Jan, D and E undated (created in that order)."""
    for title, due in [
        ("A", date(2026, 1, 1)),
        ("B", date(2026, 1, 2)),
        ("C", date(2026, 1, 3)),
        ("D", None),
        ("E", None),
    ]:
        await make.task(title=title, due_date=due)


async def test_rows_inserted_between_pages_neither_repeat_nor_skip_a_row(gql):
    # given
    await five_tasks()
    first = await tasks_page(gql, first=2, orderBy=BY_DUE)

    # when: rows land before the cursor, on the cursor's date, and undated at the end
    await make.task(title="X", due_date=date(2026, 1, 1))
    await make.task(title="Y", due_date=date(2026, 1, 2))
    await make.task(title="Z", due_date=None)
    second = await tasks_page(gql, first=10, after=first["pageInfo"]["endCursor"], orderBy=BY_DUE)

    # then: after B come Y (same date, later ID), C, then the undated D, E, Z;
    # X sorts before the cursor and is not pulled into this page, and no row repeats
    assert titles(first) == ["A", "B"]
    assert titles(second) == ["Y", "C", "D", "E", "Z"]
    assert second["totalCount"] == 8
    assert (second["pageInfo"]["hasPreviousPage"], second["pageInfo"]["hasNextPage"]) == (
        True,
        False,
    )


async def test_descending_pages_put_undated_rows_first_and_survive_inserts(gql):
    # given
    await five_tasks()
    first = await tasks_page(gql, first=2, orderBy=BY_DUE_DESC)

    # when: an undated row (before the cursor) and one dated 3 Jan with a later ID
    await make.task(title="Z", due_date=None)
    await make.task(title="W", due_date=date(2026, 1, 3))
    after = first["pageInfo"]["endCursor"]
    second = await tasks_page(gql, first=10, after=after, orderBy=BY_DUE_DESC)

    # then: descending is the exact reverse: undated first (later ID first), then dates
    assert titles(first) == ["E", "D"]
    assert titles(second) == ["W", "C", "B", "A"]


async def test_last_before_walks_backwards_across_inserts(gql):
    # given
    await five_tasks()
    last = await tasks_page(gql, last=2, orderBy=BY_DUE)

    # when: a row dated 2 Jan lands between B and C
    await make.task(title="Y", due_date=date(2026, 1, 2))
    before = last["pageInfo"]["startCursor"]
    previous = await tasks_page(gql, last=2, before=before, orderBy=BY_DUE)
    earliest = await tasks_page(
        gql, last=2, before=previous["pageInfo"]["startCursor"], orderBy=BY_DUE
    )

    # then
    assert titles(last) == ["D", "E"]
    assert last["pageInfo"]["hasPreviousPage"] is True
    assert titles(previous) == ["Y", "C"]
    assert titles(earliest) == ["A", "B"]
    assert (earliest["pageInfo"]["hasPreviousPage"], earliest["pageInfo"]["hasNextPage"]) == (
        False,
        True,
    )


async def test_a_cursor_whose_row_was_archived_still_marks_its_place(gql):
    # given
    await five_tasks()
    first = await tasks_page(gql, first=2, orderBy=BY_DUE)
    last = await tasks_page(gql, last=2, orderBy=BY_DUE)

    # when: the rows the cursors name (B and D) are archived
    for row in await models.Task.filter(title__in=["B", "D"]):
        await make.archive(row)
    after = await tasks_page(gql, first=10, after=first["pageInfo"]["endCursor"], orderBy=BY_DUE)
    before = await tasks_page(gql, last=10, before=last["pageInfo"]["startCursor"], orderBy=BY_DUE)

    # then: the pages start where the archived rows were
    assert titles(after) == ["C", "E"]
    assert titles(before) == ["A", "C"]
    assert after["totalCount"] == before["totalCount"] == 3


async def test_empty_values_sort_after_every_value_in_both_directions(gql):
    # given: start dates with ties, and two rows without one
    for title, start in [
        ("P", date(2026, 3, 1)),
        ("Q", None),
        ("R", date(2026, 1, 1)),
        ("S", date(2026, 3, 1)),
        ("T", None),
    ]:
        await make.task(title=title, start_date=start)

    # when
    rising = await tasks_page(gql, first=10, orderBy={"field": "START_DATE"})
    falling = await tasks_page(gql, first=10, orderBy={"field": "START_DATE", "direction": "DESC"})
    tail = await tasks_page(gql, last=3, orderBy={"field": "START_DATE", "direction": "DESC"})

    # then: ties by ID in the order's direction; descending is the exact reverse
    assert titles(rising) == ["R", "P", "S", "Q", "T"]
    assert titles(falling) == ["T", "Q", "S", "P", "R"]
    assert titles(tail) == ["S", "P", "R"]


async def test_a_page_after_a_cursor_is_served_from_the_read_model(gql):
    # given
    await five_tasks()
    first = await tasks_page(gql, first=2, orderBy=BY_DUE)
    await gql.settle()

    # when
    with count_statements() as counter:
        second = await tasks_page(
            gql, first=2, after=first["pageInfo"]["endCursor"], orderBy=BY_DUE
        )

    # then: the read model's freshness check alone
    assert titles(second) == ["C", "D"]
    assert counter.count == 1, counter.statements


async def test_a_cursor_of_another_list_is_refused(gql):
    # given
    team = await make.team()
    await make.campaign(team)
    await make.goal(team)
    cursor = (await gql.data(CAMPAIGNS))["campaigns"]["pageInfo"]["endCursor"]

    # when
    error = await gql.error(GOALS, {"after": cursor})

    # then
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "another list" in error["message"]


async def test_a_cursor_of_another_ordering_is_refused(gql):
    # given
    await five_tasks()
    by_due = (await tasks_page(gql, first=1, orderBy=BY_DUE))["pageInfo"]["endCursor"]

    # when: another field, and the same field the other way round
    by_title = {"field": "TITLE", "direction": "ASC"}
    errors = [
        await gql.error(TASKS, {"first": 1, "after": by_due, "orderBy": by_title}),
        await gql.error(TASKS, {"first": 1, "before": by_due, "orderBy": BY_DUE_DESC}),
    ]

    # then
    for error in errors:
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert "another ordering" in error["message"]


async def test_walking_pages_of_every_ordering_yields_the_whole_list_once(gql):
    # given: ties on every column (titles, statuses, dates, undated rows)
    await five_tasks()
    await make.task(title="A", due_date=date(2026, 1, 2), start_date=date(2026, 1, 1))
    await make.task(title="B", status="DONE", start_date=date(2026, 1, 1))

    for field in ["CREATED", "TITLE", "DUE_DATE", "START_DATE", "STATUS", "UPDATED_AT"]:
        for direction in ["ASC", "DESC"]:
            order = {"field": field, "direction": direction}
            whole = await tasks_page(gql, first=100, orderBy=order)
            walked, after = [], None

            # when
            while True:
                part = await tasks_page(gql, first=2, after=after, orderBy=order)
                walked += titles(part)
                if not part["pageInfo"]["hasNextPage"]:
                    break
                after = part["pageInfo"]["endCursor"]

            # then
            assert walked == titles(whole), order
            assert len(walked) == 7


def forged(key: list, pk: object = 1, order: str = "due_date:asc") -> str:
    payload = {"list": "tasks", "order": order, "key": key, "id": pk}
    return encode_opaque(json.dumps(payload))


async def test_a_forged_cursor_is_refused_before_it_reaches_sql(gql):
    # given
    await five_tasks()
    cursors = [
        forged(["int", 5]),  # not a date
        forged(["date", "2026-13-01"]),
        forged(["datetime", "2026-01-01T00:00:00+00:00"]),  # a time for a date column
        forged(["date", "2026-01-01"], pk=2**40),
        forged(["date", "2026-01-01"], pk=True),
        forged(["str", "ZZZ"], order="status:asc"),  # no such status
        forged(["datetime", "2026-01-01T00:00:00"], order="updated_at:asc"),  # no zone
        forged(["decimal", "NaN"]),
        encode_opaque("[" * 100_000),
    ]

    for cursor in cursors:
        # when
        order = {"field": "STATUS"} if "status" in decode_opaque(cursor) else None
        if "updated_at" in decode_opaque(cursor):
            order = {"field": "UPDATED_AT"}
        error = await gql.error(TASKS, {"first": 1, "after": cursor, "orderBy": order or BY_DUE})

        # then
        assert error["extensions"]["code"] == "BAD_USER_INPUT", cursor
        assert error["message"] == "`after` is not a valid cursor."
