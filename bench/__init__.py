"""Benchmarks: each module measures one feature against a raw baseline in the same run and
prints the ratio (never a wall-clock pass/fail). Run ``python -m bench [NAME …]``."""
