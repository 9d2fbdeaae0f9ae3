"""Bench: the daily reminder job over 100,000 open assignments.

Builds a scratch database (never the portal's own), fills it in bulk, runs
the daily job as beat would (e-mail jobs are published to an in-memory
broker, as a Redis broker would receive them) and prints its time and query
count: for collecting alone, for the whole first run, and for a second run
the same day (which must send nothing).

    .venv/bin/python bench/reminders.py                       # SQLite file in /tmp
    .venv/bin/python bench/reminders.py --postgres            # PostgreSQL scratch database yz_reminders_bench
    .venv/bin/python bench/reminders.py --assignments 10000   # smaller

The scratch database is dropped (PostgreSQL) or deleted (SQLite) afterwards
unless --keep is given."""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG_NAME = "yz_reminders_bench"
ON = dt.date(2026, 11, 28)  # three days after the November reports' due date: every rule and both escalations


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--assignments", type=int, default=100_000)
    parser.add_argument("--units", type=int, default=1000, help="units (each with an officer and a leader)")
    parser.add_argument("--postgres", action="store_true", help=f"PostgreSQL scratch database {PG_NAME}")
    parser.add_argument("--pg-server", default="postgres://yuzhong@127.0.0.1:5432", help="PostgreSQL server URL")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    return parser.parse_args()


