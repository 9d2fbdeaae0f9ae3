"""progress.services.reports: writing, submitting, reviewing and correcting reports."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.selectors import changes_for
from progress import services
from progress.models import ProgressReport, ReportFile
from progress.selectors import latest_approved_reports
from progress.services import reports as report_services
from tests.conftest import on_day

from ..conftest import draft, pdf, period

pytestmark = pytest.mark.django_db




def test_full_workflow_with_history(world):
    report = draft(world, files=[pdf()])
    assert report.state == "draft" and report.files.count() == 1
    report = services.report_submit(actor=world.officer, report=report)
    assert report.state == "submitted" and report.submitted_at
    report = services.report_return(actor=world.leader, report=report, reason="缺少会议纪要。")
    assert (report.state, report.return_reason) == ("returned", "缺少会议纪要。")
    report = services.report_update(
        actor=world.officer, report=report, progress="召开推进会一次，附会议纪要。", percent=40,
        add_files=[pdf("会议纪要.pdf")],
    )
    report = services.report_submit(actor=world.officer, report=report)
    assert report.state == "resubmitted"
    report = services.report_approve(actor=world.leader, report=report)
    assert report.state == "approved" and report.approved_at

    steps = [(t.from_state, t.to_state, t.actor, t.comment) for t in report.transitions.order_by("at", "id")]
    assert steps == [
        ("", "draft", world.officer, ""),
        ("draft", "submitted", world.officer, ""),
        ("submitted", "returned", world.leader, "缺少会议纪要。"),
        ("returned", "resubmitted", world.officer, ""),
        ("resubmitted", "approved", world.leader, ""),
    ]
    audit = list(changes_for(report))
    assert len(audit) == 6  # create, submit, return, edit, resubmit, approve
    assert any(c.comment == "退回：缺少会议纪要。" and c.actor == world.leader for c in audit)
    edit = next(c for c in audit if c.action == "update")
    assert "本期进展" in edit.changes and "会议纪要.pdf" in edit.comment


def test_required_fields_in_chinese_and_nothing_saved(world):
    with pytest.raises(ValidationError) as excinfo:
        draft(world, progress="  ", percent=120)
    assert excinfo.value.message_dict == {
        "progress": ["请填写本期进展。"], "percent": ["完成进度应为 0 到 100 之间的整数。"],
    }
    assert not ProgressReport.objects.exists()


def test_return_needs_a_reason(world):
    report = services.report_submit(actor=world.officer, report=draft(world))
    with pytest.raises(ValidationError) as excinfo:
        services.report_return(actor=world.leader, report=report, reason=" ")
    assert excinfo.value.message_dict == {"reason": ["退回时必须填写退回原因。"]}
    report.refresh_from_db()
    assert report.state == "submitted"


def test_one_report_per_period_and_no_future_periods(world):
    draft(world)
    with pytest.raises(ValidationError, match="已有进展报告"):
        draft(world)
    with on_day(dt.date(2026, 12, 31)), pytest.raises(ValidationError, match="尚未开始"):
        services.report_create(
            actor=world.officer, assignment=world.lead_a, period=period(world.plan, 2027, 1),
            progress="x", percent=1,
        )


def test_who_may_do_what(world):
    with pytest.raises(PermissionDenied):  # another unit's officer
        services.report_create(actor=world.other_officer, assignment=world.lead_a,
                               period=period(world.plan, 2026, 11), progress="x", percent=1)
    with pytest.raises(PermissionDenied):  # a leader does not write
        services.report_create(actor=world.leader, assignment=world.lead_a,
                               period=period(world.plan, 2026, 11), progress="x", percent=1)
    report = services.report_submit(actor=world.officer, report=draft(world))
    for actor in (world.officer, world.other_leader, world.coordinator, world.viewer):
        with pytest.raises(PermissionDenied):
            services.report_approve(actor=actor, report=report)
    with pytest.raises(PermissionDenied):
        services.report_return(actor=world.other_leader, report=report, reason="x")
    # The coordinator may return.
    report = services.report_return(actor=world.coordinator, report=report, reason="请补充数据。")
    assert report.state == "returned"


def test_a_late_second_reviewer_gets_a_clear_message(world):
    report = services.report_submit(actor=world.officer, report=draft(world))
    stale = ProgressReport.objects.get(pk=report.pk)
    services.report_approve(actor=world.leader, report=report)
    with pytest.raises(services.StateConflict) as excinfo:
        services.report_return(actor=world.coordinator, report=stale, reason="晚了一步")
    message = excinfo.value.messages[0]
    assert message.startswith(f"操作未执行：该报告已由{world.leader}于")
    assert "审核通过" in message and "请刷新页面" in message
    stale.refresh_from_db()
    assert stale.state == "approved" and stale.return_reason == ""


def test_approved_report_is_corrected_by_a_new_version(world):
    report = services.report_submit(actor=world.officer, report=draft(world, files=[pdf()]))
    v1 = services.report_approve(actor=world.leader, report=report)
    with pytest.raises(services.StateConflict):
        services.report_update(actor=world.officer, report=v1, progress="改", percent=1)
    with pytest.raises(ValidationError):
        services.report_correct(actor=world.officer, report=v1, reason="")
    v2 = services.report_correct(actor=world.officer, report=v1, reason="完成进度填错。")
    assert (v2.version, v2.state, v2.supersedes, v2.progress) == (2, "draft", v1, v1.progress)
    assert [f.file.name for f in v2.files.all()] == [f.file.name for f in v1.files.all()]
    with pytest.raises(ValidationError, match="正在处理中的更正版本"):
        services.report_correct(actor=world.officer, report=v1, reason="再改")
    # Until the correction is approved, version 1 is the one that counts.
    assert list(latest_approved_reports()) == [v1]
    services.report_update(actor=world.officer, report=v2, progress=v2.progress, percent=35)
    services.report_submit(actor=world.officer, report=v2)
    services.report_approve(actor=world.leader, report=v2)
    assert list(latest_approved_reports()) == [ProgressReport.objects.get(pk=v2.pk)]
    v1.refresh_from_db()
    assert v1.state == "approved" and v1.percent == 30  # never edited
    assert "已发起更正" in changes_for(v1)[0].comment


def test_removing_a_file_keeps_the_stored_copy_of_earlier_versions(world):
    v1 = services.report_approve(
        actor=world.leader, report=services.report_submit(actor=world.officer, report=draft(world, files=[pdf()]))
    )
    v2 = services.report_correct(actor=world.officer, report=v1, reason="换一份材料")
    services.report_update(actor=world.officer, report=v2, progress="x", percent=30,
                           remove_file_ids=list(v2.files.values_list("pk", flat=True)))
    assert v2.files.count() == 0 and v1.files.count() == 1
    assert v1.files.get().file.storage.exists(v1.files.get().file.name)




def test_nothing_is_stored_when_a_service_fails_after_upload(world, monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(report_services, "change_record", lambda **kw: (_ for _ in ()).throw(RuntimeError("boom")))
    with pytest.raises(RuntimeError):
        draft(world, files=[pdf()])
    assert not ProgressReport.objects.exists() and not ReportFile.objects.exists()
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_a_plan_not_in_force_takes_no_report(world):
    """A draft has no reporting yet; an ended plan's reports are history."""
    from tasks.models import Plan

    report = services.report_create(actor=world.officer, assignment=world.lead_a, period=dt.date(2026, 1, 1),
                                    progress="一月进展。", percent=10, submit=True)
    Plan.objects.filter(pk=world.plan.pk).update(status="ended", ended_on=dt.date(2026, 1, 31))
    with pytest.raises(PermissionDenied, match="已于2026年1月31日结束"):
        services.report_approve(actor=world.leader, report=report)
    with pytest.raises(PermissionDenied, match="已于2026年1月31日结束"):
        services.report_return(actor=world.coordinator, report=report, reason="请补充。")
    Plan.objects.filter(pk=world.plan.pk).update(status="draft", ended_on=None)
    world.lead_a.task.plan.refresh_from_db()
    with pytest.raises(PermissionDenied, match="尚未发布实施"):
        services.report_create(actor=world.officer, assignment=world.lead_a, period=dt.date(2026, 2, 1),
                               progress="二月进展。", percent=20)
    report.refresh_from_db()
    assert report.state == "submitted"
