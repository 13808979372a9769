"""The performance benchmark (`python benchmarks/run.py`): synthetic data, timings against baselines."""
