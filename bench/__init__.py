"""Benchmarks run by ``make bench`` (see bench/README.md). Never imported by the application."""
