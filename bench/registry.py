#!/usr/bin/env python
"""The registry pages and the registry indicators on the city-scale dataset.

    # once: a database of its own, migrated, with the generated data (scale 1: 20,000
    # institutions, 200,000 staff, 50,000 inspections, 12 months of enrolment)
    DATABASE_URL=postgres://yuzhong@127.0.0.1:5432/yz_bench .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://yuzhong@127.0.0.1:5432/yz_bench .venv/bin/python manage.py generate_scale_data
    # then
    DATABASE_URL=… .venv/bin/python bench/registry.py [--requests 5] [--repeats 3]

In process (Django's test client, the settings the environment gives, signed in as
bench-viewer, who reads everything), so it measures the view and its queries, not the network or gunicorn.
Each page is requested once to warm up, then `--repeats` times `--requests` requests; a
repeat's figure is its mean per request. Printed: the median of the repeats, their spread
(max − min), the ratio of the median to the trivial signed-in page's (the layout only) in the
same run, and the queries of one request. The indicators are called directly (no page)."""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yuzhong_care.settings.local")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    import django

    django.setup()


def measure(call, requests: int, repeats: int) -> dict:
    from django.db import connection

    # An execute wrapper, not CaptureQueriesContext: each request's start resets the query log.
    call()  # warm-up (a new session's bookkeeping is not the page's cost)
    executed = []
    with connection.execute_wrapper(lambda execute, sql, *rest: executed.append(sql) or execute(sql, *rest)):
        call()  # the query count of one call
    runs = []
    for _ in range(repeats):
        started = time.perf_counter()
        for _ in range(requests):
            call()
        runs.append((time.perf_counter() - started) * 1000 / requests)
    return {"median": statistics.median(runs), "spread": max(runs) - min(runs), "queries": len(executed)}


def pages() -> dict[str, str]:
    from django.urls import reverse

    return {
        "trivial signed-in page (layout only)": reverse("accounts:password-change-done"),
        "托育机构 list": reverse("institutions:list"),
        "信息公示 (directory)": reverse("institutions:directory"),
        "托位使用情况 (utilisation)": reverse("institutions:utilisation"),
        "监督检查 list": reverse("regulation:inspections"),
        "逾期整改 (overdue rectifications)": reverse("regulation:overdue"),
    }


def indicator_calls() -> dict[str, object]:
    from core import clock
    from institutions import indicators as care
    from regulation import indicators as regulation

    today = clock.today()
    calls = {}
    for module, names in (
        (care, ("inclusive_places", "inclusive_share", "utilisation_rate", "assessed_count", "family_point_count")),
        (regulation, ("inspection_coverage_rate", "rectification_on_time_rate", "health_certificate_valid_rate")),
    ):
        for name in names:
            calls[f"indicator {module.__name__.split('.')[0]}.{name}"] = (
                lambda fn=getattr(module, name): fn(today))
    return calls


def sizes() -> str:
    from institutions.models import EnrolmentReport, Institution
    from regulation.models import Finding, Inspection, StaffMember

    return (f"{Institution.objects.count()} institutions, {StaffMember.objects.count()} staff, "
            f"{Inspection.objects.count()} inspections ({Finding.objects.count()} findings), "
            f"{EnrolmentReport.objects.count()} monthly enrolment rows")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--user", default="bench-viewer", help="a reader of everything (the coordinator must set up 2FA)")
    args = parser.parse_args()
    setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=args.user))

    def get(url):
        def call():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        return call

    rows = [(name, measure(get(url), args.requests, args.repeats)) for name, url in pages().items()]
    rows += [(name, measure(call, args.requests, args.repeats)) for name, call in indicator_calls().items()]
    trivial = rows[0][1]["median"]
    print(f"Data: {sizes()}; database {connection.vendor}; DEBUG={settings.DEBUG}; "
          f"{args.repeats} repeats × {args.requests} requests, signed in as {args.user}.")
    print()
    print("| page / indicator | median ms | spread ms (max − min) | × trivial signed-in | queries |")
    print("|---|---:|---:|---:|---:|")
    for name, r in rows:
        print(f"| {name} | {r['median']:.1f} | {r['spread']:.1f} | {r['median'] / trivial:.2f} | {r['queries']} |")


if __name__ == "__main__":
    main()
