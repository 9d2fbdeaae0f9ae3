"""普惠托育 designation and the monthly enrolment (在托人数) of filed institutions.
Keyword-only, atomic, row lock before the state check, history in the same transaction."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from audit.models import ObjectChange
from audit.services import change_record, change_record_bulk, snapshot
from core import clock

from .. import rules
from ..models import EnrolmentReport, Institution
from ..models_enrolment import ENROLMENT_CLASS_FIELDS


@transaction.atomic
def institution_designate_inclusive(
    *, institution: Institution, actor, inclusive_from: dt.date, places: int, price: Decimal | None,
) -> Institution:
    """The Health Commission designates an institution 普惠托育 from a date, for a number of its
    places at a price (元/月). The places cannot exceed its 托位数."""
    if not rules.can_designate_inclusive(actor):
        raise PermissionDenied("只有区卫生健康委可以认定普惠托育机构。")
    institution = Institution.objects.select_for_update().get(pk=institution.pk)
    errors: dict[str, list[str]] = {}
    if institution.status == Institution.Status.CANCELLED:
        errors.setdefault("inclusive_from", []).append("该机构已注销，不能认定为普惠托育机构。")
    if places is None or places <= 0:
        errors.setdefault("places", []).append("普惠托位数应大于0。")
    elif places > institution.capacity:
        errors.setdefault("places", []).append(f"普惠托位数{places}个，超过机构托位数{institution.capacity}个。")
    if price is not None and price < 0:
        errors.setdefault("price", []).append("普惠收费不能为负数。")
    if errors:
        raise ValidationError(errors)
    before = snapshot(institution)
    institution.is_inclusive = True
    institution.inclusive_from, institution.inclusive_places, institution.inclusive_price = inclusive_from, places, price
    institution.save(update_fields=["is_inclusive", "inclusive_from", "inclusive_places", "inclusive_price",
                                    "updated_at"])
    change_record(actor=actor, instance=institution, action=ObjectChange.Action.UPDATE, before=before,
                  comment=f"认定普惠托育：自{inclusive_from:%Y-%m-%d}起，普惠托位{places}个")
    return institution


@transaction.atomic
def institution_withdraw_inclusive(*, institution: Institution, actor) -> Institution:
    if not rules.can_designate_inclusive(actor):
        raise PermissionDenied("只有区卫生健康委可以撤销普惠托育认定。")
    institution = Institution.objects.select_for_update().get(pk=institution.pk)
    before = snapshot(institution)
    institution.is_inclusive = False
    institution.inclusive_from = institution.inclusive_places = institution.inclusive_price = None
    institution.save(update_fields=["is_inclusive", "inclusive_from", "inclusive_places", "inclusive_price",
                                    "updated_at"])
    change_record(actor=actor, instance=institution, action=ObjectChange.Action.UPDATE, before=before,
                  comment="撤销普惠托育认定")
    return institution


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def enrolment_problems(*, institution: Institution, period: dt.date, today: dt.date) -> dict[str, list[str]]:
    """Why a month's report cannot be recorded: only a filed institution reports, for a month
    that has begun, not before the month it was filed in."""
    errors: dict[str, list[str]] = {}
    if period != month_start(period):
        errors.setdefault("period", []).append("月份应为该月第一天。")
    if period > month_start(today):
        errors.setdefault("period", []).append(f"{period.year}年{period.month}月尚未开始，不能填报。")
    if institution.filed_on is None:
        errors.setdefault("period", []).append(f"“{institution.name}”尚未备案，备案后按月填报在托人数。")
    elif period < month_start(institution.filed_on):
        errors.setdefault("period", []).append(
            f"“{institution.name}”于{institution.filed_on:%Y年%m月%d日}备案，不能填报此前月份。"
        )
    if institution.cancelled_on and period > institution.cancelled_on:
        errors.setdefault("period", []).append(f"“{institution.name}”已注销。")
    return errors


@transaction.atomic
def enrolment_report(
    *, institution: Institution, actor, period: dt.date, infant: int = 0, toddler: int = 0, preschool: int = 0,
    mixed: int = 0,
) -> EnrolmentReport:
    """Record (or correct) one month's children in care, by class. A correction keeps the
    history of the old figures."""
    if not rules.can_report_enrolment(actor, institution.pk):
        raise PermissionDenied("您无权填报该机构的在托人数。")
    institution = Institution.objects.select_for_update().get(pk=institution.pk)
    errors = enrolment_problems(institution=institution, period=period, today=clock.today())
    if errors:
        raise ValidationError(errors)
    counts = {"infant": infant, "toddler": toddler, "preschool": preschool, "mixed": mixed}
    existing = EnrolmentReport.objects.select_for_update().filter(institution=institution, period=period).first()
    before = snapshot(existing) if existing else None
    report = existing or EnrolmentReport(institution=institution, period=period)
    for name, value in counts.items():
        setattr(report, name, value)
    report.children = sum(counts.values())
    report.source, report.reported_by, report.reported_at = EnrolmentReport.Source.FORM, actor, clock.now()
    report.save()
    change_record(actor=actor, instance=report,
                  action=ObjectChange.Action.UPDATE if existing else ObjectChange.Action.CREATE, before=before,
                  comment=f"填报{period.year}年{period.month}月在托人数：{report.children}人")
    return report


@transaction.atomic
def enrolments_import_bulk(*, actor, rows: list[dict]) -> int:
    """Write already validated monthly rows (the import): one per institution and month, an
    existing month replaced. All in this one transaction."""
    if not rules.can_import_enrolment(actor):
        raise PermissionDenied("只有区卫生健康委可以批量导入在托人数。")
    now = clock.now()
    keys = {(r["institution"].pk, r["period"]) for r in rows}
    existing = {
        (e.institution_id, e.period): e
        for e in EnrolmentReport.objects.select_for_update().filter(
            institution_id__in={k[0] for k in keys}, period__in={k[1] for k in keys})
    }
    new, changed = [], []
    for row in rows:
        report = existing.get((row["institution"].pk, row["period"])) or EnrolmentReport(
            institution=row["institution"], period=row["period"])
        for name in ENROLMENT_CLASS_FIELDS:
            setattr(report, name, row[name])
        report.children = sum(row[name] for name in ENROLMENT_CLASS_FIELDS)
        report.source, report.reported_by = EnrolmentReport.Source.IMPORT, actor
        report.reported_at = row.get("reported_at") or now  # a past month's paper record keeps its date
        (changed if report.pk else new).append(report)
    EnrolmentReport.objects.bulk_create(new, batch_size=1000)
    EnrolmentReport.objects.bulk_update(changed, [*ENROLMENT_CLASS_FIELDS, "children", "source", "reported_by",
                                                  "reported_at"], batch_size=1000)
    change_record_bulk(actor=actor, instances=[*new, *changed], action=ObjectChange.Action.CREATE,
                       comment="批量导入在托人数")
    return len(rows)
