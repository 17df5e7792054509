"""GraphQL: campaigns, their alignments to key results, spend and results."""
