#!/usr/bin/env python
"""One big-export measurement per process (so peak memory is that run's own).

    .venv/bin/python bench/export.py MODE [--limit N]
    .venv/bin/python bench/export.py table [--repeat 3] [--limit N]

MODE:
  job            the real thing: an ExportJob run by reports.services.export_job_run
                 (count, streamed rows, write-only workbook, file stored, inbox notice)
  ours           reports.bigexport.write_history(history_rows(queryset)) alone
  ours-trace     the same under tracemalloc (Python allocations' peak; slower)
  raw            openpyxl write-only writing the same rows, already in memory
                 (fetched before the clock starts): the floor for any openpyxl export
  import-export  django-import-export's default export of the same queryset
                 (ModelResource with its default fields → tablib → .xlsx)

Prints one JSON line: mode, rows, seconds, cpu_s (this process's user+system time),
rows_per_s, peak_rss_mb, baseline_rss_mb (and tracemalloc_peak_mb for ours-trace).

`table` runs job, raw and import-export each --repeat times, one fresh process per
run, taking turns (so a busy spell on the shared machine hits all three alike), and
prints the README's table: median seconds, spread (min–max), peak RSS. Reads the bench database given by
DATABASE_URL (default postgres://yuzhong@127.0.0.1:5432/yz_bench) as bench-viewer.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://yuzhong@127.0.0.1:5432/yz_bench"


def bench_environment() -> dict:
    """Production settings on loopback (plain HTTP), the bench database, a persistent connection."""
    env = {
        "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB),
        "DJANGO_SETTINGS_MODULE": "yuzhong_care.settings.production",
        "SECRET_KEY": "bench-only-not-secret-" + "x" * 40,
        "PERSON_ID_KEY": "bench-only-not-secret-" + "y" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "PORTAL_2FA_FOR_ADMIN": "false",
        "CONN_MAX_AGE": "60",
        "STATIC_ROOT": str(ROOT / "var" / "bench-static"),
        "MEDIA_ROOT": str(ROOT / "var" / "bench-media"),
        "LOG_LEVEL": "WARNING",
    }
    return env


def setup() -> None:
    os.environ.update(bench_environment())
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def rss_mb() -> float:
    """Peak resident set size of this process so far (Linux: ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1048576


def cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def viewer():
    from accounts.models import User

    return User.objects.get(username="bench-viewer")


def queryset(limit: int | None):
    from reports.bigexport import history_queryset

    qs = history_queryset(user=viewer())
    if limit:  # the first N reports by id, as a range (an IN list of ids would slow the query itself)
        last = qs.order_by("pk").values_list("pk", flat=True)[limit - 1]
        qs = qs.filter(pk__lte=last)
    return qs


TABLE = [
    ("job", "the portal's big export (ExportJob, streamed)"),
    ("raw", "raw openpyxl write-only, same rows in memory"),
    ("import-export", "django-import-export default export, same queryset"),
]


def table(repeat: int, limit: int | None) -> None:
    """Each mode `repeat` times in its own process, in turns; then the table."""
    import statistics
    import subprocess

    runs: dict[str, list[dict]] = {mode: [] for mode, _ in TABLE}
    load_before = os.getloadavg()[0]
    for i in range(repeat):
        for mode, _ in TABLE:
            # The job reads its own queryset: a limited run times write_history instead.
            name = "ours" if limit and mode == "job" else mode
            command = [sys.executable, __file__, name] + (["--limit", str(limit)] if limit else [])
            line = subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
            runs[mode].append(json.loads(line))
            print(f"run {i + 1}/{repeat} {mode}: {line}", file=sys.stderr, flush=True)
    median = {mode: statistics.median(r["seconds"] for r in runs[mode]) for mode in runs}
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load average {load_before:.1f} before, "
          f"{os.getloadavg()[0]:.1f} after; Python {sys.version.split()[0]}")
    print("| big export, %d runs each | rows | median s | spread s (min–max) | median CPU s | rows/s "
          "| export's speed-up | peak RSS MB, max (baseline) |" % repeat)
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for mode, label in TABLE:
        r = runs[mode]
        seconds = [x["seconds"] for x in r]
        rows = r[0]["rows"]
        ratio = "1.00" if mode == "job" else f"{median[mode] / median['job']:.2f}×"
        print(f"| {label} | {rows:,} | {median[mode]:.2f} | {min(seconds):.2f}–{max(seconds):.2f} "
              f"| {statistics.median(x['cpu_s'] for x in r):.2f} | {round(rows / median[mode]):,} | {ratio} "
              f"| {max(x['peak_rss_mb'] for x in r):.1f} ({r[0]['baseline_rss_mb']:.1f}) |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["job", "ours", "ours-trace", "raw", "import-export", "table"])
    parser.add_argument("--limit", type=int, help="only the first N reports (quick runs)")
    parser.add_argument("--repeat", type=int, default=3, help="table: runs per mode")
    args = parser.parse_args()
    if args.mode == "table":
        return table(args.repeat, args.limit)
    setup()
    from reports import bigexport

    qs = queryset(args.limit)
    qs.count()  # connect, warm the catalogue
    baseline = current_rss_mb()
    cpu = cpu_s()
    out = {"mode": args.mode}
    path = tempfile.mkstemp(suffix=".xlsx", prefix="bench-export-")[1]
    try:
        if args.mode == "job":
            from reports.models import ExportJob
            from reports.services import export_job_run

            job = ExportJob.objects.create(owner=viewer(), params={"limit": args.limit} if args.limit else {})
            if args.limit:  # the job reads its own queryset; a limited run measures write_history instead
                raise SystemExit("--limit is not supported for mode job")
            started = time.perf_counter()
            job = export_job_run(job_id=job.pk)
            seconds = time.perf_counter() - started
            rows = job.done_rows
            out["file_mb"] = round(job.file_size / 1048576, 1)
            out["status"] = job.status
            if job.file:  # the bench keeps no files
                job.file.storage.delete(job.file.name)
        elif args.mode in ("ours", "ours-trace"):
            if args.mode == "ours-trace":
                import tracemalloc

                tracemalloc.start()
            started = time.perf_counter()
            rows = bigexport.write_history(bigexport.history_rows(qs), path)
            seconds = time.perf_counter() - started
            if args.mode == "ours-trace":
                out["tracemalloc_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 1048576, 1)
                tracemalloc.stop()
        elif args.mode == "raw":
            from openpyxl import Workbook

            data = list(bigexport.history_rows(qs))  # not timed: the raw writer gets its rows for free
            header = [name for name, _ in bigexport.HISTORY_COLUMNS]
            started = time.perf_counter()
            workbook = Workbook(write_only=True)
            sheet = workbook.create_sheet("进展报告")
            sheet.append(header)
            for row in data:
                sheet.append(row)
            workbook.save(path)
            seconds = time.perf_counter() - started
            rows = len(data)
        else:
            from import_export.resources import modelresource_factory

            from progress.models import ProgressReport

            started = time.perf_counter()
            dataset = modelresource_factory(ProgressReport)().export(queryset=qs)
            data = dataset.export("xlsx")
            with open(path, "wb") as f:
                f.write(data)
            seconds = time.perf_counter() - started
            rows = len(dataset)
        out.update(
            rows=rows, seconds=round(seconds, 2), cpu_s=round(cpu_s() - cpu, 2), rows_per_s=round(rows / seconds) if seconds else None,
            peak_rss_mb=round(rss_mb(), 1), baseline_rss_mb=round(baseline, 1),
            xlsx_mb=round(os.path.getsize(path) / 1048576, 1) if os.path.getsize(path) else out.get("file_mb"),
        )
    finally:
        os.unlink(path)
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
