"""Money as an exact decimal amount with its ISO 4217 currency code."""

from __future__ import annotations

from decimal import Decimal

import strawberry


@strawberry.type(description="An exact amount of money; `amount` is a decimal string.")
class Money:
    amount: Decimal
    currency: str = strawberry.field(description="ISO 4217 code, e.g. USD.")
