"""Progress of the plan: reporting periods, each unit's progress reports (with
versions, evidence and their transitions), the lead unit's consolidated
summaries, supervision notices (督办单) and completion of an assignment.

Rules live in services.py (writes) and selectors.py / lights.py (reads); the
models only hold data and constraints."""
from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone

from core import clock

from .querysets import (
    CompletionQuerySet,
    LeadSummaryQuerySet,
    MilestoneFileQuerySet,
    NoticeFileQuerySet,
    ProgressReportQuerySet,
    ReportFileQuerySet,
    ReportingPeriodQuerySet,
    ReportTransitionQuerySet,
    SupervisionNoticeQuerySet,
)

USER = settings.AUTH_USER_MODEL


class ReportingPeriod(models.Model):
    """One period of a plan's reporting calendar, created by services.periods_ensure."""

    plan = models.ForeignKey("tasks.Plan", verbose_name="实施方案", on_delete=models.CASCADE, related_name="periods")
    start = models.DateField("开始日期")
    end = models.DateField("结束日期")
    due_date = models.DateField("报送截止日期")
    months = models.PositiveSmallIntegerField("周期月数", default=1)
    label = models.CharField("名称", max_length=30)

    objects = ReportingPeriodQuerySet.as_manager()

    class Meta:
        verbose_name = "报送周期"
        verbose_name_plural = "报送周期"
        ordering = ["plan", "start"]
        constraints = [models.UniqueConstraint(fields=["plan", "start"], name="period_unique_start")]

    def __str__(self) -> str:
        return self.label


