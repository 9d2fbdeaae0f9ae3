"""Writes to the registry. Each function is one business action: keyword-only,
atomic, checking who acts and in what state, and writing its own history.

Errors are django ValidationError with Chinese messages (a dict keyed by form
field where a field is to blame), raised before anything is written.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max

from accounts.roles import is_coordinator, registers_own_authority_only, runs_institution
from agencies.models import Department
from audit.models import ObjectChange
from audit.services import change_record, change_record_bulk, snapshot
from core import clock

from . import rules
from .models import (
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
    Registration,
    RosterImport,
)
from .validators import credit_code_errors, normalise_credit_code
from .workdays import WorkdayCalendar

RECEIPT_NUMBER_FORMAT = "渝中托备〔{year}〕{seq:03d}号"


def _now() -> dt.datetime:
    return clock.now()


def _require_coordinator(actor) -> None:
    if not rules.can_review_filings(actor):
        raise PermissionDenied("只有区卫生健康委督办管理员可以审核备案。")


def _require_may_handle(actor, institution_id: int) -> None:
    """The institution's own operator, or the coordinator on its behalf."""
    if rules.can_handle_filing(actor, institution_id):
        return
    raise PermissionDenied("您无权办理该机构的备案。")


# --- registrations -----------------------------------------------------------------------


@dataclass
class RegistrationCheck:
    """The outcome of checking one registration: errors by field, and the
    authority the rule resolved to."""

    errors: dict[str, list[str]] = field(default_factory=dict)
    authority: Department | None = None

    def add(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)


def registration_validate(
    *,
    actor,
    credit_code: str,
    nature: str | None,
    legal_form: str | None,
    authority: Department | None,
    street: Department | None,
    authorities_by_name: Mapping[str, Department],
    existing_codes: set[str] | None = None,
    is_inclusive: bool = False,
    is_demonstration: bool = False,
) -> RegistrationCheck:
    """Every rule a new registration must satisfy, shared by the form and the
    roster import (which passes the database's codes and the authorities once).

    - the credit code is well formed (GB 32100-2015) and not registered yet;
    - a registrar registers for its own authority only;
    - the authority is the one task 8 requires for the nature and legal form;
    - the street is one of the district's street offices;
    - 普惠性/示范性 are the Health Commission's to recognise, not a registrar's.
    """
    check = RegistrationCheck()
    for message in credit_code_errors(credit_code):
        check.add("credit_code", message)
    if not check.errors.get("credit_code"):
        taken = (
            credit_code in existing_codes if existing_codes is not None
            else Institution.objects.filter(credit_code=credit_code).exists()
        )
        if taken:
            check.add("credit_code", f"统一社会信用代码{credit_code}已登记，不能重复登记")
    is_registrar = actor is not None and registers_own_authority_only(actor)
    if is_registrar:
        own = authorities_by_name.get(actor.department.name) if actor.department_id else None
        if own is None:
            check.add("registration_authority", "您的账号不属于登记机关（区委编办、区民政局、区市场监管局），不能登记机构")
        elif authority is not None and authority.pk != own.pk:
            check.add("registration_authority", f"登记机关“{authority.name}”不是您所在的单位，不能代为登记")
        authority = authority or own
        if is_inclusive or is_demonstration:
            check.add("is_demonstration", "普惠性、示范性由区卫生健康委认定，登记时请勿填写")
    elif not (actor is None or is_coordinator(actor)):
        check.add("registration_authority", "只有登记机关或区卫生健康委可以登记机构")
    if nature and legal_form:
        try:
            required = rules.required_authority(
                nature=nature, legal_form=legal_form, authority_name=authority.name if authority else None
            )
        except ValidationError as exc:
            check.add("legal_form", exc.messages[0])
        else:
            check.authority = authority or authorities_by_name.get(required)
            if check.authority is None:
                check.add("registration_authority", f"系统中没有登记机关“{required}”")
    if street is not None and street.kind != Department.Kind.STREET:
        check.add("street", f"“{street.name}”不是渝中区的街道办事处")
    return check


def _authorities_by_name() -> dict[str, Department]:
    return {d.name: d for d in Department.objects.filter(name__in=rules.REGISTRATION_AUTHORITIES)}


