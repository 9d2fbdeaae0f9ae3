"""Coordinators change the reminder rules in the admin, without a deploy; the
change is kept in the history. Inboxes have no admin page."""
import datetime as dt

import pytest
from django.urls import NoReverseMatch, reverse

from accounts.services import user_create
from audit.models import ObjectChange
from notifications import rules
from notifications.models import ReminderSettings

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(world):
    return user_create(username="admin-coordinator", password="Portal-test-2026!", role="coordinator",
                       full_name="王督办")


def form(settings: ReminderSettings, **changes) -> dict:
    data = {
        "enabled": "on", "send_email": "on", "digest_max_items": settings.digest_max_items,
        "report_days_before": settings.report_days_before, "report_on_due_day": "on", "report_overdue_daily": "on",
        "milestone_days_before": settings.milestone_days_before, "milestone_overdue": "on",
        "notice_overdue_daily": "on", "filing_working_days": settings.filing_working_days,
        "escalate_leader_days": settings.escalate_leader_days,
        "escalate_coordinator_days": settings.escalate_coordinator_days, "catch_up_days": settings.catch_up_days,
    }
    data.update(changes)
    return data


def test_coordinator_edits_the_rules_in_the_admin(client, coordinator, world):
    client.force_login(coordinator)
    listing = client.get(reverse("admin:notifications_remindersettings_changelist"))
    assert listing.status_code == 302 and listing.url.endswith("/1/change/")
    page = client.get(listing.url)
    assert page.status_code == 200 and "进展报告截止前提醒（天）" in page.content.decode()
    response = client.post(listing.url, form(ReminderSettings.current(), report_days_before="5,2",
                                             escalate_coordinator_days=2))
    assert response.status_code == 302, response.content.decode()[:2000]
    current = ReminderSettings.current()
    assert current.report_days == (0, 2, 5) and current.escalate_coordinator_days == 2
    # The next run uses them: 5 days before November's due date (25th) is the 20th.
    assert {r.rule for r in rules.collect(dt.date(2026, 11, 20)) if r.due_date == dt.date(2026, 11, 25)} == {"before_5"}
    assert ObjectChange.objects.filter(object_repr="提醒设置").exists()


def test_bad_day_lists_are_refused(client, coordinator):
    client.force_login(coordinator)
    url = reverse("admin:notifications_remindersettings_change", args=[ReminderSettings.current().pk])
    response = client.post(url, form(ReminderSettings.current(), report_days_before="三天"))
    assert response.status_code == 200 and "请填写以逗号分隔的天数" in response.content.decode()
    assert ReminderSettings.current().report_days_before == "3,1"


def test_no_admin_page_exposes_anyone_s_inbox():
    for name in ("notification", "digest", "remindersent"):
        with pytest.raises(NoReverseMatch):
            reverse(f"admin:notifications_{name}_changelist")


def test_other_roles_cannot_change_the_rules(client, world):
    client.force_login(world.people.a_leader)
    url = reverse("admin:notifications_remindersettings_change", args=[ReminderSettings.current().pk])
    assert client.get(url).status_code == 302  # not staff: the admin sends them to its login
