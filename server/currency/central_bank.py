"""Importing exchange rates from a central bank's CSV file, in the ECB's format.

The European Central Bank publishes its reference rates (eurofxref.csv, and the whole
history in eurofxref-hist.csv) as one line per day: a `Date` column (YYYY-MM-DD), then
one column per currency holding how many units of it 1 EUR buys, `N/A` where it was
not quoted; the ECB ends each line with a comma, so a last column without a name is
accepted. Many banks publish the same shape.

Rates are stored in our semantics, 1 unit of C = rate units of the reporting currency R
(`server.currency.rates`), so a line's rates per EUR become:

- R is EUR: rate(C) = 1 / (C per EUR);
- otherwise, through EUR (cross rates): rate(EUR) = R per EUR, and
  rate(C) = (R per EUR) / (C per EUR); a line without R's rate cannot be converted and
  is refused.

Columns of currencies the product does not know (`server.enums.CURRENCIES`) are
skipped, since no amount can be in them. The file is read with the CSV machinery of
`server.ingest` (streamed line by line, the same checks of encoding and shape, the same
report with errors by line and column), all or nothing, and a dry run reports what an
import would create, update or leave unchanged, writing nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import IO

from tortoise.transactions import in_transaction

from server.currency.model import RATE_PLACES
from server.currency.writes import MAX_RATE, RateInput, write_rates
from server.dates import problem_with
from server.enums import CURRENCIES
from server.ingest.csv_import import FileRefused, ImportReport, _Lines
from server.permissions import Actor, require_admin
from server.writes.errors import UserErrorCode

KIND = "exchange-rates"
SOURCE = "ecb-csv"
BASE = "EUR"
BATCH_LINES = 200
"""Lines written per batch (the ECB's history has about 30 currencies a line)."""
MISSING = frozenset({"", "N/A", "NA", "-"})
CODE = re.compile(r"^[A-Z]{3}$")
STEP = Decimal(1).scaleb(-RATE_PLACES)

Code = UserErrorCode


class _RollBack(Exception):
    pass


class _Header:
    """The file's columns: where the date is, and each known currency's position."""

    def __init__(self, record: list[str], reporting: str, report: ImportReport) -> None:
        names = [cell.strip() for cell in record]
        self.width = len(names)
        self.currencies: dict[int, str] = {}
        if not names or names[0].lower() != "date":
            report.fail(1, names[0] if names else None, Code.REQUIRED, _FIRST_COLUMN)
        seen: set[str] = set()
        for position, name in enumerate(names[1:], start=1):
            if not name and position == len(names) - 1:
                continue  # the ECB's trailing comma
            code = name.upper()
            if not CODE.match(code):
                report.fail(1, name or None, Code.INVALID, _column_name(name))
                continue
            if code in seen:
                report.fail(1, name, Code.DUPLICATE, f"The column `{name}` appears twice.")
                continue
            seen.add(code)
            if code in CURRENCIES:
                self.currencies[position] = code
        if reporting != BASE and reporting not in seen:
            report.fail(
                1,
                None,
                Code.REQUIRED,
                f"The file has no {reporting} column: its rates per {BASE} cannot be "
                f"turned into rates in {reporting}, the reporting currency.",
            )


_FIRST_COLUMN = (
    "The first column must be `Date`, followed by one column per currency "
    "(the ECB's format: units of each currency per 1 EUR)."
)


def _column_name(name: str) -> str:
    return f"The column `{name}` is not a currency code such as USD."


def _number(text: str) -> Decimal | None:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() and value > 0 else None


def _day(text: str) -> tuple[date | None, str | None]:
    try:
        day = date.fromisoformat(text) if len(text) == 10 else date.fromisoformat("")
    except ValueError:
        return None, "`Date` must be a date written YYYY-MM-DD."
    problem = problem_with(day)
    return (day, None) if problem is None else (None, f"`Date`: {problem}")


def rates_of_line(
    line: int, record: list[str], header: _Header, reporting: str, report: ImportReport
) -> list[RateInput]:
    """The line's rates in the reporting currency, or none after recording its errors."""
    if len(record) != header.width:
        report.fail(
            line,
            None,
            Code.INVALID,
            f"This line has {len(record)} cells; the header has {header.width}.",
        )
        return []
    failed = report.error_count
    day, problem = _day(record[0].strip())
    if problem is not None:
        report.fail(line, "Date", Code.INVALID if day is None else Code.OUT_OF_RANGE, problem)
    per_base: dict[str, Decimal] = {BASE: Decimal(1)}
    for position, code in header.currencies.items():
        text = record[position].strip()
        if text.upper() in MISSING:
            continue
        value = _number(text)
        if value is None:
            report.fail(
                line,
                code,
                Code.INVALID,
                f"`{code}` must be a number above 0 (units per 1 {BASE}) or N/A, got {text!r}.",
            )
            continue
        per_base[code] = value
    if report.error_count > failed or day is None:
        return []
    anchor = per_base.get(reporting)
    if anchor is None:
        report.fail(
            line,
            reporting,
            Code.REQUIRED,
            f"No {reporting} rate on {day.isoformat()}: the other rates of this line "
            f"cannot be turned into {reporting}.",
        )
        return []
    rates = []
    for code, value in sorted(per_base.items()):
        if code == reporting:
            continue
        rate = (anchor / value).quantize(STEP)
        if not 0 < rate <= MAX_RATE:
            report.fail(
                line, code, Code.OUT_OF_RANGE, f"`{code}` gives a rate outside what is stored."
            )
            return []
        rates.append(RateInput(code, day, rate))
    return rates


async def import_rates(
    actor: Actor,
    reporting: str,
    stream: IO[bytes],
    *,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import the ECB-format CSV `stream` as `actor` (an administrator); see the module."""
    require_admin(actor)
    report = ImportReport(kind=KIND, dry_run=dry_run)
    try:
        async with in_transaction():
            await _import(actor, reporting, stream, report, progress)
            if report.error_count or dry_run:
                raise _RollBack
    except _RollBack:
        pass
    report.written = not dry_run and report.error_count == 0
    report.errors.sort(key=lambda error: error.line)
    return report


async def _import(
    actor: Actor,
    reporting: str,
    stream: IO[bytes],
    report: ImportReport,
    progress: Callable[[int], None] | None,
) -> None:
    header: _Header | None = None
    batch: list[RateInput] = []
    lines = 0
    try:
        for line, record in _Lines(stream):
            if header is None:
                header = _Header(record, reporting, report)
                if report.error_count:
                    return
                continue
            report.rows += 1
            batch.extend(rates_of_line(line, record, header, reporting, report))
            lines += 1
            if lines >= BATCH_LINES:
                await _write(actor, reporting, batch, report)
                batch, lines = [], 0
                if progress is not None:
                    progress(report.rows)
    except FileRefused as refused:
        report.fail(refused.line, None, Code.INVALID, str(refused))
    if header is None and not report.error_count:
        report.fail(1, None, Code.REQUIRED, "The file is empty; it needs a header line.")
    await _write(actor, reporting, batch, report)
    if progress is not None:
        progress(report.rows)


async def _write(
    actor: Actor, reporting: str, batch: list[RateInput], report: ImportReport
) -> None:
    """Write a batch, unless a line was refused already (then nothing is kept)."""
    if not batch or report.error_count:
        return
    written = await write_rates(actor, reporting, batch, source=SOURCE)
    report.created += written.created
    report.updated += written.updated
    report.unchanged += written.unchanged