@transaction.atomic
def registration_record(
    *,
    actor,
    name: str,
    credit_code: str,
    nature: str,
    legal_form: str,
    street: Department,
    address: str,
    registered_on: dt.date | None = None,
    registration_authority: Department | None = None,
    legal_representative: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    public_phone: str = "",
    capacity: int = 0,
    service_types: Iterable[str] = (),
    serves_meals: bool = False,
    is_employer_run: bool = False,
    is_kindergarten_class: bool = False,
    is_community_point: bool = False,
    is_inclusive: bool = False,
    is_demonstration: bool = False,
) -> Registration:
    """A registrar (or the coordinator) records a registration: the institution
    enters the registry as 已登记待备案 and the Health Commission is told a filing
    is expected (the Registration row its queue lists)."""
    code = normalise_credit_code(credit_code)
    check = registration_validate(
        actor=actor, credit_code=code, nature=nature, legal_form=legal_form,
        authority=registration_authority, street=street, authorities_by_name=_authorities_by_name(),
        is_inclusive=is_inclusive, is_demonstration=is_demonstration,
    )
    if not name.strip():
        check.add("name", "机构名称不能为空")
    if check.errors:
        raise ValidationError(check.errors)
    today = clock.today()
    institution = Institution(
        name=name.strip(), credit_code=code, nature=nature, legal_form=legal_form,
        registration_authority=check.authority, street=street, address=address.strip(),
        legal_representative=legal_representative, contact_name=contact_name, contact_phone=contact_phone,
        public_phone=public_phone, capacity=capacity, serves_meals=serves_meals,
        is_employer_run=is_employer_run, is_kindergarten_class=is_kindergarten_class,
        is_community_point=is_community_point, is_inclusive=is_inclusive, is_demonstration=is_demonstration,
        demonstration_on=today if is_demonstration else None,
        registered_on=registered_on or today,
        **{f: code_ in set(service_types) for code_, f in SERVICE_FIELDS.items()},
    )
    try:
        with transaction.atomic():
            institution.save()
    except IntegrityError:
        raise ValidationError({"credit_code": [f"统一社会信用代码{code}已登记，不能重复登记"]}) from None
    registration = Registration.objects.create(
        institution=institution, authority=check.authority, registered_on=institution.registered_on,
        source=Registration.Source.FORM, recorded_by=actor if getattr(actor, "pk", None) else None,
        pushed_at=_now(),
    )
    change_record(actor=actor, instance=institution, action=ObjectChange.Action.CREATE,
                  comment=f"{check.authority.name}登记")
    change_record(actor=actor, instance=registration, action=ObjectChange.Action.CREATE,
                  comment="登记信息已推送区卫生健康委，待机构备案")
    return registration


@transaction.atomic
def institutions_register_bulk(
    *, actor, institutions: list[Institution], roster: RosterImport | None = None
) -> int:
    """Write already validated institutions in bulk (the roster import): the
    institutions, their registrations (pushed to the Health Commission) and
    their creation history, in one transaction."""
    now = _now()
    Institution.objects.bulk_create(institutions, batch_size=1000)
    registrations = [
        Registration(
            institution=inst, authority=inst.registration_authority, registered_on=inst.registered_on,
            source=Registration.Source.IMPORT, roster_import=roster,
            recorded_by=actor if getattr(actor, "pk", None) else None, pushed_at=now,
        )
        for inst in institutions
    ]
    Registration.objects.bulk_create(registrations, batch_size=1000)
    label = f"名册导入：{roster.original_name}" if roster else "名册导入"
    change_record_bulk(actor=actor, instances=institutions, action=ObjectChange.Action.CREATE, comment=label)
    return len(institutions)


@transaction.atomic
def institution_update_flags(
    *,
    institution: Institution,
    actor,
    is_inclusive: bool,
    is_demonstration: bool,
    demonstration_on: dt.date | None = None,
) -> Institution:
    """The Health Commission recognises (or withdraws) 普惠性 and 示范性."""
    _require_coordinator(actor)
    institution = Institution.objects.select_for_update().get(pk=institution.pk)
    before = snapshot(institution)
    institution.is_inclusive = is_inclusive
    institution.is_demonstration = is_demonstration
    if is_demonstration:
        institution.demonstration_on = demonstration_on or institution.demonstration_on or clock.today()
    else:
        institution.demonstration_on = None
    institution.save(update_fields=["is_inclusive", "is_demonstration", "demonstration_on", "updated_at"])
    change_record(actor=actor, instance=institution, action=ObjectChange.Action.UPDATE, before=before,
                  comment="认定普惠性/示范性")
    return institution


