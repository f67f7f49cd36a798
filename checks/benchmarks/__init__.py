"""Benchmark catalogs (YAML data), one file per benchmark version; see auditor/benchmarks.py."""
