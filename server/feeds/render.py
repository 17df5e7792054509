"""Calendar entries as an iCalendar document (RFC 5545) that calendar apps subscribe to.

Each entry becomes one VEVENT whose UID never changes (it is built from the entry's
stable key), whose SEQUENCE is the entry's version and whose DTSTAMP is its last
change, so a client updates the event it already has instead of adding another.
All-day entries use DATE values with an exclusive DTEND; timed ones are in UTC, which
every calendar app shows in its own time zone without a VTIMEZONE to interpret.
Every TEXT value, the calendar's own name and description included, is cleaned and
escaped by `server.feeds.text`; folding at 75 octets is left to the `icalendar` package.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from icalendar import Calendar, Event, vDDDTypes, vDuration

from server.feeds import links
from server.feeds.text import Categories, Text

PRODID = "-//Throughline//Shared calendar feed//EN"
# How often subscribers are asked to poll (RFC 7986 REFRESH-INTERVAL, and the older
# X-PUBLISHED-TTL that Outlook and Apple Calendar read), both as RFC 5545 durations.
REFRESH_INTERVAL = timedelta(hours=1)


def kind_label(kind: Any) -> str:
    """`SALES_KICKOFF` -> `Sales kickoff`."""
    value = str(getattr(kind, "value", kind))
    return value.replace("_", " ").capitalize()


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def event_description(entry: Any, link: str | None) -> str:
    """The entry's own text, the objectives it serves, and the way back to the web client."""
    parts = []
    if entry.description.strip():
        parts.append(entry.description.strip())
    if entry.objectives:
        lines = "\n".join(f"- {title}" for _goal_id, title in entry.objectives)
        parts.append(f"Objectives it serves:\n{lines}")
    else:
        parts.append("Serves no objective yet.")
    if link:
        parts.append(f"Open in Throughline: {link}")
    return "\n\n".join(parts)


def objective_link(public_url: str, entry: Any) -> str | None:
    """The web page of the entry's node, or of the first objective it serves."""
    link = links.node_url(public_url, entry.node_type, entry.node_id)
    if link is None and entry.objectives:
        link = links.node_url(public_url, "Goal", entry.objectives[0][0])
    return link


def event(entry: Any, public_url: str, uid_domain: str) -> Event:
    link = objective_link(public_url, entry)
    vevent = Event()
    vevent.add("uid", f"{entry.key}@{uid_domain}")
    vevent.add("dtstamp", utc(entry.updated_at))
    vevent.add("last-modified", utc(entry.updated_at))
    vevent.add("sequence", max(int(entry.version) - 1, 0))
    if entry.all_day:
        vevent.add("dtstart", vDDDTypes(entry.start))
        vevent.add("dtend", vDDDTypes(entry.end))
    else:
        vevent.add("dtstart", utc(entry.start))
        vevent.add("dtend", utc(entry.end))
    vevent.add("summary", Text(entry.title))
    vevent.add("description", Text(event_description(entry, link)))
    categories = [name for name in (entry.team_name, kind_label(entry.kind)) if name]
    vevent.add("categories", Categories(categories))
    if link:
        vevent.add("url", link)
    # Shared plans inform; they should not mark subscribers busy.
    vevent.add("transp", "TRANSPARENT")
    return vevent


def render_feed(name: str, description: str, entries: Iterable[Any], public_url: str) -> bytes:
    """The whole document, as the bytes served (UTF-8, CRLF line ends, folded)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", Text(name))
    calendar.add("name", Text(name))
    if description:
        calendar.add("x-wr-caldesc", Text(description))
        calendar.add("description", Text(description))
    calendar.add("refresh-interval", vDuration(REFRESH_INTERVAL), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH_INTERVAL))
    domain = links.uid_domain(public_url)
    for entry in entries:
        calendar.add_component(event(entry, public_url, domain))
    return calendar.to_ical()
