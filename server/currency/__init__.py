"""One reporting currency: exchange rates, and money converted with them.

`model.py` holds the rates as stored, `rates.py` the `RateTable` every conversion goes
through (`RateTable.convert(amount, currency, on) -> Converted | Gap`), `writes.py` sets
rates, `removal.py` deletes a wrong one, `central_bank.py` reads the ECB's CSV format.
"""
