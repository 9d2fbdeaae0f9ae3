"""Demo of issue 15 on top of the demo registry: 普惠 designations with dates, places and prices,
the quality standard's illustrative template loaded and one institution assessed (one more waiting
for confirmation), and twelve months of 在托人数 for the filed institutions. Through the services;
idempotent (what exists is left alone)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from core import clock

from .models import Assessment, EnrolmentReport, Institution, QualityStandard
from .models_enrolment import ENROLMENT_CLASS_FIELDS
from .services import care, quality
from .standards_path import TEMPLATE

STANDARD_FILE = TEMPLATE
SHANGHAI = ZoneInfo("Asia/Shanghai")
# name → (普惠 from, places, price 元/月)
INCLUSIVE = {
    "渝中区七彩虹托育中心": (dt.date(2021, 3, 1), 50, Decimal("1800")),
    "渝中区大坪童心托育园": (dt.date(2021, 1, 1), 60, Decimal("1500")),
    "化龙桥社区托育点": (dt.date(2021, 9, 1), 20, Decimal("1200")),
    "菜园坝暖心托育园": (dt.date(2026, 3, 1), 30, Decimal("1600")),
}
ASSESSED = "渝中区七彩虹托育中心"
SUBMITTED = "石油路乐育托育中心"
MONTHS = 12


def _month(index: int) -> dt.date:
    return dt.date(index // 12, index % 12 + 1, 1)


def build(*, coordinator, stdout) -> None:
    today = clock.today()
    for name, (start, places, price) in INCLUSIVE.items():
        institution = Institution.objects.filter(name=name, status=Institution.Status.FILED).first()
        if institution is not None and institution.inclusive_from != start:
            care.institution_designate_inclusive(institution=institution, actor=coordinator, inclusive_from=start,
                                                 places=min(places, institution.capacity), price=price)
    _enrolment(coordinator, today)
    _quality(coordinator)
    stdout.write("托育服务演示数据：普惠认定、家庭托育点、近12个月在托人数、质量评估（示例标准）。")


def _enrolment(coordinator, today: dt.date) -> None:
    """The last twelve months before this one (this month is still due), each institution a little
    fuller every month; the 家庭托育点 keeps within its 5."""
    this = today.year * 12 + today.month - 1
    reported = set(EnrolmentReport.objects.values_list("institution_id", flat=True))
    rows = []
    for institution in Institution.objects.filter(status=Institution.Status.FILED).exclude(pk__in=reported):
        first = institution.filed_on.year * 12 + institution.filed_on.month - 1
        for index in range(max(first, this - MONTHS), this):
            period, k = _month(index), index - (this - MONTHS)
            children = min(institution.capacity, round(institution.capacity * (0.55 + 0.025 * k)))
            share = [children // 4] * 3
            counts = dict(zip(ENROLMENT_CLASS_FIELDS, [*share, children - sum(share)]))
            rows.append({"institution": institution, "period": period, **counts,
                         "reported_at": dt.datetime.combine(period.replace(day=20), dt.time(10), tzinfo=SHANGHAI)})
    if rows:
        care.enrolments_import_bulk(actor=coordinator, rows=rows)


def _quality(coordinator) -> None:
    if not QualityStandard.objects.filter(is_current=True).exists():
        quality.quality_standard_load(actor=coordinator, text=STANDARD_FILE.read_text(encoding="utf-8"))
    for name, confirm in ((ASSESSED, True), (SUBMITTED, False)):
        institution = Institution.objects.filter(name=name, status=Institution.Status.FILED).first()
        if institution is None or Assessment.objects.filter(institution=institution).exists():
            continue
        assessment = quality.assessment_start(institution=institution, actor=coordinator)
        values = {}
        for score in assessment.scores.select_related("item"):
            item = score.item
            values[item.pk] = True if item.is_veto else item.points - (1 if item.points >= 10 else 0)
        quality.assessment_save(assessment=assessment, actor=coordinator, values=values, submit=True)
        if confirm:
            quality.assessment_confirm(assessment=assessment, actor=coordinator)
