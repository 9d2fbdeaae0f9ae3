"""Registrations: the registration authorities record institutions (by form or a whole roster), and the
Health Commission recognises 普惠性/示范性 and links operator accounts. Keyword-only, atomic, with history."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.roles import runs_institution
from agencies.models import Department
from audit.models import ObjectChange
from audit.services import change_record, change_record_bulk, snapshot
from core import clock

from ..models import SERVICE_FIELDS, Institution, Registration, RosterImport
from ..registration_checks import registration_validate
from ..selectors import registration_authorities
from ..validators import normalise_credit_code
from .access import require_coordinator


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
    category: str = Institution.Category.CENTRE,
) -> Registration:
    """A registrar (or the coordinator) records a registration: the institution
    enters the registry as 已登记待备案 and the Health Commission is told a filing
    is expected (the Registration row its queue lists)."""
    code = normalise_credit_code(credit_code)
    check = registration_validate(
        actor=actor, credit_code=code, nature=nature, legal_form=legal_form,
        authority=registration_authority, street=street, authorities_by_name=registration_authorities(),
        is_inclusive=is_inclusive, is_demonstration=is_demonstration, category=category, capacity=capacity,
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
        registered_on=registered_on or today, category=category,
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
        pushed_at=clock.now(),
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
    now = clock.now()
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
    require_coordinator(actor)
    institution = Institution.objects.select_for_update().get(pk=institution.pk)
    before = snapshot(institution)
    institution.is_inclusive = is_inclusive
    # 普惠 counts from a date with its places (services.care); a plain tick dates it today, all places.
    if is_inclusive and institution.inclusive_from is None:
        institution.inclusive_from, institution.inclusive_places = clock.today(), institution.capacity
    elif not is_inclusive:
        institution.inclusive_from = institution.inclusive_places = institution.inclusive_price = None
    institution.is_demonstration = is_demonstration
    if is_demonstration:
        institution.demonstration_on = demonstration_on or institution.demonstration_on or clock.today()
    else:
        institution.demonstration_on = None
    institution.save(update_fields=["is_inclusive", "is_demonstration", "demonstration_on", "inclusive_from",
                                    "inclusive_places", "inclusive_price", "updated_at"])
    change_record(actor=actor, instance=institution, action=ObjectChange.Action.UPDATE, before=before,
                  comment="认定普惠性/示范性")
    return institution


@transaction.atomic
def operator_link(*, user, institution: Institution, actor) -> None:
    """Give an institution account (role operator) its institution."""
    require_coordinator(actor)
    if not runs_institution(user):
        raise ValidationError({"user": ["只能为“托育机构”角色的账号绑定机构。"]})
    before = snapshot(user)
    user.institution = institution
    user.save(update_fields=["institution"])
    change_record(actor=actor, instance=user, action=ObjectChange.Action.UPDATE, before=before,
                  comment=f"绑定托育机构：{institution.name}")

