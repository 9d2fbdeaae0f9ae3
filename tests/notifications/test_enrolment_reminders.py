"""The monthly 在托人数 of a filed institution is reminded like a progress report: the
report days before the due day (the 25th), daily while overdue, never once reported,
once a day, to the institution's own accounts; collecting stays a fixed number of queries."""
import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from institutions.models import Institution
from institutions.models_enrolment import EnrolmentReport
from notifications import delivery, rules
from notifications.models import Digest, ReminderSent, ReminderSettings
from tests.conftest import on_day
from tests.factories import DepartmentFactory, InstitutionFactory, UserFactory, credit_code

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def centre(db):
    """A centre filed in 2026-03, with its operator account (and a disabled second one)."""
    institution = InstitutionFactory(name="渝中小星星托育中心", status="filed", filed_on=D(2026, 3, 2))
    UserFactory(username="op-star", role="operator", department=None, institution=institution,
                email="op-star@example.com")
    UserFactory(username="op-gone", role="operator", department=None, institution=institution, is_active=False)
    return institution


def enrolment_reminders(on):
    return {(User.objects.get(pk=r.recipient_id).username, r.rule, r.date, r.due_date)
            for r in rules.collect(on) if r.item_type == rules.ENROLMENT}


def report(institution, month):
    EnrolmentReport.objects.create(institution=institution, period=month, toddler=12, children=12,
                                   reported_at=dt.datetime(2026, 11, 20, tzinfo=dt.UTC))


def test_reminded_before_the_due_day_on_it_and_daily_when_overdue(centre):
    # October not reported: overdue every day until November's due day.
    assert enrolment_reminders(D(2026, 11, 21)) == {("op-star", "overdue", D(2026, 11, 21), D(2026, 10, 25))}
    report(centre, D(2026, 10, 1))
    assert enrolment_reminders(D(2026, 11, 21)) == set()  # more than 3 days ahead
    assert enrolment_reminders(D(2026, 11, 22)) == {("op-star", "before_3", D(2026, 11, 22), D(2026, 11, 25))}
    assert enrolment_reminders(D(2026, 11, 24)) == {("op-star", "before_1", D(2026, 11, 24), D(2026, 11, 25))}
    assert enrolment_reminders(D(2026, 11, 25)) == {("op-star", "due_today", D(2026, 11, 25), D(2026, 11, 25))}
    assert enrolment_reminders(D(2026, 11, 26)) == {("op-star", "overdue", D(2026, 11, 26), D(2026, 11, 25))}
    # Still owed in December (until December's own due day), next to December's reminders.
    assert enrolment_reminders(D(2026, 12, 22)) == {
        ("op-star", "overdue", D(2026, 12, 22), D(2026, 11, 25)),
        ("op-star", "before_3", D(2026, 12, 22), D(2026, 12, 25)),
    }


def test_not_reminded_once_reported_nor_for_months_before_filing_nor_unfiled(centre):
    report(centre, D(2026, 10, 1))
    report(centre, D(2026, 11, 1))
    assert enrolment_reminders(D(2026, 11, 24)) == set()
    assert enrolment_reminders(D(2026, 11, 28)) == set()
    # Filed in December: November is not owed, December is.
    Institution.objects.filter(pk=centre.pk).update(filed_on=D(2026, 12, 3))
    EnrolmentReport.objects.all().delete()
    assert enrolment_reminders(D(2026, 12, 3)) == set()
    assert {rule for _u, rule, _d, _due in enrolment_reminders(D(2026, 12, 24))} == {"before_1"}
    # Registered but not filed, or cancelled: nothing is owed.
    Institution.objects.filter(pk=centre.pk).update(status="cancelled")
    assert enrolment_reminders(D(2026, 12, 26)) == set()


def test_delivered_once_a_day_in_the_digest_inbox_and_mail(centre, django_capture_on_commit_callbacks):
    report(centre, D(2026, 10, 1))
    with on_day(D(2026, 11, 26)), django_capture_on_commit_callbacks(execute=True):
        delivery.reminders_run(on=D(2026, 11, 26))
        delivery.reminders_run(on=D(2026, 11, 26))  # a second run the same day sends nothing more
    operator = User.objects.get(username="op-star")
    digests = list(Digest.objects.filter(recipient=operator))
    assert len(digests) == 1
    body = digests[0].notification.body
    assert "渝中小星星托育中心 · 2026年11月在托人数：已于2026年11月25日到期，逾期1天，尚未填报" in body
    assert ReminderSent.objects.get(recipient=operator, item_type="enrolment").url == (
        f"/institutions/{centre.pk}/enrolment/")
    mails = [m for m in mail.outbox if m.to == ["op-star@example.com"]]
    assert len(mails) == 1 and f"/institutions/{centre.pk}/enrolment/" in mails[0].body
    # The next day: the daily overdue reminder again, once.
    with on_day(D(2026, 11, 27)):
        delivery.reminders_run(on=D(2026, 11, 27))
    assert Digest.objects.filter(recipient=operator).count() == 2
    # Reported: the day after, nothing.
    report(centre, D(2026, 11, 1))
    with on_day(D(2026, 11, 28)):
        delivery.reminders_run(on=D(2026, 11, 28))
    assert Digest.objects.filter(recipient=operator).count() == 2


def _grow(n: int, start: int) -> None:
    street = DepartmentFactory(name="解放碑街道办事处", kind="street")
    authority = DepartmentFactory(name="区市场监管局")
    made = Institution.objects.bulk_create(
        Institution(name=f"批量托育{start + k}", credit_code=credit_code(5000 + start + k), nature="for_profit",
                    legal_form="enterprise", registration_authority=authority, street=street,
                    address=f"渝中区{k}号", legal_representative="张", contact_phone="023-63000000",
                    capacity=30, registered_on=D(2026, 1, 1), status="filed", filed_on=D(2026, 11, 2))
        for k in range(n)
    )
    User.objects.bulk_create(
        User(username=f"bulk-op-{start + k}", role="operator", institution=i, email=f"b{start + k}@example.com")
        for k, i in enumerate(made)
    )


def test_collecting_costs_the_same_queries_at_3_and_300_institutions(centre):
    ReminderSettings.current()
    Institution.objects.filter(pk=centre.pk).update(filed_on=D(2026, 11, 2))
    _grow(2, 0)
    with CaptureQueriesContext(connection) as small:
        found_small = rules.collect(D(2026, 11, 26))
    _grow(297, 2)
    with CaptureQueriesContext(connection) as large:
        found_large = rules.collect(D(2026, 11, 26))
    assert len([r for r in found_small if r.item_type == rules.ENROLMENT]) == 3
    assert len([r for r in found_large if r.item_type == rules.ENROLMENT]) == 300
    assert len(small) == len(large) <= 13
