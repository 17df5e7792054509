"""The external key of an entry: the system it comes from and its ID there."""

from __future__ import annotations

from server.writes.checks import Checker

MAX_SOURCE = 100
MAX_EXTERNAL_ID = 200

Key = tuple[str, str]


def key_of(check: Checker, source: str | None, external_id: str | None) -> Key | None:
    """The cleaned (source, external ID), both one non-empty line, or None after
    recording what is wrong. Surrounding spaces are dropped, so " ads" and "ads" are one
    source."""
    cleaned_source = check.text("source", source, max_length=MAX_SOURCE, required=True)
    cleaned_id = check.text("externalId", external_id, max_length=MAX_EXTERNAL_ID, required=True)
    if check.failed("source") or check.failed("externalId"):
        return None
    assert cleaned_source is not None and cleaned_id is not None
    return cleaned_source, cleaned_id
