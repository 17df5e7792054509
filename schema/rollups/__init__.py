"""Computed fields and root queries: progress, health, money, risks, workload, portfolio."""
