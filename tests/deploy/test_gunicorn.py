"""gunicorn really serves ``wsgi:app`` with gunicorn.conf.py: a subprocess on a free port."""

from __future__ import annotations

import gc
import os
import re
import runpy
import signal
import time
import urllib.request

from elearn.extensions import db
from tests.conftest import separate_database_url
from tests.deploy.conftest import REPO, STRONG_SECRET, free_port, start_gunicorn


def get(url: str, headers: dict | None = None):
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - our own server on loopback
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - our own server on loopback
        return response.status, dict(response.headers), response.read()


def test_gunicorn_serves_the_app_with_the_documented_configuration(tmp_path, tmp_path_factory, signing_key_pem):
    port = free_port()
    database = separate_database_url(tmp_path_factory, "deploy")  # never the shared test database
    env = {
        **os.environ,
        "ELEARN_ENV": "production",
        "SECRET_KEY": STRONG_SECRET,
        "DATABASE_URL": database,
        "ELEARN_SIGNING_KEY": signing_key_pem,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "ELEARN_PROXY_COUNT": "1",
    }
    log = tmp_path / "gunicorn.log"
    server = start_gunicorn(env, log)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status, headers, body = get(f"http://127.0.0.1:{port}/healthz")
                break
            except OSError:
                assert server.poll() is None, log.read_text()
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
        assert (status, body) == (200, b'{"status":"ok"}\n')
        assert "object-src 'none'" in headers["Content-Security-Policy"]
        assert "Strict-Transport-Security" not in headers  # plain HTTP: no HSTS
        # as nginx forwards an HTTPS request: the scheme is trusted from the loopback proxy
        _status, headers, _body = get(
            f"http://127.0.0.1:{port}/healthz", {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.4"}
        )
        assert headers["Strict-Transport-Security"] == "max-age=31536000"
        while log.read_text().count("Booting worker") < 2 and time.monotonic() < deadline:
            time.sleep(0.1)  # the preloaded app answers from the first worker while the second forks
        text = log.read_text()
        assert text.count("Booting worker") == 2 and "Using worker: gthread" in text, text  # WEB_CONCURRENCY=2
        assert "Control socket" not in text  # off: several instances would share ~/.gunicorn/gunicorn.ctl
        while "198.51.100.4" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)  # the access log line is written after the response
        # the access log names the client, as the proxy forwarded it
        assert re.search(r'^198\.51\.100\.4 \[[^]]+\] "GET /healthz HTTP/1\.1" 200 16 \d+us', log.read_text(), re.M)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    assert server.returncode == 0, log.read_text()


def test_the_master_takes_the_preloaded_app_out_of_the_garbage_collectors_view_before_forking():
    config = runpy.run_path(str(REPO / "gunicorn.conf.py"))
    assert config["preload_app"] is True
    assert gc.get_freeze_count() == 0
    try:
        config["pre_fork"](None, None)
        assert gc.get_freeze_count() > 1000  # this test process's modules, as the master's app
    finally:
        gc.unfreeze()


def test_a_forked_worker_never_uses_the_masters_database_connections(make_app):
    app = make_app()
    config = runpy.run_path(str(REPO / "gunicorn.conf.py"))
    with app.app_context():
        pool = db.engine.pool
        with db.engine.connect():
            pass  # the master's connection, back in its pool
        assert pool.checkedin() == 1

        class Worker:
            class app:
                @staticmethod
                def wsgi():
                    return app

        config["post_fork"](None, Worker())
        assert db.engine.pool is not pool  # a new, empty pool: the old one's connections are left alone
        assert db.engine.pool.checkedin() == 0
        pool.dispose()  # this process is also the "master": close what a worker only forgets
