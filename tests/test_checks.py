"""Field checks: every refusal is a user error, never an arithmetic exception."""

from __future__ import annotations

from decimal import Decimal

import pytest

from server.writes.checks import Checker
from server.writes.errors import UserErrorCode

CASES = {
    "plain": ("1250.50", "1250.50", None),
    "trailing zeros do not count as places": ("1.500", "1.500", None),
    "too many places": ("0.001", None, UserErrorCode.INVALID),
    "negative": ("-0.10", None, UserErrorCode.NEGATIVE),
    "beyond the context precision": (
        "12345678901234567890123456789.12345",
        None,
        UserErrorCode.OUT_OF_RANGE,
    ),
    "huge exponent": ("1e999999999", None, UserErrorCode.OUT_OF_RANGE),
    "tiny exponent": ("1e-999999999", None, UserErrorCode.INVALID),
    "not a number": ("NaN", None, UserErrorCode.INVALID),
    "infinite": ("Infinity", None, UserErrorCode.INVALID),
}


@pytest.mark.parametrize(("raw", "accepted", "code"), list(CASES.values()), ids=list(CASES))
def test_money_is_checked_without_arithmetic_errors(raw, accepted, code) -> None:
    # given
    check = Checker()

    # when
    value = check.money("amount", Decimal(raw))

    # then
    assert value == (None if accepted is None else Decimal(accepted))
    assert [error.code for error in check.errors] == ([] if code is None else [code])
