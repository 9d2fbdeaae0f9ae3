"""What a new registration must satisfy (the seed rule of task 8, the credit code, the street, who registers).

Shared by the registration form's service and every row of the roster import; it writes nothing. Kept outside
institutions.services because the roster resource calls it and services.roster calls the resource."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from accounts.roles import is_coordinator, registers_own_authority_only
from agencies.models import Department

from . import rules
from .family_rules import family_point_problems, is_family_point
from .models import Institution
from .validators import credit_code_errors


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
    category: str | None = None,
    capacity: int | None = None,
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
    if is_family_point(category):  # 家庭托育点: at most 5 places (institutions.family_rules)
        for message in family_point_problems(children=capacity, what="托位数"):
            check.add("capacity", message)
    return check

