"""CSV imports over HTTP (POST /import/{kind}, real requests to the ASGI app): the same
1 000-line file imported twice changes nothing the second time, a file with one bad
line writes nothing and names the line and column, a dry run reports and writes
nothing, tasks re-imported are updated, and a broken file or request is refused
clearly, never with a 500."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest

from server import clock, models
from server.enums import HistoryAction, Role, TaskStatus
from server.ingest import endpoint
from tests import factories
from tests.test_ingest_upsert import gid, spend_to_date

pytestmark = pytest.mark.date_sensitive

SPEND_HEADER = "source,external_id,campaign_id,date,amount,currency,channel,note\n"


@pytest.fixture
async def org(db: str) -> SimpleNamespace:
    o = SimpleNamespace()
    o.growth = await factories.team(name="Growth")
    o.sales = await factories.team(name="Sales")
    o.editor = await factories.user(teams=[o.growth], role=Role.EDITOR, name="Gina")
    o.viewer = await factories.user(teams=[o.growth], role=Role.VIEWER, name="Vic")
    o.campaign = await factories.campaign(o.growth, name="Spring webinars", currency="USD")
    o.sales_campaign = await factories.campaign(o.sales, name="Partner days", currency="USD")
    o.goal = await factories.goal(o.growth, title="Grow pipeline")
    o.key_result = await factories.key_result(o.goal, title="500 SQLs")
    return o


def spend_csv(campaign, count: int) -> str:
    """`count` lines of 0.25 to 2.50 (repeating), dated over the last 20 days."""
    today = clock.today()
    lines = [
        f"google-ads,{(today - timedelta(days=n % 20)).isoformat()}/c-{n},{gid(campaign)},"
        f"{(today - timedelta(days=n % 20)).isoformat()},{(n % 10 + 1) * Decimal('0.25')},"
        f"USD,paid_search,\n"
        for n in range(count)
    ]
    return SPEND_HEADER + "".join(lines)


async def post(gql, kind: str, body: str | bytes, *, dry_run: bool = False, headers=None):
    sent_headers = {"Content-Type": "text/csv", **(await gql.headers())}
    sent_headers |= headers or {}
    response = await gql.http.post(
        f"/import/{kind}",
        content=body.encode() if isinstance(body, str) else body,
        params={"dryRun": "true"} if dry_run else None,
        headers=sent_headers,
    )
    assert response.status_code < 500, response.text
    return response


async def state() -> tuple[int, int, list[int]]:
    versions = await models.SpendEntry.all().order_by("id").values_list("version", flat=True)
    return await models.SpendEntry.all().count(), await models.HistoryEntry.all().count(), versions


async def test_the_same_file_imported_twice_changes_nothing_the_second_time(gql, org):
    # given
    body = spend_csv(org.campaign, 1000)

    # when
    dry = await post(gql, "spend", body, dry_run=True)
    after_dry = await state()
    first = await post(gql, "spend", body)
    after_first = await state()
    second = await post(gql, "spend", body)

    # then: 100 of each of 0.25, 0.50 ... 2.50, 100 × 13.75 = 1375
    assert dry.status_code == 200
    assert dry.json() | {"errors": []} == {
        "kind": "spend",
        "dryRun": True,
        "written": False,
        "rows": 1000,
        "created": 1000,
        "updated": 0,
        "unchanged": 0,
        "errorCount": 0,
        "errors": [],
    }
    assert after_dry == (0, 0, [])
    assert first.status_code == 200
    assert (first.json()["created"], first.json()["written"]) == (1000, True)
    assert second.json()["unchanged"] == 1000
    assert (second.json()["created"], second.json()["updated"]) == (0, 0)
    assert await state() == after_first
    assert after_first[0] == 1000 and after_first[1] == 2000 and set(after_first[2]) == {1}
    assert await spend_to_date(gql, org.campaign) == Decimal("1375")


async def test_one_bad_line_writes_nothing_and_is_named(gql, org):
    # given: line 1 is the header, so the entry at index 731 is on line 733
    lines = spend_csv(org.campaign, 1000).splitlines(keepends=True)
    lines[732] = lines[732].replace(",USD,", ",EUR,")
    lines[900] = lines[900].replace(f",{gid(org.campaign)},", ",not-an-id,")

    # when
    dry = await post(gql, "spend", "".join(lines), dry_run=True)
    real = await post(gql, "spend", "".join(lines))

    # then
    for response in (dry, real):
        assert response.status_code == 422
        report = response.json()
        assert (report["written"], report["errorCount"]) == (False, 2)
        assert [(e["line"], e["column"], e["code"]) for e in report["errors"]] == [
            (733, "currency", "CURRENCY_MISMATCH"),
            (901, "campaign_id", "NOT_FOUND"),
        ]
    assert await state() == (0, 0, [])


async def test_a_changed_line_updates_its_entry_in_place(gql, org):
    # given
    lines = spend_csv(org.campaign, 3).splitlines(keepends=True)
    await post(gql, "spend", "".join(lines))
    lines[2] = lines[2].replace(",0.50,", ",4.50,")

    # when
    dry = await post(gql, "spend", "".join(lines), dry_run=True)
    real = await post(gql, "spend", "".join(lines))

    # then: 0.25 + 4.50 + 0.75
    assert (dry.json()["updated"], dry.json()["unchanged"]) == (1, 2)
    assert (real.json()["updated"], real.json()["unchanged"]) == (1, 2)
    assert await spend_to_date(gql, org.campaign) == Decimal("5.5")
    assert sorted(await models.SpendEntry.all().values_list("version", flat=True)) == [1, 1, 2]


async def test_the_same_entry_on_two_lines_is_refused(gql, org):
    # given: line 3's entry again on line 11 (same batch), line 2's on line 703 (a later one)
    lines = spend_csv(org.campaign, 800).splitlines(keepends=True)
    lines.insert(10, lines[2])
    lines.insert(702, lines[1])

    # when
    response = await post(gql, "spend", "".join(lines))

    # then
    errors = response.json()["errors"]
    assert [(e["line"], e["column"], e["code"]) for e in errors] == [
        (11, "external_id", "DUPLICATE"),
        (703, "external_id", "DUPLICATE"),
    ]
    assert "already sent in line 3" in errors[0]["message"]
    assert await models.SpendEntry.all().count() == 0


async def test_tasks_imported_again_are_updated_not_duplicated(gql, org):
    # given
    header = "source,external_id,title,campaign_id,key_result_id,status,due_date,estimate_hours\n"
    body = header + (
        f"tracker,T-1,Draft invitations,{gid(org.campaign)},,TODO,2027-04-01,3\n"
        f"tracker,T-2,Book the venue,,{gid(org.key_result)},in_progress,,\n"
    )

    # when
    first = await post(gql, "tasks", body)
    second = await post(gql, "tasks", body.replace("in_progress", "DONE"))

    # then
    assert (first.json()["created"], second.json()["updated"], second.json()["unchanged"]) == (
        2,
        1,
        1,
    )
    tasks = await models.Task.all().order_by("external_id")
    assert [(t.title, t.status, t.version) for t in tasks] == [
        ("Draft invitations", TaskStatus.TODO, 1),
        ("Book the venue", TaskStatus.DONE, 2),
    ]
    assert tasks[0].estimate_hours == Decimal("3.00")
    assert tasks[0].campaign_id == org.campaign.pk and tasks[1].key_result_id == org.key_result.pk
    updates = await models.HistoryEntry.filter(node_type="Task", action=HistoryAction.UPDATED)
    assert [u.changes for u in updates] == [{"status": {"before": "IN_PROGRESS", "after": "DONE"}}]


async def test_an_editor_imports_only_into_their_teams_campaigns(gql, org):
    # given
    body = spend_csv(org.campaign, 3) + spend_csv(org.sales_campaign, 4).splitlines()[4] + "\n"

    # when
    response = await post(gql.as_user(org.editor), "spend", body)
    viewer = await post(gql.as_user(org.viewer), "spend", spend_csv(org.campaign, 1))

    # then
    assert [(e["line"], e["column"], e["code"]) for e in response.json()["errors"]] == [
        (5, "campaign_id", "NOT_ALLOWED")
    ]
    assert viewer.status_code == 403
    assert viewer.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await models.SpendEntry.all().count() == 0


@pytest.mark.parametrize(
    ("body", "line", "column", "words"),
    [
        ("source,external_id,campaign_id,date,amount\n", 1, "currency", "missing"),
        (SPEND_HEADER.replace("note", "comment"), 1, "comment", "Unknown column"),
        ("", 1, None, "empty"),
        (SPEND_HEADER + "a,b\n", 2, None, "2 cells"),
        (SPEND_HEADER.encode() + b"ads,1,x,2027-01-01,1,USD,,caf\xe9\n", 2, None, "UTF-8"),
        (SPEND_HEADER.encode() + b"ads,1,x,2027-01-01,1,USD,,\x00\n", 2, None, "NUL"),
        (SPEND_HEADER + "ads,1,x,01/02/2027,1,USD,,\n", 2, "date", "YYYY-MM-DD"),
        (SPEND_HEADER + 'ads,1,x,2027-01-01,1,USD,,"open quote\n', 2, None, "CSV"),
    ],
)
async def test_a_broken_file_is_refused_clearly(gql, org, body, line, column, words):
    # when
    response = await post(gql, "spend", body)

    # then
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert (error["line"], error["column"]) == (line, column)
    assert words in error["message"]
    assert await models.SpendEntry.all().count() == 0


async def test_requests_that_cannot_be_imported_are_refused(gql, anonymous, org, monkeypatch):
    # given
    body = spend_csv(org.campaign, 50)
    monkeypatch.setattr(endpoint, "MAX_IMPORT_BYTES", len(body.encode()) - 1)

    # when
    too_large = await post(gql, "spend", body)
    signed_out = await post(anonymous, "spend", "x")
    unknown = await post(gql, "budgets", "x")
    not_csv = await post(gql, "spend", "{}", headers={"Content-Type": "application/json"})
    bad_flag = await gql.http.post(
        "/import/spend?dryRun=perhaps",
        content=b"x",
        headers={"Content-Type": "text/csv", **(await gql.headers())},
    )

    # then
    statuses = [r.status_code for r in (too_large, signed_out, unknown, not_csv, bad_flag)]
    assert statuses == [413, 401, 404, 415, 400]
    codes = [r.json()["errors"][0]["extensions"]["code"] for r in (too_large, signed_out)]
    assert codes == ["BAD_USER_INPUT", "UNAUTHENTICATED"]
    assert await models.SpendEntry.all().count() == 0


async def test_check_ins_from_a_metric_source_move_the_key_result(gql, org):
    # given: the latest measurement (2 days ago) is 37
    now = clock.now().replace(microsecond=0)
    body = "source,external_id,key_result_id,value,checked_in_at,note\n" + "".join(
        f"analytics,week-{n},{gid(org.key_result)},{value},"
        f"{(now - timedelta(days=days)).isoformat()},\n"
        for n, (value, days) in enumerate([("12", 16), ("37", 2), ("20", 9)])
    )

    # when
    first = await post(gql, "check-ins", body)
    second = await post(gql, "check-ins", body)
    naive = await post(gql, "check-ins", body.replace("+00:00", ""), dry_run=True)

    # then
    assert (first.json()["created"], second.json()["unchanged"]) == (3, 3)
    key_result = await models.KeyResult.get(id=org.key_result.pk)
    assert (key_result.current_value, key_result.version) == (Decimal("37"), 2)
    assert {(e["line"], e["column"], e["code"]) for e in naive.json()["errors"]} == {
        (line, "checked_in_at", "INVALID") for line in (2, 3, 4)
    }


async def test_an_assignee_may_update_their_task_but_not_move_it(gql, org):
    # given: a Sales task assigned to the Growth editor
    assignee = gql.as_user(org.editor)
    header = "source,external_id,title,campaign_id,key_result_id,team_id,assignee_id,status\n"
    line = f"tracker,T-9,Partner kit,{gid(org.sales_campaign)},,,{gid(org.editor)},TODO\n"
    await post(gql, "tasks", header + line)

    # when
    done = await post(assignee, "tasks", header + line.replace("TODO", "DONE"))
    moved = await post(
        assignee, "tasks", header + line.replace(gid(org.sales_campaign), gid(org.campaign))
    )
    elsewhere = await post(
        assignee,
        "tasks",
        header + f"tracker,T-10,Sales deck,,,{gid(org.sales)},,TODO\n",
    )

    # then
    assert done.status_code == 200 and done.json()["updated"] == 1
    assert [(e["line"], e["column"], e["code"]) for e in moved.json()["errors"]] == [
        (2, "external_id", "NOT_ALLOWED")
    ]
    assert [(e["line"], e["column"], e["code"]) for e in elsewhere.json()["errors"]] == [
        (2, "team_id", "NOT_ALLOWED")
    ]
    task = await models.Task.get(external_id="T-9")
    assert (task.status, task.campaign_id) == (TaskStatus.DONE, org.sales_campaign.pk)
