"""Concurrent reviews on PostgreSQL row locks: two decisions on one filing
cannot both win, and approvals of many filings at once get distinct, gapless
receipt numbers (the year's counter row is locked; created once even when the
first approvals of a year race). SQLite has no row locks: skipped there, run in
the PostgreSQL pass."""
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from institutions import services
from institutions.models import Filing, ReceiptCounter
from institutions.services import filings as filing_services  # where the filing writes call change_record
from tests.factories import InstitutionFactory
from tests.institutions.conftest import complete_filing

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("行级锁并发测试仅在 PostgreSQL 上运行（CI 的 PostgreSQL 轮次）")


def _race(actions, *, slow_history=False, monkeypatch=None):
    """Run the actions at the same moment on separate connections; return outcomes."""
    if slow_history:
        real = filing_services.change_record

        def slow(**kwargs):
            time.sleep(0.3)  # hold the winner inside its transaction
            return real(**kwargs)

        monkeypatch.setattr(filing_services, "change_record", slow)
    barrier = threading.Barrier(len(actions))
    outcomes: dict[int, str] = {}

    def run(index, action):
        try:
            barrier.wait()
            outcomes[index] = action()
        except ValidationError as exc:
            outcomes[index] = "refused: " + exc.messages[0]
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_two_reviewers_deciding_one_filing_exactly_one_wins(users, monkeypatch):
    _postgres_only()
    filing = complete_filing(InstitutionFactory(), status="submitted")
    coordinator = users["coordinator"]
    stale_a, stale_b = Filing.objects.get(pk=filing.pk), Filing.objects.get(pk=filing.pk)
    outcomes = _race([
        lambda: services.filing_approve(filing=stale_a, actor=coordinator).receipt_number,
        lambda: services.filing_return(filing=stale_b, actor=coordinator, reasons={"fire": "过期"}).status,
    ], slow_history=True, monkeypatch=monkeypatch)
    refused = [o for o in outcomes.values() if o.startswith("refused")]
    assert len(refused) == 1, outcomes
    assert "可能已被他人处理" in refused[0]
    filing.refresh_from_db()
    if filing.status == "filed":
        assert ReceiptCounter.objects.get().last_number == 1 and not filing.corrections.exists()
    else:
        assert filing.status == "returned" and not ReceiptCounter.objects.exists()


def test_two_approvals_of_one_filing_issue_one_number(users, monkeypatch):
    _postgres_only()
    filing = complete_filing(InstitutionFactory(), status="submitted")
    coordinator = users["coordinator"]
    outcomes = _race([
        lambda: services.filing_approve(filing=Filing.objects.get(pk=filing.pk), actor=coordinator).receipt_number,
        lambda: services.filing_approve(filing=Filing.objects.get(pk=filing.pk), actor=coordinator).receipt_number,
    ], slow_history=True, monkeypatch=monkeypatch)
    assert sorted(o.startswith("refused") for o in outcomes.values()) == [False, True], outcomes
    assert ReceiptCounter.objects.get().last_number == 1


def test_many_approvals_at_once_get_distinct_gapless_numbers(users):
    _postgres_only()
    coordinator = users["coordinator"]
    filings = [complete_filing(InstitutionFactory(), status="submitted", documents=()) for _ in range(8)]
    assert not ReceiptCounter.objects.exists()  # the year's counter is created by the race itself
    outcomes = _race([
        (lambda f=f: services.filing_approve(filing=f, actor=coordinator).receipt_number) for f in filings
    ])
    numbers = sorted(outcomes.values())
    year = Filing.objects.filter(status="filed").first().filed_on.year
    assert numbers == [f"渝中托备〔{year}〕{n:03d}号" for n in range(1, 9)], outcomes
    assert ReceiptCounter.objects.get(year=year).last_number == 8
