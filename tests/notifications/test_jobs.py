"""The Celery side: beat schedule, jobs, retries within the visibility timeout,
the portal with Redis down, and a real worker on Redis (not eager mode)."""
import datetime as dt
import os
import subprocess
import sys
import threading
import time
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from celery.result import _set_task_join_will_block
from celery.schedules import crontab
from celery.signals import task_postrun
from django.conf import settings as django_settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from notifications import delivery, jobs
from notifications.models import Digest, Notification, ReminderRun
from progress.models import ReportingPeriod
from tests.conftest import on_day, require
from tests.factories import ReportingPeriodFactory
from tests.servers import REDIS_OPTIONS, broker, reset_broker_connections
from yuzhong_care.celery import app

from .conftest import make_world, port_open

D = dt.date
SHANGHAI = ZoneInfo("Asia/Shanghai")
CLOSED_PORT_URL = "redis://127.0.0.1:6390/0"
def test_redis_settings_fail_fast_and_state_the_visibility_timeout():
    code = ("import django, json; django.setup(); from django.conf import settings; "
            "print(json.dumps(settings.CELERY_BROKER_TRANSPORT_OPTIONS, sort_keys=True))")
    env = {**os.environ, "REDIS_URL": "redis://127.0.0.1:6379/0", "DJANGO_SETTINGS_MODULE": "yuzhong_care.settings.test"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         cwd=django_settings.BASE_DIR, check=True).stdout
    assert out.strip() == __import__("json").dumps(REDIS_OPTIONS, sort_keys=True)


# ---------------------------------------------------------------- schedule


def test_beat_runs_the_digest_at_0830_shanghai_and_the_other_jobs():
    schedule = django_settings.CELERY_BEAT_SCHEDULE
    daily = schedule["notifications-daily-digest"]
    assert daily["task"] == "notifications.daily_digest"
    assert isinstance(daily["schedule"], crontab)
    assert daily["schedule"].hour == {8} and daily["schedule"].minute == {30}
    assert django_settings.CELERY_TIMEZONE == "Asia/Shanghai"
    assert {entry["task"] for entry in schedule.values()} >= {
        "notifications.daily_digest", "notifications.digest_catch_up",
        "notifications.open_reporting_periods", "notifications.filing_review_deadlines",
    }
    for entry in schedule.values():
        assert entry["task"] in app.tasks, entry["task"]
    # After a run at noon on 11-27, the next is 11-28 08:30 in Shanghai (00:30 UTC), not 08:30 UTC.
    cron = daily["schedule"]
    start, delta, _now = cron.remaining_delta(dt.datetime(2026, 11, 27, 12, 0, tzinfo=SHANGHAI))
    following = (start + delta).astimezone(dt.timezone.utc)
    assert following == dt.datetime(2026, 11, 28, 0, 30, tzinfo=dt.timezone.utc)


def test_no_countdown_reaches_the_visibility_timeout():
    with broker(CLOSED_PORT_URL):
        cap = jobs.retry_countdown_cap()
        assert cap <= jobs.visibility_timeout() // 2 == 1800
        countdowns = [jobs.retry_countdown(n) for n in range(jobs.EMAIL_MAX_RETRIES + 5)]
    assert countdowns[:3] == [30, 60, 120] and max(countdowns) == cap < 3600


def test_the_e_mail_job_retries_with_backoff(db, monkeypatch):
    recorded = []

    def failing(*, digest_id):
        raise OSError("连接邮件服务器超时")

    def fake_retry(exc=None, countdown=None, **kwargs):
        recorded.append((type(exc).__name__, countdown))
        raise RuntimeError("retry scheduled")

    monkeypatch.setattr(delivery, "digest_email_send", failing)
    monkeypatch.setattr(jobs.send_digest_email, "retry", fake_retry)
    with pytest.raises(RuntimeError, match="retry scheduled"):
        jobs.send_digest_email.run(1)
    assert recorded == [("OSError", 30)]


def test_jobs_are_late_acknowledged():
    for name in ("notifications.daily_digest", "notifications.send_digest_email",
                 "notifications.filing_review_deadlines", "notifications.open_reporting_periods"):
        assert app.tasks[name].acks_late, name
    assert app.conf.task_reject_on_worker_lost is True


