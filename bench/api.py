#!/usr/bin/env python
"""The API's two list endpoints on the city-scale dataset, next to the portal's trivial signed-in page.

    # once: a database of its own, migrated, with the generated data (see bench/dashboards.py)
    DATABASE_URL=postgres://yuzhong@127.0.0.1:5432/yz_bench .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://yuzhong@127.0.0.1:5432/yz_bench .venv/bin/python manage.py generate_scale_data
    # then
    BENCH_DATABASE_URL=postgres://yuzhong@127.0.0.1:5432/yz_bench .venv/bin/python bench/api.py [--requests 20]

It starts gunicorn (2 sync workers, production settings on loopback HTTP; bench/dashboards.py's server), registers
an API client bound to bench-viewer, and measures, in 3 repeats, the median latency of sequential requests (a new
connection each) to:

- the trivial signed-in page (the layout only; bench-viewer's session),
- GET /api/v1/assignments/?page_size=100&on=<a date> (100 assignments with their lights as of that date),
- GET /api/v1/reports/?page_size=100 (100 approved reports with their evidence files).

It prints one table (median of the 3 repeats' medians, their spread max−min, the ratio to the trivial page of the
same repeat) and the queries per request measured in-process; the table also goes to bench/results/api.md."""
from __future__ import annotations

import argparse
import datetime as dt
import http.client
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))  # first: `api` is the app, not this file

from export import bench_environment, setup  # noqa: E402

REPEATS = 3
LIMIT = 3.0  # the bound: within 3× the trivial signed-in page


def environment() -> dict:
    """bench/export.py's production environment, and what production has beside it: the person-id key, and the
    shared Redis cache (the throttle's counters in one place for both workers, as deployed; BENCH_CACHE_URL)."""
    return {**bench_environment(), "PERSON_ID_KEY": os.environ.get("PERSON_ID_KEY", "bench-only-person-id-key"),
            "CACHE_URL": os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/7")}


def start_server(port: int) -> subprocess.Popen:
    """gunicorn as bench/dashboards.py starts it, run from the project root (this file's name, api.py, would shadow
    the `api` app from bench/)."""
    log = open(ROOT / "var" / "bench-api-gunicorn.log", "w")
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "yuzhong_care.wsgi:application", "--workers", "2",
         "--bind", f"127.0.0.1:{port}", "--chdir", str(ROOT), "--log-level", "warning", "--timeout", "120"],
        env={**os.environ, **environment()}, stdout=log, stderr=subprocess.STDOUT,
    )
    for _ in range(120):
        try:
            if get(port, "/healthz", {}) == 200:
                return server
        except OSError:
            pass
        time.sleep(0.5)
    server.kill()
    raise SystemExit("gunicorn did not start; see var/bench-api-gunicorn.log")


def get(port: int, path: str, headers: dict) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.status


def median_ms(port: int, path: str, headers: dict, n: int) -> float:
    for _ in range(3):  # warm-up
        status = get(port, path, headers)
        if status != 200:
            raise SystemExit(f"{path} answered {status}")
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        assert get(port, path, headers) == 200, path
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def prepare() -> dict:
    """A session for the trivial page, a token for the API, and each request's queries (in-process)."""
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from accounts.models import User
    from api.services import api_client_register
    from core import clock

    call_command("collectstatic", interactive=False, verbosity=0)  # production settings: the manifest
    with connection.cursor() as cursor:  # fresh bulk-generated tables have no statistics until autovacuum runs
        cursor.execute("ANALYZE progress_progressreport, progress_reporttransition, progress_reportfile, "
                       "tasks_assignment, tasks_milestone, progress_supervisionnotice, progress_assignmentcompletion")
    viewer = User.objects.get(username="bench-viewer")
    coordinator = User.objects.get(username="bench-coordinator")
    token = api_client_register(
        actor=coordinator, name="性能测试", owner_unit=coordinator.department, user=viewer,
        scopes=["assignments", "reports"], expires_on=clock.today() + dt.timedelta(days=1),
    ).token
    browser = Client(HTTP_HOST="127.0.0.1")
    browser.force_login(viewer)
    trivial = reverse("accounts:password-change-done")
    browser.get(trivial)
    on = clock.today() - dt.timedelta(days=12)
    paths = {
        "trivial signed-in page (layout only)": (trivial, {"Cookie": f"sessionid={browser.cookies['sessionid'].value}"}),
        "API: 100 assignments with lights as of a date": (
            f"/api/v1/assignments/?page_size=100&on={on.isoformat()}", {"Authorization": f"Bearer {token}"}),
        "API: 100 approved reports": ("/api/v1/reports/?page_size=100", {"Authorization": f"Bearer {token}"}),
    }
    queries = {}
    for name, (path, headers) in paths.items():
        client = Client(HTTP_HOST="127.0.0.1")
        extra = {"HTTP_AUTHORIZATION": headers["Authorization"]} if "Authorization" in headers else {}
        if "Cookie" in headers:
            client.force_login(viewer)
            client.get(trivial)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path, **extra)
        assert response.status_code == 200, (name, response.status_code)
        # Statements, not transaction control (the log row's SET LOCAL / savepoints).
        queries[name] = sum(not q["sql"].startswith(("SAVEPOINT", "RELEASE", "SET LOCAL", "BEGIN", "COMMIT"))
                            for q in ctx.captured_queries)
    return {"paths": paths, "queries": queries}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=18791)
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    load = os.getloadavg()[0]  # the machine is shared: the ratio moves with its load
    os.environ.update(environment())
    setup()
    info = prepare()
    server = start_server(args.port)
    try:
        runs = {name: [] for name in info["paths"]}
        for _ in range(REPEATS):
            for name, (path, headers) in info["paths"].items():
                runs[name].append(median_ms(args.port, path, headers, args.requests))
    finally:
        server.terminate()
        server.wait()
    trivial = runs["trivial signed-in page (layout only)"]
    lines = [
        f"API bench, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {REPEATS} repeats × {args.requests} requests, "
        f"load average {load:.2f} at the start",
        "",
        "| request | median ms | the 3 repeats' medians ms | spread ms (max−min of 3) | "
        "× trivial signed-in (same repeat, median; each repeat) | queries |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    worst = 0.0
    for name, medians in runs.items():
        ratios = [m / t for m, t in zip(medians, trivial, strict=True)]
        worst = max(worst, statistics.median(ratios)) if "API" in name else worst
        lines.append(f"| {name} | {statistics.median(medians):.1f} | {' / '.join(f'{m:.1f}' for m in medians)} | "
                     f"{max(medians) - min(medians):.1f} | {statistics.median(ratios):.2f} "
                     f"({' / '.join(f'{r:.2f}' for r in ratios)}) | {info['queries'][name]} |")
    lines += ["", f"worst API ratio {worst:.2f} (bound {LIMIT:.0f}×): {'within' if worst <= LIMIT else 'OVER'}"]
    text = "\n".join(lines)
    print(text)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "api.md").write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
