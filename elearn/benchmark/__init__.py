"""Reference routes for ``benchmarks/run.py``; registered only when ``ELEARN_BENCHMARK_ROUTES`` is set."""
