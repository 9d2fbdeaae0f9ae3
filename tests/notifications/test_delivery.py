"""Recording and delivery: one digest per person per day, nothing twice,
nothing lost, bounded queries."""
import datetime as dt
import smtplib

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications import delivery, rules
from notifications.links import Links
from notifications.models import Digest, Notification, ReminderSent, ReminderSettings
from tasks.models import Assignment, WorkItem
from tests.factories import (
    MilestoneFactory,
    ProgressReportFactory,
    ReportingPeriodFactory,
    SupervisionNoticeFactory,
)

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run the daily job for a day, executing after-commit callbacks (the e-mail) as a real commit would."""

    def _run(on, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return delivery.reminders_run(on=on, **kwargs)

    return _run


def digests_of(user):
    return list(Digest.objects.filter(recipient=user).order_by("date"))


def mails_to(user):
    return [m for m in mail.outbox if m.to == [user.email]]


def grow(world, tasks: int) -> None:
    """`tasks` more tasks on the world's plan, each assigned to units A and B."""
    start = WorkItem.objects.filter(plan=world.plan).count() + 1
    items = WorkItem.objects.bulk_create(
        WorkItem(plan=world.plan, kind=1, number=start + n, title=f"批量任务{n}", content="内容",
                 lead_unit=world.unit_a)
        for n in range(tasks)
    )
    Assignment.objects.bulk_create(
        [Assignment(task=item, department=world.unit_a, role="lead") for item in items]
        + [Assignment(task=item, department=world.unit_b, role="responsible") for item in items]
    )


# ---------------------------------------------------------------- grouping


def test_many_items_make_one_digest_per_person_per_day(world, run):
    grow(world, 4)  # five tasks in all: five overdue reports per unit
    SupervisionNoticeFactory(assignment=world.lead, reply_due=D(2026, 11, 20), issued_by=world.people.coordinator)
    MilestoneFactory(task=world.task, due_date=D(2026, 12, 5), title="完成现有机构规范注册")  # 7 days ahead
    result = run(D(2026, 11, 28))

    officer = world.people.a_officer
    assert len(digests_of(officer)) == 1
    assert Notification.objects.filter(recipient=officer).count() == 1
    note = Notification.objects.get(recipient=officer)
    assert note.title == "2026年11月28日待办提醒：共7项" and note.category == "digest"
    assert note.body.count("进展报告（区人力社保局）：已于2026年11月25日到期，逾期3天，尚未提交") == 5
    assert "督办单 渝中托育督〔2026〕" in note.body and "答复期限为2026年11月20日，已逾期8天仍未答复" in note.body
    assert "节点目标“完成现有机构规范注册”：将于2026年12月5日到期（还剩7天）" in note.body

    (message,) = mails_to(officer)
    assert message.subject == "【渝中区婴幼儿照护服务督办平台】2026年11月28日待办提醒：共7项"
    assert "李填报，您好" in message.body
    html, mime = message.alternatives[0]
    assert mime == "text/html" and '<html lang="zh-hans">' in html
    link = Links().report(assignment_id=world.lead.pk, task_id=world.task.pk)  # the unit's page for the item
    assert link and f'href="http://127.0.0.1:8000{link}"' in html
    assert f"http://127.0.0.1:8000/notifications/{note.pk}/" in message.body
    # Every person with something due got exactly one digest and one e-mail.
    people = {d.digest.recipient_id for d in result.digests}
    assert len(people) == len(result.digests) == Digest.objects.count() == len(mail.outbox)
    assert world.people.viewer.pk not in people


def test_escalations_reach_leaders_and_coordinators(world, run):
    run(D(2026, 11, 28))
    leader_note = Notification.objects.get(recipient=world.people.a_leader)
    assert "【本单位逾期事项（升级提醒）】" in leader_note.body
    assert "逾期3天仍未提交，请督促本单位尽快办理" in leader_note.body
    coordinator_note = Notification.objects.get(recipient=world.people.coordinator)
    assert "【各单位逾期事项（升级至督办管理员）】" in coordinator_note.body
    assert "（区人力社保局）" in coordinator_note.body and "（区教委）" in coordinator_note.body
    assert coordinator_note.body.count("请予督办") == 2


def test_absolute_links_follow_the_portal_base_url(world, run, settings):
    settings.PORTAL_BASE_URL = "https://tuoyu.yuzhong.gov.cn"
    run(D(2026, 11, 28))
    (message,) = mails_to(world.people.a_officer)
    link = Links().report(assignment_id=world.lead.pk, task_id=world.task.pk)
    assert f"https://tuoyu.yuzhong.gov.cn{link}\n" in message.body


