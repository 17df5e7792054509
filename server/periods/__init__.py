"""Fiscal periods: naming them (`fiscal.py`) and finding those that hold work
(`with_work.py`)."""
