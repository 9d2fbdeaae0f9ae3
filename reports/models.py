"""The read side keeps one thing of its own: background export jobs (a big
Excel export runs as a Celery job; the page polls its progress)."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.scoping import ScopedQuerySet


class ExportJobQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        # An export is its requester's: it holds what *they* may read.
        return self.filter(owner_id=user.pk)


class ExportJob(models.Model):
    class Kind(models.TextChoices):
        REPORT_HISTORY = "report_history", "全部进展报告及历史版本"

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "正在导出"
        DONE = "done", "已完成"
        FAILED = "failed", "导出失败"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.CASCADE, related_name="export_jobs"
    )
    kind = models.CharField("导出内容", max_length=32, choices=Kind.choices, default=Kind.REPORT_HISTORY)
    params = models.JSONField("筛选条件", default=dict, blank=True)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.QUEUED, db_index=True)
    total_rows = models.PositiveIntegerField("总行数", default=0)
    done_rows = models.PositiveIntegerField("已写入行数", default=0)
    file = models.FileField("文件", max_length=200, blank=True)
    file_size = models.PositiveBigIntegerField("文件大小（字节）", default=0)
    error = models.TextField("错误信息", blank=True)
    created_at = models.DateTimeField("申请时间", default=timezone.now)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    # Delivery and liveness (reports.services.export_jobs_sweep): when the job was last
    # handed to the broker (None: never, e.g. the broker was down), the running
    # worker's last sign of life (every batch of rows written), and how many runs began.
    sent_at = models.DateTimeField("最近派发时间", null=True, blank=True)
    heartbeat_at = models.DateTimeField("最近心跳", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("运行次数", default=0)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        verbose_name = "导出任务"
        verbose_name_plural = "导出任务"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{timezone.localtime(self.created_at):%Y-%m-%d %H:%M}）"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(99, self.done_rows * 100 // self.total_rows)

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def download_name(self) -> str:
        return f"进展报告导出_{timezone.localtime(self.created_at):%Y%m%d_%H%M}.xlsx"
