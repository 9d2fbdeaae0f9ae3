#!/usr/bin/env python
"""Roster import throughput: rows per second for the dry run (every row parsed
and validated, nothing written) and the real import (validated, then written in
bulk in one transaction with registrations and history), for .xlsx and .csv.

    .venv/bin/python bench/import_roster.py                 # 10,000 rows, SQLite in memory
    DATABASE_URL=postgres://yuzhong@127.0.0.1:5432/yz_institutions .venv/bin/python bench/import_roster.py
    .venv/bin/python bench/import_roster.py --rows 20000 --repeat 3

The .xlsx is laid out as Excel saves it (text in sharedStrings.xml). Runs in a
throw-away test database (test_<name> on PostgreSQL); prints medians.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yuzhong_care.settings.test")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import django

    django.setup()
    import logging

    logging.disable(logging.WARNING)
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    old = setup_databases(verbosity=0, interactive=False)
    try:
        call_command("loaddata", "plan_2020", verbosity=0)
        from accounts.models import User
        from audit.models import ObjectChange
        from institutions import services
        from institutions.models import Institution, Registration, RosterImport
        from tests.institutions.roster_data import csv_bytes, excel_like_xlsx_bytes, roster_rows

        actor = User.objects.create(username="bench-coordinator", role="coordinator")
        rows = roster_rows(args.rows)
        files = {"xlsx": excel_like_xlsx_bytes(rows), "csv": csv_bytes(rows)}

        def reset():
            ObjectChange.objects.all().delete()
            Registration.objects.all().delete()
            Institution.objects.all().delete()
            RosterImport.objects.all().delete()

        def timed(kind: str, dry_run: bool) -> float:
            reset()
            upload = SimpleUploadedFile(f"名册.{kind}", files[kind])
            roster = services.roster_upload(actor=actor, upload=upload)
            started = time.perf_counter()
            if dry_run:
                report = services.roster_preview(roster=roster, actor=actor)
                assert report.ok and Institution.objects.count() == 0
            else:
                report = services.roster_import(roster=roster, actor=actor)
                assert report.imported == args.rows == Institution.objects.count(), report.problems[:3]
            return time.perf_counter() - started

        print(f"名册导入基准：{args.rows} 行，数据库 {connection.vendor}，每项取 {args.repeat} 次中位数")
        for kind in ("xlsx", "csv"):
            for dry_run in (True, False):
                seconds = statistics.median(timed(kind, dry_run) for _ in range(args.repeat))
                label = "试导入（只校验）" if dry_run else "正式导入（校验+写入）"
                print(f"  {kind:<4} {label:<14} {seconds:6.2f} s  {args.rows / seconds:8.0f} 行/秒")
        reset()
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