def test_the_digest_lists_at_most_the_configured_number_of_items(world, run):
    grow(world, 9)
    ReminderSettings.objects.update_or_create(pk=1, defaults={"digest_max_items": 4})
    run(D(2026, 11, 28))
    note = Notification.objects.get(recipient=world.people.a_officer)
    assert note.title.endswith("共10项") and "……另有6项" in note.body
    (message,) = mails_to(world.people.a_officer)
    assert "另有6项" in message.body
    assert Digest.objects.get(recipient=world.people.a_officer).items.count() == 10


# ---------------------------------------------------------------- nothing twice


def test_a_double_run_sends_nothing_twice(world, run):
    first = run(D(2026, 11, 28))
    assert first.new > 0 and first.digests
    counts = (ReminderSent.objects.count(), Digest.objects.count(), Notification.objects.count(), len(mail.outbox))
    second = run(D(2026, 11, 28))
    assert second.new == 0 and second.digests == []
    assert counts == (ReminderSent.objects.count(), Digest.objects.count(), Notification.objects.count(),
                      len(mail.outbox))


def test_the_next_day_repeats_only_the_daily_rules(world, run):
    run(D(2026, 11, 26))
    assert len(digests_of(world.people.a_leader)) == 1  # escalated on day 1
    run(D(2026, 11, 27))
    assert len(digests_of(world.people.a_officer)) == 2  # daily while overdue
    assert len(digests_of(world.people.a_leader)) == 1   # the escalation is not repeated
    assert ReminderSent.objects.filter(recipient=world.people.a_leader).count() == 1


def test_a_crash_after_half_the_recipients_loses_nothing_and_duplicates_nothing(world, run, monkeypatch):
    grow(world, 2)
    real = delivery.deliver_to
    calls = []

    def dies_halfway(**kwargs):
        if len(calls) == 3:
            raise SystemExit("worker killed")  # the process dies here
        calls.append(kwargs["recipient_id"])
        return real(**kwargs)

    monkeypatch.setattr(delivery, "deliver_to", dies_halfway)
    with pytest.raises(SystemExit):
        run(D(2026, 11, 28))
    assert Digest.objects.count() == 3 and len(mail.outbox) == 3
    pending = set(ReminderSent.objects.filter(status="pending").values_list("recipient_id", flat=True))
    assert pending and pending.isdisjoint(calls)

    monkeypatch.setattr(delivery, "deliver_to", real)
    rerun = run(D(2026, 11, 28))
    assert {d.digest.recipient_id for d in rerun.digests} == pending   # exactly the rest
    everyone = {w.pk for w in vars(world.people).values() if w.role != "viewer"}
    assert set(Digest.objects.values_list("recipient_id", flat=True)) == everyone
    assert Digest.objects.count() == len(everyone) == len(mail.outbox)
    assert not ReminderSent.objects.filter(status="pending").exists()


def test_items_that_appear_after_the_digest_wait_for_tomorrow(world, run):
    run(D(2026, 12, 1))
    assert len(digests_of(world.people.a_officer)) == 1
    MilestoneFactory(task=world.task, due_date=D(2026, 12, 8))  # due in 7 days: a reminder for today
    later = run(D(2026, 12, 1))
    assert later.new == 2 and later.digests == []   # recorded, but one digest a day
    assert len(digests_of(world.people.a_officer)) == 1
    run(D(2026, 12, 2))
    second = Notification.objects.filter(recipient=world.people.a_officer).order_by("-pk").first()
    assert "将于2026年12月8日到期（还剩6天）" in second.body
    assert not ReminderSent.objects.filter(status="pending").exists()


def test_a_reminder_whose_item_was_handled_meanwhile_is_not_sent(world, run, monkeypatch):
    monkeypatch.setattr(delivery, "deliver_to", lambda **kwargs: None)  # recorded, never delivered (crash)
    run(D(2026, 11, 24))
    assert ReminderSent.objects.filter(status="pending").exists()
    monkeypatch.undo()
    period = ReportingPeriodFactory(plan=world.plan, start=D(2026, 11, 1))
    ProgressReportFactory(assignment=world.resp, period=period, state="submitted", created_by=world.people.b_officer)
    run(D(2026, 11, 24))
    # Unit B handed in November's report meanwhile: its reminder is dropped, the rest goes out.
    handled = ReminderSent.objects.get(recipient=world.people.b_officer, due_date=D(2026, 11, 25))
    assert handled.status == "obsolete" and handled.digest is None
    note = Notification.objects.get(recipient=world.people.b_officer)
    assert "2026年11月进展报告" not in note.body and "2026年10月进展报告" in note.body
    assert "2026年11月进展报告" in Notification.objects.get(recipient=world.people.a_officer).body


