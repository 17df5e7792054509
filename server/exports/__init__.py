"""Exports: the goal tree, campaigns, risks, workload and a calendar range as CSV or
JSON lines, streamed.

Every figure comes from the same read model snapshot and rollups engine the GraphQL API
reads, rounded as the API shows it, so an export and a query agree to the digit. Rows
are produced one at a time by generators and encoded in chunks (`formats.py`): neither
the HTTP endpoint (`endpoint.py`) nor the command line (`command.py`) ever holds a
whole file.
"""
