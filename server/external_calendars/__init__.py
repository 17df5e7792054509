"""Imported calendars: parsing, fetching, refreshing and expanding external iCalendar feeds."""