@transaction.atomic
def operator_link(*, user, institution: Institution, actor) -> None:
    """Give an institution account (role operator) its institution."""
    _require_coordinator(actor)
    if not runs_institution(user):
        raise ValidationError({"user": ["只能为“托育机构”角色的账号绑定机构。"]})
    before = snapshot(user)
    user.institution = institution
    user.save(update_fields=["institution"])
    change_record(actor=actor, instance=user, action=ObjectChange.Action.UPDATE, before=before,
                  comment=f"绑定托育机构：{institution.name}")


# --- filings ------------------------------------------------------------------------------

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
    _require_may_handle(actor, institution.pk)
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
    _require_may_handle(actor, filing.institution_id)
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
        filing.commitment_accepted_at = _now() if commitment_accepted else None
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
    from core.uploads import JPEG, PDF, PNG, generated_name, validate_upload

    _require_may_handle(actor, filing.institution_id)
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
    _require_may_handle(actor, document.filing.institution_id)
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
        if not filing.classes.exists():
            problems.append("请填写班级设置（至少一个班）。")
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
    _require_may_handle(actor, filing.institution_id)
    filing = _locked(filing)
    if not filing.is_editable:
        raise _state_error(filing, "提交")
    problems = filing_submission_problems(filing)
    if problems:
        raise ValidationError(problems, code="incomplete")
    before = _filing_snapshot(filing)
    now = at or _now()
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
    return filing


@transaction.atomic
def filing_return(*, filing: Filing, actor, reasons: Mapping[str, str], at: dt.datetime | None = None) -> Filing:
    """Return a submitted filing for correction (补正), with a reason per item."""
    _require_coordinator(actor)
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
    _require_coordinator(actor)
    filing = _locked(filing)
    if filing.status != Filing.Status.SUBMITTED:
        raise _state_error(filing, "予以备案")
    institution = Institution.objects.select_for_update().get(pk=filing.institution_id)
    before_filing, before_inst = _filing_snapshot(filing), snapshot(institution)
    now = at or _now()
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
    return filing


@transaction.atomic
def filing_reject(*, filing: Filing, actor, reason: str, at: dt.datetime | None = None) -> Filing:
    """A reasoned notice that the filing does not meet the requirements
    (不符合备案要求); it is made public in the directory."""
    _require_coordinator(actor)
    filing = _locked(filing)
    if filing.status != Filing.Status.SUBMITTED:
        raise _state_error(filing, "告知不符合备案要求")
    if not reason.strip():
        raise ValidationError({"reason": ["请填写不符合备案要求的理由。"]})
    before = _filing_snapshot(filing)
    now = at or _now()
    filing.status = Filing.Status.NONCOMPLIANT
    filing.noncompliance_reason = reason.strip()
    filing.decided_by, filing.decided_at = actor, now
    filing.save(update_fields=["status", "noncompliance_reason", "decided_by", "decided_at", "updated_at"])
    change_record(actor=actor, instance=filing, action=ObjectChange.Action.TRANSITION, before=before,
                  after=_filing_snapshot(filing), comment=f"告知不符合备案要求：{filing.noncompliance_reason}")
    return filing


# --- roster import ------------------------------------------------------------------------


@dataclass
class RowProblem:
    line: int
    messages: list[str]

    def __str__(self) -> str:
        return f"第{self.line}行：" + "；".join(self.messages) + "。"


@dataclass
class RosterReport:
    """What a roster holds: problems per row (by the file's own row numbers),
    a preview of the first valid rows, and how many rows were imported."""

    total_rows: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    file_error: str = ""
    preview: list[Institution] = field(default_factory=list)
    imported: int = 0

    @property
    def ok(self) -> bool:
        return not self.file_error and not self.problems


PREVIEW_ROWS = 20


