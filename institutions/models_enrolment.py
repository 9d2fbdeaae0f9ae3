"""Monthly enrolment (在托人数) of a filed institution, by class: the fact utilisation
(在托/托位) is computed from. One row per institution and month; the operator fills it
in the progress reports' monthly rhythm, or a roster-style import brings several."""
from __future__ import annotations

from django.conf import settings
from django.db import models

from .querysets import EnrolmentReportQuerySet

# The class columns of a report, in the order of FilingClass.Kind (乳儿班, 托小班, 托大班, 混合班).
ENROLMENT_CLASS_FIELDS = {
    "infant": "乳儿班",
    "toddler": "托小班",
    "preschool": "托大班",
    "mixed": "混合班",
}


class EnrolmentReport(models.Model):
    class Source(models.TextChoices):
        FORM = "form", "机构填报"
        IMPORT = "import", "批量导入"

    institution = models.ForeignKey(
        "institutions.Institution", verbose_name="托育机构", on_delete=models.PROTECT, related_name="enrolments"
    )
    period = models.DateField("月份", help_text="该月第一天")
    infant = models.PositiveSmallIntegerField("乳儿班在托人数", default=0)
    toddler = models.PositiveSmallIntegerField("托小班在托人数", default=0)
    preschool = models.PositiveSmallIntegerField("托大班在托人数", default=0)
    mixed = models.PositiveSmallIntegerField("混合班在托人数", default=0)
    children = models.PositiveIntegerField("在托人数合计", default=0)
    source = models.CharField("填报方式", max_length=8, choices=Source.choices, default=Source.FORM)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="填报人", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    reported_at = models.DateTimeField("填报时间")

    objects = EnrolmentReportQuerySet.as_manager()

    class Meta:
        verbose_name = "在托人数月报"
        verbose_name_plural = "在托人数月报"
        ordering = ["-period", "institution_id"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "period"], name="enrolment_one_per_month"),
        ]
        indexes = [models.Index(fields=["period", "institution"])]

    def __str__(self) -> str:
        return f"{self.institution} {self.period:%Y年%m月}：{self.children}人"

    @property
    def period_label(self) -> str:
        return f"{self.period.year}年{self.period.month}月"
