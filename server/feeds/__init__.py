"""iCalendar feeds: a named calendar filter read by anyone holding its secret URL."""
