"""Demo data of the read side (settings.DEMO_DATA_BUILDERS, after the progress
demo): one finished big export for demo-viewer, so "数据导出" shows a download
and the inbox its notice; and for the coordinator's 待办, a report of the demo plan
returned twice and a completion claim to accept. The dashboards need nothing of their own: they read
the progress and institutions demo data. Idempotent."""
from __future__ import annotations

from django.db.models import Count, Q

from accounts.models import User
from progress import services as progress_services
from progress.models import AssignmentCompletion, ProgressReport
from tasks.models import Assignment, Plan

from .models import ExportJob
from .services import export_job_run
from .todo import RETURNED_TIMES

UNIT = "区人力社保局"  # demo-officer's and demo-leader's unit


def build(*, stdout=None) -> None:
    _export(stdout)
    _todo_items(stdout)


def _todo_items(stdout) -> None:
    officer = User.objects.filter(username="demo-officer").first()
    leader = User.objects.filter(username="demo-leader").first()
    plan = Plan.objects.filter(
        status=Plan.Status.IN_FORCE, items__assignments__department__name=UNIT
    ).distinct().order_by("pk").first()
    if officer is None or leader is None or plan is None:
        return
    reports = ProgressReport.objects.filter(assignment__task__plan=plan, assignment__department__name=UNIT)
    returned = Count("transitions", filter=Q(transitions__to_state=ProgressReport.State.RETURNED))
    made = []
    if not reports.annotate(n=returned).filter(n__gte=RETURNED_TIMES).exists():
        report = reports.filter(state=ProgressReport.State.SUBMITTED).order_by("pk").first()
        if report is not None:
            report = progress_services.report_return(actor=leader, report=report, reason="请补充本期具体数据。")
            report = progress_services.report_submit(actor=officer, report=report)
            progress_services.report_return(actor=leader, report=report, reason="数据仍不完整，请核实后再报。")
            made.append("一份被退回两次的进展报告")
    ours = Assignment.objects.filter(task__plan=plan, department__name=UNIT, role=Assignment.Role.LEAD).order_by("pk")
    if not AssignmentCompletion.objects.filter(assignment__in=ours).exists() and ours.exists():
        progress_services.completion_claim(actor=officer, assignment=ours.first(), note="本单位牵头任务已全部完成。")
        made.append("一项待确认的完成申报")
    if made and stdout is not None:
        stdout.write(f"督办管理员待办演示数据：{'、'.join(made)}。")


def _export(stdout) -> None:
    viewer = User.objects.filter(username="demo-viewer").first()
    if viewer is None or ExportJob.objects.filter(owner=viewer).exists():
        return
    job = ExportJob.objects.create(owner=viewer, kind=ExportJob.Kind.REPORT_HISTORY)
    job = export_job_run(job_id=job.pk)
    if stdout is not None and job is not None:
        stdout.write(f"演示数据：demo-viewer 的进展报告导出（{job.done_rows} 行）已生成。")
