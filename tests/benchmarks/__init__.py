"""Benchmarks of event fabrication (pytest-benchmark); untimed under ``--benchmark-disable``."""
