"""The plans' lifecycle in the demo (settings.DEMO_DATA_BUILDERS runs `build`
before the progress demo): the 2020 plan ran to 2025 and is ended on
2025-12-31 with a closing summary; a second plan, written for the demo and
marked so in its title, is in force from 2026-01-01, so demo-officer's
我的任务 shows current work under its own heading while the 2020 plan stays
readable as history.

The second plan is NOT a government document: its title, document number and
issuer say 演示数据. Idempotent: what exists is left alone."""
from __future__ import annotations

import datetime as dt

from django.db import transaction

from accounts.models import User
from accounts.roles import COORDINATES
from agencies.services import departments_ensure
from core import clock

from .models import Milestone, Plan, Responsibility, Section, WorkItem
from .services import assignments_sync, plan_end, plan_publish

PLAN_2020 = "渝中府办〔2020〕28号"
ENDED_ON = dt.date(2025, 12, 31)
CLOSING_SUMMARY = (
    "（演示数据，非正式总结）《重庆市渝中区3岁以下婴幼儿照护服务工作实施方案》实施期（2020年7月—2025年12月）结束。"
    "15项主要任务和5项保障措施均已按期推进：现有托育机构完成登记备案，建成示范性托育机构，"
    "社区卫生服务中心儿保科普遍设立科学育儿指导站。未尽事项（社区托育点布局、托育从业人员培训）"
    "转入下一轮方案继续推进。"
)

DEMO_TITLE = "（演示数据）渝中区托育服务示范方案2026–2027"
DEMO_NUMBER = "演示〔2026〕1号"
DEMO_ISSUER = "演示数据（非正式文件）"
DEMO_FROM = dt.date(2026, 1, 1)
DEMO_SECTIONS = ["扩大托育服务供给（演示）", "提升托育服务质量（演示）"]
# (序号, section, 工作内容, 具体任务, 牵头单位, 责任单位)
DEMO_TASKS = [
    (1, 1, "用人单位办托试点", "（演示数据）支持有条件的用人单位为职工提供福利性托育服务，2026年底前建成试点2个。",
     "区人力社保局", ["区总工会", "区妇联"]),
    (2, 2, "托育从业人员职业技能培训", "（演示数据）开展保育师、育婴员职业技能培训和评价，每年培训300人次。",
     "区人力社保局", ["区卫生健康委", "区教委"]),
    (3, 1, "社区嵌入式托育点建设", "（演示数据）结合城市更新，在社区综合服务设施中嵌入托育点，每个街道至少1个。",
     "区卫生健康委", ["各街道办事处", "区住房城市建设委"]),
    (4, 1, "托幼一体化扩容", "（演示数据）鼓励幼儿园开设2—3岁托班，新增托位200个。",
     "区教委", ["区人力社保局", "各街道办事处"]),
    (5, 2, "托育机构质量评估", "（演示数据）按《托育机构质量评估标准》开展年度评估，结果向社会公开。",
     "区卫生健康委", ["区市场监管局", "区民政局"]),
    (6, 2, "生育支持政策落实督查", "（演示数据）督促用人单位落实产假、育儿假和哺乳假，受理并处理相关投诉。",
     "区人力社保局", ["区总工会", "区妇联", "区卫生健康委"]),
    (7, 1, "托育服务人才就业支持", "（演示数据）将托育从业人员纳入就业创业扶持范围，落实培训补贴和社保补贴。",
     "区人力社保局", ["区财政局"]),
]
# Tasks 10–13 of the annex (regulation of institutions) carried into the demo plan with metric
# milestones computed from the registry (普惠, 家庭托育点, enrolment, quality assessment).
REGULATION_TASKS = [
    (10, 1, "支持提供多样化婴幼儿照护服务", "（演示数据）提供全日托、半日托、计时托、临时托等多样化服务，扩大普惠托育服务供给。",
     "区卫生健康委", ["区教委", "各街道办事处"]),
    (11, 2, "加强婴幼儿照护服务机构的安全监管", "（演示数据）家庭托育点纳入备案管理，收托不超过5人、照护人员配比不低于1:3。",
     "区卫生健康委", ["区市场监管局", "各街道办事处"]),
    (12, 2, "加强婴幼儿照护服务机构卫生保健工作", "（演示数据）已备案机构按月报送在托人数，掌握托位使用情况。",
     "区卫生健康委", ["区教委"]),
    (13, 2, "加强婴幼儿照护服务机构专业化、规范化建设", "（演示数据）按《托育机构质量评估标准》开展质量评估，评估结果向社会公示。",
     "区卫生健康委", ["区市场监管局", "区民政局"]),
]
# (task, title, due, target, unit, metric source)
REGULATION_MILESTONES = [
    (10, "（演示）2026年底普惠托位占已备案托位的50%", dt.date(2026, 12, 31), 50, "%", "institutions.inclusive_share"),
    (10, "（演示）2026年底普惠托位达到100个", dt.date(2026, 12, 31), 100, "个", "institutions.inclusive_places"),
    (11, "（演示）2026年底备案家庭托育点达到3个", dt.date(2026, 12, 31), 3, "个", "institutions.family_point_count"),
    (12, "（演示）2026年底托位使用率达到60%", dt.date(2026, 12, 31), 60, "%", "institutions.utilisation_rate"),
    (13, "（演示）2026年底完成质量评估的机构达到5家", dt.date(2026, 12, 31), 5, "家",
     "institutions.assessed_count"),
]


