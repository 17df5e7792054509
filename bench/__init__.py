"""Benchmarks: ratios against floors measured in the same run, and SQL statement counts."""
