"""Demo registry for the embedded default (`manage.py setup_portal`).

Twenty institutions across the district's street offices, at every stage:
the existing institutions that completed their first filings in 2020 (task 8's
2020 milestone reads 100 %, and one 示范性 institution meets task 9's), later
filings, a change filing in review, a cancellation, filings in the review
queue at different ages (green, yellow, overdue), a filing returned for
correction (the one demo-institution operates), a draft, registrations just
pushed by the authorities, and a public non-compliance notice.

Everything goes through the services, so the history reads as it would in
real use. Idempotent: an institution whose credit code exists is left alone.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from accounts.models import User
from accounts.roles import RUNS_INSTITUTION
from agencies.models import Department
from core import clock

from . import demo_care, rules, services
from .models import Institution
from .validators import make_credit_code
from .workdays import is_workday

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEMO_PDF = b"%PDF-1.4\n% demo material\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PREFIX = {"enterprise": ("91500103", "for_profit"), "social": ("52500103", "non_profit"),
          "public": ("12500103", "non_profit")}
LEGAL_FORM = {"enterprise": "enterprise", "social": "social_organisation", "public": "public_institution"}


@dataclass
class DemoInstitution:
    n: int
    name: str
    street: str
    form: str
    capacity: int
    services: tuple[str, ...]
    registered: dt.date
    stage: str  # registered | draft | submitted | returned | filed | change | cancelled | noncompliant
    filed: dt.date | None = None
    submitted_wd_ago: int = 0
    meals: bool = False
    flags: dict = field(default_factory=dict)
    demonstration_on: dt.date | None = None
    cancelled: dt.date | None = None
    operator: str = ""
    category: str = "centre"


D = dt.date
INSTITUTIONS = [
    # Existing institutions that completed their first filings in 2020 (task 8).
    DemoInstitution(1, "渝中区七彩虹托育中心", "解放碑街道办事处", "enterprise", 80, ("full_day", "half_day"),
                    D(2019, 5, 10), "filed", filed=D(2020, 9, 15), meals=True, flags={"is_inclusive": True},
                    demonstration_on=D(2020, 11, 30)),
    DemoInstitution(2, "渝中区大坪童心托育园", "大坪街道办事处", "social", 60, ("full_day",), D(2019, 8, 1), "filed",
                    filed=D(2020, 10, 20), meals=True, flags={"is_inclusive": True}),
    DemoInstitution(3, "渝中区妇幼保健院职工托育点", "上清寺街道办事处", "public", 30, ("full_day",), D(2018, 3, 1),
                    "filed", filed=D(2020, 11, 10), meals=True, flags={"is_employer_run": True}),
    DemoInstitution(4, "渝中区两路口幼儿园托班", "两路口街道办事处", "public", 25, ("full_day",), D(2017, 9, 1),
                    "filed", filed=D(2020, 12, 8), meals=True, flags={"is_kindergarten_class": True}),
    # Filed later.
    DemoInstitution(5, "化龙桥社区托育点", "化龙桥街道办事处", "social", 20, ("hourly", "temporary"),
                    D(2021, 4, 1), "filed", filed=D(2021, 6, 15), flags={"is_community_point": True,
                                                                          "is_inclusive": True}),
    DemoInstitution(6, "朝天门贝贝托育中心", "朝天门街道办事处", "enterprise", 50, ("full_day", "hourly"),
                    D(2022, 3, 1), "filed", filed=D(2022, 5, 10), meals=True),
    DemoInstitution(7, "南纪门小太阳托育园", "南纪门街道办事处", "enterprise", 40, ("full_day", "half_day"),
                    D(2023, 2, 1), "filed", filed=D(2023, 4, 12)),
    DemoInstitution(8, "石油路乐育托育中心", "石油路街道办事处", "enterprise", 70, ("full_day", "half_day", "hourly"),
                    D(2024, 5, 6), "filed", filed=D(2024, 7, 1), meals=True, demonstration_on=D(2025, 6, 1)),
    DemoInstitution(9, "菜园坝暖心托育园", "菜园坝街道办事处", "social", 35, ("full_day",), D(2025, 3, 3), "filed",
                    filed=D(2025, 5, 20), meals=True, flags={"is_inclusive": True}),
    # A change filing (托位 45 → 60) waiting for review.
    DemoInstitution(10, "大溪沟启蒙托育中心", "大溪沟街道办事处", "enterprise", 45, ("full_day",), D(2023, 6, 1),
                    "change", filed=D(2023, 8, 1), submitted_wd_ago=1, meals=True),
    # Filed in 2021, cancelled in 2025: gone from the public directory.
    DemoInstitution(11, "七星岗宝宝乐托育园", "七星岗街道办事处", "enterprise", 30, ("full_day",), D(2021, 7, 1),
                    "cancelled", filed=D(2021, 9, 1), cancelled=D(2025, 10, 15)),
    # In the review queue: submitted today, 3 and 6 working days ago.
    DemoInstitution(12, "解放碑金色童年托育中心", "解放碑街道办事处", "enterprise", 60, ("full_day", "half_day"),
                    D(2026, 10, 20), "submitted", submitted_wd_ago=0, meals=True),
    DemoInstitution(13, "上清寺爱心托育园", "上清寺街道办事处", "social", 40, ("full_day",), D(2026, 10, 9),
                    "submitted", submitted_wd_ago=3),
    DemoInstitution(14, "大坪优贝托育中心", "大坪街道办事处", "enterprise", 55, ("full_day", "hourly"), D(2026, 9, 1),
                    "submitted", submitted_wd_ago=6, meals=True),
    # Returned for correction: demo-institution's own.
    DemoInstitution(15, "渝中区小橘灯托育中心", "两路口街道办事处", "enterprise", 48, ("full_day", "hourly"),
                    D(2026, 10, 15), "returned", submitted_wd_ago=4, meals=True, operator="demo-institution"),
    DemoInstitution(16, "化龙桥萌芽托育园", "化龙桥街道办事处", "enterprise", 30, ("half_day", "hourly"),
                    D(2026, 11, 2), "draft"),
    # Just registered and pushed to the Health Commission.
    DemoInstitution(17, "朝天门星辰托育中心", "朝天门街道办事处", "enterprise", 40, ("full_day",), D(2026, 11, 10),
                    "registered"),
    DemoInstitution(18, "石油路童趣社区托育点", "石油路街道办事处", "social", 20, ("hourly", "temporary"),
                    D(2026, 11, 18), "registered", flags={"is_community_point": True}),
    DemoInstitution(19, "南纪门启航托育中心", "南纪门街道办事处", "enterprise", 50, ("full_day", "half_day"),
                    D(2026, 11, 25), "registered"),
    # A reasoned non-compliance notice, made public.
    DemoInstitution(20, "菜园坝彩虹岛托育园", "菜园坝街道办事处", "enterprise", 25, ("full_day",), D(2026, 9, 8),
                    "noncompliant", submitted_wd_ago=20),
    # A 家庭托育点 (《家庭托育点管理办法（试行）》: at most 5 children, one carer per 3), filed like an institution.
    DemoInstitution(21, "两路口小蜗牛家庭托育点", "两路口街道办事处", "enterprise", 5, ("full_day", "temporary"),
                    D(2026, 2, 2), "filed", filed=D(2026, 3, 2), category="family"),
]

CLASSES = {
    5: [("mixed", 5, 2)],
    20: [("mixed", 18, 3)],
    25: [("toddler", 10, 2), ("preschool", 15, 3)],
}


def _classes(capacity: int) -> list[dict]:
    if capacity in CLASSES:
        return [{"kind": k, "children": c, "caregivers": g} for k, c, g in CLASSES[capacity]]
    rows, left = [], capacity
    for kind, size, ratio in (("infant", 10, 3), ("toddler", 15, 5), ("preschool", 20, 7)):
        if left <= 0:
            break
        children = min(size, left)
        rows.append({"kind": kind, "children": children, "caregivers": -(-children // ratio)})
        left -= children
    while left > 0:
        children = min(20, left)
        rows.append({"kind": "preschool", "children": children, "caregivers": -(-children // 7)})
        left -= children
    return rows


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=SHANGHAI)


def _working_days_before(day: dt.date, n: int) -> dt.date:
    while n > 0:
        day -= dt.timedelta(days=1)
        if is_workday(day):
            n -= 1
    return day


def _materials(filing, actor, *, skip: tuple[str, ...] = ()):
    for kind in rules.required_documents(kind=filing.kind, serves_meals=filing.serves_meals) or ["other"]:
        if kind in skip:
            continue
        name = {"license": "营业执照.pdf", "premises": "场地证明.pdf", "staff": "工作人员资格及健康证明.pdf",
                "hygiene": "卫生评价报告.pdf", "fire": "消防安全检查合格证明.pdf", "food": "食品经营许可证.pdf",
                "other": "变更证明材料.pdf"}[kind]
        services.filing_document_add(filing=filing, actor=actor, kind=kind,
                                     upload=SimpleUploadedFile(name, DEMO_PDF, content_type="application/pdf"))


def _prepared(institution, kind, actor, spec: DemoInstitution, **data):
    filing = services.filing_start(institution=institution, kind=kind, actor=actor)
    if kind == "cancel":
        fields = {"cancel_reason": "场地租赁期满，举办者决定终止托育服务。", "service_end_on": spec.cancelled,
                  "placement_note": "在托婴幼儿已全部转入就近托育机构，家长均已书面确认。"}
        classes = None
    else:
        fields = {
            "principal_name": institution.legal_representative, "contact_phone": institution.contact_phone,
            "public_phone": institution.public_phone, "address": institution.address,
            "premises_ownership": "leased", "lease_years": 5, "premises_area": spec.capacity * 9,
            "staff_count": max(4, spec.capacity // 5), "capacity": spec.capacity, "serves_meals": spec.meals,
            **{f"offers_{s}": True for s in spec.services},
        }
        classes = _classes(spec.capacity)
    fields.update(data)
    services.filing_update(filing=filing, actor=actor, data=fields, classes=classes, commitment_accepted=True)
    return filing


@transaction.atomic
def _build_one(spec: DemoInstitution, *, coordinator, registrar, streets, today) -> Institution:
    prefix, nature = PREFIX[spec.form]
    code = make_credit_code(prefix, f"MA{spec.n + 600:06d}")
    actor = registrar if spec.form == "enterprise" else coordinator
    registration = services.registration_record(
        actor=actor, name=spec.name, credit_code=code, nature=nature, legal_form=LEGAL_FORM[spec.form],
        street=streets[spec.street], address=f"重庆市渝中区{spec.street[:-5]}{spec.n * 7 + 1}号",
        registered_on=spec.registered, legal_representative="负责人" + "甲乙丙丁戊己庚辛壬癸"[spec.n % 10],
        contact_name="联系人", contact_phone=f"023-6350{spec.n:04d}", public_phone=f"023-6360{spec.n:04d}",
        capacity=spec.capacity, service_types=spec.services, serves_meals=spec.meals,
        is_employer_run=spec.flags.get("is_employer_run", False),
        is_kindergarten_class=spec.flags.get("is_kindergarten_class", False),
        is_community_point=spec.flags.get("is_community_point", False), category=spec.category,
    )
    institution = registration.institution
    if spec.stage == "registered":
        return institution

    first_kind_stage = spec.stage if spec.stage in ("draft", "submitted", "returned", "noncompliant") else "filed"
    filing = _prepared(institution, "new", coordinator, spec)
    if first_kind_stage == "draft":
        _materials(filing, coordinator, skip=("fire", "hygiene"))
        return institution
    _materials(filing, coordinator)
    if first_kind_stage == "filed":
        services.filing_submit(filing=filing, actor=coordinator, at=_at(spec.filed - dt.timedelta(days=4)))
        services.filing_approve(filing=filing, actor=coordinator, at=_at(spec.filed, 15))
    else:
        submitted = _working_days_before(today, spec.submitted_wd_ago)
        if spec.stage == "returned":
            services.filing_submit(filing=filing, actor=coordinator, at=_at(submitted))
            services.filing_return(
                filing=filing, actor=coordinator, at=_at(_working_days_before(today, 2), 16),
                reasons={"fire": "消防安全检查合格证明已过有效期，请上传最新的合格证明。",
                         "classes": "托小班保育人员配比请按不低于1:5核实后重新填写。"},
            )
        else:
            services.filing_submit(filing=filing, actor=coordinator, at=_at(submitted))
        if spec.stage == "noncompliant":
            services.filing_reject(filing=filing, actor=coordinator, at=_at(_working_days_before(today, 8), 16),
                                   reason="经现场核查，服务场所位于地下室，不符合《托育机构设置标准（试行）》关于选址和采光的要求。")
        return institution

    flags = {"is_inclusive": spec.flags.get("is_inclusive", False), "is_demonstration": bool(spec.demonstration_on)}
    if any(flags.values()):
        services.institution_update_flags(institution=institution, actor=coordinator,
                                          demonstration_on=spec.demonstration_on, **flags)
    if spec.stage == "change":
        change = _prepared(institution, "change", coordinator, spec, capacity=60,
                           change_summary="扩建二楼活动室，托位数由45个增加至60个。")
        _materials(change, coordinator)
        services.filing_document_add(filing=change, actor=coordinator, kind="premises",
                                     upload=SimpleUploadedFile("扩建场地证明.pdf", DEMO_PDF))
        services.filing_submit(filing=change, actor=coordinator,
                               at=_at(_working_days_before(today, spec.submitted_wd_ago)))
    return institution


@transaction.atomic
def _cancel(spec: DemoInstitution, institution: Institution, *, coordinator) -> None:
    cancel = _prepared(institution, "cancel", coordinator, spec)
    services.filing_submit(filing=cancel, actor=coordinator, at=_at(spec.cancelled - dt.timedelta(days=5)))
    services.filing_approve(filing=cancel, actor=coordinator, at=_at(spec.cancelled, 15))


def build(*, stdout) -> None:
    coordinator = User.objects.filter(username="demo-coordinator").first()
    registrar = User.objects.filter(username="demo-registrar").first()
    if coordinator is None or registrar is None:
        stdout.write("托育机构演示数据：缺少演示账号 demo-coordinator / demo-registrar，跳过。")
        return
    streets = {d.name: d for d in Department.objects.filter(kind=Department.Kind.STREET)}
    today = clock.today()
    created = 0
    for spec in sorted(INSTITUTIONS, key=lambda s: (s.filed or s.registered, s.n)):
        code = make_credit_code(PREFIX[spec.form][0], f"MA{spec.n + 600:06d}")
        institution = Institution.objects.filter(credit_code=code).first()
        if institution is None:
            institution = _build_one(spec, coordinator=coordinator, registrar=registrar, streets=streets, today=today)
            created += 1
        if spec.operator:
            operator = User.objects.filter(username=spec.operator, role__in=RUNS_INSTITUTION).first()
            if operator is not None and operator.institution_id is None:
                services.operator_link(user=operator, institution=institution, actor=coordinator)
    # Cancellations last, so each year's receipt numbers follow the real order of events.
    for spec in INSTITUTIONS:
        if spec.stage == "cancelled":
            code = make_credit_code(PREFIX[spec.form][0], f"MA{spec.n + 600:06d}")
            institution = Institution.objects.get(credit_code=code)
            if institution.status == Institution.Status.FILED:
                _cancel(spec, institution, coordinator=coordinator)
    demo_care.build(coordinator=coordinator, stdout=stdout)
    stdout.write(f"托育机构演示数据：新建 {created} 家（共 {len(INSTITUTIONS)} 家，覆盖登记、草稿、待审核、退回补正、"
                 "已备案、变更审核中、已注销、不符合要求告知各阶段）。")
