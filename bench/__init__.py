"""Benchmarks: a large-community generator (generate.py) and an HTTP load test (load.py, run.py).

See bench/README.md and docs/benchmarks.md.
"""
