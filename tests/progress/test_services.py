"""Business actions of the progress domain: states, who may act, history."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.selectors import changes_for
from core import clock
from progress import services
from progress.models import (
    AssignmentCompletion,
    ProgressReport,
    ReportFile,
    ReportingPeriod,
    SupervisionNotice,
)
from progress.selectors import latest_approved_reports, milestone_metric
from progress.timerules import milestone_met
from tasks.models import Milestone
from tests.conftest import on_day
from tests.factories import PDF_BYTES

from .conftest import period

pytestmark = pytest.mark.django_db


def pdf(name="佐证.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def draft(world, **extra):
    fields = {"progress": "召开推进会一次。", "percent": 30, "problems": "", "next_steps": "继续推进。"}
    fields.update(extra)
    return services.report_create(
        actor=world.officer, assignment=world.lead_a, period=period(world.plan, 2026, 11), **fields
    )


# ---- periods -----------------------------------------------------------------------


def test_periods_ensure_creates_the_calendar_once(plan_2020):
    created = services.periods_ensure(plan=plan_2020, through=dt.date(2026, 11, 28))
    # 2020-07 … 2026-11 is 77 months, plus the coming one (2026-12).
    assert created == 78
    assert services.periods_ensure(plan=plan_2020, through=dt.date(2026, 11, 28)) == 0
    first = ReportingPeriod.objects.filter(plan=plan_2020).first()
    assert (first.label, first.start, first.due_date) == ("2020年7月", dt.date(2020, 7, 1), dt.date(2020, 7, 25))
    last = ReportingPeriod.objects.filter(plan=plan_2020).last()
    assert (last.label, last.due_date) == ("2026年12月", dt.date(2026, 12, 25))


def test_quarterly_plans_report_by_quarter(plan_2020):
    plan_2020.period_months = 3
    plan_2020.save()
    services.periods_ensure(plan=plan_2020, through=dt.date(2021, 2, 1))
    labels = list(ReportingPeriod.objects.filter(plan=plan_2020).values_list("label", "due_date"))
    assert labels == [
        ("2020年第3季度", dt.date(2020, 9, 25)), ("2020年第4季度", dt.date(2020, 12, 25)),
        ("2021年第1季度", dt.date(2021, 3, 25)), ("2021年第2季度", dt.date(2021, 6, 25)),
    ]


# ---- the report workflow --------------------------------------------------------------


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


# ---- lead unit summary -----------------------------------------------------------------


def test_lead_unit_writes_one_summary_per_period(world):
    p = period(world.plan, 2026, 11)
    first = services.lead_summary_save(actor=world.officer, task=world.task, period=p, text="两家单位均已报送。")
    second = services.lead_summary_save(actor=world.leader, task=world.task, period=p, text="修订：两家单位均已报送并通过。")
    assert first.pk == second.pk and second.text.startswith("修订") and second.department == world.lead
    with pytest.raises(PermissionDenied):
        services.lead_summary_save(actor=world.other_officer, task=world.task, period=p, text="x")


# ---- notices ------------------------------------------------------------------------------


def test_notice_issue_reply_close_and_follow_up(world):
    due = dt.date.today() + dt.timedelta(days=5)
    with pytest.raises(PermissionDenied):
        services.notice_issue(actor=world.leader, assignment=world.other_a, reason="x", reply_due=due)
    with pytest.raises(ValidationError) as excinfo:
        services.notice_issue(actor=world.coordinator, assignment=world.other_a, reason="",
                              reply_due=dt.date(2020, 1, 1))
    assert set(excinfo.value.message_dict) == {"reason", "reply_due"}
    notice = services.notice_issue(actor=world.coordinator, assignment=world.other_a,
                                   reason="连续两期未报送进展。", reply_due=due)
    second = services.notice_issue(actor=world.coordinator, assignment=world.lead_a, reason="请说明。", reply_due=due)
    assert second.seq == notice.seq + 1 and notice.number.startswith("渝中托育督〔")
    with pytest.raises(PermissionDenied):
        services.notice_reply(actor=world.officer, notice=notice, text="x")  # not the unit noticed
    notice = services.notice_reply(actor=world.other_officer, notice=notice, text="已整改。", files=[pdf()])
    assert notice.state == "answered" and notice.files.count() == 1
    with pytest.raises(services.StateConflict):
        services.notice_reply(actor=world.other_leader, notice=notice, text="再答复")
    follow = services.notice_issue(actor=world.coordinator, assignment=world.other_a, reason="整改不到位。",
                                   reply_due=due, follow_up_of=notice)
    notice.refresh_from_db()
    assert notice.state == "closed" and follow.number in notice.close_comment
    services.notice_close(actor=world.coordinator, notice=follow, comment="已办结。")
    assert SupervisionNotice.objects.get(pk=follow.pk).state == "closed"


# ---- completion ---------------------------------------------------------------------------


def test_completion_claim_and_acceptance(world):
    with pytest.raises(ValidationError):
        services.completion_claim(actor=world.other_officer, assignment=world.other_a, note="")
    claim = services.completion_claim(actor=world.other_officer, assignment=world.other_a, note="已完成。")
    with pytest.raises(services.StateConflict):
        services.completion_claim(actor=world.other_leader, assignment=world.other_a, note="再报")
    with pytest.raises(PermissionDenied):  # the lead unit's officer does not accept
        services.completion_accept(actor=world.officer, completion=claim)
    accepted = services.completion_accept(actor=world.leader, completion=claim, comment="同意。")
    assert accepted.state == "accepted" and accepted.decided_by == world.leader
    with pytest.raises(services.StateConflict):
        services.completion_reject(actor=world.coordinator, completion=claim, reason="x")
    own = services.completion_claim(actor=world.officer, assignment=world.lead_a, note="牵头工作完成。")
    with pytest.raises(PermissionDenied):  # a lead unit does not accept its own part
        services.completion_accept(actor=world.leader, completion=own)
    rejected = services.completion_reject(actor=world.coordinator, completion=own, reason="尚缺总结。")
    assert rejected.state == "rejected"
    again = services.completion_claim(actor=world.officer, assignment=world.lead_a, note="已补总结。")
    assert AssignmentCompletion.objects.filter(assignment=world.lead_a).count() == 2 and again.state == "claimed"


# ---- milestones -----------------------------------------------------------------------------


def test_milestone_confirmation_by_the_coordinator(world):
    m = Milestone.objects.create(plan=world.plan, task=world.task, title="成立专家组", due_date=dt.date(2026, 12, 31))
    with pytest.raises(PermissionDenied):
        services.milestone_confirm(actor=world.leader, milestone=m, met_on=dt.date(2026, 11, 1), evidence="x")
    with pytest.raises(ValidationError) as excinfo:
        services.milestone_confirm(actor=world.coordinator, milestone=m, met_on=None, evidence="")
    assert set(excinfo.value.message_dict) == {"met_on", "evidence"}
    m = services.milestone_confirm(actor=world.coordinator, milestone=m, met_on=dt.date(2026, 11, 1),
                                   evidence="区卫生健康委发文成立专家组。", files=[pdf()])
    assert milestone_met(m, clock.today()) and m.confirmed_by == world.coordinator and m.evidence_files.count() == 1
    assert changes_for(m)[0].comment.startswith("确认节点目标已达成")


def test_metric_values_typed_or_computed(users, plan_2020):
    coordinator = users["coordinator"]
    typed = Milestone.objects.get(task__plan=plan_2020, task__number=3, target_value__isnull=False)
    services.milestone_value_set(actor=coordinator, milestone=typed, current_value=Decimal("37.5"))
    assert milestone_metric(Milestone.objects.get(pk=typed.pk)).value == Decimal("37.5")
    filing = Milestone.objects.get(task__plan=plan_2020, task__number=8)
    assert filing.metric_source == "institutions.filing_completion_rate"
    with pytest.raises(ValidationError):
        services.milestone_value_set(actor=coordinator, milestone=filing, current_value=Decimal(1))
    assert Milestone.objects.get(task__plan=plan_2020, task__number=9).metric_source == "institutions.demonstration_count"


def test_missing_indicator_module_is_not_yet_available(world):
    m = Milestone(plan=world.plan, title="x", due_date=dt.date(2026, 12, 31), target_value=1,
                  metric_source="nosuchapp.some_rate")
    value = milestone_metric(m)
    assert (value.available, value.computed, value.note) == (False, True, "数据来源模块尚未启用")


def test_nothing_is_stored_when_a_service_fails_after_upload(world, monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(services, "change_record", lambda **kw: (_ for _ in ()).throw(RuntimeError("boom")))
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
