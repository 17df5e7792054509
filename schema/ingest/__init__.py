"""Bulk upserts of spend, results and check-ins by their external keys."""
