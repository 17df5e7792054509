"""exchangeRateSet, exchangeRateDelete and exchangeRatesImport: administrators set,
remove and import the rates money is converted with (`server.currency`)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import strawberry

from schema.core.context import Info
from schema.core.errors import Forbidden
from schema.core.mutations import UserError, perform, require_actor
from schema.currency.queries import ExchangeRate
from schema.rollups.loaders import thresholds_of
from server.currency import central_bank, removal, writes
from server.ingest.csv_import import ImportReport
from server.writes import errors as refusals

MAX_CSV_CHARACTERS = 900_000
"""Below the request body limit; a longer file goes to POST /import/exchange-rates."""


@strawberry.input(description="A rate of one currency from one day on.")
class ExchangeRateSetInput:
    currency: str = strawberry.field(description="ISO 4217 code; not the reporting currency.")
    date: dt.date = strawberry.field(description="The rate holds from this day on.")
    rate: Decimal = strawberry.field(
        description="1 unit of `currency` = `rate` units of the reporting currency; above 0, "
        "at most 12 decimal places."
    )


@strawberry.type(description="The rate as stored, or null with `userErrors` saying why not.")
class ExchangeRateSetPayload:
    exchange_rate: ExchangeRate | None
    user_errors: list[UserError]


@strawberry.input(description="The rate of one currency set for one day.")
class ExchangeRateDeleteInput:
    currency: str = strawberry.field(description="ISO 4217 code.")
    date: dt.date = strawberry.field(description="The day the rate was set for.")


@strawberry.type(
    description="The rate as it was before it was deleted, or null with `userErrors` "
    "saying why not (NOT_FOUND when no rate is set for that currency and day)."
)
class ExchangeRateDeletePayload:
    exchange_rate: ExchangeRate | None
    user_errors: list[UserError]


def _rate_payload(
    payload_type: type[ExchangeRateSetPayload] | type[ExchangeRateDeletePayload],
):
    """The payload of a rate written or deleted, as `perform` builds it."""

    def payload(exchange_rate, user_errors):
        shown = None if exchange_rate is None else ExchangeRate(row=exchange_rate)
        return payload_type(exchange_rate=shown, user_errors=user_errors)

    return payload


@strawberry.input(description="A central bank's CSV of rates per 1 EUR (the ECB's format).")
class ExchangeRatesImportInput:
    csv: str = strawberry.field(
        description="The file's text: a `Date` column (YYYY-MM-DD), then one column per "
        "currency with the units 1 EUR buys, N/A where not quoted."
    )
    dry_run: bool = strawberry.field(
        default=False, description="Report what would change; write nothing."
    )


@strawberry.type(description="A line of the file that was refused.")
class ImportLineError:
    line: int = strawberry.field(description="1 is the header.")
    column: str | None
    code: str
    message: str


@strawberry.type(
    description="What the import did (or, dry, would do): rates created, updated and "
    "unchanged; with any error, nothing was written."
)
class ExchangeRatesImportPayload:
    report: strawberry.Private[ImportReport]

    @strawberry.field
    def written(self) -> bool:
        return self.report.written

    @strawberry.field
    def dry_run(self) -> bool:
        return self.report.dry_run

    @strawberry.field(description="Lines of rates read (the header not counted).")
    def rows(self) -> int:
        return self.report.rows

    @strawberry.field
    def created(self) -> int:
        return self.report.created

    @strawberry.field
    def updated(self) -> int:
        return self.report.updated

    @strawberry.field
    def unchanged(self) -> int:
        return self.report.unchanged

    @strawberry.field
    def error_count(self) -> int:
        return self.report.error_count

    @strawberry.field(description="The first 100 errors, by line.")
    def errors(self) -> list[ImportLineError]:
        return [
            ImportLineError(line=e.line, column=e.column, code=e.code, message=e.message)
            for e in self.report.errors
        ]


@strawberry.type
class CurrencyMutations:
    @strawberry.mutation(
        description="Set the rate of a currency from a day on (administrators); setting it "
        "again replaces it. Money is converted with it from the next read on."
    )
    async def exchange_rate_set(
        self, info: Info, input: ExchangeRateSetInput
    ) -> ExchangeRateSetPayload:
        reporting = thresholds_of(info).reporting_currency
        return await perform(
            info,
            _rate_payload(ExchangeRateSetPayload),
            "exchange_rate",
            lambda actor: writes.set_rate(actor, reporting, input.currency, input.date, input.rate),
        )

    @strawberry.mutation(
        description="Delete the rate of a currency set for a day (administrators), such as "
        "one set by mistake. From the next read on, amounts it converted take the "
        "currency's previous rate, or have a gap when there is none."
    )
    async def exchange_rate_delete(
        self, info: Info, input: ExchangeRateDeleteInput
    ) -> ExchangeRateDeletePayload:
        reporting = thresholds_of(info).reporting_currency
        return await perform(
            info,
            _rate_payload(ExchangeRateDeletePayload),
            "exchange_rate",
            lambda actor: removal.delete_rate(actor, reporting, input.currency, input.date),
        )

    @strawberry.mutation(
        description="Import a central bank's CSV of rates (the ECB's format: rates per 1 EUR, "
        "turned into rates in the reporting currency through EUR), all or nothing, with "
        "errors by line (administrators). Larger files: POST /import/exchange-rates."
    )
    async def exchange_rates_import(
        self, info: Info, input: ExchangeRatesImportInput
    ) -> ExchangeRatesImportPayload:
        actor = require_actor(info).reading(info.context.snapshot)
        if not actor.is_admin:
            raise Forbidden("Exchange rates are set by administrators.")
        if len(input.csv) > MAX_CSV_CHARACTERS:
            report = ImportReport(kind=central_bank.KIND, dry_run=input.dry_run)
            report.fail(
                1,
                None,
                refusals.UserErrorCode.TOO_LARGE,
                f"The file is longer than {MAX_CSV_CHARACTERS} characters; send it to "
                "POST /import/exchange-rates instead.",
            )
            return ExchangeRatesImportPayload(report=report)
        try:
            report = await central_bank.import_rates(
                actor,
                thresholds_of(info).reporting_currency,
                io.BytesIO(input.csv.encode("utf-8")),
                dry_run=input.dry_run,
            )
        except refusals.Forbidden as refused:
            raise Forbidden(str(refused)) from None
        finally:
            await info.context.after_write()
        return ExchangeRatesImportPayload(report=report)
