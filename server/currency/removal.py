"""Removing an exchange rate that was set by mistake (`exchangeRateDelete`).

The rate is deleted, not archived: a conversion reads every stored rate, so a rate
kept in the table would go on converting. Amounts it converted then take the
currency's previous rate, or become a gap (and a MISSING_EXCHANGE_RATE risk) when there
is none. The deletion bumps the data version through the change record like any
write to `exchange_rate`, and the history keeps the rate as it was (action DELETED).
"""

from __future__ import annotations

from datetime import date

from server.currency.model import ExchangeRate
from server.currency.writes import check_rate_key
from server.enums import HistoryAction
from server.history import record, snapshot
from server.permissions import Actor, require_admin
from server.writes.checks import Checker
from server.writes.errors import UserErrorCode
from server.writes.unit import transactional


@transactional
async def delete_rate(
    actor: Actor, reporting: str, currency: str | None, on: date | None
) -> ExchangeRate:
    """Delete the rate of `currency` set for `on` (administrators only); the rate as it
    was. No such rate is a NOT_FOUND user error on `date`."""
    require_admin(actor)
    check = Checker()
    key = check_rate_key(check, reporting, currency, on)
    check.done()
    assert key is not None
    code, day = key
    row = (
        await ExchangeRate.filter(quote=reporting, currency=code, date=day)
        .select_for_update()
        .first()
    )
    if row is None:
        check.fail(
            "date",
            UserErrorCode.NOT_FOUND,
            f"No {code} rate is set for {day.isoformat()}; nothing was deleted.",
        )
        check.done()
    assert row is not None
    before = snapshot(row)
    await row.delete()
    changes = {name: {"before": value, "after": None} for name, value in before.items()}
    await record(actor.user_id, row, HistoryAction.DELETED, changes)
    return row