# ---------------------------------------------------------------- jobs (eager)


@pytest.mark.django_db(transaction=True)
def test_daily_digest_job_runs_the_day_given(world):
    result = jobs.daily_digest.delay("2026-11-28").result
    assert result["digests"] == 6 and result["date"] == "2026-11-28"
    assert len(mail.outbox) == 6
    assert ReminderRun.objects.get().finished_at is not None


@pytest.mark.django_db(transaction=True)
def test_catch_up_runs_only_after_0830_and_only_if_the_digest_did_not(world):
    def at(hour, minute):
        return time_machine.travel(dt.datetime(2026, 11, 28, hour, minute, tzinfo=SHANGHAI), tick=False)

    with at(8, 0):
        assert jobs.digest_catch_up() is None            # 08:00: not yet time
    with at(9, 5):
        assert jobs.digest_catch_up()["digests"] == 6    # 09:05: 08:30 was missed → runs now
    with at(9, 35):
        assert jobs.digest_catch_up() is None            # 09:35: done already
    assert ReminderRun.objects.get().trigger == "catch-up"


@pytest.mark.django_db
def test_open_reporting_periods_calls_the_progress_service(world):
    assert not ReportingPeriod.objects.filter(plan=world.plan).exists()
    created = jobs.open_reporting_periods.delay("2026-11-28").result
    starts = list(ReportingPeriod.objects.filter(plan=world.plan).values_list("start", flat=True))
    assert created == len(starts) and starts[0] == D(2026, 1, 1) and starts[-1] == D(2026, 12, 1)
    assert jobs.open_reporting_periods.delay("2026-11-28").result == 0  # idempotent


@pytest.mark.django_db(transaction=True)
def test_filing_review_deadline_job_alerts_coordinators_once(world):
    from tests.factories import FilingFactory

    FilingFactory(status="submitted", receipt_due_on=D(2026, 12, 1), submitted_at=timezone.now())
    assert jobs.filing_review_deadlines.delay("2026-11-30").result["digests"] == 0   # one working day left
    assert jobs.filing_review_deadlines.delay("2026-12-01").result["digests"] == 1   # the deadline day
    assert jobs.filing_review_deadlines.delay("2026-12-01").result["digests"] == 0   # once
    note = Notification.objects.get(recipient=world.people.coordinator, category="alert")
    assert "今日（2026年12月1日）为回执期限" in note.body


# ---------------------------------------------------------------- Redis down


@on_day(dt.date(2026, 12, 2))  # it reports for November 2026
@pytest.mark.django_db
def test_with_redis_stopped_reports_are_still_submitted_and_reviewed(
    world, client, caplog, django_capture_on_commit_callbacks
):
    from progress import services as progress

    assert not port_open("127.0.0.1", 6390)
    period = ReportingPeriodFactory(plan=world.plan, start=D(2026, 11, 1))
    report = progress.report_create(actor=world.people.a_officer, assignment=world.lead, period=period,
                                    progress="已完成本期指导站建设调研。", percent=40)
    with broker(CLOSED_PORT_URL):
        started = time.monotonic()
        client.force_login(world.people.a_officer)
        response = client.post(reverse("progress:report-submit", args=[report.pk]))
        assert response.status_code == 302
        report.refresh_from_db()
        assert report.state == "submitted"
        client.force_login(world.people.a_leader)
        response = client.post(reverse("progress:report-approve", args=[report.pk]))
        assert response.status_code == 302
        report.refresh_from_db()
        assert report.state == "approved"
        # The reminders in the same outage: digests saved, their e-mails held back, nothing raised.
        with django_capture_on_commit_callbacks(execute=True):
            held = delivery.reminders_run(on=D(2026, 11, 28))
        # (The two workflow messages whose e-mail could not be queued go out with this run: event_mail.)
        assert held.digests and _digest_mails() == []
        assert Digest.objects.filter(email_status="pending").count() == len(held.digests)
        assert "提醒邮件未能排队" in caplog.text
        assert time.monotonic() - started < 20
    # Redis is back (eager here): the next run sends what was held back, once.
    with django_capture_on_commit_callbacks(execute=True):
        back = delivery.reminders_run(on=D(2026, 11, 28))
    assert back.requeued == len(held.digests) and back.digests == []
    assert len(_digest_mails()) == len(held.digests)
    assert not Digest.objects.exclude(email_status="sent").exists()


