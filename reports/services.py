"""Writes of the read side: export jobs. Keyword-only, atomic where they
write, recording history (audit.services.change_record)."""
from __future__ import annotations

import datetime as dt
import logging
import os
import tempfile
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from kombu.exceptions import OperationalError

from accounts.roles import sees_all
from agencies.models import Department
from audit.models import ObjectChange
from audit.services import change_record
from core import clock
from notifications.services import inbox_notify
from tasks.models import Plan

from . import bigexport
from .models import ExportJob
from .rules import can_export_reports

logger = logging.getLogger(__name__)


def _clean_params(*, actor, plan_id: int | None, department_id: int | None) -> dict:
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
    if not can_export_reports(actor):
        raise PermissionDenied("您的角色无权导出进展报告。")
    params = _clean_params(actor=actor, plan_id=plan_id, department_id=department_id)
    job = ExportJob.objects.create(owner=actor, kind=ExportJob.Kind.REPORT_HISTORY, params=params)
    change_record(actor=actor, instance=job, action=ObjectChange.Action.CREATE, comment="申请导出进展报告",
                  after={"导出内容": job.get_kind_display(), "筛选条件": params})
    transaction.on_commit(lambda: export_job_dispatch(job_id=job.pk))
    return job


def export_job_dispatch(*, job_id: int) -> bool:
    """Hand the job to the broker. With the broker down the job stays queued and
    unsent (sent_at empty): the sweep (export_jobs_sweep, every minute) sends it
    when the broker is back. Never raises for a broker outage."""
    from .jobs import export_report_history  # inside: reports.jobs imports this module (cycle)

    try:
        export_report_history.delay(job_id)
    except (OperationalError, OSError) as exc:  # redis ConnectionError/TimeoutError arrive wrapped or as OSError
        logger.warning("导出任务 %s 未能派发（消息队列不可用：%s），保持排队，恢复后自动派发", job_id, exc)
        return False
    ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.QUEUED).update(sent_at=clock.now())
    return True


def _claim(job_id: int) -> ExportJob | None:
    """Move a queued (or interrupted) job to running and count the attempt;
    None if it is finished."""
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().select_related("owner").filter(pk=job_id).first()
        if job is None or job.is_finished:
            return None
        now = clock.now()
        if job.status == ExportJob.Status.RUNNING and job.heartbeat_at and job.heartbeat_at > now - stale_after():
            return None  # another run is alive (a duplicate message); the sweep resumes it if it goes silent
        job.status, job.started_at, job.heartbeat_at, job.done_rows, job.error = (
            ExportJob.Status.RUNNING, now, now, 0, "")
        job.attempts += 1
        job.save(update_fields=["status", "started_at", "heartbeat_at", "done_rows", "error", "attempts"])
        return job


def export_job_run(*, job_id: int) -> ExportJob | None:
    """Write the job's workbook (streamed, constant memory), store it, tell the owner.
    Idempotent: a finished job is left alone; an interrupted one starts over.
    Every update is bound to this run's attempt number, so a run the sweep gave
    up on (silent, then resumed elsewhere) can no longer overwrite the job."""
    job = _claim(job_id)
    if job is None:
        return None
    owner = job.owner
    mine = ExportJob.objects.filter(pk=job.pk, attempts=job.attempts, status=ExportJob.Status.RUNNING)
    queryset = bigexport.history_queryset(
        user=owner, plan_id=job.params.get("plan_id"), department_id=job.params.get("department_id")
    )
    try:
        total = queryset.count()
        mine.update(total_rows=total, heartbeat_at=clock.now())

        def progress(n: int) -> None:  # every batch of rows: the progress bar and the heartbeat
            mine.update(done_rows=n, heartbeat_at=clock.now())

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
        if mine.update(status=ExportJob.Status.FAILED, error=f"导出失败：{exc.__class__.__name__}",
                       finished_at=clock.now()):
            job.refresh_from_db()
            _notify(job, ok=False)
        return job
    if not mine.update(
        status=ExportJob.Status.DONE, file=name, file_size=size, total_rows=count, done_rows=count,
        finished_at=clock.now(),
    ):  # superseded: the sweep resumed this job in another run meanwhile
        default_storage.delete(name)
        return None
    job.refresh_from_db()
    _notify(job, ok=True)
    return job


