"""Memory and start-up of the default server: ``.venv/bin/python benchmarks/memory.py``.

A script, not a test (issue #24). It starts ``gunicorn wsgi:app`` with the repository's
gunicorn.conf.py on a SQLite file in a temporary folder, times the first answer of
``/healthz``, waits for every worker to boot and settle, then sums the memory of gunicorn's
process tree from /proc and prints JSON:

- ``rss_idle_mb``: the sum of every process's resident set (VmRSS), as ``ps`` and most
  monitoring count it; pages the workers share copy-on-write with the master count once
  per process here;
- ``pss_idle_mb``: the sum of proportional set sizes (/proc/PID/smaps_rollup), shared pages
  divided between the processes sharing them: what the server really costs the machine;
- ``seconds_to_first_response``, ``workers``.

Options: ``--workers N`` sets WEB_CONCURRENCY (default: what gunicorn.conf.py chooses),
``--settle`` seconds to wait after the last worker booted (3).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GUNICORN = Path(sys.executable).parent / "gunicorn"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def tree(pid: int) -> list[int]:
    pids = [pid]
    for child in children(pid):
        pids += tree(child)
    return pids


def memory_kb(pid: int, path: str, field: str) -> int:
    for line in Path(f"/proc/{pid}/{path}").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def measure(workers: int | None, settle: float) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        env = {
            **{name: value for name, value in os.environ.items() if name not in ("REDIS_URL", "WEB_CONCURRENCY")},
            "DATABASE_URL": f"sqlite:///{folder}/elearn.sqlite",
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_ACCESS_LOG": "/dev/null",
        }
        if workers:
            env["WEB_CONCURRENCY"] = str(workers)
        log = Path(folder) / "gunicorn.log"
        started = time.monotonic()
        with open(log, "wb") as output:
            server = subprocess.Popen(
                [str(GUNICORN), "wsgi:app"], cwd=REPO, env=env, stdout=output, stderr=subprocess.STDOUT
            )
        try:
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
                        response.read()
                    break
                except OSError:
                    if server.poll() is not None or time.monotonic() - started > 120:
                        sys.exit(log.read_text())
                    time.sleep(0.05)
            first = time.monotonic() - started
            booted = -1
            while booted != (booted := log.read_text().count("Booting worker")):
                time.sleep(settle)  # until no worker booted for `settle` seconds
            pids = tree(server.pid)
            rss = sum(memory_kb(pid, "status", "VmRSS") for pid in pids)
            pss = sum(memory_kb(pid, "smaps_rollup", "Pss") for pid in pids)
            return {
                "rss_idle_mb": round(rss / 1024, 1),
                "pss_idle_mb": round(pss / 1024, 1),
                "seconds_to_first_response": round(first, 2),
                "workers": len(pids) - 1,
            }
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--settle", type=float, default=3.0)
    options = parser.parse_args()
    print(json.dumps(measure(options.workers, options.settle)))


if __name__ == "__main__":
    main()
