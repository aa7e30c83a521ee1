"""Load benchmark of elearn: seed a realistic data set, serve it with gunicorn, drive it with wrk.

    .venv/bin/python benchmarks/run.py --db sqlite --duration 20
    .venv/bin/python benchmarks/run.py --db postgres --database-url postgresql+psycopg://postgres@127.0.0.1/bench

Every page's throughput is reported as a ratio of the hello-world route of the same app
measured in the same run, so the numbers compare across machines and busy moments.
Results go to ``benchmarks/results/<db>.json``; the table is printed with PASS/FAIL
against the targets of issue #8. See ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlparse

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

import seed  # noqa: E402  (benchmarks/ is on sys.path when run as a script)

HELLO = "hello"
# What gunicorn serves: elearn's production app plus the reference routes (benchmarks/wsgi.py).
WSGI_APP = "benchmarks.wsgi:app"


# ---------------------------------------------------------------- scenarios


@dataclass
class Target:
    """A pass/fail check on one scenario: a throughput ratio to hello-world, or a p95 latency."""

    min_ratio: float | None = None
    max_p95_ms: float | None = None

    def describe(self) -> str:
        if self.min_ratio is not None:
            return f">= {self.min_ratio:.2f} x hello"
        return f"p95 <= {self.max_p95_ms:.0f} ms"


@dataclass
class Scenario:
    """One page under load. ``requests`` builds the lines wrk replays (method, path, cookie, body);
    ``sql_samples`` two comparable requests whose SQL is counted in-process (same count = fixed)."""

    key: str
    label: str
    requests: Callable[[Context], list[tuple[str, str, str, str]]]
    sql_samples: Callable[[Context], list[tuple[str, str, str, str]]]
    expected_status: int = 200
    once: bool = False  # each request at most once (fresh quiz attempts)
    connections: int | None = None  # wrk connections; default --connections
    target: Target | None = None
    available: Callable[[Context], bool] = lambda ctx: True


@dataclass
class Context:
    app: object
    seeded: seed.Seeded
    args: argparse.Namespace
    pools: dict[str, list] = field(default_factory=dict)


def _module_path(i: int, ctx: Context) -> str:
    modules = sorted({m for m, _u, _k in ctx.seeded.units}, key=[m for m, _u, _k in ctx.seeded.units].index)
    return f"/courses/{seed.coursegen.SLUG}/{modules[i % len(modules)]}/"


def _unit_path(i: int, ctx: Context) -> str:
    module, unit, _kind = ctx.seeded.units[(i * 7) % len(ctx.seeded.units)]  # every kind of unit, every module
    return f"/courses/{seed.coursegen.SLUG}/{module}/{unit}/"


def _unit_lines(ctx: Context) -> list[tuple[str, str, str, str]]:
    """Each learner moves through eight units in turn, so every view records a visit (a write)."""
    learners = ctx.seeded.learners
    return [
        ("GET", _unit_path(i % len(learners) + (i // len(learners)) * 13, ctx), learners[i % len(learners)].cookie, "")
        for i in range(len(learners) * 8)
    ]


def _as_learner(build: Callable[[int, Context], str]):
    def lines(ctx: Context) -> list[tuple[str, str, str, str]]:
        return [("GET", build(i, ctx), s.cookie, "") for i, s in enumerate(ctx.seeded.learners)]

    return lines


def _quiz_lines(pool_key: str):
    def lines(ctx: Context):
        return [("POST", path, s.cookie, body) for s, path, body in ctx.pools[pool_key]]

    return lines


def _dashboard_lines(ctx: Context):
    return [("GET", f"/cohorts/{ctx.seeded.cohort_id}/", ctx.seeded.lead.cookie, "")]


def _board_lines(ctx: Context):
    from urllib.parse import quote_plus

    cookies = [s.cookie for s in ctx.seeded.learners]
    return [
        ("GET", f"/board/?q={quote_plus(q)}", cookies[i % len(cookies)], "")
        for i, q in enumerate(ctx.seeded.board_queries * 10)
    ]


SCENARIOS: list[Scenario] = [
    Scenario(
        HELLO,
        "hello world (/_bench/hello)",
        lambda ctx: [("GET", "/_bench/hello", "", "")],
        lambda ctx: [("GET", "/_bench/hello", "", "")] * 2,
    ),
    Scenario(
        "fortunes",
        "fortunes, one query (/_bench/fortunes)",
        lambda ctx: [("GET", "/_bench/fortunes", "", "")],
        lambda ctx: [("GET", "/_bench/fortunes", "", "")] * 2,
    ),
    Scenario(
        "catalogue",
        "catalogue (/courses/)",
        lambda ctx: [("GET", "/courses/", "", "")],
        lambda ctx: [("GET", "/courses/", "", "")] * 2,
    ),
    Scenario(
        "module",
        "module page, learner",
        _as_learner(_module_path),
        lambda ctx: _as_learner(_module_path)(ctx)[:2],
        target=Target(min_ratio=0.35),
    ),
    Scenario(
        "unit",
        "unit page, learner",
        _unit_lines,
        lambda ctx: [
            ("GET", _unit_path(0, ctx), ctx.seeded.learners[0].cookie, ""),
            ("GET", _unit_path(6, ctx), ctx.seeded.learners[1].cookie, ""),
        ],  # two lessons
        target=Target(min_ratio=0.35),
    ),
    Scenario(
        "quiz_submit",
        "quiz submission (POST)",
        _quiz_lines("quiz"),
        lambda ctx: [("POST", p, s.cookie, b) for s, p, b in ctx.pools["quiz_sql"][1:4:2]],  # two failing
        expected_status=303,
        once=True,
        target=Target(min_ratio=0.2),
    ),
    Scenario(
        "cohort_dashboard",
        "cohort dashboard, 2,000 learners",
        _dashboard_lines,
        lambda ctx: _dashboard_lines(ctx) * 2,
        target=Target(max_p95_ms=250),
        connections=2,
        available=lambda ctx: ctx.seeded.cohort_id is not None,
    ),
    Scenario(
        "board_search",
        "board search (/board/?q=)",
        _board_lines,
        lambda ctx: _board_lines(ctx)[:2],
        target=Target(max_p95_ms=100),
        connections=2,
        available=lambda ctx: bool(ctx.seeded.board_queries),
    ),
]
# Issue #8 targets that apply to every scenario: 0 errors, SQL per page fixed.
PAGE_WEIGHT_LIMIT = 50 * 1024


# ---------------------------------------------------------------- environment and server


def environment(args, work: Path) -> dict[str, str]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    pem = (
        Ed25519PrivateKey.generate()
        .private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        .decode()
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ELEARN_", "DATABASE_URL"))}
    env.update(
        {
            "DATABASE_URL": args.database_url,
            "SECRET_KEY": secrets.token_urlsafe(48),
            "ELEARN_SIGNING_KEY": pem,
            "ELEARN_COURSES_PATH": str(work / "courses"),
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    return env


class Server:
    """gunicorn as deployed (the repository's gunicorn.conf.py, if any) with 2 workers on 127.0.0.1.

    Overridden for the measurement: the address, the worker count, ``--max-requests 0``
    (a worker restarting every ~1,000 requests would put its start-up time into the page
    being measured) and the access log, which goes to a file in the work folder.
    """

    def __init__(self, env: dict[str, str], args, work: Path):
        self.base = f"http://127.0.0.1:{args.port}"
        self.log = (work / "gunicorn.log").open("w")
        command = [
            str(Path(sys.executable).with_name("gunicorn")),
            "--workers",
            str(args.workers),
            "--bind",
            f"127.0.0.1:{args.port}",
            "--max-requests",
            "0",
            "--log-level",
            "warning",
            "--access-logfile",
            str(work / "access.log"),
        ]
        if args.worker_class:
            command += ["--worker-class", args.worker_class]
        if args.threads:
            command += ["--threads", str(args.threads)]
        with socket.socket() as probe:  # another server there would answer for ours
            if probe.connect_ex(("127.0.0.1", args.port)) == 0:
                raise SystemExit(f"127.0.0.1:{args.port} is in use: stop what listens there or pass --port")
        self.config = self._resolved(command, env)
        self.process = subprocess.Popen(
            [*command, WSGI_APP], cwd=REPO, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=10) as response:  # noqa: S310 - our server
                    if response.status == 200 and len(self.workers()) == args.workers:
                        break
            except OSError:  # refused, reset or timed out while the workers start
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise SystemExit(f"gunicorn did not start; see {work / 'gunicorn.log'}")
            time.sleep(0.5)

    @staticmethod
    def _resolved(command: list[str], env: dict[str, str]) -> dict[str, object]:
        """The settings gunicorn will really use (config file + command line)."""
        done = subprocess.run(
            [*command, "--print-config", WSGI_APP], cwd=REPO, env=env, capture_output=True, text=True, check=False
        )
        settings = {
            key.strip(): value.strip()
            for key, value in (line.split(" = ", 1) for line in done.stdout.splitlines() if " = " in line)
        }
        wanted = ("config", "worker_class", "workers", "threads", "keepalive", "max_requests", "timeout", "bind")
        return {key: settings.get(key, "?").strip() for key in wanted}

    def workers(self) -> list[int]:
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        except OSError:
            return []
        return [int(pid) for pid in children]

    def cpu_by_worker(self) -> dict[int, tuple[float, float]]:
        """CPU time used so far by each worker, (user, system) seconds, by process id."""
        seconds = {}
        for pid in self.workers():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            seconds[pid] = (int(fields[11]) / os.sysconf("SC_CLK_TCK"), int(fields[12]) / os.sysconf("SC_CLK_TCK"))
        return seconds

    def stop(self) -> None:
        """Quick shutdown (SIGINT) of the process group this script started; SIGKILL after 15 s."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


# ---------------------------------------------------------------- load generation


# This VM's speed drifts by up to a third within minutes (hello-world: 3,190 req/s, then 1,876 a few
# minutes later), so each page is compared with hello-world measured just before and just after it
# (their mean), not only with the one at the start of the run.
HELLO_BESIDE_SECONDS = 3
CLOSE_EVERY = 25  # every 25th request closes its connection, so they spread over the workers (replay.lua)


def run_wrk(
    base: str, lines: list, work: Path, name: str, *, duration: float, connections: int, expected: int, once: bool
) -> dict:
    path = work / f"{name}.requests"
    path.write_text("".join(f"{m}\t{p}\t{c}\t{b}\n" for m, p, c, b in lines), encoding="utf-8")
    command = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{max(1, round(duration))}s",
        "--timeout",
        "10s",
        "-s",
        str(HERE / "wrk" / "replay.lua"),
        base,
        "--",
        str(path),
        str(expected),
        "once" if once else "cycle",
        "1",
        str(CLOSE_EVERY),
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    match = re.search(r"^WRK_RESULT (\{.*\})$", done.stdout, re.M)
    if done.returncode != 0 or match is None:
        raise SystemExit(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    result = json.loads(match.group(1))
    result["wrk_cpu_seconds"] = round((after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime), 2)
    return result


def machine_cpu() -> tuple[float, float]:
    """(busy, stolen) CPU seconds of the whole machine so far, all cores summed (/proc/stat)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    tick = os.sysconf("SC_CLK_TCK")
    return (user + nice + system + irq + softirq) / tick, steal / tick


def measure_beside(server: Server, ctx: Context, scenario: Scenario, work: Path) -> tuple[dict, dict]:
    """The page, with hello-world measured just before and just after it: the page's ratio is taken
    to their mean, which cancels a drift of the machine's speed while the page ran (HELLO_BESIDE_SECONDS)."""
    hello = next(s for s in SCENARIOS if s.key == HELLO)
    seconds = max(HELLO_BESIDE_SECONDS, ctx.args.duration / 3)
    args = argparse.Namespace(**{**vars(ctx.args), "duration": seconds, "warmup": 1})
    before = measure(server, Context(ctx.app, ctx.seeded, args, ctx.pools), hello, work)
    result = measure(server, ctx, scenario, work)
    after = measure(server, Context(ctx.app, ctx.seeded, args, ctx.pools), hello, work)
    beside = {
        "rps": (before["rps"] + after["rps"]) / 2,
        "cpu_ms": (cpu_ms(before) + cpu_ms(after)) / 2,
        "seconds": seconds,
        "rps_before": before["rps"],
        "rps_after": after["rps"],
    }
    return result, beside


def cpu_ms(result: dict) -> float:
    """The workers' CPU time per request: what a page costs whatever else the machine is doing."""
    return result["server_cpu_percent"] * 10 / result["rps"] if result["rps"] else 0.0


def measure(server: Server, ctx: Context, scenario: Scenario, work: Path) -> dict:
    args = ctx.args
    lines = scenario.requests(ctx)
    connections = scenario.connections or args.connections
    if scenario.once:  # warm up on attempts set aside for it, then measure on fresh ones
        run_wrk(
            server.base,
            _quiz_lines("quiz_warmup")(ctx),
            work,
            scenario.key + "-warmup",
            duration=args.warmup,
            connections=connections,
            expected=scenario.expected_status,
            once=True,
        )
    elif args.warmup:
        run_wrk(
            server.base,
            lines,
            work,
            scenario.key,
            duration=args.warmup,
            connections=connections,
            expected=scenario.expected_status,
            once=False,
        )
    workers_before, machine_before, started = server.cpu_by_worker(), machine_cpu(), time.monotonic()
    result = run_wrk(
        server.base,
        lines,
        work,
        scenario.key,
        duration=args.duration,
        connections=connections,
        expected=scenario.expected_status,
        once=scenario.once,
    )
    elapsed = time.monotonic() - started
    workers_after, machine_after = server.cpu_by_worker(), machine_cpu()
    user, system = (
        [after[i] - workers_before.get(pid, (0.0, 0.0))[i] for pid, after in workers_after.items()] for i in (0, 1)
    )
    used = [u + s for u, s in zip(user, system, strict=True)]
    server_seconds = sum(used)
    # system time is the kernel's part of the workers' work: sockets, SQLite's file locks and writes, thread wake-ups
    result["server_system_percent"] = round(100 * sum(system) / server_seconds) if server_seconds else 0
    # each worker's part of the work, largest first: about even when wrk's connections are spread (CLOSE_EVERY)
    result["worker_shares"] = (
        sorted((round(100 * u / server_seconds) for u in used), reverse=True) if server_seconds else []
    )
    result["connections"] = connections
    result["server_cpu_percent"] = round(100 * server_seconds / elapsed)
    result["wrk_cpu_percent"] = round(100 * result.pop("wrk_cpu_seconds") / elapsed)
    busy, stolen = (after - before for after, before in zip(machine_after, machine_before, strict=True))
    # what else ran meanwhile (this script, other programs) and what the hypervisor took: both slow the server
    result["other_cpu_percent"] = max(
        0, round(100 * busy / elapsed) - result["server_cpu_percent"] - result["wrk_cpu_percent"]
    )
    result["steal_cpu_percent"] = round(100 * stolen / elapsed)
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["errors"] = sum(
        result[k]
        for k in (
            "connect_errors",
            "read_errors",
            "write_errors",
            "status_errors",
            "timeouts",
            "unexpected_status",
            "exhausted",
        )
    )
    return result


# ---------------------------------------------------------------- SQL per page and page weight


def count_sql(ctx: Context, scenario: Scenario) -> dict:
    """Run the scenario's two sample requests in-process and list the SQL each runs."""
    from sqlalchemy import event

    from elearn.extensions import db

    app = ctx.app
    with app.app_context():
        engine = db.engine
    samples = []
    chosen = scenario.sql_samples(ctx)
    # One unmeasured round first: a worker copies a course's structure and renders the parts of
    # pages it keeps once (elearn.courses.tree, elearn.core.fragments); the load measures the
    # steady state. Each learner warms up on the other sample's page, so the counted request is
    # still their first view of their own (a unit visit is still written); a submission's warm-up
    # is its own attempt's page, which reads the quiz's question set as a worker keeps it.
    warm = [("GET", p if m == "POST" else chosen[i - 1][1], c, "") for i, (m, p, c, _b) in enumerate(chosen)]
    for method, path, cookie, _body in warm:
        client = app.test_client()
        if cookie:
            client.set_cookie(*cookie.split("=", 1))
        client.open(path, method=method, headers={"User-Agent": "wrk"})
    # A signed-in request writes its session's last-seen time once a minute (elearn.auth.sessions);
    # every session is marked seen now, so that write falls into neither sample.
    from elearn.auth.models import UserSession
    from elearn.core.models import utcnow

    with app.app_context():
        db.session.execute(UserSession.__table__.update().values(last_seen_at=utcnow()))
        db.session.commit()
    for method, path, cookie, body in chosen:
        client = app.test_client()
        if cookie:
            name, value = cookie.split("=", 1)
            client.set_cookie(name, value)
        statements: list[str] = []

        def record(_conn, _cursor, statement, *_args, statements=statements):
            statements.append(" ".join(statement.split()))

        event.listen(engine, "before_cursor_execute", record)
        try:
            response = client.open(
                path,
                method=method,
                data=body or None,
                headers={"User-Agent": "wrk"},
                content_type="application/x-www-form-urlencoded" if body else None,
            )
        finally:
            event.remove(engine, "before_cursor_execute", record)
        if response.status_code != scenario.expected_status:
            raise SystemExit(f"{scenario.key}: {method} {path} answered {response.status_code} in-process")
        samples.append(statements)
    counts = [len(s) for s in samples]
    return {"count": counts[0], "counts": counts, "fixed": len(set(counts)) == 1, "statements": samples[0]}


def profile(ctx: Context, scenario: Scenario, work: Path, repeat: int = 200) -> Path:
    """pyinstrument over ``repeat`` in-process requests of the scenario's first sample (text report)."""
    from pyinstrument import Profiler

    method, path, cookie, body = scenario.sql_samples(ctx)[0]
    if scenario.once:  # fresh attempts for every repeat
        pool = seed.quiz_pool(ctx.app, ctx.seeded, repeat + 20, first_number=200)
        requests = [("POST", p, s.cookie, b) for s, p, b in pool]
    else:
        requests = [(method, path, cookie, body)] * (repeat + 20)
    client = ctx.app.test_client()

    def send(request):
        method, path, cookie, body = request
        if cookie:
            client.set_cookie(*cookie.split("=", 1))
        response = client.open(
            path,
            method=method,
            data=body or None,
            headers={"User-Agent": "wrk"},
            content_type="application/x-www-form-urlencoded" if body else None,
        )
        assert response.status_code == scenario.expected_status, (path, response.status_code)

    for request in requests[: 20 if scenario.target is None or scenario.target.max_p95_ms is None else 2]:
        send(request)  # warm up: templates compiled, statement cache filled
    profiler = Profiler(interval=0.0002)
    cpu, started = time.process_time(), time.perf_counter()
    profiler.start()
    done = 0
    for request in requests[20:]:  # at most ~15 s per page
        send(request)
        done += 1
        if time.perf_counter() - started > 15:
            break
    profiler.stop()
    repeat = done
    per_request = (time.process_time() - cpu) / repeat * 1000
    out = work / f"profile-{scenario.key}.txt"
    out.write_text(
        f"{scenario.label}: {per_request:.2f} ms CPU per request in-process (test client, "
        f"{repeat} requests, wall {(time.perf_counter() - started) / repeat * 1000:.2f} ms)\n\n"
        + profiler.output_text(unicode=False, color=False),
        encoding="utf-8",
    )
    return out


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[tuple[str, str, str]] = []  # (tag, attribute, url)

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("src", "href", "action", "poster", "data") and value:
                self.urls.append((tag, name, value))
            elif name == "srcset" and value:
                self.urls.extend((tag, name, part.split()[0]) for part in value.split(",") if part.strip())


def page_weight(server: Server, ctx: Context) -> dict:
    """A module page's HTML plus the CSS and JS it loads, each gzipped; every URL on it same-host."""
    learner = ctx.seeded.learners[0]
    page_url = server.base + _module_path(0, ctx)

    def fetch(url: str) -> bytes:
        # url: the page on our own server and the same-host links on it (checked before fetching)
        request = urllib.request.Request(url, headers={"Cookie": learner.cookie, "User-Agent": "wrk"})  # noqa: S310
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return response.read()

    html = fetch(page_url)
    parser = _Links()
    parser.feed(html.decode())
    host = urlparse(server.base).netloc
    external = sorted(
        {
            url
            for _t, _a, url in parser.urls
            if urlparse(urljoin(page_url, url)).scheme in ("http", "https")
            and urlparse(urljoin(page_url, url)).netloc != host
        }
    )
    assets = sorted(
        {
            urljoin(page_url, url)
            for tag, attr, url in parser.urls
            if (tag == "script" and attr == "src") or (tag == "link" and attr == "href")
        }
    )
    files = {page_url: html, **{url: fetch(url) for url in assets if urlparse(url).netloc == host}}
    sizes = {
        url.replace(server.base, ""): {"bytes": len(body), "gzip": len(gzip.compress(body, 6))}
        for url, body in files.items()
    }
    total = sum(s["gzip"] for s in sizes.values())
    return {
        "files": sizes,
        "gzip_total": total,
        "limit": PAGE_WEIGHT_LIMIT,
        "external_urls": external,
        "pass": total <= PAGE_WEIGHT_LIMIT and not external,
    }


# ---------------------------------------------------------------- report


def verdict(scenario: Scenario, result: dict) -> tuple[str, list[str]]:
    problems = []
    if not result["requests"]:
        problems.append("no request completed")
    if result["errors"]:
        problems.append(f"{result['errors']} errors")
    if not result["sql"]["fixed"]:
        problems.append(f"SQL varies {result['sql']['counts']}")
    target = scenario.target
    if target and target.min_ratio is not None and result["ratio"] < target.min_ratio:
        problems.append(f"ratio {result['ratio']:.2f} < {target.min_ratio}")
    if target and target.max_p95_ms is not None and result["latency_ms"]["p95"] > target.max_p95_ms:
        problems.append(f"p95 {result['latency_ms']['p95']:.0f} ms > {target.max_p95_ms:.0f}")
    return ("FAIL" if problems else "PASS"), problems


def table(report: dict) -> str:
    rows = [
        (
            "page",
            "conns",
            "req/s",
            "hello req/s",
            "x hello",
            "CPU ms/req",
            "x hello CPU",
            "others %",
            "workers %",
            "p50 ms",
            "p95 ms",
            "p99 ms",
            "errors",
            "SQL",
            "target",
            "result",
        )
    ]

    first_hello_cpu = next(cpu_ms(i) for i in report["scenarios"] if i["key"] == HELLO)
    for item in report["scenarios"]:
        lat = item["latency_ms"]
        cpu = cpu_ms(item)
        hello_cpu = (item.get("hello_beside") or {}).get("cpu_ms") or first_hello_cpu
        beside = (item.get("hello_beside") or {}).get("rps") or item["rps"] / item["ratio"]
        rows.append(
            (
                item["label"],
                str(item["connections"]),
                f"{item['rps']:.0f}",
                f"{beside:.0f}",
                f"{item['ratio']:.2f}",
                f"{cpu:.1f}",
                f"{hello_cpu / cpu:.2f}" if cpu else "-",
                str(item.get("other_cpu_percent", 0) + item.get("steal_cpu_percent", 0)),
                "/".join(map(str, item.get("worker_shares", []))) or "-",
                f"{lat['p50']:.1f}",
                f"{lat['p95']:.1f}",
                f"{lat['p99']:.1f}",
                str(item["errors"]),
                str(item["sql"]["count"]) + ("" if item["sql"]["fixed"] else "*"),
                item["target"] or "0 errors",
                item["result"],
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [
        "| "
        + " | ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True)))
        + " |"
        for r in rows
    ]
    lines.insert(1, "|" + "|".join(("-" * (w + 1)) + ("-" if i == 0 else ":") for i, w in enumerate(widths)) + "|")
    weight = report["page_weight"]
    lines.append("")
    lines.append(
        f"Module page weight: {weight['gzip_total'] / 1024:.1f} KB gzipped (HTML + CSS + JS, limit 50 KB), "
        f"{len(weight['external_urls'])} URLs to other hosts: {'PASS' if weight['pass'] else 'FAIL'}"
    )
    for scenario in report["skipped"]:
        lines.append(f"Not measured: {scenario} (its package or data is not there yet)")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument(
        "--database-url",
        help="PostgreSQL URL (its public schema is dropped and re-created!); "
        "default $BENCH_DATABASE_URL or postgresql+psycopg://postgres@127.0.0.1:5432/bench",
    )
    parser.add_argument("--duration", type=float, default=20, help="seconds of load per page (default 20)")
    parser.add_argument("--warmup", type=float, default=3, help="seconds of unmeasured load before each page")
    parser.add_argument("--connections", type=int, default=4, help="wrk connections (default 4: 2 per worker)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", help="gunicorn worker class (default: gunicorn.conf.py's, else sync)")
    parser.add_argument("--threads", type=int, help="threads per gthread worker (default: gunicorn.conf.py's)")
    parser.add_argument("--users", type=int, default=100, help="signed-in learners the load generator plays")
    parser.add_argument("--port", type=int, default=8731)
    parser.add_argument("--only", help="comma-separated scenario keys (hello is always measured)")
    parser.add_argument("--work-dir", default=str(HERE / ".work"))
    parser.add_argument("--output", help="JSON file (default benchmarks/results/<db>.json)")
    parser.add_argument("--show-sql", action="store_true", help="print every page's SQL statements")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="profile each page in-process with pyinstrument first (work folder, profile-*.txt)",
    )
    parser.add_argument("--table", metavar="JSON", help="print the table of an earlier run's results and exit")
    args = parser.parse_args()
    if args.table:
        report = json.loads(Path(args.table).read_text(encoding="utf-8"))
        print(
            f"{report['db']}, {report['when']}, load average before/after "
            f"{report['machine']['load_before'][0]:.1f}/{report['machine']['load_after'][0]:.1f}"
        )
        print(table(report))
        return 0
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk")

    work = Path(args.work_dir) / args.db
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    if args.db == "sqlite":
        args.database_url = f"sqlite:///{work / 'bench.sqlite'}"
    else:
        args.database_url = (
            args.database_url
            or os.environ.get("BENCH_DATABASE_URL")
            or "postgresql+psycopg://postgres@127.0.0.1:5432/bench"
        )
    env = environment(args, work)
    os.environ.update(env)
    for key in [k for k in os.environ if k.startswith("ELEARN_") and k not in env]:
        del os.environ[key]

    from benchmarks.reference_routes import create_app  # elearn's app with the reference routes

    app = create_app()
    print(f"Seeding {args.db} …", flush=True)
    started = time.monotonic()
    seed.reset_schema(app)
    seed.import_courses(app, work)
    seeded = seed.seed_learners(app)
    seed.seed_cohort(app, seeded)
    seed.seed_board(app, seeded)
    seed.sign_in_learners(app, seeded, args.users)
    ctx = Context(app=app, seeded=seeded, args=args)
    chosen = [s for s in SCENARIOS if s.available(ctx)]
    if args.only:
        wanted = {HELLO, *args.only.split(",")}
        chosen = [s for s in chosen if s.key in wanted]
    if any(s.key == "quiz_submit" for s in chosen):
        # more fresh attempts than 2 cores can grade in the time given; exhaustion counts as an error
        ctx.pools["quiz"] = seed.quiz_pool(app, seeded, int(args.duration * 600) + 1000, first_number=1000)
        ctx.pools["quiz_warmup"] = seed.quiz_pool(app, seeded, int(args.warmup * 600) + 500, first_number=500)
        ctx.pools["quiz_sql"] = seed.quiz_pool(app, seeded, 4, first_number=400)
    seed.settle(app)
    seed_seconds = time.monotonic() - started
    counts = seed.row_counts(app)
    print(
        f"Seeded in {seed_seconds:.0f} s: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()) if v), flush=True
    )

    sql = {s.key: count_sql(ctx, s) for s in chosen}
    if args.profile:
        for scenario in chosen:
            print(f"Profile: {profile(ctx, scenario, work).read_text().splitlines()[0]}", flush=True)
    with app.app_context():
        from elearn.extensions import db

        db.engine.dispose()  # gunicorn's workers open their own connections

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # a killed run still stops its gunicorn (finally)
    server = Server(env, args, work)
    load_before = os.getloadavg()
    results = []
    try:
        weight = page_weight(server, ctx)
        for scenario in chosen:
            print(f"  {scenario.label} …", end="", flush=True)
            beside = None
            if scenario.key == HELLO:
                result = measure(server, ctx, scenario, work)
            else:
                result, beside = measure_beside(server, ctx, scenario, work)
            result["hello_beside"] = beside
            result["sql"] = sql[scenario.key]
            if scenario.once:  # a stale submission also answers 303: count what was really graded
                graded = seed.submitted_count(app, seeded, 1000, 10**6)
                result["graded"] = graded
                if graded < result["requests"]:  # more graded: requests in flight when wrk stopped
                    result["errors"] += result["requests"] - graded
            print(f" {result['rps']:.0f} req/s (workers {'/'.join(map(str, result['worker_shares']))} %)", flush=True)
            results.append((scenario, result))
    finally:
        server.stop()
    load_after = os.getloadavg()

    hello_rps = next(r["rps"] for s, r in results if s.key == HELLO)
    report = {
        "db": args.db,
        "when": time.strftime("%Y-%m-%d %H:%M:%S %z"),
        "duration_s": args.duration,
        "warmup_s": args.warmup,
        "connections": args.connections,
        "workers": args.workers,
        "virtual_users": args.users,
        "gunicorn": server.config,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_before": load_before,
            "load_after": load_after,
        },
        "seed": {"seconds": round(seed_seconds, 1), "rows": counts},
        "page_weight": weight,
        "scenarios": [],
        "skipped": [s.label for s in SCENARIOS if not s.available(ctx)],
    }
    for scenario, result in results:
        result["ratio"] = result["rps"] / (result["hello_beside"] or {"rps": hello_rps})["rps"]
        result["latency_ms"] = {k: v / 1000 for k, v in result.pop("latency_us").items()}
        result["result"], result["problems"] = verdict(scenario, result)
        report["scenarios"].append(
            {
                "key": scenario.key,
                "label": scenario.label,
                "target": scenario.target.describe() if scenario.target else "",
                **result,
            }
        )
    output = Path(args.output) if args.output else HERE / "results" / f"{args.db}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    print()
    g = server.config
    print(
        f"{args.db}: {args.duration:.0f} s per page, wrk -t1 -c{args.connections}, gunicorn {g['workers']} "
        f"{g['worker_class']} workers ({g['threads']} threads), {args.users} signed-in learners; "
        f"load average before/after "
        f"{load_before[0]:.1f}/{load_after[0]:.1f}"
    )
    print(table(report))
    if args.show_sql:
        for item in report["scenarios"]:
            print(f"\n{item['label']}: {item['sql']['count']} statements")
            for statement in item["sql"]["statements"]:
                print("   ", statement[:160])
    print(f"\nResults: {output}")
    failed = [s for s in report["scenarios"] if s["result"] == "FAIL"] or not weight["pass"]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
