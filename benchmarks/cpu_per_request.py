"""CPU time per request, in-process: what one page costs the Python process that serves it.

Creates the app on an empty database (a SQLite file, and/or the PostgreSQL database named by
``--database-url``), imports the demo course from ``courses/``, creates and signs in a learner,
enrols them, starts a quiz attempt, and then requests each page with Flask's test client,
round-robin, ``--warmup`` times unmeasured and ``--repeat`` times measured (with ``--db both``,
SQLite first, then PostgreSQL, in the same process). Each request is
timed with ``time.process_time()`` (this process's CPU, every thread of it: the visit batch's
timer thread included) and ``time.perf_counter()`` (wall clock).

No server, no network, no load generator: only this process's CPU counts, so the figures
are steady enough to compare two versions of the code: run both, alternating, a few times, and
compare runs made on a quiet machine (the load average is printed). Apps are measured one after
the other, never interleaved in one process: the course structure each worker keeps is per
process and keyed by course id, so two apps in turn would rebuild it on every request.
On PostgreSQL the database server's own CPU is *not* included; the wall-clock column shows
the round trips. For throughput under load, see ``benchmarks/run.py``.

```sh
.venv/bin/python benchmarks/cpu_per_request.py                       # SQLite only
createdb -U postgres -h 127.0.0.1 bench_cpu                           # a database of its own:
.venv/bin/python benchmarks/cpu_per_request.py --db both \\
    --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_cpu
# another checkout of the code: PYTHONPATH=/tmp/other .venv/bin/python benchmarks/cpu_per_request.py
```

**The PostgreSQL database's tables are dropped and re-created** (``db.drop_all()``).
``--json FILE`` writes the figures (and every sample) for later comparison.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

PASSWORD = "correct horse battery staple"  # noqa: S105 - a benchmark learner on a throw-away database
EMAIL = "bench.learner@example.org"
PAGES = ("unit", "module", "course", "me", "quiz")


def _csrf(page: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page
    )
    if not match:
        raise SystemExit("no CSRF token on the page")
    return match.group(1)


def _post(client, url: str, data: dict, page_url: str):
    page = client.get(page_url).get_data(as_text=True)
    return client.post(url, data={"csrf_token": _csrf(page), **data})


def build(url: str, settings: dict | None = None, adjust: Callable | None = None):
    """The app on ``url`` (tables re-created), the demo course imported and a learner created.

    ``settings`` go on top of the app's defaults; ``adjust(app)`` runs before the app's first
    connection (to take a hook off, say, when comparing variants of the code in one process).
    """
    import elearn
    from elearn import create_app
    from elearn.extensions import db

    courses = Path(elearn.__file__).resolve().parents[1] / "courses"
    app = create_app(
        {"SECRET_KEY": "bench-cpu-per-request", "SQLALCHEMY_DATABASE_URI": url, "COURSES_PATH": str(courses)}
        | (settings or {})
    )
    if adjust is not None:
        adjust(app)
    from elearn.auth.services import create_user
    from elearn.courses.importer import sync_tree

    with app.app_context():
        db.drop_all()
        db.create_all()
        report = sync_tree(courses)
        db.session.commit()  # sync_tree commits each course itself; this keeps the script right if it stops
        if not report.ok:
            raise SystemExit("\n".join(map(str, report.problems)))
        create_user(email=EMAIL, name="Bench Learner", password=PASSWORD, language="en", country="LV")
        db.session.commit()
    return app


class Target:
    """One app with a signed-in, enrolled learner (a test client) and the URLs of the pages to measure."""

    def __init__(self, app):
        from elearn.courses import reading as rd

        self.app = app
        self.client = client = app.test_client()
        response = _post(client, "/login", {"email": EMAIL, "password": PASSWORD}, "/login")
        if response.status_code != 302:
            raise SystemExit(f"sign-in answered {response.status_code}")
        with app.app_context():
            slug = rd.catalogue(None, None)[0].slug
        course_url = f"/courses/{slug}/"
        response = _post(client, f"/me/courses/{slug}/enrol", {}, course_url)
        if response.status_code != 302:
            raise SystemExit(f"enrolment answered {response.status_code}")
        course_page = client.get(course_url).get_data(as_text=True)
        module_url = re.search(rf'href="({re.escape(course_url)}[^/"]+/)"', course_page).group(1)
        module_page = client.get(module_url).get_data(as_text=True)
        units = list(dict.fromkeys(re.findall(rf'href="({re.escape(module_url)}[^/"]+/)"', module_page)))
        unit_url = quiz_unit_url = None
        for url in units:
            is_quiz = "/attempts" in client.get(url).get_data(as_text=True)  # the "start an attempt" form
            if is_quiz and quiz_unit_url is None:
                quiz_unit_url = url
            elif not is_quiz and unit_url is None:
                unit_url = url
        if unit_url is None or quiz_unit_url is None:
            raise SystemExit(f"no lesson or no quiz among {units}")
        response = _post(client, f"/me{quiz_unit_url}attempts", {}, quiz_unit_url)
        if response.status_code != 302:
            raise SystemExit(f"starting a quiz attempt answered {response.status_code}")
        self.urls = {
            "unit": unit_url,  # a lesson the learner has seen: no write
            "module": module_url,
            "course": course_url,
            "me": "/me/",
            "quiz": response.headers["Location"],  # the attempt's questions
        }

    def close(self) -> None:
        from elearn.extensions import db

        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()


def measure(target: Target, repeat: int, warmup: int) -> dict:
    """Every page of the target, round-robin, so that a drift of the machine falls on all alike."""
    rounds = list(target.urls.items())
    client = target.client
    for _ in range(warmup):
        for _page, url in rounds:
            response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
    cpu: dict[str, list[float]] = {page: [] for page, _url in rounds}
    wall: dict[str, list[float]] = {page: [] for page, _url in rounds}
    process_time, perf_counter = time.process_time, time.perf_counter
    gc.collect()
    gc.freeze()  # as gunicorn.conf.py does in each worker
    try:
        for _ in range(repeat):
            for page, url in rounds:
                c, w = process_time(), perf_counter()
                response = client.get(url)
                c, w = process_time() - c, perf_counter() - w
                if response.status_code != 200:
                    raise SystemExit(f"{url} answered {response.status_code}")
                cpu[page].append(c * 1000)
                wall[page].append(w * 1000)
    finally:
        gc.unfreeze()
    return {
        page: {
            "url": url,
            "cpu_median_ms": statistics.median(cpu[page]),
            "cpu_mean_ms": statistics.fmean(cpu[page]),
            "wall_median_ms": statistics.median(wall[page]),
            "wall_mean_ms": statistics.fmean(wall[page]),
            "cpu_ms": cpu[page],
        }
        for page, url in rounds
    }


def print_table(results: dict, repeat: int, warmup: int) -> None:
    print(f"CPU ms per request in-process ({repeat} requests per page after {warmup} warm-up)")
    print(f"{'target':<9} {'page':<7} {'cpu median':>10} {'cpu mean':>9} {'wall median':>11} {'wall mean':>9}  url")
    for name, figures in results.items():
        for page, f in figures.items():
            print(
                f"{name:<9} {page:<7} {f['cpu_median_ms']:>10.3f} {f['cpu_mean_ms']:>9.3f} "
                f"{f['wall_median_ms']:>11.3f} {f['wall_mean_ms']:>9.3f}  {f['url']}"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="sqlite")
    parser.add_argument("--database-url", help="PostgreSQL URL (its tables are dropped): a database of its own")
    parser.add_argument("--repeat", type=int, default=300, help="measured requests per page (300)")
    parser.add_argument("--warmup", type=int, default=30, help="unmeasured requests per page first (30)")
    parser.add_argument("--json", type=Path, help="write the figures and every sample here")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=JSON",
        help="an app setting on top of the defaults, e.g. --set 'SQLALCHEMY_ENGINE_OPTIONS={}' (repeatable)",
    )
    args = parser.parse_args(argv)
    settings = {key: json.loads(value) for key, value in (item.split("=", 1) for item in args.set)}
    if args.db != "sqlite" and not (args.database_url or "").startswith("postgresql"):
        parser.error("--db postgres/both needs --database-url postgresql+psycopg://…")

    import elearn

    print(f"elearn from {Path(elearn.__file__).parent}; load average {os.getloadavg()[0]:.2f}", flush=True)
    with tempfile.TemporaryDirectory(prefix="elearn-cpu-") as work:
        urls = {}
        if args.db in ("sqlite", "both"):
            urls["sqlite"] = f"sqlite:///{Path(work) / 'bench.sqlite'}"
        if args.db in ("postgres", "both"):
            urls["postgres"] = args.database_url
        results = {}
        for name, url in urls.items():
            target = Target(build(url, settings))
            try:
                results[name] = measure(target, args.repeat, args.warmup)
            finally:
                target.close()
    print_table(results, args.repeat, args.warmup)
    print(f"load average {os.getloadavg()[0]:.2f} after")
    if "postgres" in results:
        print("PostgreSQL: the server's own CPU is not included (another process); wall time shows the round trips.")
    if args.json:
        args.json.write_text(
            json.dumps(
                {"elearn": str(Path(elearn.__file__).parent), "settings": settings, "results": results}, indent=1
            ),
            "utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
