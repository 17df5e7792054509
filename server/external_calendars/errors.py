"""The one error every import step raises: a code for programs and a sentence for people."""

from __future__ import annotations


class ImportFailure(Exception):
    """The calendar could not be imported; nothing was stored.

    Codes: NOT_ICALENDAR, TOO_LARGE, TOO_MANY_EVENTS, MISSING_START, BAD_DATE, BAD_RULE,
    BAD_URL, HTTP_STATUS, TOO_MANY_REDIRECTS, UNREACHABLE.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
