"""Complaints from the public: no account, rate-limited per address, urgent ones flagged to
every coordinator at once, assigned with a working-day deadline, replied, closed; the public
page shows counts, never the complainant."""
from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.urls import reverse

from agencies.models import Department
from core.service_calls import StateConflict
from notifications.models import Notification
from regulation import services
from regulation.models import Complaint

D = dt.date


def submit(reg, **kw):
    args = dict(institution=reg.inst, category="service", text="老师态度差", contact_name="王女士",
                contact_phone="13900001111", client_address="10.0.0.7")
    args.update(kw)
    return services.complaint_submit(**args)


def test_public_form_needs_no_account_and_shows_counts_never_the_complainant(client, reg):
    url = reverse("regulation:public", args=[reg.inst.pk])
    response = client.post(url, {"category": "health", "text": "厨房有老鼠", "contact_name": "李先生保密",
                                 "contact_phone": "13912345678"}, REMOTE_ADDR="10.1.1.1")
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.contact_phone == "13912345678"
    page = client.get(url).content.decode()
    assert "收到投诉" in page and "1 件" in page
    assert "李先生保密" not in page and "13912345678" not in page and "厨房有老鼠" not in page
    assert client.get(reverse("regulation:public", args=[reg.inst.pk + 999])).status_code == 404


def test_rate_limited_per_client_address(reg):
    with override_settings(REGULATION_COMPLAINTS_PER_HOUR=2):
        submit(reg)
        submit(reg)
        with pytest.raises(ValidationError) as err:
            submit(reg)
        assert "过于频繁" in err.value.messages[0]
        submit(reg, client_address="10.0.0.8")  # another address is not limited
    assert Complaint.objects.count() == 3


def test_safety_and_abuse_flagged_to_every_coordinator_at_once(reg):
    from tests.factories import UserFactory

    second = UserFactory(role="coordinator", department=reg.coordinator.department)
    submit(reg, category="abuse", text="孩子身上有掐痕")
    for coordinator in (reg.coordinator, second):
        assert Notification.objects.filter(recipient=coordinator, title__startswith="【紧急】").exists()
    submit(reg, category="fees")
    assert Notification.objects.filter(title__startswith="【紧急】").count() == 2


def test_assign_reply_close_with_a_working_day_deadline(reg):
    complaint = submit(reg)
    unit = Department.objects.get(name="区市场监管局")
    with pytest.raises(PermissionDenied):
        services.complaint_assign(actor=reg.officer, complaint=complaint, unit=unit)
    complaint = services.complaint_assign(actor=reg.coordinator, complaint=complaint, unit=unit)
    # Wednesday 2026-12-02 + 5 working days = Wednesday 2026-12-09.
    assert complaint.reply_due == D(2026, 12, 9)
    with pytest.raises(PermissionDenied):
        services.complaint_reply(actor=reg.officer, complaint=complaint, reply="已核查")  # another unit
    with pytest.raises(StateConflict):
        services.complaint_close(actor=reg.coordinator, complaint=complaint, outcome="x")
    services.complaint_reply(actor=reg.coordinator, complaint=complaint, reply="已约谈")
    complaint = services.complaint_close(actor=reg.coordinator, complaint=complaint, outcome="责令整改")
    assert complaint.state == Complaint.State.CLOSED and complaint.closed_on == D(2026, 12, 2)


def test_unit_sees_and_replies_only_to_what_it_is_assigned(client, reg):
    from tests.factories import UserFactory

    unit = Department.objects.get(name="区市场监管局")
    officer = UserFactory(role="officer", department=unit)
    mine, theirs = submit(reg), submit(reg, text="另一件")
    services.complaint_assign(actor=reg.coordinator, complaint=mine, unit=unit)
    client.force_login(officer)
    assert client.get(reverse("regulation:complaint", args=[theirs.pk])).status_code == 404
    response = client.post(reverse("regulation:complaint", args=[mine.pk]), {"action": "reply", "reply": "已现场核查"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert (mine.state, mine.replied_by) == (Complaint.State.REPLIED, officer)
