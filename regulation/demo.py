"""Demo regulation for the embedded default (`manage.py setup_portal`), after the registry's demo:

- demo-inspector (区疾控中心) inspected 渝中区七彩虹托育中心 20 days ago: one rectification is past its
  deadline and still open (the institution is red, the coordinator's 逾期整改 lists it), the
  other answered and waiting for verification;
- demo-kindergarten runs that institution (its staff, its answers); one caregiver's 健康证明
  expires in 12 days;
- a person on the 终身禁入 list was refused at 渝中区大坪童心托育园 (the coordinators were told);
- a complaint about 七彩虹 is assigned to 区市场监管局 and in progress.

Everything goes through the services. Idempotent: nothing is built twice."""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.demo import demo_password
from accounts.models import User
from accounts.roles import Role
from accounts.services import user_create
from agencies.models import Department
from core import clock
from institutions.models import Institution
from institutions.services import operator_link

from . import personid, services
from .models import Complaint, Inspection, PersonBan
from .services.staff import BannedPerson
from .units import inspection_units_ensure

DEMO_PDF = b"%PDF-1.4\n% demo decision\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FIRST, SECOND = "渝中区七彩虹托育中心", "渝中区大坪童心托育园"


def _account(username: str, full_name: str, role: str, **extra) -> User:
    user = User.objects.filter(username=username).first()
    return user or user_create(username=username, password=demo_password(), full_name=full_name, role=role, **extra)


def build(*, stdout) -> None:
    coordinator = User.objects.filter(username="demo-coordinator").first()
    first = Institution.objects.filter(name=FIRST, status=Institution.Status.FILED).first()
    second = Institution.objects.filter(name=SECOND, status=Institution.Status.FILED).first()
    if coordinator is None or first is None or second is None or not settings.DEMO_ACCOUNTS:
        stdout.write("监管演示数据：缺少演示账号或已备案的演示机构，跳过。")
        return
    _cdc = inspection_units_ensure()[1]
    inspector = _account("demo-inspector", "周检查", Role.OFFICER, department=_cdc)
    operator = _account("demo-kindergarten", "孙园长", Role.OPERATOR)
    if operator.institution_id is None:
        operator_link(user=operator, institution=first, actor=coordinator)
    if Inspection.objects.exists():
        stdout.write("监管演示数据：已存在，跳过。")
        return
    today = clock.today()
    inspection = services.inspection_record(
        actor=inspector, institution=first, inspected_on=today - dt.timedelta(days=20), kind="health",
        inspectors="周检查、吴敏", summary="晨午检、消毒和膳食记录检查。",
        findings=[("消毒记录缺少11月上旬内容", today - dt.timedelta(days=5)),
                  ("保健室药品柜未上锁", today + dt.timedelta(days=10)),
                  ("环境整洁，食品留样规范", None)],
    )
    services.finding_answer(actor=operator, finding=inspection.findings.get(position=2), text="已加装密码锁。")
    base = "5001031990"
    for n, (name, post, health) in enumerate([("刘佳", "principal", 200), ("陈静", "caregiver", 12),
                                               ("杨帆", "cook", 90)], start=1):
        services.staff_add(actor=operator, institution=first, name=name, post=post,
                           id_number=personid.make(f"{base}0{n}0{n}12{n}"), started_on=today - dt.timedelta(days=300),
                           health_expires=today + dt.timedelta(days=health), qualification="保育师" if n == 2 else "",
                           background_checked_on=today - dt.timedelta(days=310))
    banned = personid.make("50010319850505123")
    if not PersonBan.objects.exists():
        services.person_ban_add(actor=coordinator, id_number=banned, name="钱某", reason="在原托育机构虐待婴幼儿，经公安机关查实。",
                                decision_number="渝中卫健禁〔2026〕1号", decided_on=today - dt.timedelta(days=60),
                                decision_file=SimpleUploadedFile("终身禁入决定书.pdf", DEMO_PDF, "application/pdf"))
    try:
        services.staff_add(actor=coordinator, institution=second, name="钱某", post="caregiver", id_number=banned,
                           started_on=today, health_expires=today + dt.timedelta(days=365))
    except BannedPerson:
        pass  # refused, as it must be: the attempt is on the ban list's page
    if not Complaint.objects.exists():
        complaint = services.complaint_submit(institution=first, category="service", text="午睡时间看护人员不足。",
                                              contact_name="家长", client_address="127.0.0.1")
        services.complaint_assign(actor=coordinator, complaint=complaint,
                                  unit=Department.objects.get(name="区市场监管局"))
    stdout.write("监管演示数据：1次检查（1项整改逾期、1项待核验）、3名从业人员（1人健康证明将到期）、"
                 "1名终身禁入人员被拦截、1件投诉办理中。账号 demo-inspector（区疾控中心）、demo-kindergarten（七彩虹）。")
