"""GraphQL: signing in and out, sessions, passwords and the signed-in user."""
