"""Setting exchange rates: one by an administrator, or many from an import.

Rates are keyed by currency, quote (the reporting currency) and date: setting a rate
that exists replaces it, and sending the same rate again changes nothing. A batch is
checked whole before anything is written and costs a bounded number of statements per
`CHUNK` rates (the existing rates, the inserts, the updates, the history), whatever its
size. Each created or changed rate is recorded in the history (node type
`ExchangeRate`) with who set it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from server import clock, models
from server.currency.model import RATE_DIGITS, RATE_PLACES, ExchangeRate
from server.dates import problem_with
from server.enums import CURRENCIES, HistoryAction
from server.history import created, diff, snapshot
from server.permissions import Actor, require_admin
from server.writes.checks import Checker
from server.writes.errors import UserErrorCode
from server.writes.unit import transactional

CHUNK = 500
MAX_RATE = Decimal(10) ** (RATE_DIGITS - RATE_PLACES) - 1
STEP = Decimal(1).scaleb(-RATE_PLACES)

Code = UserErrorCode


@dataclass(frozen=True)
class RateInput:
    """1 `currency` = `rate` of the reporting currency from `date` on."""

    currency: str
    date: date
    rate: Decimal


@dataclass
class RatesWritten:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rows: list[ExchangeRate] = field(default_factory=list)
    """The rates as stored, in the order sent."""


def check_rate_key(
    check: Checker,
    reporting: str,
    currency: str | None,
    on: date | None,
    *,
    fields: tuple[str, str] = ("currency", "date"),
) -> tuple[str, date] | None:
    """The currency (upper-cased) and date a rate is kept under, or None after recording
    each problem under the given field names."""
    currency_field, date_field = fields
    code = None
    if check.required(currency_field, currency) and currency is not None:
        code = currency.strip().upper()
        if code not in CURRENCIES:
            known = ", ".join(sorted(CURRENCIES))
            check.fail(
                currency_field,
                Code.UNKNOWN_CURRENCY,
                f"`{currency_field}` {currency!r} is not a known currency; use one of {known}.",
            )
            code = None
        elif code == reporting:
            check.fail(
                currency_field,
                Code.INVALID,
                f"{reporting} is the reporting currency: it converts at 1 and takes no rate.",
            )
            code = None
    day = None
    if check.required(date_field, on) and on is not None:
        problem = problem_with(on)
        if problem is None:
            day = on
        else:
            check.fail(date_field, Code.OUT_OF_RANGE, f"`{date_field}`: {problem}")
    return None if code is None or day is None else (code, day)


def check_rate(
    check: Checker,
    reporting: str,
    currency: str | None,
    on: date | None,
    rate: Decimal | None,
    *,
    fields: tuple[str, str, str] = ("currency", "date", "rate"),
) -> RateInput | None:
    """The rate as stored (code upper-cased, rounded to the column's scale), or None
    after recording each problem under the given field names."""
    key = check_rate_key(check, reporting, currency, on, fields=fields[:2])
    rate_field = fields[2]
    value = None
    if check.required(rate_field, rate) and rate is not None:
        value = check.decimal(
            rate_field, rate, minimum=Decimal(0), maximum=MAX_RATE, places=RATE_PLACES
        )
        if value is not None and value <= 0:
            check.fail(rate_field, Code.OUT_OF_RANGE, f"`{rate_field}` must be above 0.")
            value = None
    if key is None or value is None:
        return None
    return RateInput(*key, value.quantize(STEP))


@transactional
async def set_rate(
    actor: Actor, reporting: str, currency: str | None, on: date | None, rate: Decimal | None
) -> ExchangeRate:
    """`exchangeRateSet`: one rate, created or replaced (administrators only)."""
    require_admin(actor)
    check = Checker()
    found = check_rate(check, reporting, currency, on, rate)
    check.done()
    assert found is not None
    written = await write_rates(actor, reporting, [found], source="manual")
    return written.rows[0]


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


async def _existing(
    reporting: str, rates: Sequence[RateInput]
) -> dict[tuple[str, date], ExchangeRate]:
    found: dict[tuple[str, date], ExchangeRate] = {}
    wanted = {(rate.currency, rate.date) for rate in rates}
    for chunk in _chunks(sorted(wanted)):
        rows = await ExchangeRate.filter(
            quote=reporting,
            currency__in=sorted({currency for currency, _ in chunk}),
            date__in=sorted({day for _, day in chunk}),
        ).select_for_update()
        for row in rows:
            key = (row.currency, row.date)
            if key in wanted:
                found[key] = row
    return found


async def write_rates(
    actor: Actor, reporting: str, rates: Sequence[RateInput], *, source: str
) -> RatesWritten:
    """Create or replace `rates` (checked already; the last of two for one currency and
    date wins) inside the caller's transaction."""
    require_admin(actor)
    latest = {(rate.currency, rate.date): rate for rate in rates}
    existing = await _existing(reporting, list(latest.values()))
    written = RatesWritten()
    new: list[ExchangeRate] = []
    changed: list[tuple[ExchangeRate, dict[str, Any]]] = []
    for key, rate in latest.items():
        row = existing.get(key)
        if row is None:
            new.append(
                ExchangeRate(
                    currency=rate.currency,
                    quote=reporting,
                    date=rate.date,
                    rate=rate.rate,
                    source=source,
                )
            )
        elif row.rate != rate.rate or row.source != source:
            before = snapshot(row)
            row.rate, row.source, row.updated_at = rate.rate, source, clock.now()
            changed.append((row, before))
        else:
            written.unchanged += 1
    for chunk in _chunks(new):
        await ExchangeRate.bulk_create(list(chunk))
    stored = await _existing(reporting, [latest[(row.currency, row.date)] for row in new])
    for chunk in _chunks(changed):
        await ExchangeRate.bulk_update(
            [row for row, _ in chunk], fields=["rate", "source", "updated_at"]
        )
    written.created, written.updated = len(new), len(changed)
    now = clock.now()
    history = [
        models.HistoryEntry(
            node_type="ExchangeRate",
            node_id=row.pk,
            actor_id=actor.user_id,
            at=now,
            action=HistoryAction.CREATED,
            changes=created(row),
        )
        for row in stored.values()
    ] + [
        models.HistoryEntry(
            node_type="ExchangeRate",
            node_id=row.pk,
            actor_id=actor.user_id,
            at=now,
            action=HistoryAction.UPDATED,
            changes=diff(before, snapshot(row)),
        )
        for row, before in changed
    ]
    for part in _chunks(history):
        await models.HistoryEntry.bulk_create(list(part))
    by_key = {**existing, **stored}
    written.rows = [by_key[(rate.currency, rate.date)] for rate in rates]
    return written
