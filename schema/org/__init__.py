"""GraphQL: teams and users."""
