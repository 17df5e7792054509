"""API tokens: secrets and their format, scopes, whom a token signs in, when it was
last used, and how fast it may ask (per-token rate limits)."""
