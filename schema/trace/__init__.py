"""GraphQL: tracing work up to objectives."""
