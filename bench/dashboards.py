#!/usr/bin/env python
"""Dashboards and the big export on the city-scale dataset, side by side.

    # once: a database of its own, migrated, with the generated data
    psql -h 127.0.0.1 -U yuzhong -d postgres -c "CREATE DATABASE yz_bench"
    DATABASE_URL=postgres://yuzhong@127.0.0.1:5432/yz_bench .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://yuzhong@127.0.0.1:5432/yz_bench .venv/bin/python manage.py generate_scale_data
    # then
    .venv/bin/python bench/dashboards.py [--port 18790] [--requests 25] [--skip-import-export]

It starts gunicorn (2 sync workers, production settings on loopback HTTP, a
persistent database connection) against that database and prints one table:

- each dashboard's median latency (sequential requests, a new connection each)
  next to a trivial view of the same server (/healthz, no session; and a signed-in
  page that renders only the layout) and the Django admin changelist of reports;
  "warm" = the rendered fragment is in the cache (the data has not changed since),
  "cold" = it is not (first load after a change, or a date nobody asked for yet);
- queries per page (in-process, the same database), cold and warm;
- big-export rows/s: the export job against raw openpyxl write-only writing the
  same rows (already in memory) and django-import-export's default export of the
  same queryset; peak memory (RSS) of each run, tracemalloc peak of ours.

The results also go to bench/results/dashboards.md.
"""
from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from export import bench_environment, setup  # noqa: E402

ADMIN_USERNAME = "bench-admin"


# ---------------------------------------------------------------- the server


def register_report_admin() -> str:
    """If no app registered an admin for progress reports, register Django's
    default ModelAdmin, so the bench compares with 'the Django admin changelist
    of reports' either way. Returns which one is measured."""
    from django.contrib import admin

    from progress.models import ProgressReport

    if admin.site.is_registered(ProgressReport):
        return "the portal's ProgressReport admin"
    admin.site.register(ProgressReport)
    return "Django's default ModelAdmin (no ProgressReport admin registered by the portal)"


def application_for_bench():
    """gunicorn entry point: the portal's WSGI app (plus register_report_admin)."""
    import django

    django.setup()
    register_report_admin()
    from yuzhong_care.wsgi import application

    return application


def start_server(port: int) -> subprocess.Popen:
    env = {**os.environ, **bench_environment()}
    log = open(ROOT / "var" / "bench-gunicorn.log", "w")
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "dashboards:application_for_bench()", "--workers", "2",
         "--bind", f"127.0.0.1:{port}", "--chdir", str(ROOT / "bench"), "--pythonpath", str(ROOT),
         "--log-level", "warning", "--timeout", "120"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    for _ in range(120):
        try:
            if request(port, "/healthz")[0] == 200:
                return server
        except OSError:
            pass
        time.sleep(0.5)
    server.kill()
    raise SystemExit("gunicorn did not start; see var/bench-gunicorn.log")


def request(port: int, path: str, session: str | None = None) -> tuple[int, int]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    headers = {"Cookie": f"sessionid={session}"} if session else {}
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, len(body)


def timed(port: int, path: str, session: str | None, n: int, warmup: int = 3) -> dict:
    for _ in range(warmup):
        status, _ = request(port, path, session)
        if status != 200:
            raise SystemExit(f"{path} answered {status}")
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        status, size = request(port, path, session)
        samples.append((time.perf_counter() - started) * 1000)
        assert status == 200, (path, status)
    return {"median": statistics.median(samples), "p90": sorted(samples)[int(0.9 * (n - 1))], "bytes": size}


def cold(port: int, path: str, session: str, dates: list[dt.date]) -> dict:
    """Each request at an as-of date not asked for before: the fragment is not cached."""
    samples = []
    for day in dates:
        sep = "&" if "?" in path else "?"
        started = time.perf_counter()
        status, _ = request(port, f"{path}{sep}on={day.isoformat()}", session)
        samples.append((time.perf_counter() - started) * 1000)
        assert status == 200, (path, status)
    return {"median": statistics.median(samples), "p90": max(samples)}


# ---------------------------------------------------------------- in-process reads


