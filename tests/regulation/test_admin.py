"""Regulation's and the registry's issue-15 records in the admin: every model registered,
read-only (the services change them), a page at a time without a full-table count, and a
staff member or banned person shown only by the masked ID — never the number or its hash."""
import datetime as dt

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from institutions.models import Assessment, EnrolmentReport, QualityStandard
from regulation import services
from regulation.models import (
    BlockedAttempt,
    Complaint,
    Finding,
    FindingEvidence,
    Inspection,
    PersonBan,
    ReminderLog,
    StaffDocument,
    StaffMember,
)
from tests.factories import PDF_BYTES, UserFactory

from .conftest import valid_id

pytestmark = pytest.mark.django_db
MODELS = [Inspection, Finding, FindingEvidence, StaffMember, StaffDocument, PersonBan, BlockedAttempt, Complaint,
          ReminderLog, EnrolmentReport, QualityStandard, Assessment]


def test_registered_read_only_and_without_full_count():
    for model in MODELS:
        model_admin = admin.site._registry[model]
        assert model_admin.show_full_result_count is False, model
        assert model_admin.list_select_related or not any(
            f.many_to_one for f in model._meta.fields if f.name in model_admin.list_display), model


def test_staff_and_bans_show_only_the_masked_id(reg):
    number, banned = valid_id(7), valid_id(8, birth="19800202")
    staff = services.staff_add(actor=reg.operator, institution=reg.inst, name="张丽", post="caregiver",
                               id_number=number, started_on=dt.date(2026, 9, 1), health_expires=dt.date(2027, 6, 30))
    ban = services.person_ban_add(actor=reg.coordinator, id_number=banned, name="钱某", reason="虐待婴幼儿",
                                  decision_number="渝中卫健禁〔2026〕1号", decided_on=dt.date(2026, 11, 1),
                                  decision_file=SimpleUploadedFile("决定书.pdf", PDF_BYTES, "application/pdf"))
    root = UserFactory(username="root", is_superuser=True, is_staff=True, role="coordinator", department=None)
    client = Client()
    client.force_login(root)
    for model, pk in ((StaffMember, staff.pk), (PersonBan, ban.pk)):
        name = model._meta.model_name
        for url in (reverse(f"admin:regulation_{name}_changelist"), reverse(f"admin:regulation_{name}_change",
                                                                              args=[pk])):
            page = client.get(url)
            assert page.status_code == 200, url
            text = page.content.decode()
            row = model.objects.get(pk=pk)
            assert row.person_masked in text
            assert number not in text and banned not in text and row.person_hash not in text, url
            assert "/media/" not in text  # the decision file only through its checked view
        assert client.get(reverse(f"admin:regulation_{name}_add")).status_code == 403
        assert client.post(reverse(f"admin:regulation_{name}_delete", args=[pk]), {"post": "yes"}).status_code == 403
    assert StaffMember.objects.filter(pk=staff.pk).exists() and PersonBan.objects.filter(pk=ban.pk).exists()
