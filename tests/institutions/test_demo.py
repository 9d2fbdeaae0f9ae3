"""The demo registry: every stage present, 2020's milestones met, idempotent."""
import datetime as dt
import io
from decimal import Decimal

import pytest

from accounts.demo import demo_accounts_ensure
from accounts.models import User
from institutions import demo, indicators
from institutions.models import Assessment, EnrolmentReport, Filing, Institution, Registration
from institutions.selectors import directory_entries, review_queue

pytestmark = pytest.mark.django_db


def test_demo_registry_covers_every_stage_and_is_idempotent(plan_2020, settings):
    settings.DEMO_ACCOUNTS = True
    demo_accounts_ensure(password="Demo-password-2026")
    out = io.StringIO()
    demo.build(stdout=out)
    assert "新建 21 家" in out.getvalue()
    assert Institution.objects.count() == 21
    statuses = set(Institution.objects.values_list("status", flat=True))
    assert statuses == {"registered", "filed", "cancelled"}
    filing_states = set(Filing.objects.values_list("kind", "status"))
    for state in [("new", "draft"), ("new", "submitted"), ("new", "returned"), ("new", "filed"),
                  ("change", "submitted"), ("cancel", "filed"), ("new", "noncompliant")]:
        assert state in filing_states, state
    assert Registration.objects.count() == 21
    assert len({i.street_id for i in Institution.objects.all()}) == 11

    # 2020: every existing institution filed, one 示范性 → tasks 8 and 9 met.
    assert indicators.filing_completion_rate(dt.date(2020, 12, 31)) == Decimal("100.00")
    assert indicators.demonstration_count(dt.date(2020, 12, 31)) == 1
    assert list(Filing.objects.filter(receipt_year=2020).order_by("receipt_seq").values_list("receipt_number", flat=True)) == [
        f"渝中托备〔2020〕00{n}号" for n in range(1, 5)]

    operator = User.objects.get(username="demo-institution")
    assert operator.institution.name == "渝中区小橘灯托育中心"
    assert operator.institution.filings.get().status == "returned"

    coordinator = User.objects.get(username="demo-coordinator")
    lights = [e.light for e in review_queue(user=coordinator)]
    assert {"green", "red"} <= set(lights) and len(lights) == 4
    assert "七星岗宝宝乐托育园" not in {e.name for e in directory_entries()}

    # Issue 15: a filed 家庭托育点, dated 普惠 designations, monthly enrolment, an assessed institution.
    assert Institution.objects.filter(category="family", status="filed", capacity__lte=5).count() == 1
    assert indicators.inclusive_places(dt.date(2026, 2, 28)) < indicators.inclusive_places(dt.date(2026, 3, 1))
    assert EnrolmentReport.objects.exists() and indicators.utilisation_rate() is not None
    assert indicators.assessed_count() == 1
    assert Assessment.objects.filter(status="submitted").count() == 1
    counts = (EnrolmentReport.objects.count(), Assessment.objects.count())

    demo.build(stdout=io.StringIO())
    assert Institution.objects.count() == 21 and Filing.objects.filter(kind="cancel").count() == 1
    assert (EnrolmentReport.objects.count(), Assessment.objects.count()) == counts