class ProgressReport(models.Model):
    """A unit's report on one assignment for one period. Versions: an approved
    report is never edited; a correction is the next version (supersedes)."""

    class State(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "待审核"
        RETURNED = "returned", "已退回"
        RESUBMITTED = "resubmitted", "重新提交待审核"
        APPROVED = "approved", "已审核通过"

    assignment = models.ForeignKey(
        "tasks.Assignment", verbose_name="任务分工", on_delete=models.PROTECT, related_name="reports"
    )
    period = models.ForeignKey(ReportingPeriod, verbose_name="报送周期", on_delete=models.PROTECT, related_name="reports")
    version = models.PositiveSmallIntegerField("版本", default=1)
    supersedes = models.ForeignKey(
        "self", verbose_name="更正的版本", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    correction_reason = models.TextField("更正原因", blank=True)
    state = models.CharField("状态", max_length=16, choices=State.choices, default=State.DRAFT, db_index=True)

    progress = models.TextField("本期进展")
    percent = models.PositiveSmallIntegerField("完成进度（%）", default=0, validators=[MaxValueValidator(100)])
    problems = models.TextField("存在问题", blank=True)
    next_steps = models.TextField("下步打算", blank=True)

    created_by = models.ForeignKey(USER, verbose_name="填报人", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    updated_at = models.DateTimeField("修改时间", default=timezone.now)
    submitted_by = models.ForeignKey(
        USER, verbose_name="提交人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField("首次提交时间", null=True, blank=True)
    last_submitted_at = models.DateTimeField("最近提交时间", null=True, blank=True, db_index=True)
    reviewed_by = models.ForeignKey(
        USER, verbose_name="审核人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    approved_at = models.DateTimeField("通过时间", null=True, blank=True)
    return_reason = models.TextField("退回原因", blank=True)

    objects = ProgressReportQuerySet.as_manager()

    class Meta:
        verbose_name = "进展报告"
        verbose_name_plural = "进展报告"
        ordering = ["-period__start", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "period", "version"], name="report_unique_version"),
            # At most one version in work (not yet approved) per assignment and period.
            models.UniqueConstraint(
                fields=["assignment", "period"], condition=~models.Q(state="approved"), name="report_one_open_version"
            ),
            models.CheckConstraint(condition=models.Q(percent__lte=100), name="report_percent_max_100"),
        ]
        indexes = [models.Index(fields=["assignment", "period", "state"], name="report_assignment_period")]

    def __str__(self) -> str:
        version = f"（第{self.version}版）" if self.version > 1 else ""
        return f"{self.assignment} · {self.period.label}进展报告{version}"

    @property
    def is_editable(self) -> bool:
        return self.state in (self.State.DRAFT, self.State.RETURNED)

    @property
    def is_reviewable(self) -> bool:
        return self.state in (self.State.SUBMITTED, self.State.RESUBMITTED)


class ReportTransition(models.Model):
    """One step of a report's workflow: who moved it, when, from what to what, why."""

    report = models.ForeignKey(ProgressReport, verbose_name="进展报告", on_delete=models.CASCADE, related_name="transitions")
    # Denormalised from the report so "the latest step of an assignment at D" is one indexed lookup.
    assignment = models.ForeignKey(
        "tasks.Assignment", verbose_name="任务分工", on_delete=models.CASCADE, related_name="report_transitions"
    )
    from_state = models.CharField("原状态", max_length=16, choices=ProgressReport.State.choices, blank=True)
    to_state = models.CharField("新状态", max_length=16, choices=ProgressReport.State.choices)
    actor = models.ForeignKey(USER, verbose_name="操作人", null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField("时间", default=timezone.now)
    comment = models.TextField("说明", blank=True)

    objects = ReportTransitionQuerySet.as_manager()

    class Meta:
        verbose_name = "报告流转记录"
        verbose_name_plural = "报告流转记录"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["assignment", "at"], name="transition_assignment_at")]

    def __str__(self) -> str:
        return f"{self.get_from_state_display() or '新建'} → {self.get_to_state_display()}"

    @property
    def action_label(self) -> str:
        return TRANSITION_LABELS.get((self.from_state, self.to_state), self.get_to_state_display())


TRANSITION_LABELS = {
    ("", "draft"): "新建草稿",
    ("draft", "submitted"): "提交",
    ("", "submitted"): "填报并提交",
    ("submitted", "approved"): "审核通过",
    ("resubmitted", "approved"): "审核通过",
    ("submitted", "returned"): "退回",
    ("resubmitted", "returned"): "退回",
    ("returned", "resubmitted"): "修改后重新提交",
    ("approved", "draft"): "发起更正",
}


class StoredFile(models.Model):
    """An uploaded file: stored under a generated name (core.uploads), its
    client name kept only for display and the download's file name."""

    file = models.FileField("文件", max_length=200)
    original_name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("类型", max_length=100)
    size = models.PositiveBigIntegerField("大小（字节）")
    uploaded_by = models.ForeignKey(USER, verbose_name="上传人", on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name

    @property
    def size_text(self) -> str:
        return f"{self.size / 1048576:.1f} MB" if self.size >= 1048576 else f"{max(self.size // 1024, 1)} KB"


class ReportFile(StoredFile):
    report = models.ForeignKey(ProgressReport, verbose_name="进展报告", on_delete=models.CASCADE, related_name="files")

    objects = ReportFileQuerySet.as_manager()

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"
        ordering = ["uploaded_at", "id"]


class LeadSummary(models.Model):
    """The lead unit's consolidated summary of a task for one period."""

    task = models.ForeignKey("tasks.WorkItem", verbose_name="督办事项", on_delete=models.CASCADE, related_name="lead_summaries")
    period = models.ForeignKey(ReportingPeriod, verbose_name="报送周期", on_delete=models.PROTECT, related_name="summaries")
    department = models.ForeignKey("agencies.Department", verbose_name="牵头单位", on_delete=models.PROTECT, related_name="+")
    text = models.TextField("汇总情况")
    author = models.ForeignKey(USER, verbose_name="撰写人", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    updated_at = models.DateTimeField("修改时间", default=timezone.now)

    objects = LeadSummaryQuerySet.as_manager()

    class Meta:
        verbose_name = "牵头单位汇总"
        verbose_name_plural = "牵头单位汇总"
        ordering = ["-period__start"]
        constraints = [models.UniqueConstraint(fields=["task", "period"], name="summary_unique_period")]

    def __str__(self) -> str:
        return f"{self.period.label}汇总"


class SupervisionNotice(models.Model):
    """督办单: the coordinator's formal urge to one unit about one task."""

    class State(models.TextChoices):
        OPEN = "open", "待答复"
        ANSWERED = "answered", "已答复"
        CLOSED = "closed", "已办结"

    year = models.PositiveSmallIntegerField("年度")
    seq = models.PositiveIntegerField("序号")
    assignment = models.ForeignKey(
        "tasks.Assignment", verbose_name="任务分工", on_delete=models.PROTECT, related_name="notices"
    )
    follow_up_of = models.ForeignKey(
        "self", verbose_name="前序督办单", null=True, blank=True, on_delete=models.PROTECT, related_name="follow_ups"
    )
    reason = models.TextField("督办事由")
    reply_due = models.DateField("答复期限")
    state = models.CharField("状态", max_length=12, choices=State.choices, default=State.OPEN, db_index=True)
    issued_by = models.ForeignKey(USER, verbose_name="督办人", on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField("签发时间", default=timezone.now)
    reply_text = models.TextField("答复内容", blank=True)
    replied_by = models.ForeignKey(USER, verbose_name="答复人", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)
    closed_by = models.ForeignKey(USER, verbose_name="办结人", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    close_comment = models.TextField("办结意见", blank=True)

    objects = SupervisionNoticeQuerySet.as_manager()

    class Meta:
        verbose_name = "督办单"
        verbose_name_plural = "督办单"
        ordering = ["-issued_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["year", "seq"], name="notice_unique_number")]
        indexes = [models.Index(fields=["assignment", "reply_due"], name="notice_assignment_due")]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"渝中托育督〔{self.year}〕{self.seq}号"

    def is_overdue(self, on=None) -> bool:
        on = on or clock.today()
        return self.state == self.State.OPEN and self.reply_due < on


class NoticeFile(StoredFile):
    notice = models.ForeignKey(SupervisionNotice, verbose_name="督办单", on_delete=models.CASCADE, related_name="files")

    objects = NoticeFileQuerySet.as_manager()

    class Meta:
        verbose_name = "答复附件"
        verbose_name_plural = "答复附件"
        ordering = ["uploaded_at", "id"]


class AssignmentCompletion(models.Model):
    """A unit marks its part complete; the lead unit or the coordinator accepts."""

    class State(models.TextChoices):
        CLAIMED = "claimed", "待确认"
        ACCEPTED = "accepted", "已确认完成"
        REJECTED = "rejected", "未予确认"

    assignment = models.ForeignKey(
        "tasks.Assignment", verbose_name="任务分工", on_delete=models.PROTECT, related_name="completions"
    )
    state = models.CharField("状态", max_length=12, choices=State.choices, default=State.CLAIMED, db_index=True)
    note = models.TextField("完成情况")
    claimed_by = models.ForeignKey(USER, verbose_name="申报人", on_delete=models.PROTECT, related_name="+")
    claimed_at = models.DateTimeField("申报时间", default=timezone.now)
    decided_by = models.ForeignKey(USER, verbose_name="确认人", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField("确认时间", null=True, blank=True)
    decision_comment = models.TextField("确认意见", blank=True)

    objects = CompletionQuerySet.as_manager()

    class Meta:
        verbose_name = "完成确认"
        verbose_name_plural = "完成确认"
        ordering = ["-claimed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment"], condition=models.Q(state__in=["claimed", "accepted"]),
                name="completion_one_live",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment}：{self.get_state_display()}"


class MilestoneFile(StoredFile):
    milestone = models.ForeignKey(
        "tasks.Milestone", verbose_name="节点目标", on_delete=models.CASCADE, related_name="evidence_files"
    )

    objects = MilestoneFileQuerySet.as_manager()

    class Meta:
        verbose_name = "节点目标佐证"
        verbose_name_plural = "节点目标佐证"
        ordering = ["uploaded_at", "id"]
