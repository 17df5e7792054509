"""Entries sent in bulk by other systems: spend, results, check-ins and tasks, each named
by its `source` and `external_id`, so sending one again updates it instead of counting
it twice. `upsert` writes a batch (from the API or a file), `csv_import` streams a file
through it, all or nothing."""
