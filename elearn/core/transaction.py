"""One transaction per unit of work: a request, a CLI command or a job.

Services change the session and flush; they never commit. The unit of work that called
them commits once at its end, or rolls back when anything failed, so several services
combine into one all-or-nothing change. Side effects that must not happen for a change
that was rolled back (mail above all) are registered with :func:`after_commit` and run
only once the commit succeeded. indico's ``RH.process`` is the model.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar

from flask import Flask

from elearn.extensions import db

_AFTER_COMMIT = "elearn.after_commit"

P = ParamSpec("P")
R = TypeVar("R")


def after_commit(callback: Callable[[], Any]) -> None:
    """Run ``callback`` once the current transaction has committed; never if it rolls back."""
    db.session.info.setdefault(_AFTER_COMMIT, []).append(callback)


def is_registered(callback: Callable[[], Any]) -> bool:
    """Whether ``callback`` waits for the current transaction's commit (added once per transaction)."""
    return any(registered is callback for registered in db.session.info.get(_AFTER_COMMIT, ()))


def commit() -> None:
    """Commit the session, then run what :func:`after_commit` registered, in order."""
    db.session.commit()
    callbacks = db.session.info.pop(_AFTER_COMMIT, [])
    for callback in callbacks:
        callback()


def rollback() -> None:
    """Roll back the session and forget its side effects."""
    db.session.info.pop(_AFTER_COMMIT, None)
    db.session.rollback()


@contextmanager
def unit_of_work() -> Iterator[None]:
    """A CLI command's or a job's transaction: committed at the end, rolled back on any error."""
    try:
        yield
    except BaseException:
        rollback()
        raise
    commit()


def transactional(function: Callable[P, R]) -> Callable[P, R]:
    """Run ``function`` as one unit of work (for CLI commands and jobs)."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with unit_of_work():
            return function(*args, **kwargs)

    return wrapper


class TransactionalFlask(Flask):
    """Flask, with each view's work committed once when the view returns.

    A view that raises (``abort(404)`` included) commits nothing: the error handler renders
    its page and the session is rolled back when the request ends. A response that streams
    reads in a transaction of its own after the commit.
    """

    def dispatch_request(self) -> Any:
        try:
            response = super().dispatch_request()
        except BaseException:
            rollback()
            raise
        commit()
        return response
