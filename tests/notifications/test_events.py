"""Workflow events reach exactly the people who must act or who asked, once:
never the actor, never another unit or institution, nothing for a rolled-back
action; e-mail as each recipient prefers (immediately, in the daily run, never)."""
import datetime as dt

import pytest
from django.core import mail
from django.db import transaction

from accounts.models import EmailPreference
from notifications import delivery
from notifications.models import Notification
from progress import services as progress
from tests.conftest import on_day
from tests.factories import InstitutionFactory, ReportingPeriodFactory, UserFactory
from tests.institutions.conftest import complete_filing

D = dt.date
DAY = D(2026, 12, 2)  # the world's reports are for November 2026


@pytest.fixture(autouse=True)
def _on_the_worlds_day():
    with on_day(DAY):
        yield


def told(*, title_has: str = "") -> dict[str, int]:
    """{username: how many messages whose title contains `title_has`}."""
    counts: dict[str, int] = {}
    for name in Notification.objects.filter(title__contains=title_has).values_list("recipient__username", flat=True):
        counts[name] = counts.get(name, 0) + 1
    return counts


def _draft(world):
    period = ReportingPeriodFactory(plan=world.plan, start=D(2026, 11, 1))
    return progress.report_create(actor=world.people.a_officer, assignment=world.lead, period=period,
                                  progress="已完成本期指导站建设调研。", percent=40)


def _submitted(world, django_capture_on_commit_callbacks):
    report = _draft(world)
    with django_capture_on_commit_callbacks(execute=True):
        return progress.report_submit(actor=world.people.a_officer, report=report)


# ---------------------------------------------------------------- reports


@pytest.mark.django_db
def test_report_submitted_tells_the_units_leaders_only(world, django_capture_on_commit_callbacks):
    report = _submitted(world, django_capture_on_commit_callbacks)
    assert told() == {"a-leader": 1}  # not the actor, not the other officer, not 区教委's leader, not the coordinator
    note = Notification.objects.get()
    assert note.title.startswith("待审核：") and "2026年11月" in note.title and "区人力社保局" in note.title
    assert note.url == f"/progress/reports/{report.pk}/" and note.category == "report"
    assert [m.to for m in mail.outbox] == [[world.people.a_leader.email]]  # default: immediately


@pytest.mark.django_db
def test_report_returned_tells_its_author_not_the_reviewer(world, django_capture_on_commit_callbacks):
    report = _submitted(world, django_capture_on_commit_callbacks)
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        progress.report_return(actor=world.people.a_leader, report=report, reason="请补充调研数据。")
    assert told() == {"a-officer": 1}
    note = Notification.objects.get()
    assert note.title.startswith("已退回：") and "请补充调研数据。" in note.body


@pytest.mark.django_db
def test_report_approved_tells_its_author(world, django_capture_on_commit_callbacks):
    report = _submitted(world, django_capture_on_commit_callbacks)
    Notification.objects.all().delete()
    progress.report_approve(actor=world.people.a_leader, report=report)
    assert told(title_has="已审核通过") == {"a-officer": 1} and told() == {"a-officer": 1}


@pytest.mark.django_db
def test_a_rolled_back_submission_tells_nobody_and_mails_nothing(world, django_capture_on_commit_callbacks):
    report = _draft(world)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            progress.report_submit(actor=world.people.a_officer, report=report)
            raise RuntimeError("a later step of the same request failed")
    assert not Notification.objects.exists() and callbacks == [] and mail.outbox == []
    report.refresh_from_db()
    assert report.state == "draft"


# ---------------------------------------------------------------- 督办单


@pytest.mark.django_db
def test_notice_issued_tells_the_units_officers_and_leaders(world):
    progress.notice_issue(actor=world.people.coordinator, assignment=world.resp, reason="进展滞后，请说明原因。",
                          reply_due=D(2026, 12, 10))
    assert told(title_has="收到督办单") == {"b-officer": 1, "b-leader": 1} and len(told()) == 2


@pytest.mark.django_db
def test_notice_replied_tells_the_coordinator_who_issued_it(world):
    other_coordinator = UserFactory(role="coordinator", department=None, username="coordinator-2",
                                    email="c2@example.gov.cn")
    notice = progress.notice_issue(actor=world.people.coordinator, assignment=world.resp, reason="进展滞后。",
                                   reply_due=D(2026, 12, 10))
    Notification.objects.all().delete()
    progress.notice_reply(actor=world.people.b_officer, notice=notice, text="已召开专题会部署整改。")
    assert told() == {"coordinator": 1}  # not the other coordinator, not the replying unit
    assert "已召开专题会部署整改。" in Notification.objects.get().body
    assert other_coordinator.notifications.count() == 0


# ---------------------------------------------------------------- filings


@pytest.fixture
def institution_world(world):
    from institutions import services as institutions

    mine = InstitutionFactory(name="小星星托育中心")
    other = InstitutionFactory(name="别家托育园")
    operator = UserFactory(role="operator", department=None, institution=mine, username="op",
                           email="op@example.gov.cn")
    UserFactory(role="operator", department=None, institution=other, username="other-op", email="o@example.gov.cn")
    coordinator2 = UserFactory(role="coordinator", department=None, username="coordinator-2",
                               email="c2@example.gov.cn")
    return institutions, mine, operator, coordinator2


