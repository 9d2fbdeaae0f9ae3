"""Quality assessment (质量评估) per 《托育机构质量评估标准》(WS/T 821—2023).

The standard's structure — dimensions, items with points, veto items (一票否决), grades — is
data loaded by `manage.py load_quality_standard FILE`, never code. An institution assesses
itself (自评) against the current standard; the coordinator confirms (or returns) it, and the
confirmed grade is what the public directory shows."""
from __future__ import annotations

from django.conf import settings
from django.db import models

from .querysets import AssessmentChildQuerySet, AssessmentQuerySet, StandardQuerySet


class QualityStandard(models.Model):
    code = models.CharField("标准编号", max_length=40)
    title = models.CharField("标准名称", max_length=200)
    version = models.CharField("版本", max_length=40, help_text="同一标准编号下的版本标识")
    source = models.TextField("来源", blank=True)
    illustrative = models.BooleanField("示例模板（非标准原文）", default=False)
    is_current = models.BooleanField("当前使用", default=False)
    loaded_at = models.DateTimeField("导入时间")

    objects = StandardQuerySet.as_manager()

    class Meta:
        verbose_name = "质量评估标准"
        verbose_name_plural = "质量评估标准"
        ordering = ["-loaded_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="quality_standard_version")]

    def __str__(self) -> str:
        marker = "（示例，非标准原文）" if self.illustrative else ""
        return f"{self.title} {self.code}{marker}"


class QualityDimension(models.Model):
    standard = models.ForeignKey(QualityStandard, on_delete=models.CASCADE, related_name="dimensions")
    number = models.CharField("编号", max_length=10)
    name = models.CharField("评估维度", max_length=100)
    position = models.PositiveSmallIntegerField(default=0)

    objects = StandardQuerySet.as_manager()

    class Meta:
        verbose_name = "评估维度"
        verbose_name_plural = "评估维度"
        ordering = ["standard", "position", "id"]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class QualityItem(models.Model):
    dimension = models.ForeignKey(QualityDimension, on_delete=models.CASCADE, related_name="items")
    number = models.CharField("编号", max_length=16)
    text = models.TextField("评估内容")
    points = models.DecimalField("分值", max_digits=6, decimal_places=2, default=0)
    is_veto = models.BooleanField("一票否决项", default=False)
    position = models.PositiveSmallIntegerField(default=0)

    objects = StandardQuerySet.as_manager()

    class Meta:
        verbose_name = "评估项目"
        verbose_name_plural = "评估项目"
        ordering = ["dimension__position", "position", "id"]

    def __str__(self) -> str:
        return f"{self.number} {self.text[:30]}"


class QualityGrade(models.Model):
    """A grade reached with at least `min_score` and no veto item failed."""

    standard = models.ForeignKey(QualityStandard, on_delete=models.CASCADE, related_name="grades")
    name = models.CharField("等级", max_length=40)
    min_score = models.DecimalField("最低分", max_digits=7, decimal_places=2)
    position = models.PositiveSmallIntegerField(default=0)

    objects = StandardQuerySet.as_manager()

    class Meta:
        verbose_name = "评估等级"
        verbose_name_plural = "评估等级"
        ordering = ["standard", "-min_score", "id"]

    def __str__(self) -> str:
        return f"{self.name}（≥{self.min_score}）"


class Assessment(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "自评中"
        SUBMITTED = "submitted", "已提交待确认"
        RETURNED = "returned", "退回修改"
        CONFIRMED = "confirmed", "已确认"

    institution = models.ForeignKey(
        "institutions.Institution", verbose_name="托育机构", on_delete=models.PROTECT, related_name="assessments"
    )
    standard = models.ForeignKey(QualityStandard, verbose_name="评估标准", on_delete=models.PROTECT, related_name="+")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.DRAFT)
    self_score = models.DecimalField("自评得分", max_digits=7, decimal_places=2, null=True, blank=True)
    self_grade = models.CharField("自评等级", max_length=40, blank=True)
    score = models.DecimalField("确认得分", max_digits=7, decimal_places=2, null=True, blank=True)
    grade = models.CharField("确认等级", max_length=40, blank=True)
    veto_failed = models.BooleanField("触发一票否决", default=False)
    return_reason = models.TextField("退回理由", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="确认人", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_on = models.DateField("确认日期", null=True, blank=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = "质量评估"
        verbose_name_plural = "质量评估"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution"], condition=models.Q(status__in=("draft", "submitted", "returned")),
                name="assessment_one_open_per_institution",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.institution} · {self.get_status_display()}"

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)


class AssessmentScore(models.Model):
    """One item's points: the institution's (self_points) and the coordinator's (points).
    A veto item scores no points: `passed` False is a failed veto."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    item = models.ForeignKey(QualityItem, on_delete=models.PROTECT, related_name="+")
    self_points = models.DecimalField("自评分", max_digits=6, decimal_places=2, null=True, blank=True)
    points = models.DecimalField("确认分", max_digits=6, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField("否决项符合", null=True, blank=True)

    objects = AssessmentChildQuerySet.as_manager()

    class Meta:
        verbose_name = "评估得分"
        verbose_name_plural = "评估得分"
        ordering = ["assessment", "item__dimension__position", "item__position", "id"]
        constraints = [models.UniqueConstraint(fields=["assessment", "item"], name="assessment_score_unique")]
