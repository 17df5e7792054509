"""GraphQL: goals, key results and check-ins."""
