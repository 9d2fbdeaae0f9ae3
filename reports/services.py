"""Writes of the read side: export jobs. Keyword-only, atomic where they
write, recording history (audit.services.change_record)."""
from __future__ import annotations

import logging
import os
import tempfile
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse

from audit.models import ObjectChange
from audit.services import change_record
from core import clock

from . import bigexport
from .models import ExportJob
from .selectors import DEPARTMENT_ROLES, sees_all

logger = logging.getLogger(__name__)


def _clean_params(*, actor, plan_id: int | None, department_id: int | None) -> dict:
    from agencies.models import Department
    from tasks.models import Plan

    params = {}
    if plan_id:
        if not Plan.objects.for_user(actor).filter(pk=plan_id).exists():
            raise ValidationError({"plan": "没有找到该实施方案。"})
        params["plan_id"] = int(plan_id)
    if department_id:
        if not sees_all(actor) and int(department_id) != actor.department_id:
            raise ValidationError({"department": "只能导出本单位的报告。"})
        if not Department.objects.for_user(actor).filter(pk=department_id).exists():
            raise ValidationError({"department": "没有找到该单位。"})
        params["department_id"] = int(department_id)
    return params


@transaction.atomic
def export_job_create(*, actor, plan_id: int | None = None, department_id: int | None = None) -> ExportJob:
    """Queue an export of every report (and version) the actor may read; the
    Celery job starts once this transaction commits."""
    if not (actor.is_superuser or actor.role in DEPARTMENT_ROLES):
        raise PermissionDenied("您的角色无权导出进展报告。")
    params = _clean_params(actor=actor, plan_id=plan_id, department_id=department_id)
    job = ExportJob.objects.create(owner=actor, kind=ExportJob.Kind.REPORT_HISTORY, params=params)
    change_record(actor=actor, instance=job, action=ObjectChange.Action.CREATE, comment="申请导出进展报告",
                  after={"导出内容": job.get_kind_display(), "筛选条件": params})
    from .jobs import export_report_history

    transaction.on_commit(lambda: export_report_history.delay(job.pk))
    return job


def _claim(job_id: int) -> ExportJob | None:
    """Move a queued (or interrupted) job to running; None if it is finished."""
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().select_related("owner").filter(pk=job_id).first()
        if job is None or job.is_finished:
            return None
        job.status, job.started_at, job.done_rows, job.error = ExportJob.Status.RUNNING, clock.now(), 0, ""
        job.save(update_fields=["status", "started_at", "done_rows", "error"])
        return job


def export_job_run(*, job_id: int) -> ExportJob | None:
    """Write the job's workbook (write-only, streamed), store it, tell the owner.
    Idempotent: a finished job is left alone; an interrupted one starts over."""
    job = _claim(job_id)
    if job is None:
        return None
    owner = job.owner
    queryset = bigexport.history_queryset(
        user=owner, plan_id=job.params.get("plan_id"), department_id=job.params.get("department_id")
    )
    try:
        total = queryset.count()
        ExportJob.objects.filter(pk=job.pk).update(total_rows=total)

        def progress(n: int) -> None:
            ExportJob.objects.filter(pk=job.pk).update(done_rows=n)

        handle, path = tempfile.mkstemp(suffix=".xlsx", prefix="export-")
        os.close(handle)
        try:
            count = bigexport.write_history(bigexport.history_rows(queryset), path, progress=progress)
            with open(path, "rb") as stream:
                name = default_storage.save(f"exports/{clock.today():%Y/%m}/{uuid.uuid4().hex}.xlsx",
                                            File(stream))
            size = os.path.getsize(path)
        finally:
            os.unlink(path)
    except Exception as exc:  # the page must say what happened; the log keeps the trace
        logger.exception("导出任务 %s 失败", job.pk)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.FAILED, error=f"导出失败：{exc.__class__.__name__}", finished_at=clock.now()
        )
        job.refresh_from_db()
        _notify(job, ok=False)
        return job
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.DONE, file=name, file_size=size, total_rows=count, done_rows=count,
        finished_at=clock.now(),
    )
    job.refresh_from_db()
    _notify(job, ok=True)
    return job


def _notify(job: ExportJob, *, ok: bool) -> None:
    """The inbox notice (notifications.services.inbox_notify, imported lazily)."""
    try:
        from notifications.services import inbox_notify
    except ImportError:  # the inbox app is optional for this job
        return
    url = reverse("reports:export-detail", args=[job.pk])
    if ok:
        inbox_notify(user=job.owner, title="进展报告导出已完成", category="export", url=url,
                     body=f"共 {job.done_rows:,} 条报告记录，可在“数据导出”页面下载。")
    else:
        inbox_notify(user=job.owner, title="进展报告导出失败", category="export", url=url,
                     body=job.error or "导出失败，请稍后重试。")
