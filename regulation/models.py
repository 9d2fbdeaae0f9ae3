"""Regulation of filed institutions (tasks 11–13 of 渝中府办〔2020〕28号): inspections
and their rectifications, the institutions' staff and the district's 终身禁入 list,
and the public's complaints. Rules live in rules.py and services/; these classes
only describe the data."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from progress.models import StoredFile  # the uploaded-file fields every evidence model shares

from .querysets import (
    ComplaintQuerySet,
    EvidenceQuerySet,
    FindingQuerySet,
    InspectionQuerySet,
    PersonBanQuerySet,
    StaffDocumentQuerySet,
    StaffQuerySet,
)

USER = settings.AUTH_USER_MODEL


class Inspection(models.Model):
    """监督检查: one visit of an inspecting unit (or the coordinator) to one institution."""

    class Kind(models.TextChoices):
        HEALTH = "health", "卫生保健"
        SAFETY = "safety", "安全"
        FIRE = "fire", "消防"
        FOOD = "food", "食品"
        GENERAL = "general", "综合"

    institution = models.ForeignKey(
        "institutions.Institution", verbose_name="托育机构", on_delete=models.PROTECT, related_name="inspections"
    )
    unit = models.ForeignKey(
        "agencies.Department", verbose_name="检查单位", on_delete=models.PROTECT, related_name="inspections"
    )
    inspected_on = models.DateField("检查日期")
    kind = models.CharField("检查类别", max_length=16, choices=Kind.choices)
    inspectors = models.CharField("检查人员", max_length=200)
    summary = models.TextField("检查情况", blank=True)
    recorded_by = models.ForeignKey(USER, verbose_name="记录人", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("记录时间", default=timezone.now)

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = "监督检查"
        verbose_name_plural = "监督检查"
        ordering = ["-inspected_on", "-id"]
        indexes = [models.Index(fields=["institution", "inspected_on"]), models.Index(fields=["inspected_on"])]

    def __str__(self) -> str:
        return f"{self.institution.name} {self.inspected_on:%Y-%m-%d} {self.get_kind_display()}检查"

    @property
    def number(self) -> str:
        return f"渝中托育检〔{self.inspected_on.year}〕{self.pk}号"


class Finding(models.Model):
    """One finding of an inspection. With a deadline it is a 隐患/问题 to rectify:
    open → answered (the institution's account of what it did) → closed by the
    inspector, or reopened (back to open, with a reason)."""

    class State(models.TextChoices):
        NOTED = "noted", "无需整改"
        OPEN = "open", "待整改"
        ANSWERED = "answered", "已反馈待核验"
        CLOSED = "closed", "已整改销号"

    inspection = models.ForeignKey(Inspection, verbose_name="监督检查", on_delete=models.CASCADE, related_name="findings")
    position = models.PositiveSmallIntegerField("序号", default=1)
    description = models.TextField("问题描述")
    deadline = models.DateField("整改期限", null=True, blank=True)
    state = models.CharField("状态", max_length=12, choices=State.choices, default=State.OPEN, db_index=True)
    answer = models.TextField("整改情况", blank=True)
    answered_by = models.ForeignKey(USER, verbose_name="反馈人", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    answered_at = models.DateTimeField("反馈时间", null=True, blank=True)
    closed_by = models.ForeignKey(USER, verbose_name="核验人", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    closed_on = models.DateField("销号日期", null=True, blank=True)
    reopen_reason = models.TextField("退回理由", blank=True)
    reopen_count = models.PositiveSmallIntegerField("退回次数", default=0)
    notice = models.ForeignKey(
        "progress.SupervisionNotice", verbose_name="督办单", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = FindingQuerySet.as_manager()

    class Meta:
        verbose_name = "检查发现"
        verbose_name_plural = "检查发现"
        ordering = ["inspection", "position", "id"]
        indexes = [models.Index(fields=["state", "deadline"])]

    def __str__(self) -> str:
        return f"{self.inspection} 第{self.position}项"

    @property
    def needs_rectification(self) -> bool:
        return self.deadline is not None

    def is_overdue(self, on) -> bool:
        return self.state in (self.State.OPEN, self.State.ANSWERED) and self.deadline is not None and self.deadline < on


class FindingEvidence(StoredFile):
    finding = models.ForeignKey(Finding, verbose_name="检查发现", on_delete=models.CASCADE, related_name="evidence")

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = "整改佐证"
        verbose_name_plural = "整改佐证"
        ordering = ["uploaded_at", "id"]


class StaffMember(models.Model):
    """从业人员: one person's employment at one institution. The person is the
    keyed hash of the ID number (regulation.personid); the number itself is never kept."""

    class Post(models.TextChoices):
        PRINCIPAL = "principal", "负责人"
        CAREGIVER = "caregiver", "保育人员"
        HEALTH = "health", "保健人员"
        COOK = "cook", "炊事人员"
        SECURITY = "security", "安保人员"
        OTHER = "other", "其他"

    institution = models.ForeignKey(
        "institutions.Institution", verbose_name="托育机构", on_delete=models.PROTECT, related_name="staff"
    )
    name = models.CharField("姓名", max_length=50)
    post = models.CharField("岗位", max_length=16, choices=Post.choices)
    person_hash = models.CharField("身份标识", max_length=64, db_index=True, editable=False)
    person_masked = models.CharField("身份证号码", max_length=18)
    qualification = models.CharField("资格证书", max_length=100, blank=True)
    certificate_number = models.CharField("证书编号", max_length=60, blank=True)
    certificate_expires = models.DateField("证书有效期至", null=True, blank=True)
    health_expires = models.DateField("健康证明有效期至", null=True, blank=True)
    background_checked_on = models.DateField("无犯罪记录查询日期", null=True, blank=True)
    started_on = models.DateField("入职日期")
    ended_on = models.DateField("离职日期", null=True, blank=True)
    recorded_by = models.ForeignKey(USER, verbose_name="登记人", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("登记时间", default=timezone.now)

    objects = StaffQuerySet.as_manager()

    class Meta:
        verbose_name = "从业人员"
        verbose_name_plural = "从业人员"
        ordering = ["institution", "post", "name", "id"]
        indexes = [models.Index(fields=["institution", "ended_on"]), models.Index(fields=["health_expires"])]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_post_display()}）"


class StaffDocument(StoredFile):
    """A scan of a staff member's certificate: 资格证书, 健康证明 or 无犯罪记录证明."""

    class Kind(models.TextChoices):
        QUALIFICATION = "qualification", "资格证书"
        HEALTH = "health", "健康证明"
        BACKGROUND = "background", "无犯罪记录证明"

    staff = models.ForeignKey(StaffMember, verbose_name="从业人员", on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField("类别", max_length=16, choices=Kind.choices)

    objects = StaffDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = "从业人员证书"
        verbose_name_plural = "从业人员证书"
        ordering = ["staff", "kind", "id"]


class PersonBan(StoredFile):
    """终身禁入: a person barred for life from childcare work (虐童等), with the decision
    document it rests on (the stored file)."""

    person_hash = models.CharField("身份标识", max_length=64, unique=True, editable=False)
    person_masked = models.CharField("身份证号码", max_length=18)
    name = models.CharField("姓名", max_length=50)
    reason = models.TextField("禁入事由")
    decision_number = models.CharField("决定文书编号", max_length=100)
    decided_on = models.DateField("决定日期")

    objects = PersonBanQuerySet.as_manager()

    class Meta:
        verbose_name = "终身禁入人员"
        verbose_name_plural = "终身禁入人员"
        ordering = ["-decided_on", "-id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.person_masked}）"


class BlockedAttempt(models.Model):
    """A refused addition of a banned person (what the coordinators were told)."""

    ban = models.ForeignKey(PersonBan, verbose_name="禁入记录", on_delete=models.CASCADE, related_name="attempts")
    institution = models.ForeignKey("institutions.Institution", verbose_name="托育机构", on_delete=models.CASCADE,
                                    related_name="+")
    attempted_by = models.ForeignKey(USER, verbose_name="操作人", on_delete=models.PROTECT, related_name="+")
    attempted_at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = "禁入拦截记录"
        verbose_name_plural = "禁入拦截记录"
        ordering = ["-attempted_at", "-id"]


class Complaint(models.Model):
    """投诉: from the public directory, without an account. The complainant's
    name and phone are read by the district only; the directory shows counts."""

    class Category(models.TextChoices):
        SAFETY = "safety", "安全隐患"
        ABUSE = "abuse", "虐待/伤害婴幼儿"
        HEALTH = "health", "卫生保健"
        SERVICE = "service", "服务质量"
        FEES = "fees", "收费"
        OTHER = "other", "其他"

    class State(models.TextChoices):
        RECEIVED = "received", "待分办"
        ASSIGNED = "assigned", "办理中"
        REPLIED = "replied", "已答复"
        CLOSED = "closed", "已办结"

    URGENT = (Category.SAFETY, Category.ABUSE)

    institution = models.ForeignKey(
        "institutions.Institution", verbose_name="托育机构", on_delete=models.PROTECT, related_name="complaints"
    )
    category = models.CharField("投诉类别", max_length=16, choices=Category.choices)
    text = models.TextField("投诉内容")
    contact_name = models.CharField("投诉人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    source_hash = models.CharField("来源标识", max_length=64, db_index=True, editable=False)
    received_at = models.DateTimeField("收到时间", default=timezone.now, db_index=True)
    state = models.CharField("状态", max_length=12, choices=State.choices, default=State.RECEIVED, db_index=True)
    unit = models.ForeignKey("agencies.Department", verbose_name="承办单位", null=True, blank=True,
                             on_delete=models.PROTECT, related_name="complaints")
    assigned_by = models.ForeignKey(USER, verbose_name="分办人", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    reply_due = models.DateField("答复期限", null=True, blank=True)
    reply = models.TextField("答复内容", blank=True)
    replied_by = models.ForeignKey(USER, verbose_name="答复人", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    replied_on = models.DateField("答复日期", null=True, blank=True)
    outcome = models.TextField("办理结果", blank=True)
    closed_on = models.DateField("办结日期", null=True, blank=True)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        verbose_name = "投诉"
        verbose_name_plural = "投诉"
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"投诉#{self.pk} {self.institution.name}"

    @property
    def is_urgent(self) -> bool:
        return self.category in self.URGENT


class ReminderLog(models.Model):
    """The daily job's record: one reminder per (recipient, kind, object, date), never twice."""

    recipient = models.ForeignKey(USER, verbose_name="接收人", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField("类型", max_length=24)
    object_id = models.PositiveBigIntegerField("事项编号")
    date = models.DateField("提醒日期")

    class Meta:
        verbose_name = "监管提醒记录"
        verbose_name_plural = "监管提醒记录"
        constraints = [models.UniqueConstraint(fields=["recipient", "kind", "object_id", "date"],
                                               name="regulation_reminder_once")]