def prepare() -> dict:
    """Sessions for the readers (made in the shared session table), the pages, and
    the query counts of each page, cold and warm, measured in-process."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from accounts.models import User
    from agencies.models import Department
    from reports import cache
    from tasks.models import WorkItem

    viewer = User.objects.get(username="bench-viewer")
    admin_user = User.objects.filter(username=ADMIN_USERNAME).first()
    if admin_user is None:
        admin_user = User.objects.create_superuser(ADMIN_USERNAME, password="Bench-admin-2026!", role="viewer")
    unit = Department.objects.get(name="区教委")
    officer = User.objects.filter(username__startswith="bench-officer-", department=unit).first()
    task = WorkItem.objects.filter(assignments__department=unit, plan__title__startswith="【规模】").order_by("pk").first()
    pages = {
        "district overview": (viewer, reverse("reports:district")),
        "unit dashboard": (officer, reverse("reports:my-department")),
        "task dashboard": (viewer, reverse("reports:task", args=[task.pk])),
        "official report (.xlsx)": (viewer, reverse("reports:excel") + f"?download=1&plan={task.plan_id}"),
        "trivial signed-in page": (viewer, reverse("accounts:password-change-done")),
        "admin changelist of reports": (admin_user, "/admin/progress/progressreport/"),
    }
    sessions, queries = {}, {}
    for name, (user, url) in pages.items():
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        sessions[name] = client.cookies["sessionid"].value
        client.get(reverse("accounts:password-change-done"))  # settle a new session's bookkeeping
        cache.clear()
        counts = []
        for _ in range(2):  # cold, then warm
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url)
            assert response.status_code == 200, (name, response.status_code)
            counts.append(len(ctx.captured_queries))
        queries[name] = counts
    return {"pages": {k: v[1] for k, v in pages.items()}, "sessions": sessions, "queries": queries}


def export_run(mode: str) -> dict:
    completed = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "export.py"), mode], capture_output=True, text=True,
        env={**os.environ, **bench_environment()}, cwd=ROOT, check=True,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- the table


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=18790)
    parser.add_argument("--requests", type=int, default=25)
    parser.add_argument("--skip-import-export", action="store_true")
    parser.add_argument("--skip-export", action="store_true")
    args = parser.parse_args()
    setup()
    admin_kind = register_report_admin()
    from django.core.management import call_command

    from progress.models import ProgressReport

    (ROOT / "var").mkdir(exist_ok=True)
    call_command("collectstatic", "--noinput", verbosity=0)
    reports = ProgressReport.objects.count()
    info = prepare()
    lines = []
    out = lines.append
    out(f"Dataset: {reports:,} progress reports (PostgreSQL {info_pg()}), {os.cpu_count()} CPUs, "
        f"gunicorn 2 sync workers, {args.requests} sequential requests per row, "
        f"load average before the run {os.getloadavg()[0]:.1f}. Admin changelist: {admin_kind}.\n")

    server = start_server(args.port)
    try:
        trivial = timed(args.port, "/healthz", None, args.requests)
        signed_in = timed(args.port, info["pages"]["trivial signed-in page"],
                          info["sessions"]["trivial signed-in page"], args.requests)
        rows = [("trivial view /healthz (no session)", trivial, None, "—"),
                ("trivial signed-in page (layout only)", signed_in, None,
                 "{} / {}".format(*info["queries"]["trivial signed-in page"]))]
        today = dt.date.today()
        for i, name in enumerate(["district overview", "unit dashboard", "task dashboard"]):
            path, session = info["pages"][name], info["sessions"][name]
            warm = timed(args.port, path, session, args.requests)
            dates = [today - dt.timedelta(days=30 * (i + 1) + k) for k in range(5)]
            rows.append((name, warm, cold(args.port, path, session, dates), "{} / {}".format(*info["queries"][name])))
        for name in ["official report (.xlsx)", "admin changelist of reports"]:
            rows.append((name, timed(args.port, info["pages"][name], info["sessions"][name],
                                     max(5, args.requests // 5), warmup=1),
                         None, "{} / {}".format(*info["queries"][name])))
    finally:
        server.terminate()
        server.wait(10)

    out("| page | median ms (warm) | p90 ms | × trivial signed-in | × /healthz | median ms (cold) | "
        "× trivial signed-in (cold) | queries cold / warm |")
    out("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, warm, cold_, q in rows:
        out(f"| {name} | {warm['median']:.1f} | {warm['p90']:.1f} | {warm['median'] / signed_in['median']:.2f} | "
            f"{warm['median'] / trivial['median']:.2f} | "
            + (f"{cold_['median']:.0f} | {cold_['median'] / signed_in['median']:.1f} |" if cold_ else "— | — |")
            + f" {q} |")
    out("")

    if not args.skip_export:
        results = {"job": export_run("job"), "raw": export_run("raw"), "trace": export_run("ours-trace")}
        if not args.skip_import_export:
            results["ie"] = export_run("import-export")
        job, raw = results["job"], results["raw"]
        out("| big export (all reports, every version) | rows | seconds | rows/s | ratio | peak RSS MB "
            "(process baseline) |")
        out("|---|---:|---:|---:|---:|---:|")
        out(f"| export job (write-only, streamed) | {job['rows']:,} | {job['seconds']} | {job['rows_per_s']:,} | "
            f"1.00 | {job['peak_rss_mb']} ({job['baseline_rss_mb']}) |")
        out(f"| raw openpyxl write-only, same rows in memory | {raw['rows']:,} | {raw['seconds']} | "
            f"{raw['rows_per_s']:,} | job = {job['rows_per_s'] / raw['rows_per_s']:.2f}× raw | "
            f"{raw['peak_rss_mb']} ({raw['baseline_rss_mb']}) |")
        if "ie" in results:
            ie = results["ie"]
            out(f"| django-import-export default export, same queryset | {ie['rows']:,} | {ie['seconds']} | "
                f"{ie['rows_per_s']:,} | job = {job['rows_per_s'] / ie['rows_per_s']:.2f}× import-export | "
                f"{ie['peak_rss_mb']} ({ie['baseline_rss_mb']}) |")
        trace = results["trace"]
        out(f"\ntracemalloc peak of the export itself (write_history, {trace['rows']:,} rows): "
            f"{trace['tracemalloc_peak_mb']} MB; export job process peak RSS {job['peak_rss_mb']} MB "
            f"of which {job['baseline_rss_mb']} MB is the Django process before the export.")
    text = "\n".join(lines)
    print(text)
    (ROOT / "bench" / "results").mkdir(parents=True, exist_ok=True)
    (ROOT / "bench" / "results" / "dashboards.md").write_text(text + "\n", encoding="utf-8")


def info_pg() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0].split()[0]


if __name__ == "__main__":
    main()
