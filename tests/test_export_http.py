"""GET /export/{kind}.{format} as HTTP: signing in, refusals before the first byte, the
headers of a download, a response that really streams, and the exports one caller may
run at once."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from fixtures.generator import generate_document
from fixtures.loader import load_document
from server import clock, models
from server.app import create_app
from server.enums import Role
from server.exports.endpoint import EXPORTS_IN_FLIGHT
from server.exports.formats import CHUNK_BYTES
from tests import factories as make
from tests.export_org import TODAY, csv_rows, fetch, organisation


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: TODAY)


async def test_signed_out_or_with_a_bad_token_is_unauthenticated(db, anonymous):
    # given
    await organisation()

    for headers in ({}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic x"}):
        # when
        response = await anonymous.http.get("/export/tree.csv", headers=headers)

        # then
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
        (error,) = response.json()["errors"]
        assert error["extensions"]["code"] == "UNAUTHENTICATED"
        assert "kind,id" not in response.text


async def test_a_viewer_exports_what_the_api_shows_them(db, anonymous):
    # given: viewers read everything in the API
    await organisation()
    viewer = await make.user(role=Role.VIEWER)

    # when
    response = await fetch(anonymous.as_user(viewer), "/export/campaigns.csv")

    # then
    assert [row["name"] for row in csv_rows(response)] == ["Brand push", "Spring webinars"]


CSV = "text/csv; charset=utf-8; header=present"
JSONL = "application/x-ndjson; charset=utf-8"


@pytest.mark.parametrize(
    ("path", "content_type", "filename"),
    [
        ("/export/tree.csv", CSV, "throughline-tree-2026-04-15.csv"),
        ("/export/risks.jsonl", JSONL, "throughline-risks-2026-04-15.jsonl"),
        ("/export/workload.csv?from=2026-04-13&to=2026-04-26", CSV,
         "throughline-workload-2026-04-13-to-2026-04-26.csv"),
    ],
)  # fmt: skip
async def test_a_download_says_what_it_is_and_is_not_cached(db, gql, path, content_type, filename):
    # given
    await organisation()

    # when
    response = await gql.http.get(path, headers=await gql.headers())

    # then
    assert response.status_code == 200
    assert response.headers["content-type"] == content_type
    assert response.headers["content-disposition"] == f'attachment; filename="{filename}"'
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-content-type-options"] == "nosniff"


async def test_head_answers_the_headers_without_making_the_file(db, gql):
    # given
    await organisation()

    # when
    fine = await gql.http.head("/export/tree.csv", headers=await gql.headers())
    bad = await gql.http.head("/export/calendar.csv", headers=await gql.headers())

    # then
    assert fine.status_code == 200
    assert fine.headers["content-disposition"].startswith("attachment;")
    assert fine.content == b""
    assert bad.status_code == 400


@pytest.mark.parametrize("path", ["/export/goals.csv", "/export/tree.xlsx", "/export/tree"])
async def test_an_unknown_export_is_not_found(db, gql, path):
    response = await gql.http.get(path, headers=await gql.headers())

    assert response.status_code == 404
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "NOT_FOUND"
    assert "tree.csv" in error["message"]


TEAM = "VGVhbToxMjM0"  # Team:1234, no such team: a filter matching nothing
GOAL = "R29hbDo5OTk5"  # Goal:9999


@pytest.mark.parametrize(
    ("path", "params", "argument", "words"),
    [
        ("tree", {"from": "2026-01-01"}, "from", "Unknown parameter `from`"),
        ("tree", {"root": GOAL}, "root", "names no goal"),
        ("tree", {"root": "not-an-id"}, "root", "is not a Goal ID"),
        ("tree", {"teams": GOAL}, "teams", "is not a Team ID"),
        ("tree", {"campaigns": "perhaps"}, "campaigns", "true or false"),
        ("campaigns", {"from": "2026-4-1"}, "from", "YYYY-MM-DD"),
        ("campaigns", {"from": "2026-02-30"}, "from", "YYYY-MM-DD"),
        ("campaigns", {"from": "1850-01-01"}, "from", "outside the supported dates"),
        ("campaigns", {"from": "2026-05-01", "to": "2026-04-01"}, "to", "is before"),
        ("risks", {"severity": "SEVERE"}, "severity", "not one of LOW, MEDIUM"),
        ("risks", {"kinds": "BUDGET_OVERRUN,LATE"}, "kinds", "'LATE'"),
        ("workload", {"from": "2026-01-01"}, "to", "`to` is required"),
        ("workload", {"from": "2026-01-01", "to": "2027-06-01"}, "to", "at most 60 weeks"),
        ("calendar", {"to": "2026-01-31"}, "from", "`from` is required"),
        ("calendar", {"from": "2026-01-01", "to": "2027-06-01"}, "to", "at most 366 days"),
        ("calendar", {"from": "2026-01-01", "to": "2026-01-31", "timeZone": "Mars/Olympus"},
         "timeZone", "IANA time zone"),
        ("calendar", {"from": "2026-01-01", "to": "2026-01-31", "kinds": "PARTY"}, "kinds",
         "'PARTY'"),
        ("calendar", {"from": "2026-01-01", "to": "2026-01-31", "channels": "RADIO"},
         "channels", "'RADIO'"),
    ],
)  # fmt: skip
async def test_bad_parameters_are_refused_before_anything_is_written(
    db, gql, path, params, argument, words
):
    # given
    await organisation()

    # when
    response = await fetch(gql, f"/export/{path}.csv", **params)

    # then
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/json"
    (error,) = response.json()["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": argument}
    assert words in error["message"]


async def test_a_parameter_given_twice_is_refused(db, gql):
    response = await gql.http.get(
        "/export/campaigns.csv?from=2026-01-01&from=2026-02-01", headers=await gql.headers()
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["argument"] == "from"


async def test_a_team_that_does_not_exist_matches_nothing_as_in_the_api(db, gql):
    await organisation()

    response = await fetch(gql, "/export/campaigns.csv", teams=TEAM)

    assert response.status_code == 200
    assert response.text == (
        "id,name,status,team,start_date,end_date,channels,audience,progress,"
        "expected_progress,health,currency,budget,spend_to_date,projected_spend,revenue,"
        "leads,cost_per_lead,roi,reporting_currency,budget_reporting,spend_to_date_reporting,"
        "projected_spend_reporting,revenue_reporting,cost_per_lead_reporting,roi_reporting,"
        "reporting_gaps,key_results\r\n"
    )


class Exchange:
    """One request sent straight to the ASGI app, recording every message it answers
    with; `hold` makes it wait after its first chunk until released."""

    def __init__(self, app, path: str, token: str, hold: asyncio.Event | None = None) -> None:
        self.app, self.hold = app, hold
        route, _, query = path.partition("?")
        self.scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
            "method": "GET", "scheme": "http", "path": route, "raw_path": route.encode(),
            "query_string": query.encode(), "root_path": "",
            "headers": [(b"host", b"testserver"), (b"authorization", f"Bearer {token}".encode())],
            "client": ("127.0.0.1", 50000), "server": ("testserver", 80),
        }  # fmt: skip
        self.messages: list[dict[str, Any]] = []
        self.first_chunk = asyncio.Event()
        self.gone = asyncio.Event()
        self.requested = False

    async def receive(self) -> dict[str, Any]:
        """The (empty) request body, then nothing until the client goes away."""
        if not self.requested:
            self.requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await self.gone.wait()
        return {"type": "http.disconnect"}

    async def send(self, message: dict[str, Any]) -> None:
        self.messages.append(message)
        if message["type"] == "http.response.body" and message.get("body"):
            self.first_chunk.set()
            if self.hold is not None:
                await self.hold.wait()

    async def run(self) -> None:
        await self.app(self.scope, self.receive, self.send)

    @property
    def status(self) -> int:
        return self.messages[0]["status"]

    @property
    def chunks(self) -> list[bytes]:
        return [m["body"] for m in self.messages[1:] if m.get("body")]


async def test_a_large_export_arrives_in_many_chunks(db, settings, signer, gql):
    # given: a synthetic organisation of 3 000 nodes; its workload over 60 weeks
    await load_document(generate_document(3000, 1, TODAY), name="export streaming")
    user = await gql.signed_in_user()
    app = create_app(settings, manage_database=False)
    path = "/export/workload.jsonl?from=2026-01-05&to=2027-02-28"

    # when
    exchange = Exchange(app, path, signer.issue(user.pk).token)
    await exchange.run()

    # then: the body went out as many messages of bounded size, with no length declared
    assert exchange.status == 200
    headers = dict(exchange.messages[0]["headers"])
    assert b"content-length" not in headers
    assert len(exchange.chunks) >= 4
    assert max(len(chunk) for chunk in exchange.chunks) < CHUNK_BYTES + 1000
    lines = b"".join(exchange.chunks).decode().splitlines()
    subjects = await models.Team.filter(archived_at=None).count()
    subjects += await models.User.filter(archived_at=None).count()
    assert len(lines) == subjects * 60
    assert {json.loads(line)["week_start"] for line in lines[:60]} >= {"2026-01-05", "2027-02-22"}


async def test_a_caller_runs_a_bounded_number_of_exports_at_once(db, settings, signer, gql):
    # given: exports held open after their first chunk
    await load_document(generate_document(1000, 1, TODAY), name="export slots")
    user = await gql.signed_in_user()
    token = signer.issue(user.pk).token
    app = create_app(settings, manage_database=False)
    path = "/export/workload.csv?from=2026-01-05&to=2027-02-28"
    release = asyncio.Event()
    held = [Exchange(app, path, token, hold=release) for _ in range(EXPORTS_IN_FLIGHT)]
    running = [asyncio.create_task(exchange.run()) for exchange in held]
    for exchange in held:
        await asyncio.wait_for(exchange.first_chunk.wait(), 30)

    # when
    refused = Exchange(app, path, token)
    await refused.run()

    # then
    assert refused.status == 429
    assert (b"retry-after", b"5") in refused.messages[0]["headers"]
    body = json.loads(b"".join(m.get("body", b"") for m in refused.messages[1:]))
    assert body["errors"][0]["extensions"]["code"] == "RATE_LIMITED"

    # when: the held exports finish, their slots are free again
    release.set()
    await asyncio.wait_for(asyncio.gather(*running), 60)
    again = Exchange(app, path, token)
    await again.run()

    # then
    assert again.status == 200
    assert all(exchange.status == 200 for exchange in held)
