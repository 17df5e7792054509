"""The GraphQL side of status updates: the type, the node fields, `statusUpdatePost`."""
