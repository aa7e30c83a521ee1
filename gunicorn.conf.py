"""gunicorn settings for elearn: ``gunicorn wsgi:app`` reads this file from the working directory.

Each setting can be changed through the environment variable named beside it, so the
same file serves every deployment (docs/deployment.md explains the choices).
"""

import gc
import os

from elearn.core.deploy import default_workers
from elearn.extensions import db

# Where to listen. Behind nginx or Caddy on the same machine keep the loopback address;
# a Unix socket works too: GUNICORN_BIND=unix:/run/elearn/gunicorn.sock
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Processes: WEB_CONCURRENCY (gunicorn's own variable), else 2 per core + 1, but at most one
# per 512 MB of the machine's memory (elearn/core/deploy.py). Several workers need REDIS_URL
# for shared rate limits (`flask check-deploy` says so).
workers = default_workers()
# Threads per worker: requests waiting on the database or mail do not block a whole process.
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))

# Which addresses may tell gunicorn the original scheme (X-Forwarded-Proto): the reverse
# proxy's. The app trusts X-Forwarded-For / -Proto / -Host through ELEARN_PROXY_COUNT.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Not a request timeout with gthread workers. Each worker's main thread runs the event loop
# and touches its heartbeat file about once a second (Worker.notify → WorkerTmp.notify);
# the arbiter kills a worker (SIGABRT, then SIGKILL) whose heartbeat is older than
# `timeout` seconds. Requests run in the worker's thread pool, so a request stuck in its
# thread for minutes does NOT stop the heartbeat and is never cut: `timeout` only catches a
# worker whose main loop froze. Slow requests are bounded by the proxy (nginx's
# proxy_read_timeout answers 504 while the request goes on); long work (mail to a cohort,
# digests) belongs in the job queue, never in a request.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30  # on stop or reload, running requests get this long, then their worker is killed
keepalive = 5  # seconds an idle keep-alive connection from the proxy stays open

# Restart each worker after ~1000 requests, staggered, so slow leaks never accumulate.
max_requests = 1000
max_requests_jitter = 100

# Logs to stdout/stderr (systemd's journal or the container's log). The access log shows
# the client's address (the proxy's X-Forwarded-For when ELEARN_PROXY_COUNT trusts it),
# and the time taken in microseconds. GUNICORN_ACCESS_LOG=/dev/null turns it off.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(D)sus "%(a)s"'

# gunicorn 24+ opens a control socket at ~/.gunicorn/gunicorn.ctl; unused here, and a
# second instance on the machine would fight over the same path.
control_socket_disable = True

# The master imports the app once and the workers share it copy-on-write (issue #24: 880 MB
# of RSS for 5 workers that each imported it, 570 MB of PSS; benchmarks/memory.py).
preload_app = True


def pre_fork(server, worker):
    """The app the master loaded (modules, SQLAlchemy's mappers, templates, catalogues: about
    190,000 objects) is taken out of the garbage collector's view before each fork: a
    collection in a worker then neither scans it (a pause of 0.1 s or more) nor writes to its
    objects' headers, which would copy the shared pages into every worker (Python's
    gc.freeze documentation). The one place elearn calls gc.freeze."""
    gc.freeze()


def post_fork(server, worker):
    """A new worker never uses a database connection the master may have opened while loading
    the app: the pool forgets them without closing them (SQLAlchemy's "Using Connection Pools
    with Multiprocessing"). Redis pools reconnect after a fork by themselves."""
    app = worker.app.wsgi()
    with app.app_context():
        db.engine.dispose(close=False)
