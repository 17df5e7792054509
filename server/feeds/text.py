"""Names and descriptions as iCalendar TEXT values (RFC 5545 section 3.3.11).

TEXT holds no control character but a tab, and a line break only written as `\\n`.
Names written before names were checked, and events imported from other calendars,
may hold any character, and strict parsers refuse a whole feed for one bad byte, so
every TEXT value of a feed, calendar header included, is cleaned and escaped here.
The escaping is our own: the `icalendar` package leaves properties it has no type for
(X-WR-CALNAME, NAME) unescaped, and reads a literal `\\N` in a value as a line break.
"""

from __future__ import annotations

import re

from icalendar import vCategory, vText

LINE_BREAK = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# Control characters (C0, DEL, C1) but the tab and the line feed.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
ESCAPES = str.maketrans({"\\": "\\\\", ";": "\\;", ",": "\\,", "\n": "\\n"})


def cleaned(value: str) -> str:
    """`value` with every kind of line break as `\\n`, tabs kept, other controls as spaces."""
    return CONTROL.sub(" ", LINE_BREAK.sub("\n", value))


def escaped(value: str) -> str:
    return cleaned(value).translate(ESCAPES)


class Text(vText):
    """A TEXT value, cleaned and escaped."""

    def to_ical(self) -> bytes:
        return escaped(str(self)).encode("utf-8")


class Categories(vCategory):
    """A comma-separated list of TEXT values, each cleaned and escaped."""

    def to_ical(self) -> bytes:
        return b",".join(escaped(str(name)).encode("utf-8") for name in self.cats)
