"""GraphQL: iCalendar feeds of the shared calendar, each the caller's own."""
