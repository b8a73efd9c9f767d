"""Benchmarks against peers (AWS SAM CLI; skipped unless it is installed) and the benchmark chart script."""
