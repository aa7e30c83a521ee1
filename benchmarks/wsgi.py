"""WSGI entry point of the benchmark's server: ``gunicorn benchmarks.wsgi:app``, run from the repository.

elearn's production app (``elearn.create_app``, settings from the environment, exactly as
the top-level ``wsgi.py`` builds it) with the benchmark's reference routes added
(``/_bench/hello`` and ``/_bench/fortunes``, :mod:`benchmarks.reference_routes`).
``benchmarks/run.py`` starts gunicorn with it.
"""

from benchmarks.reference_routes import create_app

app = create_app()