def scratch_database(args) -> tuple[str, callable]:
    if args.postgres:
        import psycopg2

        def admin(sql):
            conn = psycopg2.connect(f"{args.pg_server}/postgres")
            conn.autocommit = True
            with conn.cursor() as cursor:
                cursor.execute(sql)
            conn.close()

        admin(f"DROP DATABASE IF EXISTS {PG_NAME}")
        admin(f"CREATE DATABASE {PG_NAME}")
        return f"{args.pg_server}/{PG_NAME}", (lambda: None) if args.keep else (
            lambda: admin(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)"))
    path = Path(tempfile.mkdtemp(prefix="yz-bench-")) / "reminders.sqlite3"
    return f"sqlite:///{path}", (lambda: None) if args.keep else (lambda: path.unlink(missing_ok=True))


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "yuzhong_care.settings.test"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from yuzhong_care.celery import app

    # Published e-mail jobs land in an in-memory broker (a Redis broker would hold them for the workers).
    app.conf.update(broker_url="memory://", task_always_eager=False, broker_transport_options={})


def fill(assignments: int, units: int) -> dict:
    from django.contrib.auth.hashers import make_password

    from accounts.models import User
    from agencies.models import Department
    from progress.models import ProgressReport, ReportingPeriod, SupervisionNotice
    from progress.services import periods_ensure
    from tasks.models import Assignment, Milestone, Plan, WorkItem

    tasks = -(-assignments // units)
    plan = Plan.objects.create(title="压力测试方案", document_number="压测〔2026〕1号", issued_on=dt.date(2026, 1, 5),
                               period_months=1, report_due_day=25, status="in_force", in_force_from=dt.date(2026, 1, 5))
    departments = Department.objects.bulk_create(
        Department(name=f"压测单位{n:04d}", position=n) for n in range(units)
    )
    items = WorkItem.objects.bulk_create(
        WorkItem(plan=plan, kind=1, number=n + 1, title=f"压测任务{n + 1}", content="内容", lead_unit=departments[n % units])
        for n in range(tasks)
    )
    rows = [
        Assignment(task=items[n // units], department=departments[n % units],
                   role="lead" if items[n // units].lead_unit_id == departments[n % units].pk else "responsible")
        for n in range(assignments)
    ]
    Assignment.objects.bulk_create(rows, batch_size=5000)
    password = make_password(None)
    users = []
    for n, unit in enumerate(departments):
        for role in ("officer", "leader"):
            users.append(User(username=f"{role}-{n:04d}", role=role, department=unit, password=password,
                              email=f"{role}-{n:04d}@example.gov.cn", full_name=f"{role}{n}"))
    users += [User(username=f"coordinator-{n}", role="coordinator", password=password, is_staff=True,
                   email=f"coordinator-{n}@example.gov.cn") for n in range(2)]
    User.objects.bulk_create(users, batch_size=2000)
    periods_ensure(plan=plan, through=ON)
    november = ReportingPeriod.objects.get(plan=plan, start=dt.date(2026, 11, 1))
    officers = {u.department_id: u.pk for u in User.objects.filter(role="officer")}
    # A third of the assignments (drawn at random) have November's report in; the rest are overdue.
    ids = list(Assignment.objects.order_by("pk").values_list("pk", "department_id"))
    random.Random(20261128).shuffle(ids)
    ProgressReport.objects.bulk_create(
        [ProgressReport(assignment_id=pk, period=november, state="submitted", progress="已报送", percent=50,
                        created_by_id=officers[dept], submitted_by_id=officers[dept]) for pk, dept in ids[::3]],
        batch_size=5000,
    )
    coordinator = User.objects.filter(role="coordinator").first()
    SupervisionNotice.objects.bulk_create(
        SupervisionNotice(year=2026, seq=n + 1, assignment_id=pk, reason="进展滞后", reply_due=dt.date(2026, 11, 20),
                          issued_by=coordinator) for n, (pk, _dept) in enumerate(ids[1:20_000:20])
    )
    Milestone.objects.bulk_create(
        Milestone(plan=plan, task=item, title=f"节点目标{item.number}", due_date=dt.date(2026, 12, 5)) for item in items
    )
    return {"assignments": Assignment.objects.count(), "units": units, "people": User.objects.count(),
            "tasks": len(items), "submitted_reports": len(ids[::3])}


class QueryCounter:
    """Counts statements without keeping them (CaptureQueriesContext stops at 9,000)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def measure(label: str, function):
    from django.db import connection

    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        started = time.perf_counter()
        value = function()
        seconds = time.perf_counter() - started
    print(f"{label:<34} {seconds:8.2f} s {counter.count:8d} queries")
    return value, seconds, counter.count


def main() -> None:
    args = parse()
    url, cleanup = scratch_database(args)
    try:
        setup_django(url)
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        facts = fill(args.assignments, args.units)
        print(f"scratch database: {connection.vendor} ({url.split('@')[-1]})")
        print(f"filled in {time.perf_counter() - started:.1f} s: {facts}")

        from notifications import delivery, rules
        from notifications.models import ReminderSettings

        ReminderSettings.current()
        found, collect_s, collect_q = measure("collect (rules.collect)", lambda: rules.collect(ON))
        first, run_s, run_q = measure("daily job, first run", lambda: delivery.reminders_run(on=ON, trigger="bench"))
        second, rerun_s, rerun_q = measure("daily job, same day again", lambda: delivery.reminders_run(on=ON))
        print(f"reminders due {first.due}, recorded {first.new}, digests {len(first.digests)} "
              f"({first.items} lines), e-mail jobs published {len(first.digests)}; second run: recorded "
              f"{second.new}, digests {len(second.digests)}, e-mails re-queued {second.requeued} "
              "(no worker consumes the bench's in-memory broker, so they are still unsent)")
        result = {
            "database": connection.vendor, **facts, "date": ON.isoformat(), "reminders": first.due,
            "digests": len(first.digests), "collect_seconds": round(collect_s, 2), "collect_queries": collect_q,
            "run_seconds": round(run_s, 2), "run_queries": run_q, "rerun_seconds": round(rerun_s, 2),
            "rerun_queries": rerun_q, "rerun_new": second.new, "rerun_digests": len(second.digests),
        }
        out = ROOT / "bench" / "results"
        out.mkdir(parents=True, exist_ok=True)
        name = f"reminders-{connection.vendor}-{facts['assignments']}.json"
        (out / name).write_text(json.dumps(result, ensure_ascii=False, indent=1))
        print(f"written to bench/results/{name}")
        connection.close()
    finally:
        cleanup()


if __name__ == "__main__":
    main()
