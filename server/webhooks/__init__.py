"""Outbound webhooks: endpoints that receive the event log (`server.events`), signed
after the Standard Webhooks conventions, delivered at least once and in order per node."""
