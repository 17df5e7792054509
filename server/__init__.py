"""Throughline server: settings, database, domain computations and the ASGI app."""
