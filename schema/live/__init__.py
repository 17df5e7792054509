"""GraphQL subscriptions: the event log, live, over graphql-transport-ws."""