@pytest.mark.django_db
def test_filing_submitted_tells_every_coordinator_and_not_the_institution(world, institution_world):
    institutions, mine, operator, _ = institution_world
    institutions.filing_submit(filing=complete_filing(mine), actor=operator)
    assert told(title_has="待审核备案") == {"coordinator": 1, "coordinator-2": 1} and len(told()) == 2


@pytest.mark.django_db
def test_filing_submitted_by_a_coordinator_on_behalf_is_not_told_to_that_coordinator(world, institution_world):
    institutions, mine, _, _ = institution_world
    institutions.filing_submit(filing=complete_filing(mine), actor=world.people.coordinator)
    assert told() == {"coordinator-2": 1}


@pytest.mark.django_db
def test_filing_returned_and_filed_tell_the_institutions_operator(world, institution_world):
    institutions, mine, operator, _ = institution_world
    coordinator = world.people.coordinator
    filing = institutions.filing_submit(filing=complete_filing(mine), actor=operator)
    Notification.objects.all().delete()
    filing = institutions.filing_return(filing=filing, actor=coordinator, reasons={"fire": "请上传盖章件。"})
    assert told() == {"op": 1} and "请上传盖章件。" in Notification.objects.get().body
    filing = institutions.filing_submit(filing=filing, actor=operator)
    Notification.objects.all().delete()
    filing = institutions.filing_approve(filing=filing, actor=coordinator)
    assert told() == {"op": 1}  # not the other institution's operator, not the coordinators
    note = Notification.objects.get()
    assert note.title.startswith("已予以备案") and filing.receipt_number in note.body


@pytest.mark.django_db
def test_a_rolled_back_approval_tells_nobody(world, institution_world):
    institutions, mine, operator, _ = institution_world
    filing = institutions.filing_submit(filing=complete_filing(mine), actor=operator)
    Notification.objects.all().delete()
    with pytest.raises(RuntimeError), transaction.atomic():
        institutions.filing_approve(filing=filing, actor=world.people.coordinator)
        raise RuntimeError("the receipt could not be rendered")
    assert not Notification.objects.exists()


# ---------------------------------------------------------------- e-mail preference


def _prefer(user, preference):
    user.email_preference = preference
    user.save(update_fields=["email_preference"])


@pytest.mark.django_db
def test_immediately_mails_after_commit_once(world, django_capture_on_commit_callbacks):
    _submitted(world, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [world.people.a_leader.email]
    assert "待审核" in mail.outbox[0].subject and "/progress/reports/" in mail.outbox[0].body
    assert Notification.objects.get().email_status == "sent"
    delivery.reminders_run(on=DAY, email_now=True)  # the daily run does not send it again
    assert [m for m in mail.outbox if "待审核" in m.body] == [mail.outbox[0]]


@pytest.mark.django_db
def test_digest_preference_mails_only_with_the_daily_run(world, django_capture_on_commit_callbacks):
    _prefer(world.people.a_leader, EmailPreference.DIGEST)
    _submitted(world, django_capture_on_commit_callbacks)
    assert mail.outbox == [] and Notification.objects.get().email_status == "digest"
    with django_capture_on_commit_callbacks(execute=True):
        result = delivery.reminders_run(on=DAY, email_now=True)
    assert result.event_emails == 1
    summaries = [m for m in mail.outbox if "消息汇总" in m.subject]
    assert len(summaries) == 1 and summaries[0].to == [world.people.a_leader.email]
    assert "待审核" in summaries[0].body
    delivery.reminders_run(on=DAY, email_now=True)  # a second run mails nothing more
    assert len([m for m in mail.outbox if "消息汇总" in m.subject]) == 1


@pytest.mark.django_db
def test_never_preference_mails_nothing_not_even_the_reminder_digest(world, django_capture_on_commit_callbacks):
    _prefer(world.people.a_leader, EmailPreference.NEVER)
    _prefer(world.people.b_officer, EmailPreference.NEVER)
    _submitted(world, django_capture_on_commit_callbacks)
    assert told() == {"a-leader": 1} and mail.outbox == []  # still in the inbox
    with django_capture_on_commit_callbacks(execute=True):
        result = delivery.reminders_run(on=D(2026, 11, 28), email_now=True)
    assert result.digests  # b-officer's report of 区教委 is due: a digest in the inbox…
    recipients = {address for m in mail.outbox for address in m.to}
    assert world.people.a_leader.email not in recipients and world.people.b_officer.email not in recipients


@pytest.mark.django_db
def test_inbox_notify_keeps_its_signature_and_skips_the_actor(world):
    from notifications.services import inbox_notify

    note = inbox_notify(user=world.people.a_officer, title="通知", body="正文")
    assert note.email_status == "" and mail.outbox == []  # e-mail only when a caller asks for it
    assert inbox_notify(user=world.people.a_officer, title="本人操作", actor=world.people.a_officer) is None