def test_a_missed_day_is_caught_up_under_the_same_key(world, run):
    run(D(2026, 11, 23))  # the job did not run on 11-22 (3 days before)
    row = ReminderSent.objects.get(recipient=world.people.a_officer, due_date=D(2026, 11, 25))
    assert (row.rule, row.date) == ("before_3", D(2026, 11, 22))
    assert "还剩2天" in Notification.objects.get(recipient=world.people.a_officer).body


# ---------------------------------------------------------------- e-mail


def test_e_mail_fails_then_the_next_run_sends_it(world, run, settings, monkeypatch):
    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("邮件服务器无响应")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    run(D(2026, 11, 28))
    assert len(mail.outbox) == 0
    digest = Digest.objects.get(recipient=world.people.a_officer)
    assert digest.email_status == "failed" and "SMTPServerDisconnected" in digest.email_error
    assert digest.email_attempts >= 1
    monkeypatch.undo()
    again = run(D(2026, 11, 28))
    assert again.requeued == Digest.objects.count() and again.digests == []
    assert len(mails_to(world.people.a_officer)) == 1
    assert Digest.objects.filter(email_status="sent").count() == Digest.objects.count()
    run(D(2026, 11, 28))
    assert len(mails_to(world.people.a_officer)) == 1  # still once


def test_an_e_mail_job_delivered_twice_sends_once(world, run):
    run(D(2026, 11, 28))
    digest = Digest.objects.get(recipient=world.people.a_officer)
    assert delivery.digest_email_send(digest_id=digest.pk) == "already"
    assert len(mails_to(world.people.a_officer)) == 1


def test_people_without_e_mail_still_get_the_inbox_digest(world, run):
    world.people.b_officer.email = ""
    world.people.b_officer.save()
    run(D(2026, 11, 28))
    digest = Digest.objects.get(recipient=world.people.b_officer)
    assert digest.email_status == "skipped" and digest.notification.title
    assert mails_to(world.people.b_officer) == []


def test_e_mail_can_be_switched_off(world, run):
    ReminderSettings.objects.update_or_create(pk=1, defaults={"send_email": False})
    run(D(2026, 11, 28))
    assert Digest.objects.exists() and mail.outbox == []
    assert set(Digest.objects.values_list("email_status", flat=True)) == {"skipped"}


# ---------------------------------------------------------------- bounded cost


def test_recording_is_one_statement_whatever_the_number(world):
    people = [world.people.a_officer.pk, world.people.b_officer.pk]
    reminders = [
        rules.Reminder(people[n % 2], "report", n, "overdue", D(2026, 11, 28), f"事项{n}", D(2026, 11, 25), "/x/")
        for n in range(10_000)
    ]
    with CaptureQueriesContext(connection) as ctx:
        assert delivery.record(reminders) == 10_000
    assert len(ctx) == 1
    with CaptureQueriesContext(connection) as ctx:
        assert delivery.record(reminders[:5000] + reminders[:10]) == 0  # all known: nothing inserted
    assert len(ctx) == 1


def _job_queries(on):
    with CaptureQueriesContext(connection) as ctx:
        result = delivery.reminders_run(on=on)
    return len(ctx), result


def test_query_count_does_not_grow_with_the_items_due(world, django_assert_max_num_queries):
    ReminderSettings.current()  # created on first use, as on any running portal
    grow(world, 4)  # 10 assignments
    with CaptureQueriesContext(connection) as ctx:
        found = rules.collect(D(2026, 11, 28))
    small_collect = len(ctx)
    small, small_result = _job_queries(D(2026, 11, 28))
    small_items = ReminderSent.objects.count()

    Digest.objects.all().delete()
    Notification.objects.all().delete()
    ReminderSent.objects.all().delete()
    grow(world, 4995)  # 10,000 assignments
    with CaptureQueriesContext(connection) as ctx:
        found_large = rules.collect(D(2026, 11, 28))
    large, large_result = _job_queries(D(2026, 11, 28))

    assert len(found) == small_items and len(found_large) >= 1000 * len(found)
    assert small_result.due * 1000 == large_result.due
    assert len(ctx) == small_collect <= 12     # collecting: a fixed handful of queries
    assert large == small                      # the whole job: same count at 10 and 10,000 items
    assert len(large_result.digests) == len(small_result.digests) == 6
    print(f"\nqueries: collect {small_collect}; whole job {small} at {small_result.due} reminders "
          f"(10 assignments), {large} at {large_result.due} reminders (10,000 assignments)")
    with django_assert_max_num_queries(small):
        delivery.reminders_run(on=D(2026, 11, 28))
