"""A full ID number goes no further than the request that carries it: the flow below (staff
added, a typo refused, a person banned, the banned person refused at another institution, the
coordinators told) is walked through the pages, and every rendered page, the CSV export, the
stored files, the history, the inbox and every log line are searched for the full numbers."""
from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from audit.models import ObjectChange
from notifications.models import Notification
from regulation.models import BlockedAttempt, StaffMember
from regulation.personid import make, mask
from tests.factories import PDF_BYTES

WORKER = make("50010319900101121")
BANNED = make("50010319850505123")
TYPO = WORKER[:17] + ("1" if WORKER[17] != "1" else "2")


def _stored_files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def test_banned_person_refused_and_no_full_id_anywhere(reg, caplog):
    caplog.set_level(logging.DEBUG)
    files_before = _stored_files()
    pages: list[str] = []
    operator, other_operator, coordinator = Client(), Client(), Client()
    operator.force_login(reg.operator)
    other_operator.force_login(reg.other_operator)
    coordinator.force_login(reg.coordinator)

    def keep(response):
        pages.append(response.content.decode("utf-8", "replace"))
        return response

    staff = {"name": "张丽", "post": "caregiver", "health_expires": "2027-06-30", "started_on": "2026-09-01"}
    add_here = reverse("regulation:staff-add", args=[reg.inst.pk])
    page = keep(operator.post(add_here, {**staff, "id_number": TYPO}))
    assert "身份证号码校验码不正确" in page.content.decode()
    assert keep(operator.post(add_here, {**staff, "id_number": WORKER})).status_code == 302
    keep(coordinator.post(reverse("regulation:bans"), {
        "name": "钱某", "id_number": BANNED, "reason": "虐待婴幼儿", "decision_number": "渝中卫健禁〔2026〕1号",
        "decided_on": "2026-11-01", "decision_file": SimpleUploadedFile("决定书.pdf", PDF_BYTES, "application/pdf")}))
    refused = keep(other_operator.post(reverse("regulation:staff-add", args=[reg.other.pk]),
                                       {**staff, "name": "钱某", "id_number": BANNED}))
    assert "终身禁入名单" in refused.content.decode()
    assert not StaffMember.objects.filter(institution=reg.other).exists()
    assert BlockedAttempt.objects.filter(institution=reg.other).count() == 1
    for client, url in [
        (operator, reverse("regulation:staff", args=[reg.inst.pk])),
        (operator, reverse("regulation:staff-export", args=[reg.inst.pk])),
        (operator, reverse("regulation:institution", args=[reg.inst.pk])),
        (coordinator, reverse("regulation:bans")),
        (coordinator, reverse("regulation:staff", args=[reg.inst.pk])),
        (coordinator, reverse("notifications:inbox")),
        (other_operator, reverse("regulation:staff", args=[reg.other.pk])),
    ]:
        response = keep(client.get(url))
        assert response.status_code == 200, url
    joined = "\n".join(pages)
    assert mask(WORKER) in joined and mask(BANNED) in joined  # shown, masked
    assert Notification.objects.filter(recipient=reg.coordinator, title__contains="终身禁入人员被拦截").exists()

    texts = {"pages": joined, "logs": caplog.text}
    texts["history"] = "\n".join(str(c.changes) + c.comment + c.object_repr for c in ObjectChange.objects.all())
    texts["inbox"] = "\n".join(n.title + n.body for n in Notification.objects.all())
    texts["files"] = "\n".join(p.read_bytes().decode("latin-1") for p in _stored_files() - files_before)
    for where, text in texts.items():
        for number in (WORKER, BANNED, TYPO):
            assert number not in text, f"a full ID number in {where}"
            assert number[:17] not in text, f"the first 17 digits of an ID number in {where}"
