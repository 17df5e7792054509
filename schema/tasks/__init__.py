"""GraphQL: tasks."""
