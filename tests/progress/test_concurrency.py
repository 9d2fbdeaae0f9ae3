"""Two reviewers acting on one report at the same moment, on two database
connections: the row lock lets exactly one transition win; the other gets a
clear message. Runs on PostgreSQL (the CI's second run); SQLite has no row locks."""
import threading
import time

import pytest
from django.db import connection, connections

from progress import services
from progress.models import ProgressReport, ReportTransition

from .conftest import period

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


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
    real_change_record = services.change_record

    def slow_change_record(**kwargs):
        time.sleep(0.5)
        return real_change_record(**kwargs)

    monkeypatch.setattr(services, "change_record", slow_change_record)
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
