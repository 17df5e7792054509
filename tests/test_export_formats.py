"""CSV and JSON lines as written by the exports: RFC 4180 quoting, the guard against
formulas in text cells, and chunks of bounded size."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from server.exports.columns import Item, columns
from server.exports.formats import CHUNK_BYTES, Format, csv_cell, encoded, guarded

COLUMNS = columns(("title", ""), ("amount", ""), ("day", ""), ("flag", ""), ("tags", ""))


def written(format: Format, rows) -> str:
    return b"".join(encoded(format, COLUMNS, rows)).decode()


def test_csv_quotes_commas_quotes_and_line_breaks_as_rfc_4180_says():
    # given
    rows = [
        ('Webinars, "EMEA"', Decimal("10.50"), date(2026, 4, 1), True, ["a", "b"]),
        ("Two\nlines", None, None, False, []),
        ("Carriage\r\nreturn", Decimal("-3.00"), None, None, ["x"]),
    ]

    # when
    text = written(Format.CSV, rows)

    # then
    assert text == (
        "title,amount,day,flag,tags\r\n"
        '"Webinars, ""EMEA""",10.50,2026-04-01,true,a; b\r\n'
        '"Two\nlines",,,false,\r\n'
        '"Carriage\r\nreturn",-3.00,,,x\r\n'
    )
    read_back = list(csv.reader(io.StringIO(text, newline="")))
    assert read_back[1][0] == 'Webinars, "EMEA"'
    assert read_back[3][0] == "Carriage\r\nreturn"


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1 555 0100", "'+1 555 0100"),
        ("-2% churn", "'-2% churn"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\tTabbed", "'\tTabbed"),
        ("\rReturn", "'\rReturn"),
        ("Plain = fine", "Plain = fine"),
        ("", ""),
    ],
)
def test_text_cells_that_a_spreadsheet_would_run_get_an_apostrophe(text, cell):
    assert guarded(text) == cell
    assert csv_cell(text) == cell


def test_numbers_dates_and_booleans_are_never_guarded():
    assert csv_cell(Decimal("-0.2500")) == "-0.2500"
    assert csv_cell(-3) == "-3"
    assert csv_cell(datetime(2026, 4, 16, 14, tzinfo=UTC)) == "2026-04-16T14:00:00+00:00"
    assert csv_cell(False) == "false"


def test_a_list_or_item_starting_with_a_formula_is_guarded_as_a_whole():
    assert csv_cell(["=cmd", "ok"]) == "'=cmd; ok"
    assert csv_cell(["ok", "=cmd"]) == "ok; =cmd"
    assert csv_cell(Item({"title": "-x"}, "-x (0.5000)")) == "'-x (0.5000)"


def test_json_lines_keep_values_as_they_are():
    # given
    rows = [
        ("=1+1", Decimal("1250.00"), date(2026, 4, 1), None, [Item({"share": Decimal("0.6")}, "")])
    ]

    # when
    text = written(Format.JSONL, rows)

    # then
    assert text.endswith("\n") and text.count("\n") == 1
    assert json.loads(text) == {
        "title": "=1+1",
        "amount": "1250.00",
        "day": "2026-04-01",
        "flag": None,
        "tags": [{"share": "0.6"}],
    }


@pytest.mark.parametrize("format", list(Format))
def test_rows_are_written_in_chunks_of_bounded_size(format):
    # given: about 20 chunks' worth of rows, made one by one
    made = 0

    def rows():
        nonlocal made
        for n in range(20_000):
            made += 1
            yield (f"Row {n}", Decimal(n), date(2026, 1, 1), True, ["x"] * 3)

    # when
    chunks = encoded(format, COLUMNS, rows())
    first = next(chunks)

    # then: the first chunk comes before most rows exist; no chunk is much larger
    assert made < 2_000
    sizes = [len(first)] + [len(chunk) for chunk in chunks]
    assert len(sizes) > 10
    assert max(sizes) < CHUNK_BYTES + 200
    assert made == 20_000
