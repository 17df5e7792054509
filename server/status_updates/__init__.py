"""Status updates: owners' written updates on goals, key results and campaigns."""