def roster_upload(*, actor, upload) -> RosterImport:
    """Keep an uploaded roster (.xlsx or .csv, checked by content) for its
    dry run and confirmation. Stored in the default storage: every host sees it."""
    from core.uploads import XLSX, check_file_name, detect_kind

    if not rules.can_import_roster(actor):
        raise PermissionDenied("只有登记机关或区卫生健康委可以导入名册。")
    try:
        name = check_file_name(upload.name)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from None
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ("xlsx", "csv"):
        raise ValidationError({"file": ["请上传 Excel（.xlsx）或 CSV 文件。"]})
    if upload.size > settings.ROSTER_MAX_BYTES:
        raise ValidationError({"file": [f"文件超过 {settings.ROSTER_MAX_BYTES // (1024 * 1024)} MB 的上限，请分批导入。"]})
    if not upload.size:
        raise ValidationError({"file": ["文件是空的。"]})
    kind = detect_kind(upload)
    if extension == "xlsx" and kind is not XLSX:
        raise ValidationError({"file": ["文件内容不是 Excel（.xlsx），请另存为 .xlsx 后重新上传。"]})
    if extension == "csv" and kind is not None:
        raise ValidationError({"file": ["文件内容不是 CSV 文本，请检查文件。"]})
    import uuid

    now = clock.local(clock.now())
    roster = RosterImport(original_name=name, uploaded_by=actor)
    roster.file.save(f"rosters/{now:%Y/%m}/{uuid.uuid4().hex}.{extension}", upload, save=False)
    roster.save()
    return roster


def _roster_validate(*, roster: RosterImport, actor) -> tuple[RosterReport, list[Institution]]:
    from .resources import InstitutionRosterResource
    from .roster import RosterFileError, read_roster

    report = RosterReport()
    try:
        with roster.file.open("rb") as handle:
            table = read_roster(handle, filename=roster.original_name)
    except RosterFileError as exc:
        report.file_error = str(exc)
        return report, []
    resource = InstitutionRosterResource(actor=actor, line_numbers=table.line_numbers)
    result = resource.import_data(table.dataset, dry_run=True, raise_errors=False)
    report.total_rows = len(table.dataset)
    problems: dict[int, list[str]] = {}
    for invalid in result.invalid_rows:
        line = resource.line_of(invalid.number)
        for messages in invalid.error_dict.values():
            problems.setdefault(line, []).extend(str(m) for m in messages)
    for number, errors in result.row_errors():
        problems.setdefault(resource.line_of(number), []).extend(f"无法读取（{e.error}）" for e in errors)
    if result.base_errors:
        report.file_error = "；".join(str(e.error) for e in result.base_errors)
    report.problems = [RowProblem(line, messages) for line, messages in sorted(problems.items())]
    report.preview = resource.valid_instances[:PREVIEW_ROWS]
    return report, resource.valid_instances


def roster_preview(*, roster: RosterImport, actor) -> RosterReport:
    """The dry run: every row checked, nothing written."""
    report, _ = _roster_validate(roster=roster, actor=actor)
    roster.row_count = report.total_rows
    roster.error_count = len(report.problems)
    roster.save(update_fields=["row_count", "error_count"])
    return report


@transaction.atomic
def roster_import(*, roster: RosterImport, actor) -> RosterReport:
    """All or nothing: every row is validated first; only if all are valid are
    they written, in bulk, in this one transaction."""
    roster = RosterImport.objects.select_for_update().get(pk=roster.pk)
    if roster.status == RosterImport.Status.IMPORTED:
        raise ValidationError("该名册已经导入，不能重复导入。")
    if roster.uploaded_by_id != actor.pk:
        raise PermissionDenied("只能确认自己上传的名册。")
    report, instances = _roster_validate(roster=roster, actor=actor)
    roster.row_count, roster.error_count = report.total_rows, len(report.problems)
    if not report.ok:
        roster.status = RosterImport.Status.REJECTED
        roster.save(update_fields=["status", "row_count", "error_count"])
        return report
    try:
        with transaction.atomic():
            report.imported = institutions_register_bulk(actor=actor, institutions=instances, roster=roster)
    except IntegrityError:
        report.file_error = "导入时发现统一社会信用代码已被登记（可能有人同时导入），未保存任何数据，请重新上传预览。"
        report.imported = 0
        return report
    roster.status = RosterImport.Status.IMPORTED
    roster.imported_at = _now()
    roster.save(update_fields=["status", "row_count", "error_count", "imported_at"])
    return report
