#!/usr/bin/env python
"""import_plan throughput: `manage.py import_plan` on generated decomposition
tables (annex-like text, 3–8 units a row including 各街道办事处, some cells
wrapped, some new units, some lists ending in 等), each import on a fresh
database holding the 2020 plan.

    .venv/bin/python bench/import_plan.py                       # 500 and 5,000 rows, SQLite in memory
    DATABASE_URL=postgres://yuzhong@127.0.0.1:5432/yuzhong_importplan .venv/bin/python bench/import_plan.py
    .venv/bin/python bench/import_plan.py --rows 500 5000 --repeat 3 --out bench/results/import_plan.md

Runs in a throw-away test database (test_<name> on PostgreSQL), created anew
for every import; prints median, spread (max − min) and rows per second of the
wall-clock time, and the median CPU time spent on the import: this process's,
plus the PostgreSQL backend's when the server runs on this machine (on a shared
machine the CPU time is close to what an idle one would take).
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yuzhong_care.settings.test")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[500, 5_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, help="append the table, as Markdown, to this file")
    parser.add_argument("--label", help="what code ran (default: the git commit)")
    args = parser.parse_args()

    import django

    django.setup()
    import logging

    logging.disable(logging.WARNING)
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    from tests.tasks.plan_data import plan_rows, plan_xlsx_bytes

    def backend_cpu() -> float:
        """CPU seconds used so far by this connection's PostgreSQL backend (0 for SQLite)."""
        if connection.vendor != "postgresql":
            return 0.0
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # the server is elsewhere: its time is not counted
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def one_import(path: str, rows: int) -> tuple[float, float, int]:
        old = setup_databases(verbosity=0, interactive=False)
        try:
            call_command("loaddata", "plan_2020", verbosity=0)
            from tasks.models import Plan, WorkItem

            queries = []

            def count(execute, sql, params, many, context):
                queries.append(1)
                return execute(sql, params, many, context)

            server = backend_cpu()
            with connection.execute_wrapper(count), open(os.devnull, "w") as quiet:
                started, cpu = time.perf_counter(), time.process_time()
                call_command("import_plan", path, "--title", "基准导入", stdout=quiet)
                seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            cpu += backend_cpu() - server
            assert WorkItem.objects.filter(plan=Plan.objects.get(title="基准导入")).count() == rows
            return seconds, cpu, len(queries)
        finally:
            teardown_databases(old, verbosity=0)

    label = args.label or subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    lines = [
        f"import_plan 基准（{label}）：数据库 {connection.vendor}，每种规模导入 {args.repeat} 次（每次新建数据库并载入 2020 年方案），"
        f"{dt.date.today():%Y-%m-%d}",
        "",
        "| 行数 | 中位数 (s) | 波动 max−min (s) | 行/秒 | CPU 中位数 (s) | 查询数 |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    print(lines[0])
    print(f"{'行数':>6} {'中位数 s':>9} {'波动 s':>8} {'行/秒':>8} {'CPU s':>7} {'查询数':>6}")
    with tempfile.TemporaryDirectory() as folder:
        for rows in args.rows:
            path = os.path.join(folder, f"plan-{rows}.xlsx")
            Path(path).write_bytes(plan_xlsx_bytes(plan_rows(rows)))
            runs = [one_import(path, rows) for _ in range(args.repeat)]
            times = [seconds for seconds, _, _ in runs]
            median, spread = statistics.median(times), max(times) - min(times)
            cpu, queries = statistics.median(c for _, c, _ in runs), runs[0][2]
            print(f"{rows:>6} {median:>9.2f} {spread:>8.2f} {rows / median:>8.0f} {cpu:>7.2f} {queries:>6}")
            lines.append(f"| {rows} | {median:.2f} | {spread:.2f} | {rows / median:.0f} | {cpu:.2f} | {queries} |")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        with args.out.open("a", encoding="utf-8") as out:
            out.write("\n".join(lines) + "\n\n")


if __name__ == "__main__":
    main()
