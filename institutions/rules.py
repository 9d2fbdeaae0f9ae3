"""The business rules of the registry, each in one place.

- task 8 of 渝中府办〔2020〕28号: which authority registers which kind of institution;
- 国卫人口发〔2019〕58号 (托育机构设置标准): class sizes and caregiver ratios,
  premises tenure — checked on input as warnings the reviewer sees;
- 国卫办人口发〔2019〕25号 (登记和备案办法): the materials a filing needs;
- who may act on the registry (the last section): services enforce, views and templates show.
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from accounts.roles import REGISTERS_INSTITUTIONS, has_role, institution_id, is_coordinator, runs_institution

# --- registration authority (task 8) ---------------------------------------------------

AUTHORITY_PUBLIC_INSTITUTION = "区委编办"
AUTHORITY_SOCIAL_ORGANISATION = "区民政局"
AUTHORITY_FOR_PROFIT = "区市场监管局"
REGISTRATION_AUTHORITIES = (AUTHORITY_PUBLIC_INSTITUTION, AUTHORITY_SOCIAL_ORGANISATION, AUTHORITY_FOR_PROFIT)

_NATURE_LABELS = {"for_profit": "营利性", "non_profit": "非营利性"}
_FORM_LABELS = {"public_institution": "事业单位", "social_organisation": "社会组织", "enterprise": "企业"}


def required_authority(*, nature: str, legal_form: str, authority_name: str | None = None) -> str:
    """The one rule of task 8: 事业单位 → 区委编办, 社会组织 → 区民政局, 营利性 → 区市场监管局.

    Returns the authority's name; raises ValidationError (Chinese) when the
    nature and legal form contradict each other, or when `authority_name` is
    given and is not the authority the rule requires.
    """
    nature_label = _NATURE_LABELS.get(nature, nature)
    form_label = _FORM_LABELS.get(legal_form, legal_form)
    if nature == "for_profit":
        if legal_form != "enterprise":
            raise ValidationError(
                f"机构性质与法人类型矛盾：营利性托育机构应登记为企业（在{AUTHORITY_FOR_PROFIT}登记），"
                f"不能是{form_label}。",
                code="authority",
            )
        required = AUTHORITY_FOR_PROFIT
    elif nature == "non_profit":
        if legal_form == "public_institution":
            required = AUTHORITY_PUBLIC_INSTITUTION
        elif legal_form == "social_organisation":
            required = AUTHORITY_SOCIAL_ORGANISATION
        else:
            raise ValidationError(
                f"机构性质与法人类型矛盾：非营利性托育机构应为事业单位（{AUTHORITY_PUBLIC_INSTITUTION}登记）"
                f"或社会组织（{AUTHORITY_SOCIAL_ORGANISATION}登记），不能登记为{form_label}。",
                code="authority",
            )
    else:
        raise ValidationError(f"机构性质“{nature_label}”无效。", code="authority")
    if authority_name is not None and authority_name != required:
        raise ValidationError(
            f"登记机关与机构性质矛盾：{nature_label}{form_label}应在{required}登记，不能在{authority_name}登记。",
            code="authority",
        )
    return required


# --- classes (58号文) -------------------------------------------------------------------


@dataclass(frozen=True)
class ClassStandard:
    label: str
    max_children: int
    children_per_caregiver: int | None  # None: the standard sets no ratio


CLASS_STANDARDS = {
    "infant": ClassStandard("乳儿班（6–12个月）", 10, 3),
    "toddler": ClassStandard("托小班（12–24个月）", 15, 5),
    "preschool": ClassStandard("托大班（24–36个月）", 20, 7),
    # 58号文: 18个月以上可混合编班，每班不超过18人; it sets no separate ratio.
    "mixed": ClassStandard("混合班（18个月以上）", 18, None),
}


def class_warnings(classes: Iterable) -> list[str]:
    """Warnings for declared classes that break the 58号文 limits.

    `classes` are objects with `kind`, `children` and `caregivers` (model rows
    or form data); the reviewer sees these beside the filing.
    """
    warnings = []
    for index, cls in enumerate(classes, start=1):
        standard = CLASS_STANDARDS.get(cls.kind)
        if standard is None:
            continue
        name = _class_name(index, standard)
        if cls.children > standard.max_children:
            warnings.append(_too_many(name, cls.children, standard))
        if standard.children_per_caregiver and cls.children:
            needed = math.ceil(cls.children / standard.children_per_caregiver)
            if cls.caregivers < needed:
                warnings.append(
                    f"{name}保育人员{cls.caregivers}人，低于1:{standard.children_per_caregiver}的配比"
                    f"（{cls.children}名婴幼儿至少需要{needed}人）。"
                )
    return warnings


def _class_name(index: int, standard: ClassStandard) -> str:
    return f"第{index}个班（{standard.label}）"


def _too_many(name: str, children: int, standard: ClassStandard) -> str:
    return f"{name}收托{children}人，超过每班{standard.max_children}人的上限。"


def class_size_problems(classes: Iterable) -> list[str]:
    """The class-size limits of 58号文 (乳儿班 ≤ 10, 托小班 ≤ 15, 托大班 ≤ 20,
    混合班 ≤ 18), each naming the class: shown to the institution when it saves
    its 备案书 and blocking its submission (filing_submission_problems). The same
    words as the reviewer's `class_warnings`, from the same table."""
    problems = []
    for index, cls in enumerate(classes, start=1):
        standard = CLASS_STANDARDS.get(cls.kind)
        if standard is not None and cls.children > standard.max_children:
            problems.append(_too_many(_class_name(index, standard), cls.children, standard))
    return problems


