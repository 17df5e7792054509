"""A central bank's CSV of rates (the ECB's format) imported over HTTP, GraphQL and the
command line: rates per 1 EUR turned into rates in the reporting currency, by hand.

With USD reporting, a line "1 EUR = 1.2 USD = 160 JPY = 0.8 GBP" gives EUR 1.2,
JPY 1.2 / 160 = 0.0075 and GBP 1.2 / 0.8 = 1.5; with EUR reporting, each is 1 / x.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from server.currency.model import ExchangeRate
from server.enums import Role
from tests import factories as make
from tests.test_cli_users import throughline

ECB = (
    "Date,USD,JPY,GBP,XAU,\n"  # XAU: not a currency money is kept in, skipped
    "2027-01-08,1.2000,160.00,0.8000,N/A,\n"
    "2027-01-04,1.1000,N/A,0.8500,1234.5,\n"
)
IN_USD = [
    ("EUR", date(2027, 1, 4), D("1.1")),
    ("EUR", date(2027, 1, 8), D("1.2")),
    ("GBP", date(2027, 1, 4), D("1.294117647059")),  # 1.1 / 0.85, to 12 places
    ("GBP", date(2027, 1, 8), D("1.5")),
    ("JPY", date(2027, 1, 8), D("0.0075")),
]
IMPORT = """
mutation ($input: ExchangeRatesImportInput!) { exchangeRatesImport(input: $input) {
  written dryRun rows created updated unchanged errorCount
  errors { line column code message }
} }
"""


async def stored(quote: str = "USD") -> list[tuple]:
    rows = await ExchangeRate.filter(quote=quote).order_by("currency", "date")
    return [(row.currency, row.date, row.rate.normalize()) for row in rows]


async def post(gql, body: str, *, dry_run: bool = False):
    response = await gql.http.post(
        "/import/exchange-rates",
        content=body.encode(),
        params={"dryRun": "true"} if dry_run else None,
        headers={"Content-Type": "text/csv", **(await gql.headers())},
    )
    assert response.status_code < 500, response.text
    return response


async def test_an_ecb_file_becomes_rates_in_the_reporting_currency(gql):
    # when
    response = await post(gql, ECB)

    # then
    assert response.status_code == 200
    assert response.json() == {
        "kind": "exchange-rates",
        "dryRun": False,
        "written": True,
        "rows": 2,
        "created": 5,
        "updated": 0,
        "unchanged": 0,
        "errorCount": 0,
        "errors": [],
    }
    assert await stored() == IN_USD


async def test_the_same_file_again_changes_nothing_and_a_corrected_rate_is_updated(gql):
    # given
    await post(gql, ECB)

    # when
    again = (await post(gql, ECB)).json()
    corrected = (await post(gql, ECB.replace("1.2000,160.00", "1.2500,160.00"))).json()

    # then
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 5)
    # EUR and JPY of Jan 8 move with USD; GBP (1.25 / 0.8) too
    assert (corrected["created"], corrected["updated"], corrected["unchanged"]) == (0, 3, 2)
    assert ("GBP", date(2027, 1, 8), D("1.5625")) in await stored()


async def test_a_dry_run_reports_and_writes_nothing(gql):
    # when
    response = await post(gql, ECB, dry_run=True)

    # then
    assert response.status_code == 200
    report = response.json()
    assert (report["dryRun"], report["written"], report["created"]) == (True, False, 5)
    assert await stored() == []


async def test_every_bad_line_is_named_and_nothing_is_written(gql):
    # given
    body = (
        "Date,USD,JPY,\n"
        "2027-01-08,1.2,160,\n"
        "2027-13-01,1.2,160,\n"  # no such month
        "2027-01-09,abc,-3,\n"  # not a number; not above 0
        "2027-01-10,N/A,160,\n"  # no USD rate to turn the others into USD
        "2027-01-11,1.2,\n"  # a cell short
    )

    # when
    response = await post(gql, body)

    # then
    assert response.status_code == 422
    report = response.json()
    assert report["written"] is False
    assert [(e["line"], e["column"], e["code"]) for e in report["errors"]] == [
        (3, "Date", "INVALID"),
        (4, "USD", "INVALID"),
        (4, "JPY", "INVALID"),
        (5, "USD", "REQUIRED"),
        (6, None, "INVALID"),
    ]
    assert report["errors"][3]["message"] == (
        "No USD rate on 2027-01-10: the other rates of this line cannot be turned into USD."
    )
    assert await stored() == []


@pytest.mark.parametrize(
    ("header", "column", "says"),
    [
        ("Day,USD,\n", "Day", "The first column must be `Date`"),
        ("Date,JPY,GBP,\n", None, "The file has no USD column"),
        ("Date,USD,US Dollar,\n", "US Dollar", "is not a currency code"),
        ("Date,USD,USD,\n", "USD", "appears twice"),
    ],
)
async def test_a_header_that_is_not_the_central_bank_format_is_refused(gql, header, column, says):
    # when
    report = (await post(gql, header + "2027-01-08,1.2,1.3,\n")).json()

    # then
    assert report["errors"][0]["line"] == 1
    assert report["errors"][0]["column"] == column
    assert says in report["errors"][0]["message"]
    assert await stored() == []


async def test_with_eur_reporting_each_rate_is_one_over_the_published_one(client_with):
    # given
    gql = await client_with(reporting_currency="EUR")

    # when
    payload = (await gql.data(IMPORT, {"input": {"csv": ECB}}))["exchangeRatesImport"]

    # then
    assert payload == {
        "written": True,
        "dryRun": False,
        "rows": 2,
        "created": 5,
        "updated": 0,
        "unchanged": 0,
        "errorCount": 0,
        "errors": [],
    }
    assert await stored("EUR") == [
        ("GBP", date(2027, 1, 4), D("1.176470588235")),  # 1 / 0.85
        ("GBP", date(2027, 1, 8), D("1.25")),
        ("JPY", date(2027, 1, 8), D("0.00625")),
        ("USD", date(2027, 1, 4), D("0.909090909091")),
        ("USD", date(2027, 1, 8), D("0.833333333333")),
    ]


async def test_only_administrators_import_rates(gql):
    # given
    team = await make.team()
    editor = gql.as_user(await make.user([team], role=Role.EDITOR))

    # when
    over_http = await post(editor, ECB)
    over_graphql = await editor.raw(IMPORT, {"input": {"csv": ECB}})

    # then
    assert over_http.status_code == 403
    assert over_http.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert over_graphql["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await stored() == []


async def test_the_command_line_imports_as_an_administrator(db, tmp_path):
    # given
    await make.user(role=Role.ADMIN, email="ada@example.com")
    await make.user(role=Role.EDITOR, email="ed@example.com")
    path = tmp_path / "eurofxref.csv"
    path.write_text(ECB, encoding="utf-8")
    command = ("import", "exchange-rates", str(path))

    # when
    dry = throughline(*command, "--as", "ada@example.com", "--dry-run", database_url=db)
    rows_after_dry = await stored()
    refused = throughline(*command, "--as", "ed@example.com", database_url=db)
    done = throughline(*command, "--as", "ada@example.com", database_url=db)

    # then
    assert (
        dry.stdout.strip() == "2 rows: 5 created, 0 updated, 0 unchanged (dry run: nothing written)"
    )
    assert rows_after_dry == []
    assert refused.returncode == 2
    assert "exchange rates are set by administrators" in refused.stderr
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "2 rows: 5 created, 0 updated, 0 unchanged"
    assert await stored() == IN_USD
