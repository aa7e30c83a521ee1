"""SQLite under several workers: WAL mode and a busy timeout, so concurrent writers wait instead of failing."""

from __future__ import annotations

import threading

from sqlalchemy import text

from elearn import create_app
from elearn.extensions import db


def test_every_connection_is_in_wal_mode_with_a_busy_timeout(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'wal.sqlite'}"})
    with app.app_context():
        assert db.session.scalar(text("PRAGMA journal_mode")) == "wal"
        assert db.session.scalar(text("PRAGMA busy_timeout")) == 5000
        assert db.session.scalar(text("PRAGMA foreign_keys")) == 1
        db.engine.dispose()


def test_two_workers_writing_at_once_both_succeed(tmp_path):
    """Two app instances (two gunicorn workers) commit 2 × 200 times into one file at the same time."""
    url = f"sqlite:///{tmp_path / 'busy.sqlite'}"
    workers = [create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test-secret"}) for _ in range(2)]
    with workers[0].app_context():
        db.session.execute(text("CREATE TABLE visit (worker INTEGER, number INTEGER)"))
        db.session.commit()
    errors = []
    start = threading.Barrier(2)

    def write(app, worker: int):
        start.wait()
        try:
            with app.app_context():
                for number in range(200):  # one transaction each, as requests do
                    db.session.execute(text("INSERT INTO visit VALUES (:w, :n)"), {"w": worker, "n": number})
                    db.session.execute(text("UPDATE visit SET number = number WHERE worker = :w"), {"w": worker})
                    db.session.commit()
        except Exception as error:
            errors.append(repr(error))

    threads = [threading.Thread(target=write, args=(app, i)) for i, app in enumerate(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with workers[0].app_context():
        assert db.session.scalar(text("SELECT count(*) FROM visit")) == 400
    for app in workers:
        with app.app_context():
            db.engine.dispose()
