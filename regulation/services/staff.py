"""Staff (从业人员) and the district's 终身禁入 list. The ID number arrives in the
request, is checked (GB 11643), hashed and masked here, and goes no further."""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from audit.models import ObjectChange
from audit.services import change_record, snapshot
from core import clock
from core.service_calls import StateConflict
from institutions.models import Institution
from notifications.services import inbox_notify

from .. import personid, rules
from ..models import BlockedAttempt, PersonBan, StaffDocument, StaffMember
from .common import check_files, coordinators, remove_files, require, stored


class BannedPerson(ValidationError):
    """The person is on the 终身禁入 list: the addition is refused (the attempt is kept)."""


def _id_fields(id_number: str, errors: dict) -> tuple[str, str]:
    try:
        value = personid.normalise(id_number)
    except ValidationError as exc:
        errors["id_number"] = exc.messages[0]
        return "", ""
    return personid.person_hash(value), personid.mask(value)


def staff_add(
    *,
    actor,
    institution: Institution,
    name: str,
    post: str,
    id_number: str,
    started_on: dt.date | None,
    health_expires: dt.date | None,
    qualification: str = "",
    certificate_number: str = "",
    certificate_expires: dt.date | None = None,
    background_checked_on: dt.date | None = None,
) -> StaffMember:
    """Add a person to an institution's staff. A person on the 终身禁入 list is refused
    (BannedPerson) and every coordinator is told — the attempt and the messages are
    committed even though the addition is not."""
    require(rules.can_keep_staff(actor, institution.pk), "只有本机构或督办管理员可以维护从业人员。")
    errors: dict[str, str] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = "请填写姓名。"
    if post not in StaffMember.Post.values:
        errors["post"] = "请选择岗位。"
    if started_on is None:
        errors["started_on"] = "请填写入职日期。"
    if health_expires is None:
        errors["health_expires"] = "请填写健康证明有效期。"
    if background_checked_on is not None and background_checked_on > clock.today():
        errors["background_checked_on"] = "无犯罪记录查询日期不能晚于今天。"
    digest, masked = _id_fields(id_number, errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        ban = PersonBan.objects.filter(person_hash=digest).first()
        if ban is None:
            staff = StaffMember.objects.create(
                institution=institution, name=name, post=post, person_hash=digest, person_masked=masked,
                qualification=(qualification or "").strip(), certificate_number=(certificate_number or "").strip(),
                certificate_expires=certificate_expires, health_expires=health_expires,
                background_checked_on=background_checked_on, started_on=started_on, recorded_by=actor,
                recorded_at=clock.now(),
            )
            change_record(actor=actor, instance=staff, action=ObjectChange.Action.CREATE)
            return staff
        BlockedAttempt.objects.create(ban=ban, institution=institution, attempted_by=actor, attempted_at=clock.now())
        for coordinator in coordinators():
            inbox_notify(
                user=coordinator, title=f"终身禁入人员被拦截：{institution.name}",
                body=f"{institution.name}试图登记的从业人员（{masked}）在终身禁入名单中（{ban.decision_number}），已拒绝。",
                url=reverse("regulation:bans"), category="regulation",
            )
    raise BannedPerson({"id_number": "该人员在终身禁入名单中，不得从事婴幼儿照护服务，已拒绝登记并报告督办管理员。"})


@transaction.atomic
def staff_end(*, actor, staff: StaffMember, ended_on: dt.date | None) -> StaffMember:
    staff = StaffMember.objects.select_for_update().get(pk=staff.pk)
    require(rules.can_keep_staff(actor, staff.institution_id), "只有本机构或督办管理员可以维护从业人员。")
    if staff.ended_on is not None:
        raise StateConflict("该人员已离职。")
    if ended_on is None:
        raise ValidationError({"ended_on": "请填写离职日期。"})
    if ended_on < staff.started_on:
        raise ValidationError({"ended_on": "离职日期不能早于入职日期。"})
    before = snapshot(staff)
    staff.ended_on = ended_on
    staff.save(update_fields=["ended_on"])
    change_record(actor=actor, instance=staff, action=ObjectChange.Action.UPDATE, before=before, comment="离职")
    return staff


@transaction.atomic
def staff_document_add(*, actor, staff: StaffMember, kind: str, upload) -> StaffDocument:
    """A certificate's scan for one staff member (checked by core.uploads)."""
    staff = StaffMember.objects.select_for_update().get(pk=staff.pk)
    require(rules.can_keep_staff(actor, staff.institution_id), "只有本机构或督办管理员可以维护从业人员。")
    if kind not in StaffDocument.Kind.values:
        raise ValidationError({"kind": "请选择证书类别。"})
    if upload is None:
        raise ValidationError({"file": "请选择要上传的文件。"})
    file_kind = check_files([upload], field="file")[0]
    saved: list[str] = []
    try:
        document = StaffDocument.objects.create(staff=staff, kind=kind, uploaded_by=actor, uploaded_at=clock.now(),
                                                **stored(upload, file_kind, folder="regulation/staff", saved=saved))
        change_record(actor=actor, instance=staff, action=ObjectChange.Action.UPDATE, before={}, after={},
                      comment=f"上传{document.get_kind_display()}：{document.original_name}")
    except BaseException:
        remove_files(saved)
        raise
    return document


@transaction.atomic
def person_ban_add(
    *, actor, id_number: str, name: str, reason: str, decision_number: str, decided_on: dt.date | None, decision_file,
) -> PersonBan:
    """A coordinator puts a person on the 终身禁入 list, with the decision document. Anyone
    already working somewhere is reported to every coordinator at once."""
    require(rules.can_keep_ban_list(actor), "只有督办管理员可以维护终身禁入名单。")
    errors: dict[str, str] = {}
    digest, masked = _id_fields(id_number, errors)
    name, reason, decision_number = (name or "").strip(), (reason or "").strip(), (decision_number or "").strip()
    if not name:
        errors["name"] = "请填写姓名。"
    if not reason:
        errors["reason"] = "请填写禁入事由。"
    if not decision_number:
        errors["decision_number"] = "请填写决定文书编号。"
    if decided_on is None:
        errors["decided_on"] = "请填写决定日期。"
    if decision_file is None:
        errors["decision_file"] = "请上传决定文书。"
    if digest and PersonBan.objects.filter(person_hash=digest).exists():
        errors["id_number"] = "该人员已在终身禁入名单中。"
    if errors:
        raise ValidationError(errors)
    kind = check_files([decision_file], field="decision_file")[0]
    saved: list[str] = []
    try:
        ban = PersonBan.objects.create(
            person_hash=digest, person_masked=masked, name=name, reason=reason, decision_number=decision_number,
            decided_on=decided_on, uploaded_by=actor, uploaded_at=clock.now(),
            **stored(decision_file, kind, folder="regulation/bans", saved=saved),
        )
        change_record(actor=actor, instance=ban, action=ObjectChange.Action.CREATE, after={
            "姓名": name, "身份证号码": masked, "禁入事由": reason, "决定文书编号": decision_number,
            "决定日期": str(decided_on), "决定文书": ban.original_name})
        working = (StaffMember.objects.active_on(clock.today()).filter(person_hash=digest)
                   .select_related("institution"))
        for staff in working:
            for coordinator in coordinators():
                inbox_notify(user=coordinator, title=f"终身禁入人员仍在岗：{staff.institution.name}",
                             body=f"{name}（{masked}）现为{staff.institution.name}{staff.get_post_display()}，请依法处理。",
                             url=reverse("regulation:staff", args=[staff.institution_id]), category="regulation")
    except BaseException:
        remove_files(saved)
        raise
    return ban