MIN_LEASE_YEARS = 3


def premises_warnings(*, ownership: str, lease_years: int | None) -> list[str]:
    if ownership == "leased" and (lease_years or 0) < MIN_LEASE_YEARS:
        return [f"场地为租赁，租期{lease_years or 0}年，少于设置标准要求的{MIN_LEASE_YEARS}年。"]
    return []


# --- filing materials (25号文) ----------------------------------------------------------

DOC_LICENSE = "license"
DOC_PREMISES = "premises"
DOC_STAFF = "staff"
DOC_HYGIENE = "hygiene"
DOC_FIRE = "fire"
DOC_FOOD = "food"
DOC_OTHER = "other"

NEW_FILING_DOCUMENTS = (DOC_LICENSE, DOC_PREMISES, DOC_STAFF, DOC_HYGIENE, DOC_FIRE)


def required_documents(*, kind: str, serves_meals: bool) -> list[str]:
    """Document kinds a filing of this kind must carry before it can be submitted.

    新设备案: the five materials of 25号文 第八条, and 食品经营许可证 where the
    institution serves meals. 变更备案: proof of the change (any one document,
    checked separately) and 食品经营许可证 if it now serves meals. 注销备案: none.
    """
    if kind == "new":
        return [*NEW_FILING_DOCUMENTS, *([DOC_FOOD] if serves_meals else [])]
    if kind == "change":
        return [DOC_FOOD] if serves_meals else []
    return []


# --- who may act (permissions) ----------------------------------------------------------


def can_review_filings(user) -> bool:
    """Approve, return and reject filings, print receipts' numbers, set flags, link
    operators: the district Health Commission's coordinator (a superuser too)."""
    return is_coordinator(user)


def can_handle_filing(user, institution_pk: int) -> bool:
    """Fill in, upload to and submit a filing: the institution's own account, or the
    coordinator on its behalf."""
    return is_coordinator(user) or (institution_pk is not None and institution_id(user) == institution_pk)


def can_see_filing_documents(user) -> bool:
    """Staff certificates and the like: the coordinator and the institution itself."""
    return is_coordinator(user) or runs_institution(user)


def sees_filing_warnings(user) -> bool:
    """The 58号文 warnings are the reviewers' notes, not shown to the institution."""
    return not runs_institution(user)


def can_import_roster(user) -> bool:
    return has_role(user, REGISTERS_INSTITUTIONS)


def can_keep_calendar(actor) -> bool:
    """The holiday calendar: a coordinator, or nobody (manage.py run by operations staff)."""
    return actor is None or is_coordinator(actor)


# --- 普惠, enrolment and quality assessment (issue 15) ---------------------------------------


def can_designate_inclusive(user) -> bool:
    """普惠托育 is designated (and withdrawn) by the district Health Commission."""
    return is_coordinator(user)


def can_report_enrolment(user, institution_pk: int) -> bool:
    """The monthly 在托人数: the institution's own account, or the coordinator on its behalf."""
    return can_handle_filing(user, institution_pk)


def can_import_enrolment(user) -> bool:
    """Several institutions' monthly figures at once: the coordinator."""
    return is_coordinator(user)


def can_self_assess(user, institution_pk: int) -> bool:
    """An institution fills its own quality self-assessment (自评); the coordinator may help."""
    return can_handle_filing(user, institution_pk)


def can_confirm_assessment(user) -> bool:
    """The coordinator confirms (or returns) a submitted self-assessment."""
    return is_coordinator(user)


def can_load_quality_standard(actor) -> bool:
    """Loading the standard's structure: a coordinator, or operations staff at the command line."""
    return actor is None or is_coordinator(actor)

# The monthly 在托人数 is due like a monthly progress report: on this day of the month reported
# (the default of Plan.report_due_day), read through progress.periods by the pages.
ENROLMENT_DUE_DAY = 25
