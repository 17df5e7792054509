"""GraphQL: milestones on the shared calendar."""
