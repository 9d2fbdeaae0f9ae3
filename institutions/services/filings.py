"""Filings (备案): an operator (or the coordinator on its behalf) fills in and submits the 备案书 with its
documents; the coordinator returns it for correction, files it with a receipt number, or refuses it.
Errors are ValidationErrors with Chinese messages (keyed by form field where a field is to blame)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max

from audit.models import ObjectChange
from audit.services import change_record, snapshot
from core import clock
from core.uploads import JPEG, PDF, PNG, generated_name, validate_upload

from .. import rules
from ..family_rules import family_filing_problems
from ..models import (
    OPEN_FILING_STATES,
    SERVICE_FIELDS,
    CorrectionItem,
    DocumentKind,
    Filing,
    FilingClass,
    FilingCorrection,
    FilingDocument,
    Institution,
    ReceiptCounter,
)
from ..workdays import WorkdayCalendar
from . import events
from .access import require_coordinator, require_may_handle

RECEIPT_NUMBER_FORMAT = "渝中托备〔{year}〕{seq:03d}号"


# The 备案书 fields an operator fills in (everything else is workflow).
FILING_FORM_FIELDS = (
    "principal_name", "contact_phone", "public_phone", "address", "premises_ownership", "premises_area",
    "lease_years", "staff_count", "capacity", "serves_meals", *SERVICE_FIELDS.values(),
    "change_summary", "cancel_reason", "service_end_on", "placement_note",
)


def _classes_text(filing: Filing) -> str:
    return "；".join(str(c) for c in filing.classes.all()) or "（无）"


def _filing_snapshot(filing: Filing) -> dict:
    data = snapshot(filing)
    data["班级设置"] = _classes_text(filing)
    return data


def _locked(filing: Filing) -> Filing:
    """Re-read the filing under a row lock: the state checks that follow are
    made against what is committed, so two reviewers cannot both win."""
    return Filing.objects.select_for_update().select_related("institution").get(pk=filing.pk)


def _state_error(filing: Filing, wanted: str) -> ValidationError:
    return ValidationError(
        f"该备案当前状态为“{filing.get_status_display()}”，不能{wanted}（可能已被他人处理，请刷新页面）。",
        code="state",
    )


@transaction.atomic
def filing_start(*, institution: Institution, kind: str, actor) -> Filing:
    """Open a filing (draft) of `kind` for the institution, prefilled from the
    registry and, for a change, from the classes of its last filed filing."""
    require_may_handle(actor, institution.pk)
    institution = Institution.objects.select_for_update().get(pk=institution.pk)
    if kind not in Filing.Kind.values:
        raise ValidationError("备案类型无效。")
    if kind == Filing.Kind.NEW and institution.status != Institution.Status.REGISTERED:
        raise ValidationError(f"该机构{institution.get_status_display()}，不能再办理新设备案。")
    if kind in (Filing.Kind.CHANGE, Filing.Kind.CANCEL) and institution.status != Institution.Status.FILED:
        raise ValidationError("只有已备案的机构才能办理变更备案或注销备案。")
    open_filing = institution.filings.filter(status__in=OPEN_FILING_STATES).first()
    if open_filing is not None:
        raise ValidationError(
            f"该机构已有正在办理的{open_filing.get_kind_display()}（{open_filing.get_status_display()}），"
            "请先完成该备案。"
        )
    last_filed = institution.filings.filter(status=Filing.Status.FILED).exclude(kind=Filing.Kind.CANCEL).first()
    filing = Filing(
        institution=institution, kind=kind, created_by=actor,
        principal_name=institution.legal_representative, contact_phone=institution.contact_phone,
        public_phone=institution.public_phone, address=institution.address,
        capacity=institution.capacity, serves_meals=institution.serves_meals,
        **{f: getattr(institution, f) for f in SERVICE_FIELDS.values()},
    )
    if last_filed is not None:
        for name in ("premises_ownership", "premises_area", "lease_years", "staff_count", "principal_name"):
            setattr(filing, name, getattr(last_filed, name))
    try:
        with transaction.atomic():
            filing.save()
    except IntegrityError:
        raise ValidationError("该机构已有正在办理的备案，请先完成该备案。") from None
    if last_filed is not None and kind == Filing.Kind.CHANGE:
        FilingClass.objects.bulk_create(
            FilingClass(filing=filing, kind=c.kind, children=c.children, caregivers=c.caregivers, position=c.position)
            for c in last_filed.classes.all()
        )
    change_record(actor=actor, instance=filing, action=ObjectChange.Action.CREATE,
                  comment=f"发起{filing.get_kind_display()}")
    return filing


@transaction.atomic
def filing_update(
    *,
    filing: Filing,
    actor,
    data: Mapping[str, object],
    classes: list[Mapping[str, object]] | None = None,
    commitment_accepted: bool | None = None,
) -> Filing:
    """Save the 备案书 (fields, classes, 承诺书) of a draft or returned filing."""
    require_may_handle(actor, filing.institution_id)
    filing = _locked(filing)
    if not filing.is_editable:
        raise _state_error(filing, "修改")
    before = _filing_snapshot(filing)
    fields = []
    for name, value in data.items():
        if name not in FILING_FORM_FIELDS:
            raise ValueError(f"备案书没有字段 {name}")
        setattr(filing, name, value)
        fields.append(name)
    if commitment_accepted is not None and commitment_accepted != filing.commitment_accepted:
        filing.commitment_accepted = commitment_accepted
        filing.commitment_accepted_at = clock.now() if commitment_accepted else None
        fields += ["commitment_accepted", "commitment_accepted_at"]
    try:
        filing.full_clean(exclude=["institution", "created_by", "decided_by"])
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from None
    filing.save(update_fields=[*fields, "updated_at"])
    if classes is not None:
        filing.classes.all().delete()
        FilingClass.objects.bulk_create(
            FilingClass(filing=filing, kind=c["kind"], children=c["children"], caregivers=c["caregivers"], position=i)
            for i, c in enumerate(classes, start=1)
        )
    change_record(actor=actor, instance=filing, action=ObjectChange.Action.UPDATE, before=before,
                  after=_filing_snapshot(filing), comment="保存备案书")
    return filing


@transaction.atomic
def filing_document_add(*, filing: Filing, actor, kind: str, upload) -> FilingDocument:
    """Attach one material, checked by content (PDF, JPEG or PNG scans)."""
    require_may_handle(actor, filing.institution_id)
    filing = _locked(filing)
    if not filing.is_editable:
        raise _state_error(filing, "上传材料")
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": ["请选择材料类型。"]})
    try:
        file_kind = validate_upload(upload, allowed=(PDF, JPEG, PNG), max_bytes=settings.FILING_DOCUMENT_MAX_BYTES)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from None
    document = FilingDocument(
        filing=filing, kind=kind, original_name=upload.name, content_type=file_kind.content_type,
        size=upload.size, uploaded_by=actor,
    )
    document.file.save(generated_name("filings", file_kind), upload, save=False)
    stored_name = document.file.name
    try:
        document.save()
    except Exception:
        document.file.storage.delete(stored_name)
        raise
    unchanged = _filing_snapshot(filing)  # the 备案书 itself did not change: the row carries the comment
    change_record(actor=actor, instance=filing, action=ObjectChange.Action.UPDATE, before=unchanged, after=unchanged,
                  comment=f"上传材料：{document.get_kind_display()}（{document.original_name}）")
    return document


@transaction.atomic
def filing_document_remove(*, document: FilingDocument, actor) -> None:
    require_may_handle(actor, document.filing.institution_id)
    filing = _locked(document.filing)
    if not filing.is_editable:
        raise _state_error(filing, "删除材料")
    name, storage = document.file.name, document.file.storage
    label = f"{document.get_kind_display()}（{document.original_name}）"
    document.delete()
    transaction.on_commit(lambda: storage.delete(name))
    unchanged = _filing_snapshot(filing)
    change_record(actor=actor, instance=filing, action=ObjectChange.Action.UPDATE, before=unchanged, after=unchanged,
                  comment=f"删除材料：{label}")


def filing_submission_problems(filing: Filing) -> list[str]:
    """Why a filing cannot be submitted yet (empty when it is complete)."""
    problems = []
    if not filing.commitment_accepted:
        problems.append("请阅读并签署《托育机构备案承诺书》。")
    present = set(filing.documents.values_list("kind", flat=True))
    if filing.kind in (Filing.Kind.NEW, Filing.Kind.CHANGE):
        if not filing.principal_name.strip():
            problems.append("请填写机构负责人。")
        if not filing.contact_phone.strip():
            problems.append("请填写联系电话。")
        if not filing.address.strip():
            problems.append("请填写服务场所地址。")
        if not filing.service_types:
            problems.append("请至少选择一种服务类型（全日托、半日托、计时托、临时托）。")
        if not filing.capacity:
            problems.append("请填写托位数。")
        if not filing.premises_ownership:
            problems.append("请选择场地性质（自有或租赁）。")
        elif filing.premises_ownership == Filing.Premises.LEASED and not filing.lease_years:
            problems.append("场地为租赁的，请填写租赁期限。")
        classes = list(filing.classes.all())
        if not classes:
            problems.append("请填写班级设置（至少一个班）。")
        problems.extend(f"{p[:-1]}，请调整班级设置后再提交。" for p in rules.class_size_problems(classes))
        problems.extend(family_filing_problems(filing))
    if filing.kind == Filing.Kind.CHANGE:
        if not filing.change_summary.strip():
            problems.append("请填写变更事项。")
        if not present:
            problems.append("变更备案请上传变更事项的证明材料。")
    if filing.kind == Filing.Kind.CANCEL:
        if not filing.cancel_reason.strip():
            problems.append("请填写注销原因。")
        if not filing.service_end_on:
            problems.append("请填写终止服务日期。")
        if not filing.placement_note.strip():
            problems.append("请说明在托婴幼儿的安置情况。")
    for kind in rules.required_documents(kind=filing.kind, serves_meals=filing.serves_meals):
        if kind not in present:
            problems.append(f"缺少必需材料：{DocumentKind(kind).label}。")
    return problems


@transaction.atomic
def filing_submit(*, filing: Filing, actor, at: dt.datetime | None = None) -> Filing:
    """Submit a complete filing for review. Required materials are enforced
    here; the 5- and 15-working-day deadlines run from this submission.
    `at` records a past submission (paper records, demo data); default now."""
    require_may_handle(actor, filing.institution_id)
    filing = _locked(filing)
    if not filing.is_editable:
        raise _state_error(filing, "提交")
    problems = filing_submission_problems(filing)
    if problems:
        raise ValidationError(problems, code="incomplete")
    before = _filing_snapshot(filing)
    now = at or clock.now()
    today = clock.date_of(now)
    calendar = WorkdayCalendar(today, today + dt.timedelta(days=60))
    filing.status = Filing.Status.SUBMITTED
    filing.submitted_at = now
    filing.first_submitted_at = filing.first_submitted_at or now
    filing.submission_count += 1
    filing.receipt_due_on = calendar.add_working_days(today, settings.FILING_RECEIPT_WORKING_DAYS)
    filing.notice_due_on = calendar.add_working_days(today, settings.FILING_NOTICE_WORKING_DAYS)
    filing.save(update_fields=[
        "status", "submitted_at", "first_submitted_at", "submission_count", "receipt_due_on", "notice_due_on",
        "updated_at",
    ])
    change_record(actor=actor, instance=filing, action=ObjectChange.Action.TRANSITION, before=before,
                  after=_filing_snapshot(filing), comment=f"提交备案（第{filing.submission_count}次）")
    events.filing_submitted(filing=filing, actor=actor)
    return filing


@transaction.atomic
def filing_return(*, filing: Filing, actor, reasons: Mapping[str, str], at: dt.datetime | None = None) -> Filing:
    """Return a submitted filing for correction (补正), with a reason per item."""
    require_coordinator(actor)
    filing = _locked(filing)
    if filing.status != Filing.Status.SUBMITTED:
        raise _state_error(filing, "退回补正")
    given = {item: (text or "").strip() for item, text in reasons.items() if (text or "").strip()}
    unknown = set(given) - set(CorrectionItem.values)
    if unknown:
        raise ValueError(f"未知的补正事项：{unknown}")
    if not given:
        raise ValidationError("请至少填写一项补正理由。", code="no_reason")
    before = _filing_snapshot(filing)
    round_ = (filing.corrections.aggregate(last=Max("round"))["last"] or 0) + 1
    corrections = FilingCorrection.objects.bulk_create(
        FilingCorrection(filing=filing, round=round_, item=item, reason=text, created_by=actor)
        for item, text in sorted(given.items(), key=lambda kv: CorrectionItem.values.index(kv[0]))
    )
    if at is not None:
        FilingCorrection.objects.filter(pk__in=[c.pk for c in corrections]).update(created_at=at)
    filing.status = Filing.Status.RETURNED
    filing.save(update_fields=["status", "updated_at"])
    summary = "；".join(f"{CorrectionItem(item).label}：{text}" for item, text in given.items())
    change_record(actor=actor, instance=filing, action=ObjectChange.Action.TRANSITION, before=before,
                  after=_filing_snapshot(filing), comment=f"退回补正（第{round_}次）：{summary}")
    events.filing_decided(filing=filing, actor=actor, detail=f"补正意见（第{round_}次）：{summary}")
    return filing


def receipt_number_allocate(*, year: int) -> tuple[int, str]:
    """The next receipt number of the year: the year's counter row is locked
    until the caller's transaction ends, so numbers are unique and gapless."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("receipt_number_allocate 必须在事务中调用")
    counter = ReceiptCounter.objects.select_for_update().filter(year=year).first()
    if counter is None:
        try:
            with transaction.atomic():
                ReceiptCounter.objects.create(year=year, last_number=0)
        except IntegrityError:
            pass  # another approval created it first
        counter = ReceiptCounter.objects.select_for_update().get(year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number, RECEIPT_NUMBER_FORMAT.format(year=year, seq=counter.last_number)


_APPLIED_FIELDS = ("capacity", "serves_meals", *SERVICE_FIELDS.values())


@transaction.atomic
def filing_approve(*, filing: Filing, actor, at: dt.datetime | None = None) -> Filing:
    """File it (予以备案): a receipt number 渝中托备〔YYYY〕NNN号, and the registry
    takes the declared facts (new, change) or the institution is cancelled."""
    require_coordinator(actor)
    filing = _locked(filing)
    if filing.status != Filing.Status.SUBMITTED:
        raise _state_error(filing, "予以备案")
    institution = Institution.objects.select_for_update().get(pk=filing.institution_id)
    before_filing, before_inst = _filing_snapshot(filing), snapshot(institution)
    now = at or clock.now()
    today = clock.date_of(now)
    seq, number = receipt_number_allocate(year=today.year)
    filing.status = Filing.Status.FILED
    filing.decided_by, filing.decided_at, filing.filed_on = actor, now, today
    filing.receipt_year, filing.receipt_seq, filing.receipt_number = today.year, seq, number
    filing.save(update_fields=[
        "status", "decided_by", "decided_at", "filed_on", "receipt_year", "receipt_seq", "receipt_number",
        "updated_at",
    ])
    inst_fields = []
    if filing.kind == Filing.Kind.CANCEL:
        institution.status = Institution.Status.CANCELLED
        institution.cancelled_on = today
        inst_fields += ["status", "cancelled_on"]
    else:
        for name in _APPLIED_FIELDS:
            setattr(institution, name, getattr(filing, name))
        institution.address = filing.address or institution.address
        institution.contact_phone = filing.contact_phone
        institution.public_phone = filing.public_phone
        institution.legal_representative = filing.principal_name or institution.legal_representative
        inst_fields += [*_APPLIED_FIELDS, "address", "contact_phone", "public_phone", "legal_representative"]
        if institution.status == Institution.Status.REGISTERED:
            institution.status = Institution.Status.FILED
            institution.filed_on = institution.filed_on or today
            inst_fields += ["status", "filed_on"]
    institution.save(update_fields=[*inst_fields, "updated_at"])
    change_record(actor=actor, instance=filing, action=ObjectChange.Action.TRANSITION, before=before_filing,
                  after=_filing_snapshot(filing), comment=f"予以备案，备案回执编号 {number}")
    change_record(actor=actor, instance=institution, action=ObjectChange.Action.UPDATE, before=before_inst,
                  comment=f"{filing.get_kind_display()}通过（{number}）")
    events.filing_decided(filing=filing, actor=actor)
    return filing


@transaction.atomic
def filing_reject(*, filing: Filing, actor, reason: str, at: dt.datetime | None = None) -> Filing:
    """A reasoned notice that the filing does not meet the requirements
    (不符合备案要求); it is made public in the directory."""
    require_coordinator(actor)
    filing = _locked(filing)
    if filing.status != Filing.Status.SUBMITTED:
        raise _state_error(filing, "告知不符合备案要求")
    if not reason.strip():
        raise ValidationError({"reason": ["请填写不符合备案要求的理由。"]})
    before = _filing_snapshot(filing)
    now = at or clock.now()
    filing.status = Filing.Status.NONCOMPLIANT
    filing.noncompliance_reason = reason.strip()
    filing.decided_by, filing.decided_at = actor, now
    filing.save(update_fields=["status", "noncompliance_reason", "decided_by", "decided_at", "updated_at"])
    change_record(actor=actor, instance=filing, action=ObjectChange.Action.TRANSITION, before=before,
                  after=_filing_snapshot(filing), comment=f"告知不符合备案要求：{filing.noncompliance_reason}")
    events.filing_decided(filing=filing, actor=actor)
    return filing

