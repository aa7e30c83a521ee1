"""WSGI entry point for production servers: ``gunicorn wsgi:app`` (settings in gunicorn.conf.py).

Every setting comes from the environment (README.md, docs/deployment.md); a production
app with the development secret refuses to start here, before gunicorn serves anything.
"""

from elearn import create_app

app = create_app()
