"""Fixtures of tests/template."""