def stale_after() -> dt.timedelta:
    """A queued job not picked up, or a running job silent, this long is looked after by the sweep."""
    return dt.timedelta(minutes=float(getattr(settings, "EXPORT_JOB_STALE_MINUTES", 5)))


def max_attempts() -> int:
    return int(getattr(settings, "EXPORT_JOB_MAX_ATTEMPTS", 3))


def export_jobs_sweep() -> dict[str, list[int]]:
    """Every minute (beat): the exports that would otherwise wait forever.

    - queued and never sent (the broker was down when it was created), or sent
      more than EXPORT_JOB_STALE_MINUTES ago and still not picked up (the message
      was lost): sent again;
    - running but silent that long (no heartbeat: its worker was killed): put
      back in the queue and sent again, to run from scratch (the run is
      idempotent), until it has begun EXPORT_JOB_MAX_ATTEMPTS times; then it is
      failed with a message and its requester is told in the inbox.
    Resuming and failing are recorded in the job's history."""
    now = clock.now()
    cutoff = now - stale_after()
    resumed, failed = [], []
    with transaction.atomic():
        silent = (ExportJob.objects.select_for_update(skip_locked=True).select_related("owner")
                  .filter(status=ExportJob.Status.RUNNING)
                  .filter(Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True)).order_by("pk"))
        for job in silent:
            before = {"状态": job.get_status_display()}
            if job.attempts >= max_attempts():
                job.status, job.finished_at = ExportJob.Status.FAILED, now
                job.error = f"导出任务已中断 {job.attempts} 次（处理进程无响应），已停止。请重新申请导出。"
                job.save(update_fields=["status", "finished_at", "error"])
                change_record(actor=None, instance=job, action=ObjectChange.Action.TRANSITION, before=before,
                              after={"状态": job.get_status_display()}, comment=job.error)
                _notify(job, ok=False)
                failed.append(job.pk)
            else:
                job.status, job.sent_at = ExportJob.Status.QUEUED, None
                job.save(update_fields=["status", "sent_at"])
                change_record(actor=None, instance=job, action=ObjectChange.Action.TRANSITION, before=before,
                              after={"状态": job.get_status_display()},
                              comment=f"处理进程无响应（第 {job.attempts} 次运行），重新排队从头导出")
                resumed.append(job.pk)
    waiting = list(ExportJob.objects.filter(status=ExportJob.Status.QUEUED)
                   .filter(Q(sent_at__isnull=True) | Q(sent_at__lt=cutoff))
                   .order_by("pk").values_list("pk", flat=True)[:200])
    sent = []
    for pk in waiting:
        if not export_job_dispatch(job_id=pk):
            break  # the broker is still down: the next sweep tries again
        sent.append(pk)
    if sent or resumed or failed:
        logger.info("导出任务巡检：派发 %s，恢复 %s，失败 %s", sent, resumed, failed)
    return {"sent": sent, "resumed": resumed, "failed": failed}


def _notify(job: ExportJob, *, ok: bool) -> None:
    """The inbox notice (notifications.services.inbox_notify)."""
    url = reverse("reports:export-detail", args=[job.pk])
    if ok:
        inbox_notify(user=job.owner, title="进展报告导出已完成", category="export", url=url, email=True,
                     body=f"共 {job.done_rows:,} 条报告记录，可在“数据导出”页面下载。")
    else:
        inbox_notify(user=job.owner, title="进展报告导出失败", category="export", url=url, email=True,
                     body=job.error or "导出失败，请稍后重试。")
