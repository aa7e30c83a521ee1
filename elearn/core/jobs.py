"""Background jobs and periodic work: Huey, run by ``flask --app elearn jobs worker``.

One Huey instance for the app, declared here because tasks are declared at import. Its
storage is chosen when the app is made (:func:`init_app`), from the same settings as the
rest: a SQLite file in the instance folder (one machine, no other service), or Redis when
``REDIS_URL`` is set (several machines, several worker processes). Results are not kept:
a job's outcome is in the database (a mail's status), never in the queue.

A job runs inside the app, as one unit of work: :func:`job` and :func:`periodic_job` wrap
the function in ``with app.app_context(), unit_of_work():``. The app is the current one when
a job runs in the request that queued it (``JOBS_IMMEDIATE``, the test suite's mode), or
the one the worker command made. ``elearn/__init__.py`` imports the domains' task modules,
so the worker knows every task.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any, ParamSpec, TypeVar

import redis
from flask import Flask, current_app, has_app_context
from huey import Huey
from huey.consumer import Consumer
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

from elearn.core.transaction import unit_of_work
from elearn.extensions import db

P = ParamSpec("P")
R = TypeVar("R")

logger = logging.getLogger(__name__)

# Until init_app chooses the storage, nothing can be queued anywhere that outlives the process.
huey = Huey("elearn", results=False, store_none=False, utc=True, storage_class=MemoryStorage)

_worker_app: Flask | None = None
# The periodic jobs by name, for ``flask jobs run NAME`` (a run by hand, here and now).
PERIODIC: dict[str, Callable[[], Any]] = {}


def storage(config) -> tuple[type, dict[str, Any]]:
    """Huey's storage class and arguments for the app's settings."""
    if config.get("REDIS_URL"):
        # A Redis that does not answer costs an enqueue a second, not redis-py's default wait.
        pool = redis.ConnectionPool.from_url(config["REDIS_URL"], socket_connect_timeout=1, socket_timeout=5)
        return RedisStorage, {"connection_pool": pool}
    return SqliteStorage, {"filename": config["JOBS_SQLITE_PATH"]}


def init_app(app: Flask) -> None:
    """Point the queue at the app's storage; ``JOBS_IMMEDIATE`` runs each job when it is queued."""
    huey.storage_class, huey.storage_kwargs = storage(app.config)
    huey._immediate = bool(app.config.get("JOBS_IMMEDIATE"))  # the setter would keep a storage of another app
    huey.storage = huey.create_storage()
    app.extensions["huey"] = huey


def _app() -> Flask:
    if has_app_context():
        return current_app._get_current_object()  # type: ignore[attr-defined]
    if _worker_app is None:
        raise RuntimeError("a job ran outside the app: start the worker with `flask --app elearn jobs worker`")
    return _worker_app


def _in_app(function: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(function)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with _app().app_context(), unit_of_work():
            return function(*args, **kwargs)

    return run


def job(**options: Any) -> Callable[[Callable[P, R]], Any]:
    """A task run by the worker, inside the app, as one unit of work (``task(...)`` queues it)."""

    def decorate(function: Callable[P, R]) -> Any:
        return huey.task(**options)(_in_app(function))

    return decorate


def periodic_job(when: Callable[[datetime], bool], **options: Any) -> Callable[[Callable[[], R]], Any]:
    """A task the worker's scheduler runs whenever ``when(now)`` (a ``huey.crontab``) says so."""

    def decorate(function: Callable[[], R]) -> Any:
        PERIODIC[function.__name__] = _in_app(function)
        return huey.periodic_task(when, **options)(PERIODIC[function.__name__])

    return decorate


def daily_at(setting: str) -> Callable[[datetime], bool]:
    """Once a day, at the hour (UTC) the app's setting names, read when the scheduler asks."""

    def due(moment: datetime) -> bool:
        return moment.minute == 0 and moment.hour == int(_app().config[setting])

    return due


def consumer(app: Flask, *, workers: int = 1, worker_type: str = "thread", periodic: bool = True) -> Consumer:
    """Huey's consumer (workers and scheduler) running this app's jobs; ``.run()`` or ``.start()`` it."""
    global _worker_app
    if huey.immediate:
        raise RuntimeError("JOBS_IMMEDIATE is set: jobs run where they are queued, there is nothing to consume")
    _worker_app = app
    if worker_type == "process":
        huey.on_startup("fresh-database-connections")(_fresh_connections)
    return huey.create_consumer(workers=workers, worker_type=worker_type, periodic=periodic, check_worker_health=True)


def _fresh_connections() -> None:
    """In a forked worker process: never reuse the parent's pooled database connections."""
    with _app().app_context():
        db.engine.dispose(close=False)
