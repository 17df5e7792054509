"""Changes to the graph: validated, authorised in one place, versioned and recorded.

Every write goes through `server.writes.unit`, which checks permissions
(`server.permissions`), applies optimistic concurrency and records history, inside one
transaction per mutation. Entity modules (`goals`, `campaigns`, ...) hold the rules
that are particular to each kind of object.
"""