def _digest_mails() -> list:
    return [m for m in mail.outbox if "待办提醒" in m.subject]


# ---------------------------------------------------------------- a real worker on Redis


def _test_redis_url() -> str:
    """The CI's Redis (REDIS_URL) or the local one, always database 5 (ours alone)."""
    parts = urlsplit(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0")
    return urlunsplit((parts.scheme, parts.netloc, "/5", "", ""))


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_on_redis_runs_the_daily_job(monkeypatch):
    from celery.contrib.testing.worker import start_worker

    url = _test_redis_url()
    parts = urlsplit(url)
    require(port_open(parts.hostname, parts.port or 6379), f"Redis（{parts.hostname}:{parts.port or 6379}）")
    world = make_world()
    ran = []

    def seen(sender=None, task=None, **kwargs):
        ran.append((task.name, bool(task.request.is_eager), task.request.hostname, threading.current_thread().name))

    task_postrun.connect(seen, weak=False)
    try:
        with broker(url, eager=False, worker_hijack_root_logger=False):
            with app.connection_for_write() as conn:
                conn.default_channel.queue_purge(app.conf.task_default_queue)  # database 5 is ours: start empty
            with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING",
                              shutdown_timeout=30) as worker:
                jobs.daily_digest.delay("2026-11-28")
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline:
                    if Digest.objects.filter(email_status="sent").count() == 6 and len(mail.outbox) == 6:
                        break
                    time.sleep(0.2)
                hostname = worker.hostname
                worker_thread = ran[0][3] if ran else None
    finally:
        task_postrun.disconnect(seen)
        _set_task_join_will_block(False)  # the embedded worker leaves it set for the rest of the process

    # The digest is in the inbox …
    coordinator = Notification.objects.get(recipient=world.people.coordinator)
    assert coordinator.title == "2026年11月28日待办提醒：共2项"
    assert Digest.objects.count() == 6
    # … and in the e-mail outbox, one per person.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        u.email for u in vars(world.people).values() if u.role != "viewer"
    )
    # Both the daily job and the e-mail jobs went through Redis to the worker thread, not eager mode.
    names = [name for name, *_ in ran]
    assert names.count("notifications.daily_digest") == 1 and names.count("notifications.send_digest_email") == 6
    assert all(not eager for _n, eager, _h, _t in ran), ran
    assert {thread for *_x, thread in ran} == {worker_thread} and worker_thread != threading.current_thread().name
    assert all(hostname.endswith("@" + host) for _n, _e, host, _t in ran), (hostname, ran)


@pytest.mark.django_db(transaction=True)
def test_the_embedded_filesystem_broker_runs_the_daily_job_with_a_real_worker(tmp_path):
    """`make run` has no Redis: kombu's filesystem transport carries the same jobs to a real worker."""
    from celery.contrib.testing.worker import start_worker

    world = make_world()
    folders = {"data_folder_in": str(tmp_path / "queue"), "data_folder_out": str(tmp_path / "queue"),
               "processed_folder": str(tmp_path / "processed"), "control_folder": str(tmp_path / "control"),
               "store_processed": False}
    for folder in ("queue", "processed", "control"):
        (tmp_path / folder).mkdir()
    saved = app.conf.broker_transport_options
    try:
        with broker("filesystem://", eager=False, worker_hijack_root_logger=False):
            app.conf.broker_transport_options = {**folders, "polling_interval": 0.1}
            reset_broker_connections()
            with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=30):
                jobs.daily_digest.delay("2026-11-28")
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline and len(mail.outbox) < 6:
                    time.sleep(0.2)
    finally:
        app.conf.broker_transport_options = saved
        _set_task_join_will_block(False)
    assert Digest.objects.filter(email_status="sent").count() == 6 and len(mail.outbox) == 6
    assert Notification.objects.get(recipient=world.people.a_officer).title == "2026年11月28日待办提醒：共1项"
