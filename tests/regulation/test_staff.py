"""Staff and the 终身禁入 list: the ID number is checked, matched by its keyed hash, shown
masked only; a banned person is refused anywhere; two places at once are flagged; expiring
and expired 健康证明 are seen."""
from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from notifications.models import Notification
from regulation import personid, selectors, services
from regulation.models import BlockedAttempt, PersonBan, StaffMember
from regulation.services.staff import BannedPerson
from tests.factories import PDF_BYTES

from .conftest import DAY, valid_id

D = dt.date


def add(reg, *, institution=None, actor=None, id_number=None, **kw):
    args = dict(actor=actor or reg.operator, institution=institution or reg.inst, name="张丽", post="caregiver",
                id_number=id_number or valid_id(1), started_on=D(2026, 9, 1), health_expires=D(2027, 6, 30),
                qualification="保育师", background_checked_on=D(2026, 8, 20))
    args.update(kw)
    return services.staff_add(**args)


def ban(reg, id_number):
    return services.person_ban_add(
        actor=reg.coordinator, id_number=id_number, name="赵某", reason="虐待婴幼儿", decision_number="渝中卫禁〔2026〕1号",
        decided_on=D(2026, 11, 1), decision_file=SimpleUploadedFile("决定书.pdf", PDF_BYTES, "application/pdf"))


def test_id_number_check_digit_and_messages_name_the_field():
    assert personid.normalise("11010519491231002x") == "11010519491231002X"  # GB 11643's own example
    with pytest.raises(ValidationError) as err:
        personid.normalise("110105194912310021")
    assert err.value.messages == ["身份证号码校验码不正确，请核对后重新填写。"]
    with pytest.raises(ValidationError) as err:
        personid.normalise("11010519491331002X")
    assert "出生日期" in err.value.messages[0]
    with pytest.raises(ValidationError):
        personid.normalise("1101051949123100")
    assert personid.mask("11010519491231002X") == "1101**********002X"


def test_staff_kept_as_hash_and_mask_only(reg):
    number = valid_id(7)
    staff = add(reg, id_number=number)
    assert staff.person_masked == personid.mask(number) and len(staff.person_hash) == 64
    row = StaffMember.objects.filter(pk=staff.pk).values().get()
    assert not any(number in str(v) for v in row.values())
    with pytest.raises(ValidationError) as err:
        add(reg, id_number=number[:17] + ("0" if number[17] != "0" else "1"))
    assert err.value.message_dict == {"id_number": ["身份证号码校验码不正确，请核对后重新填写。"]}
    with pytest.raises(PermissionDenied):
        add(reg, actor=reg.other_operator)


def test_banned_person_is_refused_at_any_institution_and_coordinators_told(reg):
    number = valid_id(9)
    ban(reg, number)
    with pytest.raises(BannedPerson) as err:
        add(reg, institution=reg.other, actor=reg.other_operator, id_number=number)
    assert "终身禁入" in err.value.message_dict["id_number"][0]
    assert not StaffMember.objects.exists()
    attempt = BlockedAttempt.objects.get()
    assert attempt.institution == reg.other
    told = Notification.objects.get(recipient=reg.coordinator, title__contains="终身禁入人员被拦截")
    assert number not in told.body and personid.mask(number) in told.body
    assert add(reg, id_number=valid_id(10)).pk  # someone else is fine


def test_ban_of_someone_working_tells_coordinators_and_needs_a_decision(reg):
    number = valid_id(11)
    add(reg, id_number=number)
    ban(reg, number)
    assert Notification.objects.filter(recipient=reg.coordinator, title__contains="终身禁入人员仍在岗").exists()
    with pytest.raises(ValidationError) as err:
        services.person_ban_add(actor=reg.coordinator, id_number=valid_id(12), name="钱某", reason="x",
                                decision_number="", decided_on=DAY, decision_file=None)
    assert set(err.value.message_dict) == {"decision_number", "decision_file"}
    with pytest.raises(PermissionDenied):
        services.person_ban_add(actor=reg.operator, id_number=valid_id(13), name="x", reason="x",
                                decision_number="x", decided_on=DAY, decision_file=None)
    assert PersonBan.objects.count() == 1


def test_active_at_two_institutions_is_flagged(reg):
    number = valid_id(14)
    here = add(reg, id_number=number)
    there = add(reg, institution=reg.other, actor=reg.other_operator, id_number=number)
    assert selectors.staff_of(reg.inst).get(pk=here.pk).elsewhere
    services.staff_end(actor=reg.other_operator, staff=there, ended_on=D(2026, 11, 30))
    assert not selectors.staff_of(reg.inst).get(pk=here.pk).elsewhere


def test_expiring_reminded_and_expired_makes_the_institution_yellow(reg):
    soon = add(reg, id_number=valid_id(15), health_expires=DAY + dt.timedelta(days=30))
    later = add(reg, id_number=valid_id(16), health_expires=DAY + dt.timedelta(days=31))
    assert list(selectors.staff_expiring(on=DAY)) == [soon]
    assert later not in selectors.staff_expiring(on=DAY)
    assert selectors.institution_light(reg.inst, on=DAY).colour == "green"
    expired_on = DAY + dt.timedelta(days=31)
    light = selectors.institution_light(reg.inst, on=expired_on)
    assert (light.colour, light.reasons) == ("yellow", ("1名从业人员健康证明或资格证书过期",))


def test_certificate_scans_are_checked_and_kept_for_the_institution(reg, client):
    from django.urls import reverse

    from regulation.models import StaffDocument

    staff = add(reg, id_number=valid_id(30))
    with pytest.raises(ValidationError) as err:
        services.staff_document_add(actor=reg.operator, staff=staff, kind="health",
                                    upload=SimpleUploadedFile("健康证.pdf", b"not a pdf", "application/pdf"))
    assert "file" in err.value.message_dict and not StaffDocument.objects.exists()
    with pytest.raises(PermissionDenied):
        services.staff_document_add(actor=reg.other_operator, staff=staff, kind="health",
                                    upload=SimpleUploadedFile("健康证.pdf", PDF_BYTES, "application/pdf"))
    document = services.staff_document_add(actor=reg.operator, staff=staff, kind="health",
                                           upload=SimpleUploadedFile("健康证.pdf", PDF_BYTES, "application/pdf"))
    client.force_login(reg.operator)
    response = client.get(reverse("regulation:staff-document", args=[document.pk]))
    assert response["Content-Disposition"].startswith("attachment") and response["X-Content-Type-Options"] == "nosniff"
    client.force_login(reg.other_operator)
    assert client.get(reverse("regulation:staff-document", args=[document.pk])).status_code == 404
