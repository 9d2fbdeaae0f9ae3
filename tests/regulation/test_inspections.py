"""Inspections to closure: record → answer with evidence → close or reopen → overdue → 督办单."""
from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core.service_calls import StateConflict
from notifications.models import Notification
from regulation import selectors, services
from regulation.models import Finding, FindingEvidence, Inspection
from tests.factories import PDF_BYTES

from .conftest import DAY

D = dt.date


def record(reg, *, findings=(("灭火器过期", D(2026, 12, 10)), ("晨检记录不全", D(2026, 12, 5))), **kw):
    args = dict(actor=reg.inspector, institution=reg.inst, inspected_on=DAY, kind="health", inspectors="王敏、李强",
                findings=findings)
    args.update(kw)
    return services.inspection_record(**args)


def test_inspector_records_for_own_unit_and_the_operator_is_told(reg):
    inspection = record(reg, findings=(("灭火器过期", D(2026, 12, 10)), ("环境整洁", None)))
    assert inspection.unit == reg.cdc
    states = list(inspection.findings.values_list("state", flat=True))
    assert states == [Finding.State.OPEN, Finding.State.NOTED]
    assert Notification.objects.filter(recipient=reg.operator, title__contains="1项问题待整改").exists()


def test_only_inspecting_units_and_coordinators_record(reg):
    with pytest.raises(PermissionDenied):
        record(reg, actor=reg.officer)  # 区人力社保局 is no inspecting unit
    with pytest.raises(PermissionDenied):
        record(reg, actor=reg.operator)
    with pytest.raises(ValidationError) as err:
        record(reg, actor=reg.coordinator)  # a coordinator must name the unit
    assert "unit" in err.value.message_dict
    assert record(reg, actor=reg.coordinator, unit=reg.enforcement).unit == reg.enforcement
    assert Inspection.objects.count() == 1


def test_bad_input_names_the_row_and_changes_nothing(reg):
    with pytest.raises(ValidationError) as err:
        record(reg, findings=(("", D(2026, 12, 10)), ("问题", D(2026, 11, 1))), inspected_on=DAY)
    assert err.value.message_dict["finding_1"] == ["第1项发现：请填写问题描述。"]
    assert err.value.message_dict["finding_2"] == ["第2项发现：整改期限不能早于检查日期。"]
    with pytest.raises(ValidationError) as err:
        record(reg, inspected_on=DAY + dt.timedelta(days=1))
    assert "检查日期不能晚于今天" in err.value.message_dict["inspected_on"][0]
    assert not Inspection.objects.exists()


def test_answer_close_reopen_and_overdue(reg):
    inspection = record(reg)
    first, second = inspection.findings.order_by("position")
    evidence = SimpleUploadedFile("整改照片.pdf", PDF_BYTES, content_type="application/pdf")
    services.finding_answer(actor=reg.operator, finding=first, text="已更换灭火器", files=[evidence])
    services.finding_answer(actor=reg.operator, finding=second, text="已补记")
    assert FindingEvidence.objects.filter(finding=first).count() == 1
    with pytest.raises(PermissionDenied):
        services.finding_close(actor=reg.other_inspector, finding=first)  # another unit's inspection
    services.finding_close(actor=reg.inspector, finding=first)
    with pytest.raises(ValidationError):
        services.finding_reopen(actor=reg.inspector, finding=second, reason=" ")
    services.finding_reopen(actor=reg.inspector, finding=second, reason="记录仍缺11月")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, first.closed_on) == (Finding.State.CLOSED, DAY)
    assert (second.state, second.reopen_reason) == (Finding.State.OPEN, "记录仍缺11月")
    with pytest.raises(StateConflict):
        services.finding_close(actor=reg.inspector, finding=first)
    # Due 12-05: overdue from 12-06, not before; the institution is red then.
    assert list(selectors.rectifications_overdue(on=D(2026, 12, 5))) == []
    assert list(selectors.rectifications_overdue(on=D(2026, 12, 6))) == [second]
    assert selectors.institution_light(reg.inst, on=D(2026, 12, 5)).colour == "green"
    assert selectors.institution_light(reg.inst, on=D(2026, 12, 6)).colour == "red"
    assert selectors.institution_light(reg.other, on=D(2026, 12, 6)).colour == "green"


def test_only_the_inspected_institution_answers(reg):
    finding = record(reg).findings.first()
    with pytest.raises(PermissionDenied):
        services.finding_answer(actor=reg.other_operator, finding=finding, text="x")
    bad = SimpleUploadedFile("a.pdf", b"MZ not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError) as err:
        services.finding_answer(actor=reg.operator, finding=finding, text="已整改", files=[bad])
    assert "files" in err.value.message_dict
    finding.refresh_from_db()
    assert finding.state == Finding.State.OPEN and not FindingEvidence.objects.exists()


def test_overdue_becomes_a_notice_to_the_responsible_unit(reg):
    from tests.conftest import on_day

    inspection = record(reg, kind="safety")
    finding = inspection.findings.get(position=2)  # due 12-05
    choices = services.inspections.escalation_assignments(finding, on=DAY)
    assert {a.task.number for a in choices} == {11}
    assignment = choices.get(department__name="区卫生健康委")
    with pytest.raises(StateConflict):  # not overdue yet
        services.finding_escalate(actor=reg.coordinator, finding=finding, assignment=assignment,
                                  reply_due=D(2026, 12, 20))
    with on_day(D(2026, 12, 8)):
        with pytest.raises(PermissionDenied):
            services.finding_escalate(actor=reg.inspector, finding=finding, assignment=assignment,
                                      reply_due=D(2026, 12, 20))
        services.finding_escalate(actor=reg.coordinator, finding=finding, assignment=assignment,
                                  reply_due=D(2026, 12, 20))
    finding.refresh_from_db()
    assert finding.notice.assignment == assignment
    assert "小星星托育中心" in finding.notice.reason
