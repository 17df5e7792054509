"""Live delivery of the event log to GraphQL subscribers: one hub per server process
reads each new event once and hands it to every subscriber that wants it; wake-ups
come from this process's own commits, PostgreSQL LISTEN/NOTIFY, Redis pub/sub or a
short tail of the event table. Nothing here knows about GraphQL."""
