"""Building blocks shared by every domain of the GraphQL layer."""