@transaction.atomic
def build(*, stdout) -> None:
    coordinator = (User.objects.filter(username="demo-coordinator").first()
                   or User.objects.filter(role__in=COORDINATES).first())
    if coordinator is None:
        stdout.write("没有督办管理员账号，跳过实施方案演示数据。")
        return
    today = clock.today()
    demo = Plan.objects.filter(document_number=DEMO_NUMBER).first()
    if demo is None:
        demo = _demo_plan(coordinator)
        stdout.write(f"已创建演示方案“{DEMO_TITLE}”（{demo.items.count()}项任务，自2026年1月1日起实施）。")
    if not demo.items.filter(kind=WorkItem.Kind.TASK, number=10).exists():
        _regulation_tasks(demo, coordinator)
        stdout.write("演示方案已加入任务10–13（普惠、家庭托育点、在托人数、质量评估）的自动计算节点目标。")
    old = Plan.objects.filter(document_number=PLAN_2020, status=Plan.Status.IN_FORCE).first()
    if old is not None and today > ENDED_ON:
        plan_end(plan=old, actor=coordinator, ended_on=ENDED_ON, closing_summary=CLOSING_SUMMARY)
        stdout.write("2020年实施方案已于2025年12月31日结束（附结束总结），数据保留为只读。")


def _demo_plan(coordinator) -> Plan:
    """Written as a coordinator would: a draft, checked, then published."""
    plan = Plan.objects.create(
        title=DEMO_TITLE, document_number=DEMO_NUMBER, issuer=DEMO_ISSUER, issued_on=dt.date(2025, 12, 20),
        period_months=Plan.Period.MONTHLY, report_due_day=25, status=Plan.Status.DRAFT,
    )
    sections = {n: Section.objects.create(plan=plan, number=n, title=t) for n, t in enumerate(DEMO_SECTIONS, 1)}
    names = [name for *_, lead, resp in DEMO_TASKS for name in [lead, *resp]]
    units = departments_ensure(names=names, actor=coordinator)
    items = {}
    for number, section, title, content, lead, responsible in DEMO_TASKS:
        item = WorkItem.objects.create(plan=plan, kind=WorkItem.Kind.TASK, section=sections[section], number=number,
                                       title=title, content=content, lead_unit=units[lead])
        Responsibility.objects.bulk_create(
            Responsibility(task=item, department=units[n], position=i) for i, n in enumerate(responsible, 1)
        )
        assignments_sync(task=item)
        items[number] = item
    Milestone.objects.bulk_create([
        Milestone(plan=plan, task=items[1], title="（演示）建成用人单位办托试点2个", due_date=dt.date(2026, 12, 31),
                  target_value=2, value_unit="个", current_value=1),
        Milestone(plan=plan, task=items[2], title="（演示）2026年培训托育从业人员300人次", due_date=dt.date(2026, 12, 31),
                  target_value=300, value_unit="人次", current_value=240),
        Milestone(plan=plan, task=items[3], title="（演示）每个街道建成1个社区嵌入式托育点", due_date=dt.date(2027, 6, 30)),
        Milestone(plan=plan, task=None, title="（演示）2027年每千人口托位数达到4.5个", due_date=dt.date(2027, 12, 31)),
    ])
    return plan_publish(plan=plan, actor=coordinator, in_force_from=DEMO_FROM)


def _regulation_tasks(plan: Plan, coordinator) -> None:
    """Tasks 10–13 with their metric milestones (also added to a demo plan built before them)."""
    sections = {s.number: s for s in plan.sections.all()}
    names = [name for *_, lead, resp in REGULATION_TASKS for name in [lead, *resp]]
    units = departments_ensure(names=names, actor=coordinator)
    items = {}
    for number, section, title, content, lead, responsible in REGULATION_TASKS:
        item = WorkItem.objects.create(plan=plan, kind=WorkItem.Kind.TASK, section=sections[section], number=number,
                                       title=title, content=content, lead_unit=units[lead])
        Responsibility.objects.bulk_create(
            Responsibility(task=item, department=units[n], position=i) for i, n in enumerate(responsible, 1)
        )
        assignments_sync(task=item)
        items[number] = item
    Milestone.objects.bulk_create([
        Milestone(plan=plan, task=items[number], title=title, due_date=due, target_value=target, value_unit=unit,
                  metric_source=source, position=i)
        for i, (number, title, due, target, unit, source) in enumerate(REGULATION_MILESTONES, 1)
    ])
