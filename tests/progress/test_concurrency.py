"""Two reviewers acting on one report at the same moment, on two database
connections: the row lock lets exactly one transition win; the other gets a
clear message. On PostgreSQL (the CI's second run) the row lock decides; on SQLite,
which has no row locks, BEGIN IMMEDIATE does (the second test)."""
import threading
import time

import pytest
from django.db import connection, connections

from progress import services
from progress.models import ProgressReport, ReportTransition
from progress.services import reports as report_services  # where the review writes call their helpers

from .conftest import period

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.mark.postgres
def test_two_reviewers_at_once_exactly_one_wins(world, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("行级锁并发测试仅在 PostgreSQL 上运行（CI 的 PostgreSQL 轮次）")
    report = services.report_submit(
        actor=world.officer,
        report=services.report_create(actor=world.officer, assignment=world.lead_a,
                                      period=period(world.plan, 2026, 11), progress="本期进展", percent=60),
    )
    # Hold the winner inside its transaction for a moment, so the loser really
    # arrives while the row is locked (without the lock both would succeed).
    real_change_record = report_services.change_record

    def slow_change_record(**kwargs):
        time.sleep(0.5)
        return real_change_record(**kwargs)

    monkeypatch.setattr(report_services, "change_record", slow_change_record)
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def act(name, action):
        try:
            stale = ProgressReport.objects.get(pk=report.pk)  # both read "submitted"
            barrier.wait()
            action(stale)
            outcomes[name] = "won"
        except services.StateConflict as exc:
            outcomes[name] = exc.messages[0]
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=act, args=("leader", lambda r: services.report_approve(actor=world.leader, report=r))),
        threading.Thread(target=act, args=(
            "coordinator", lambda r: services.report_return(actor=world.coordinator, report=r, reason="请补充。"))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["coordinator", "leader"]
    winners = [name for name, outcome in outcomes.items() if outcome == "won"]
    assert len(winners) == 1, outcomes
    loser_message = next(outcome for outcome in outcomes.values() if outcome != "won")
    assert loser_message.startswith("操作未执行：该报告已由")
    assert "请刷新页面查看最新情况" in loser_message
    report.refresh_from_db()
    assert report.state == ("approved" if winners == ["leader"] else "returned")
    reviews = ReportTransition.objects.filter(report=report, to_state__in=["approved", "returned"])
    assert reviews.count() == 1


def test_two_reviewers_at_once_on_sqlite_get_the_same_conflict_message(world, monkeypatch, tmp_path):
    """SQLite has no row locks: with its default deferred transactions both reviewers
    read "submitted" and the second write failed with "database is locked" (a 500).
    The SQLite setting BEGIN IMMEDIATE (settings/base.py) makes the second wait for the
    first and answer with the StateConflict message PostgreSQL gives. Run on a copy of
    the test database in a file (an in-memory database shares one cache, not file locks)."""
    import sqlite3

    from django.db.backends.sqlite3.base import DatabaseWrapper

    if connection.vendor != "sqlite":
        pytest.skip("SQLite 专用：PostgreSQL 上由上一个测试覆盖")
    report = services.report_submit(
        actor=world.officer,
        report=services.report_create(actor=world.officer, assignment=world.lead_a,
                                      period=period(world.plan, 2026, 11), progress="本期进展", percent=60),
    )
    path = tmp_path / "race.sqlite3"
    connection.ensure_connection()
    copy = sqlite3.connect(path)
    connection.connection.backup(copy)
    copy.close()
    file_settings = {**connection.settings_dict, "NAME": str(path)}
    assert file_settings["OPTIONS"].get("transaction_mode") == "IMMEDIATE"

    # The first reviewer pauses inside its transaction, after its write, until the
    # second has started; the second then arrives while the first holds the database.
    first_inside, second_started = threading.Event(), threading.Event()
    real_transition = report_services._transition

    def paused_transition(*args, **kwargs):
        result = real_transition(*args, **kwargs)
        if threading.current_thread().name == "first":
            first_inside.set()
            second_started.wait(10)
            time.sleep(0.5)
        return result

    monkeypatch.setattr(report_services, "_transition", paused_transition)
    outcomes: dict[str, str] = {}

    def act(name, action):
        connections["default"] = DatabaseWrapper(file_settings, "default")  # this thread's connection: the file
        try:
            action(ProgressReport(pk=report.pk))
            outcomes[name] = "won"
        except services.StateConflict as exc:
            outcomes[name] = exc.messages[0]
        except Exception as exc:  # noqa: BLE001 - "database is locked" is what this test is about
            outcomes[name] = f"{type(exc).__name__}: {exc}"
        finally:
            connections["default"].close()

    first = threading.Thread(name="first", target=act, args=(
        "leader", lambda r: services.report_approve(actor=world.leader, report=r)))
    second = threading.Thread(name="second", target=act, args=(
        "coordinator", lambda r: services.report_return(actor=world.coordinator, report=r, reason="请补充。")))
    first.start()
    assert first_inside.wait(10)
    second.start()
    second_started.set()
    first.join(timeout=30)
    second.join(timeout=30)

    assert outcomes["leader"] == "won", outcomes
    assert outcomes["coordinator"].startswith("操作未执行：该报告已由"), outcomes
    assert "审核通过" in outcomes["coordinator"] and "请刷新页面查看最新情况" in outcomes["coordinator"]
    check = sqlite3.connect(path)
    states = check.execute("SELECT state FROM progress_progressreport WHERE id = ?", [report.pk]).fetchall()
    check.close()
    assert states == [("approved",)]
