"""Fault drill (issue 12 point 7), loopback only, bounded.

Starts its own stack: a PRIVATE PostgreSQL cluster (initdb in a temporary folder,
own port; database yuzhong_drill — the shared cluster is never touched), its own
redis-server (own port), gunicorn (2 workers, production settings over plain
HTTP) and a Celery worker with beat (EXPORT_JOB_STALE_MINUTES small). While a
threaded load runs (bounded: DRILL_THREADS threads for DRILL_SECONDS), it
  1. stops Redis for 30 s (an export and the reminders are requested meanwhile),
  2. kills the worker with SIGKILL in the middle of an export and starts a new one,
  3. restarts PostgreSQL (fast shutdown, 10 s down),
then prints the requests, the errors by kind, and whether every report the load
was told was saved is in the database, every export finished, and no reminder
went twice.

    .venv/bin/python bench/fault_drill.py          # about 4 minutes
"""
from __future__ import annotations

import collections
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
THREADS = int(os.environ.get("DRILL_THREADS", "6"))
SECONDS = int(os.environ.get("DRILL_SECONDS", "150"))
DB = "yuzhong_drill"
ASSIGNMENT = re.compile(r'/progress/assignments/(\d+)/"')
PERIOD_LINK = re.compile(r"/progress/assignments/(\d+)/report/(\d+)/(\d+)/")
REPORT_URL = re.compile(r"^/progress/reports/(\d+)/$")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


