"""Two runs of the daily job at the same moment, on two PostgreSQL connections
(two workers, or beat's run and a manual send_reminders): the unique key and
SELECT … FOR UPDATE SKIP LOCKED let each person get exactly one digest and
one e-mail. PostgreSQL only (CI's PostgreSQL pass); SQLite has no row locks."""
import datetime as dt
import threading
import time

import pytest
from django.core import mail
from django.db import connection, connections
from django.db.models import Count

from notifications import delivery
from notifications.models import Digest, Notification, ReminderSent
from tests.factories import AssignmentFactory, DepartmentFactory, UserFactory

from .conftest import make_world

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _crowd(world, units: int) -> None:
    """`units` more units on the world's task, each with two officers and a leader."""
    for n in range(units):
        unit = DepartmentFactory(name=f"并发测试单位{n}")
        AssignmentFactory(task=world.task, department=unit, role="responsible")
        for k, role in enumerate(["officer", "officer", "leader"]):
            UserFactory(username=f"crowd-{n}-{k}", role=role, department=unit, email=f"crowd-{n}-{k}@example.gov.cn")


def test_two_runs_at_once_send_nothing_twice(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("行级锁并发测试仅在 PostgreSQL 上运行（CI 的 PostgreSQL 轮次）")
    world = make_world()
    _crowd(world, 20)
    barrier = threading.Barrier(2)
    real_record, real_deliver = delivery.record, delivery.deliver_to
    attempts = []

    def record_then_meet(reminders):
        inserted = real_record(reminders)
        barrier.wait(timeout=30)  # both runs start delivering together, over the same people
        return inserted

    def deliver_slowly(**kwargs):
        attempts.append(kwargs["recipient_id"])
        time.sleep(0.005)
        return real_deliver(**kwargs)

    monkeypatch.setattr(delivery, "record", record_then_meet)
    monkeypatch.setattr(delivery, "deliver_to", deliver_slowly)
    results: dict[str, object] = {}

    def run(name):
        try:
            results[name] = delivery.reminders_run(on=dt.date(2026, 11, 28), trigger=name)
        except Exception as exc:  # noqa: BLE001 - reported below
            results[name] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(name,)) for name in ("worker-1", "worker-2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not any(isinstance(r, Exception) for r in results.values()), results
    first, second = results["worker-1"], results["worker-2"]
    people = set(ReminderSent.objects.values_list("recipient_id", flat=True))
    assert len(people) == 20 * 3 + 6
    # Both runs found the same reminders, only one recorded them.
    assert first.due == second.due == ReminderSent.objects.count()
    assert sorted([first.new, second.new]) == [0, first.due]
    # Both went through everyone; each person was delivered by exactly one of them.
    assert len(attempts) == 2 * len(people)
    assert len(first.digests) + len(second.digests) == len(people)
    assert not Digest.objects.values("recipient").annotate(n=Count("pk")).filter(n__gt=1).exists()
    assert Notification.objects.count() == len(people)
    assert not ReminderSent.objects.exclude(status="delivered").exists()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        set(Digest.objects.values_list("recipient__email", flat=True))
    )
    print(f"\nconcurrent runs: {len(first.digests)} + {len(second.digests)} digests for {len(people)} people")
