"""GraphQL: API tokens, each its owner's (or a service account's, for administrators)."""