class Drill:
    def __init__(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="yz-drill-"))
        os.chmod(self.tmp, 0o755)
        self.pg_port, self.redis_port, self.web_port = free_port(), free_port(), free_port()
        self.pgdata = self.tmp / "pg"
        self.env = {
            **os.environ, "DJANGO_SETTINGS_MODULE": "yuzhong_care.settings.production",
            "SECRET_KEY": "drill-only-" + os.urandom(16).hex(), "PERSON_ID_KEY": os.urandom(16).hex(),
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": f"postgres://yuzhong@127.0.0.1:{self.pg_port}/{DB}",
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0", "SECURE_SSL_REDIRECT": "false",
            "SECURE_COOKIES": "false", "MEDIA_ROOT": str(self.tmp / "media"), "STATIC_ROOT": str(self.tmp / "static"),
            "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend", "LOG_LEVEL": "WARNING",
            "EXPORT_JOB_STALE_MINUTES": "0.3", "CONN_MAX_AGE": "60", "PYTHONUNBUFFERED": "1",
        }
        self.env.pop("CACHE_URL", None)
        self.procs: dict[str, subprocess.Popen] = {}
        self.stats = collections.Counter()
        self.errors = collections.Counter()
        self.saved_reports: set[int] = set()
        self.exports: list[int] = []
        self.stop_load = threading.Event()
        self.lock = threading.Lock()
        self.phase = "normal"

    # ------------------------------------------------------------------ services
    def run(self, *args, **kwargs):
        return subprocess.run(args, env=self.env, cwd=ROOT, check=True, **kwargs)

    def as_postgres(self, *args):
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return subprocess.run([*prefix, *map(str, args)], check=True, capture_output=True, text=True)

    def pg(self, action: str):
        self.as_postgres(PG_BIN / "pg_ctl", "-D", self.pgdata, "-l", self.tmp / "pg.log", "-w", "-m", "fast",
                         "-o", f"-p {self.pg_port} -k {self.tmp} -c listen_addresses=127.0.0.1", action)

    def start_postgres(self):
        shutil.chown(self.tmp, "postgres") if os.geteuid() == 0 else None
        self.as_postgres(PG_BIN / "initdb", "-D", self.pgdata, "-U", "yuzhong", "-A", "trust", "-E", "UTF8")
        self.pg("start")
        self.as_postgres(PG_BIN / "createdb", "-h", "127.0.0.1", "-p", self.pg_port, "-U", "yuzhong", DB)

    def start_redis(self):
        self.procs["redis"] = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.redis_port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.wait_port(self.redis_port)

    def stop(self, name: str, sig=signal.SIGTERM):
        proc = self.procs.pop(name, None)
        if proc and proc.poll() is None:
            os.killpg(proc.pid, sig) if name in ("worker", "web") else proc.send_signal(sig)
            proc.wait(timeout=30)

    def start_worker(self):
        out = (self.tmp / "worker.log").open("a")
        self.procs["worker"] = subprocess.Popen(
            [BIN / "celery", "-A", "yuzhong_care", "worker", "--beat", "--concurrency", "1", "--loglevel", "INFO",
             "--schedule", str(self.tmp / "beat-schedule")],
            env=self.env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)

    def start_web(self):
        self.procs["web"] = subprocess.Popen(
            [BIN / "gunicorn", "yuzhong_care.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{self.web_port}",
             "--timeout", "60"], env=self.env, cwd=ROOT, stdout=(self.tmp / "web.log").open("w"),
            stderr=subprocess.STDOUT, start_new_session=True)
        self.wait_port(self.web_port)

    @staticmethod
    def wait_port(port: int, seconds: float = 60):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"port {port} did not open")

    def django(self, code: str) -> str:
        return self.run(BIN / "python", "-c", "import django; django.setup()\n" + code,
                        capture_output=True, text=True).stdout

    # ------------------------------------------------------------------ HTTP
    def request(self, method, path, session, body=None, kind="page"):
        conn = http.client.HTTPConnection("127.0.0.1", self.web_port, timeout=30)
        headers = {"Cookie": f"sessionid={session}; csrftoken=drilltoken0123456789drilltoken01"}
        if body is not None:
            body = urlencode({**body, "csrfmiddlewaretoken": "drilltoken0123456789drilltoken01"}).encode()
            headers.update({"Content-Type": "application/x-www-form-urlencoded",
                            "Referer": f"http://127.0.0.1:{self.web_port}{path}"})
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read().decode("utf-8", "replace")
            status, location = response.status, response.headers.get("Location", "")
        except (OSError, http.client.HTTPException) as exc:
            with self.lock:
                self.stats[kind] += 1
                self.errors[f"{self.phase}: connection {exc.__class__.__name__}"] += 1
            return None, "", ""
        finally:
            conn.close()
        with self.lock:
            self.stats[kind] += 1
            if status >= 500:
                self.errors[f"{self.phase}: HTTP {status}"] += 1
            elif status >= 400 or (status == 302 and location.startswith("/accounts/login")):
                self.errors[f"{self.phase}: HTTP {status} {location[:20]}"] += 1
        return status, data, location

    def officer_loop(self, session):
        while not self.stop_load.is_set():
            status, page, _ = self.request("GET", "/progress/my/", session)
            ids = ASSIGNMENT.findall(page or "")
            if ids:
                _, detail, _ = self.request("GET", f"/progress/assignments/{random.choice(ids)}/", session)
                slots = PERIOD_LINK.findall(detail or "")
                if slots:
                    pk, year, month = random.choice(slots)
                    status, _, location = self.request(
                        "POST", f"/progress/assignments/{pk}/report/{year}/{month}/", session,
                        {"progress": "演练：本期按计划推进。", "percent": random.randint(10, 90), "problems": "无",
                         "next_steps": "继续推进", "action": "submit"}, kind="report POST")
                    match = REPORT_URL.match(location or "")
                    if status == 302 and match:
                        with self.lock:
                            self.saved_reports.add(int(match.group(1)))
            time.sleep(random.uniform(0.2, 0.6))

    def viewer_loop(self, session):
        pages = ["/dashboards/district/", "/tasks/", "/dashboards/exports/"] + [f"/dashboards/tasks/{n}/"
                                                                               for n in range(1, 16)]
        while not self.stop_load.is_set():
            self.request("GET", random.choice(pages), session)
            time.sleep(random.uniform(0.2, 0.6))

    def export(self, session) -> int | None:
        for _ in range(3):
            status, _, location = self.request("POST", "/dashboards/exports/", session, {}, kind="export POST")
            match = re.search(r"/exports/(\d+)/", location or "")
            if status == 302 and match:
                self.exports.append(int(match.group(1)))
                return int(match.group(1))
            log(f"  export request answered {status} {location}; again")
        return None

    def job_state(self, pk: int) -> tuple[str, int]:
        import psycopg2

        with psycopg2.connect(host="127.0.0.1", port=self.pg_port, user="yuzhong", dbname=DB) as conn:
            with conn.cursor() as cursor:
                cursor.execute("SELECT status, done_rows FROM reports_exportjob WHERE id = %s", [pk])
                return cursor.fetchone()

    # ------------------------------------------------------------------ the drill
    def main(self):
        log(f"private PostgreSQL :{self.pg_port}, redis-server :{self.redis_port}, gunicorn :{self.web_port}")
        self.start_postgres()
        self.start_redis()
        self.run(BIN / "python", "manage.py", "migrate", "-v", "0")
        self.run(BIN / "python", "manage.py", "setup_portal", capture_output=True)
        self.run(BIN / "python", "manage.py", "collectstatic", "--noinput", "-v", "0")
        log("generating data (thousands of reports, so an export takes seconds)")
        self.run(BIN / "python", "manage.py", "generate_scale_data", "--scale", "0.05", "--months", "36",
                 "--institutions", "200", capture_output=True)
        self.run(BIN / "python", str(ROOT / "bench" / "load" / "prepare.py"), capture_output=True)
        accounts = json.loads((ROOT / "bench" / "results" / "load-users.json").read_text())
        self.start_web()
        self.start_worker()
        time.sleep(5)
        threads = [threading.Thread(target=self.officer_loop, args=(accounts["officer"][i % 30],), daemon=True)
                   for i in range(THREADS // 2)]
        threads += [threading.Thread(target=self.viewer_loop, args=(accounts["viewer"][i % 10],), daemon=True)
                    for i in range(THREADS - THREADS // 2)]
        viewer = accounts["viewer"][0]
        started = time.monotonic()
        for t in threads:
            t.start()
        log(f"load: {len(threads)} threads for {SECONDS} s")
        time.sleep(10)

        log("fault 1: Redis stopped for 30 s")
        self.phase = "Redis down"
        self.stop("redis")
        time.sleep(5)
        during = self.export(viewer)
        log(f"  export {during} requested during the outage")
        reminders = subprocess.run([BIN / "python", "manage.py", "send_reminders"], env=self.env, cwd=ROOT,
                                   capture_output=True, text=True)
        log(f"  reminders during the outage: exit {reminders.returncode}")
        time.sleep(25)
        self.start_redis()
        log("  Redis back")
        self.phase = "normal"
        time.sleep(10)

        log("fault 2: worker killed (SIGKILL) in the middle of an export")
        self.phase = "worker killed"
        job = self.export(viewer)
        deadline = time.monotonic() + 60
        state = ("?", 0)
        while job and time.monotonic() < deadline:
            state = self.job_state(job)
            if state[0] == "running" and state[1] > 0:
                break
            time.sleep(0.02)
        self.stop("worker", signal.SIGKILL)
        log(f"  worker killed while export {job} was {state[0]} ({state[1]:,} rows written); new worker started")
        self.start_worker()
        subprocess.run([BIN / "python", "manage.py", "send_reminders"], env=self.env, cwd=ROOT, capture_output=True)
        time.sleep(15)

        log("fault 3: private PostgreSQL restarted (10 s down)")
        self.phase = "PostgreSQL down"
        self.pg("stop")
        time.sleep(10)
        self.pg("start")
        log("  PostgreSQL back")
        self.phase = "after PostgreSQL restart (first 5 s)"
        time.sleep(5)
        self.phase = "normal"

        while time.monotonic() - started < SECONDS:
            time.sleep(1)
        self.stop_load.set()
        for t in threads:
            t.join(timeout=40)
        log("load finished; waiting for the exports (sweep every minute)")
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            left = self.django(f"from reports.models import ExportJob as J; "
                               f"print(J.objects.filter(pk__in={self.exports}).exclude(status='done').count())")
            if left.strip() == "0":
                break
            time.sleep(5)
        self.report()

    def report(self):
        facts = json.loads(self.django(f"""
import json
from collections import Counter
from progress.models import ProgressReport
from reports.models import ExportJob
from notifications.models import Digest, Notification
saved = set(ProgressReport.objects.filter(pk__in={sorted(self.saved_reports)}).values_list("pk", flat=True))
jobs = list(ExportJob.objects.filter(pk__in={self.exports}).values("pk", "status", "attempts", "done_rows"))
notes = Counter(Notification.objects.filter(category="digest").values_list("recipient_id", "title"))
print(json.dumps({{"missing": sorted({sorted(self.saved_reports)} and set({sorted(self.saved_reports)}) - saved),
  "jobs": jobs, "digests": Digest.objects.count(), "digests_sent": Digest.objects.filter(email_status="sent").count(),
  "notes_twice": sum(1 for n in notes.values() if n > 1)}}))
"""))
        mails = collections.Counter(re.findall(r"^To: (.+)$", (self.tmp / "worker.log").read_text(errors="replace"),
                                               flags=re.M))
        total = sum(self.stats.values())
        print("\n| measure | value |\n|---|---:|")
        print(f"| requests (threads {THREADS}, {SECONDS} s) | {total:,} |")
        for kind, count in sorted(self.stats.items()):
            print(f"| — of which {kind} | {count:,} |")
        print(f"| errors | {sum(self.errors.values()):,} |")
        for kind, count in self.errors.most_common():
            print(f"| — {kind} | {count:,} |")
        print(f"| reports the load was told were saved | {len(self.saved_reports):,} |")
        print(f"| — of those missing from the database | {len(facts['missing'])} |")
        jobs = facts["jobs"]
        done = [j for j in jobs if j["status"] == "done"]
        print(f"| exports requested / finished | {len(jobs)} / {len(done)} |")
        print("| — runs per export | " + ", ".join(f"#{j['pk']}: {j['attempts']}" for j in jobs) + " |")
        print(f"| reminder digests / e-mailed | {facts['digests']} / {facts['digests_sent']} |")
        print(f"| reminders in an inbox twice | {facts['notes_twice']} |")
        print(f"| reminder e-mails to one person twice | {sum(1 for n in mails.values() if n > 1)} |")
        ok = not facts["missing"] and len(done) == len(jobs) and facts["notes_twice"] == 0 and all(
            n == 1 for n in mails.values())
        print(f"\n{'PASS' if ok else 'FAIL'}: every report saved, every export finished, no reminder twice")

    def cleanup(self):
        self.stop_load.set()
        for name in ("web", "worker", "redis"):
            try:
                self.stop(name)
            except Exception:  # noqa: BLE001 - best effort on the way out
                pass
        try:
            self.pg("stop")
        except Exception:  # noqa: BLE001
            pass
        shutil.rmtree(self.tmp, ignore_errors=True)


if __name__ == "__main__":
    drill = Drill()
    try:
        drill.main()
    finally:
        drill.cleanup()
