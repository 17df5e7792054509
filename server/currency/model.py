"""The exchange-rate table as stored.

A row says: on `date`, 1 unit of `currency` is worth `rate` units of `quote`. The quote
is the reporting currency the rate was set for, kept with the rate so that a server
started with another reporting currency never reads a rate meant for the old one.
Rates are set by administrators or imported from a central bank's CSV; there is at
most one per currency, quote and date (setting it again replaces it).
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

RATE_DIGITS = 24
RATE_PLACES = 12


class ExchangeRate(Model):
    """1 `currency` = `rate` `quote` on `date` (and, for conversions, until the next
    rate of the same currency)."""

    id = fields.IntField(primary_key=True)
    currency = fields.CharField(max_length=3, description="ISO 4217 code converted from")
    quote = fields.CharField(max_length=3, description="ISO 4217 code converted to")
    date = fields.DateField()
    rate = fields.DecimalField(max_digits=RATE_DIGITS, decimal_places=RATE_PLACES)
    source = fields.CharField(max_length=100, default="manual", description="manual, ecb-csv, ...")
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "exchange_rate"
        ordering = ["currency", "quote", "date", "id"]
        unique_together = (("currency", "quote", "date"),)
