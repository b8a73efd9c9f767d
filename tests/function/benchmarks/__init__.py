"""Benchmarks of the image function (pytest-benchmark); untimed under ``--benchmark-disable``."""
