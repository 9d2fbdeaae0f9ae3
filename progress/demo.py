"""Demo data for the embedded default: each published plan's reporting as a
believable story (settings.DEMO_DATA_BUILDERS runs `build`, after
tasks.demo has ended the 2020 plan and put the demo plan 2026–2027 in force).

The 2020 plan's reporting runs from 2020-07 to its end (2025-12): history,
read-only. The plan in force today that 区人力社保局 takes part in (the demo
plan from 2026) carries "now":

- Every unit reports monthly; most on time, some late, a few months missed;
  区总工会 has not reported for the last period and has an open 督办单.
- 区人力社保局 (demo-officer, demo-leader) has a report in every state for the
  last period: submitted, returned with a reason, a draft, resubmitted,
  approved (its assignments in plan order); task 1's report of the period
  before was corrected (version 2 approved).
- Notices: open, answered, overdue (区教委); in the 2020 plan an old one closed
  after a follow-up.
- 2020 plan: completed assignments accepted by the lead unit or the
  coordinator; the 2020 milestones of tasks 3, 8 and 9 confirmed with their evidence.

Idempotent: a plan that already has progress reports gets nothing more.
Rows are written in bulk (demo data is not a user action); history of the
reports lives in their ReportTransition rows."""
from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from agencies.models import Department
from core import clock
from core.uploads import PDF, generated_name
from tasks.models import Assignment, Milestone, Plan, WorkItem

from . import periods
from .models import (
    AssignmentCompletion,
    LeadSummary,
    ProgressReport,
    ReportFile,
    ReportingPeriod,
    ReportTransition,
    SupervisionNotice,
)
from .services import periods_ensure

PLAN_DOCUMENT_NUMBER = "渝中府办〔2020〕28号"
DEMO_UNIT = "区人力社保局"
S = ProgressReport.State

PROGRESS_LINES = [
    "召开专题推进会，细化本单位任务分工和时间节点。",
    "开展政策宣传进社区、进企业活动，发放宣传资料。",
    "会同相关部门开展实地调研，摸清辖区婴幼儿照护服务需求。",
    "完成本期工作台账更新，相关数据已报区卫生健康委。",
    "组织业务培训，参训人员覆盖各街道和相关单位。",
    "对照年度计划推进重点工作，按期完成阶段目标。",
]
PROBLEM_LINES = ["", "", "部分基层单位人员力量不足。", "经费保障需进一步落实。", "社会参与度有待提高。"]
NEXT_LINES = ["继续按计划推进，确保完成年度目标。", "加强与牵头单位沟通，及时报送进展。", "开展督导检查，推动政策落地。"]


def _pdf_bytes() -> bytes:
    """A small valid PDF (ASCII text: PDF base fonts carry no CJK glyphs)."""
    text = b"BT /F1 14 Tf 72 760 Td (Yuzhong childcare plan - progress evidence, demo data) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _moment(day: dt.date, hour: int, now: dt.datetime) -> dt.datetime:
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 20)))
    return min(moment, now - dt.timedelta(hours=1))


def _unit_staff(units: list[Department]) -> dict[int, tuple[User, User]]:
    """(officer, leader) per unit: the demo accounts for 区人力社保局, sign-in-less
    stand-ins elsewhere (their reports need an author and a reviewer)."""
    wanted = {}
    for unit in units:
        wanted[f"unit{unit.pk}-officer"] = (unit, Role.OFFICER, "填报员")
        wanted[f"unit{unit.pk}-leader"] = (unit, Role.LEADER, "审核人")
    existing = set(User.objects.filter(username__in=wanted).values_list("username", flat=True))
    unusable = make_password(None)
    User.objects.bulk_create([
        User(username=name, full_name=f"{unit.name}{title}", role=role, department=unit, password=unusable)
        for name, (unit, role, title) in wanted.items() if name not in existing
    ])
    users = {u.username: u for u in User.objects.filter(username__in=[*wanted, "demo-officer", "demo-leader"])}
    staff = {unit.pk: (users[f"unit{unit.pk}-officer"], users[f"unit{unit.pk}-leader"]) for unit in units}
    hr = Department.objects.filter(name=DEMO_UNIT).first()
    if hr and "demo-officer" in users and "demo-leader" in users:
        staff[hr.pk] = (users["demo-officer"], users["demo-leader"])
    return staff


@transaction.atomic
def build(*, stdout) -> None:
    if not Plan.objects.filter(document_number=PLAN_DOCUMENT_NUMBER).exists():
        stdout.write("未找到 2020 年实施方案，跳过进展演示数据。")
        return
    coordinator = User.objects.filter(username="demo-coordinator").first() or User.objects.filter(
        role=Role.COORDINATOR).first()
    if coordinator is None:
        stdout.write("没有督办管理员账号，跳过进展演示数据。")
        return
    today = clock.today()
    current = (
        Plan.objects.in_force(on=today).filter(items__assignments__department__name=DEMO_UNIT)
        .order_by("-in_force_from", "-pk").first()
    )
    started = [p for p in Plan.objects.published().order_by("in_force_from", "pk")
               if p.reporting_start is not None and p.reporting_start <= today]
    for plan in started:
        periods_ensure(plan=plan)
        if ProgressReport.objects.filter(period__plan=plan).exists():
            stdout.write(f"“{plan.label}”的进展演示数据已存在，跳过。")
            continue
        _build_plan(plan, current=current is not None and plan.pk == current.pk, coordinator=coordinator,
                    stdout=stdout)


def _build_plan(plan: Plan, *, current: bool, coordinator: User, stdout) -> None:
    """One plan's reporting through today (an ended plan's through its end date);
    the plan of "now" (`current`) also gets this period's reports in every state."""
    now = clock.now()
    today = clock.today()
    through = min(today, plan.ended_on) if plan.ended_on else today
    rng = random.Random(20200717 + plan.pk)
    assignments = list(
        Assignment.objects.filter(task__plan=plan).select_related("task", "department").order_by("task_id", "pk")
    )
    units = sorted({a.department for a in assignments}, key=lambda d: d.pk)
    staff = _unit_staff(units)
    rows = {p.start: p for p in ReportingPeriod.objects.filter(plan=plan, start__lte=through)}
    window = periods.due_window(plan, through)
    last = window.last_passed if current else None  # the period the lights judge today
    specs = [s for s in periods.periods_through(plan, through) if s.due_date < through]

    def find(task_number: int, unit: str, kind: int = WorkItem.Kind.TASK) -> Assignment | None:
        return next((a for a in assignments if a.task.number == task_number and a.task.kind == kind
                     and a.department.name == unit), None)

    # Completed parts (accepted): they stop reporting after acceptance.
    done_specs = [
        (find(3, "区计划生育协会"), dt.date(2023, 6, 30), "lead"),
        (find(3, "团区委"), dt.date(2024, 12, 20), "lead"),
        (find(2, "区规划自然资源局", WorkItem.Kind.MEASURE), dt.date(2022, 12, 15), "coordinator"),
    ]
    done_specs = [d for d in done_specs if d[0] is not None]
    done_on = {a.pk: day for a, day, _ in done_specs}

    # This period's reports of the demo unit, in every state (its assignments in plan order).
    states = [S.SUBMITTED, S.RETURNED, S.DRAFT, S.RESUBMITTED, S.APPROVED]
    mine = sorted((a for a in assignments if a.department.name == DEMO_UNIT), key=lambda a: (a.task.kind, a.task.number))
    hr_special = {(a.task.number, a.task.kind): state for a, state in zip(mine, states, strict=False)}
    laggards = {"区总工会"}  # nothing for the last period yet
    slow_review = {"区教委"}  # submitted, review pending

    reports: list[ProgressReport] = []
    steps: list[tuple[int, str, str, User, dt.datetime, str]] = []  # (report index, from, to, actor, at, comment)

    def add(assignment, spec, *, state, version=1, submitted=None, reviewed=None, supersedes_index=None,
            correction_reason="", return_reason="", percent=None, progress_text=None):
        officer, leader = staff[assignment.department_id]
        created = _moment(spec.due_date - dt.timedelta(days=rng.randint(6, 12)), 9, now)
        report = ProgressReport(
            assignment=assignment, period=rows[spec.start], version=version, state=state,
            progress=progress_text or rng.choice(PROGRESS_LINES), problems=rng.choice(PROBLEM_LINES),
            next_steps=rng.choice(NEXT_LINES), percent=percent if percent is not None else min(
                100, 10 + 90 * (specs.index(spec) + 1) // max(len(specs), 1) + rng.randint(-5, 5)),
            created_by=officer, created_at=created, updated_at=submitted or created,
            correction_reason=correction_reason, return_reason=return_reason,
        )
        index = len(reports)
        reports.append(report)
        report._supersedes_index = supersedes_index
        steps.append((index, "", S.DRAFT, officer, created, f"更正：{correction_reason}" if correction_reason else ""))
        if submitted:
            report.submitted_by, report.submitted_at, report.last_submitted_at = officer, submitted, submitted
            steps.append((index, S.DRAFT, S.SUBMITTED, officer, submitted, ""))
        if state == S.APPROVED:
            report.reviewed_by, report.reviewed_at, report.approved_at = leader, reviewed, reviewed
            steps.append((index, S.SUBMITTED, S.APPROVED, leader, reviewed, ""))
        return index

    for assignment in assignments:
        unit = assignment.department.name
        for spec in specs:
            finished = done_on.get(assignment.pk)
            if finished and spec.start > finished:
                break
            is_last = last is not None and spec.start == last.start
            if unit == DEMO_UNIT and is_last:
                continue  # written below, one per state
            if is_last and unit in laggards:
                continue
            if not is_last and rng.random() < 0.03:
                continue  # the odd month missed, years ago: shows in on-time rates only
            late = rng.random() < 0.15
            submitted = _moment(spec.due_date + dt.timedelta(days=rng.randint(1, 6) if late else -rng.randint(1, 6)),
                                10, now)
            if is_last and unit in slow_review:
                add(assignment, spec, state=S.SUBMITTED, submitted=submitted)
                continue
            reviewed = _moment(submitted.date() + dt.timedelta(days=rng.randint(0, 3)), 15, now)
            add(assignment, spec, state=S.APPROVED, submitted=submitted, reviewed=reviewed)

    # 区人力社保局: this period in every state, and an approved correction of October's task 1 report.
    if last is not None:
        for (number, kind), state in hr_special.items():
            assignment = find(number, DEMO_UNIT, kind)
            if assignment is None:
                continue
            submitted = _moment(last.due_date - dt.timedelta(days=2), 10, now)
            if state == S.DRAFT:
                add(assignment, last, state=S.DRAFT, progress_text="（草稿）正在汇总本月各街道培训数据。")
            elif state == S.SUBMITTED:
                add(assignment, last, state=S.SUBMITTED, submitted=submitted,
                    progress_text="联合区总工会开展产假政策宣传进企业活动3场，覆盖职工1200人。")
            elif state == S.APPROVED:
                add(assignment, last, state=S.APPROVED, submitted=submitted,
                    reviewed=_moment(last.due_date, 16, now))
            else:
                reason = "请补充培训签到表和就业指导服务人次统计。"
                i = add(assignment, last, state=state, submitted=submitted, return_reason=reason)
                leader, officer = staff[assignment.department_id][1], staff[assignment.department_id][0]
                returned_at = _moment(last.due_date - dt.timedelta(days=1), 11, now)
                reports[i].reviewed_by, reports[i].reviewed_at = leader, returned_at
                steps.append((i, S.SUBMITTED, S.RETURNED, leader, returned_at, reason))
                if state == S.RESUBMITTED:
                    again = _moment(last.due_date + dt.timedelta(days=2), 9, now)
                    reports[i].last_submitted_at = again
                    steps.append((i, S.RETURNED, S.RESUBMITTED, officer, again, ""))
        october = periods.previous_period(plan, last)
        first = find(1, DEMO_UNIT)
        original = next((i for i, r in enumerate(reports)
                         if r.assignment_id == getattr(first, "pk", None) and r.period.start == october.start), None)
        if original is not None and reports[original].state == S.APPROVED:
            corrected_at = _moment(october.due_date + dt.timedelta(days=9), 10, now)
            add(first, october, state=S.APPROVED, version=2, submitted=corrected_at,
                reviewed=_moment(corrected_at.date() + dt.timedelta(days=1), 15, now), supersedes_index=original,
                correction_reason="完成进度误填，应为 85%。", percent=85, progress_text=reports[original].progress)

    # A correction returned (区妇联, last-but-one period): its latest step is a return (yellow).
    if last is not None:
        previous = periods.previous_period(plan, last)
        women = next((i for i, r in enumerate(reports) if r.assignment.department.name == "区妇联"
                      and r.period.start == previous.start and r.state == S.APPROVED), None)
        if women is not None:
            r = reports[women]
            at = _moment(last.due_date + dt.timedelta(days=1), 10, now)
            i = add(r.assignment, previous, state=S.RETURNED, version=2, submitted=at, supersedes_index=women,
                    correction_reason="补充活动数据。", return_reason="更正后的数据与台账不一致，请核实。")
            leader = staff[r.assignment.department_id][1]
            back = _moment(last.due_date + dt.timedelta(days=2), 15, now)
            reports[i].reviewed_by, reports[i].reviewed_at = leader, back
            steps.append((i, S.SUBMITTED, S.RETURNED, leader, back, reports[i].return_reason))

    ProgressReport.objects.bulk_create(reports, batch_size=1000)
    for report in reports:
        if report._supersedes_index is not None:
            report.supersedes = reports[report._supersedes_index]
    ProgressReport.objects.bulk_update([r for r in reports if r._supersedes_index is not None], ["supersedes"])
    ReportTransition.objects.bulk_create(
        [ReportTransition(report=reports[i], assignment_id=reports[i].assignment_id, from_state=f, to_state=t,
                          actor=actor, at=at, comment=comment) for i, f, t, actor, at, comment in steps],
        batch_size=2000,
    )

    # Evidence: one stored PDF, attached to the demo unit's recent reports.
    name = default_storage.save(generated_name("evidence", PDF), ContentFile(_pdf_bytes()))
    size = default_storage.size(name)
    recent = [r for r in reports if r.assignment.department.name == DEMO_UNIT and r.period.start.year >= today.year - 1]
    ReportFile.objects.bulk_create([
        ReportFile(report=r, file=name, original_name=f"{r.period.label}工作台账.pdf", content_type=PDF.content_type,
                   size=size, uploaded_by=r.created_by, uploaded_at=r.created_at)
        for r in recent
    ])

    # Completion of parts, accepted.
    completions = []
    for assignment, day, by in done_specs:
        lead = staff.get(assignment.task.lead_unit_id, (None, coordinator))[1] if by == "lead" else coordinator
        completions.append(AssignmentCompletion(
            assignment=assignment, state=AssignmentCompletion.State.ACCEPTED, note="本单位承担的工作已全部完成，相关制度已建立并常态化运行。",
            claimed_by=staff[assignment.department_id][0], claimed_at=_moment(day - dt.timedelta(days=5), 10, now),
            decided_by=lead, decided_at=_moment(day, 16, now), decision_comment="经核实，同意确认完成。",
        ))
    AssignmentCompletion.objects.bulk_create(completions)

    # 督办单: closed (with a follow-up), answered, open, overdue.
    notices = []
    taken: dict[int, int] = {}

    def next_seq(year: int) -> int:
        if year not in taken:
            taken[year] = SupervisionNotice.objects.filter(year=year).aggregate(m=Max("seq"))["m"] or 0
        taken[year] += 1
        return taken[year]

    def notice(assignment, issued: dt.date, due: dt.date, reason: str, **extra):
        if assignment is None:
            return None
        n = SupervisionNotice(year=issued.year, seq=next_seq(issued.year), assignment=assignment, reason=reason, reply_due=due,
                              issued_by=coordinator, issued_at=_moment(issued, 10, now), **extra)
        notices.append(n)
        return n

    edu = find(14, "区教委") or next((a for a in assignments if a.department.name == "区教委"), None)
    union = find(1, "区总工会")
    hr2 = find(2, DEMO_UNIT)
    old = notice(find(6, "七星岗街道办事处"), dt.date(2025, 3, 3), dt.date(2025, 3, 14),
                 "社区托育点建设进度滞后，请说明原因并提出整改措施。",
                 state=SupervisionNotice.State.CLOSED, reply_text="已落实场地，预计二季度建成。",
                 replied_at=_moment(dt.date(2025, 3, 12), 16, now),
                 closed_at=_moment(dt.date(2025, 3, 20), 9, now), closed_by=coordinator,
                 close_comment="整改措施可行，办结；后续督办跟踪建成情况。")
    if last is not None:
        notice(hr2, last.due_date - dt.timedelta(days=28), last.due_date - dt.timedelta(days=18),
               "任务2就业指导服务数据连续两期未更新，请说明情况。",
               state=SupervisionNotice.State.ANSWERED, reply_text="已补报数据，并建立月度更新机制。",
               replied_at=_moment(last.due_date - dt.timedelta(days=20), 15, now))
        notice(edu, last.due_date - dt.timedelta(days=23), last.due_date - dt.timedelta(days=9),
               "托幼一体化推进情况未按期报送，请于期限内书面答复。")
        notice(union, today - dt.timedelta(days=2), today + dt.timedelta(days=10),
               f"{last.label}进展逾期未报，请尽快报送并说明原因。")
    for n in notices:
        if n.replied_at:
            n.replied_by = staff[n.assignment.department_id][0]
    SupervisionNotice.objects.bulk_create(notices)
    if old is not None and old.assignment_id:
        SupervisionNotice.objects.create(
            year=2025, seq=next_seq(2025), assignment=old.assignment, follow_up_of=old, reason="请报告社区托育点建成及运营情况。",
            reply_due=dt.date(2025, 7, 15), issued_by=coordinator, issued_at=_moment(dt.date(2025, 7, 1), 10, now),
            state=SupervisionNotice.State.CLOSED, reply_text="社区托育点已于6月建成运营，提供托位30个。",
            replied_by=staff[old.assignment.department_id][0], replied_at=_moment(dt.date(2025, 7, 10), 16, now),
            closed_by=coordinator, closed_at=_moment(dt.date(2025, 7, 18), 9, now), close_comment="已办结。",
        )

    # Lead units' consolidated summaries for the last six periods of the tasks 区人力社保局 leads.
    summaries = []
    for task in WorkItem.objects.filter(plan=plan, lead_unit__name=DEMO_UNIT):
        author = staff.get(task.lead_unit_id, (coordinator, coordinator))[0]
        for spec in specs[-6:]:
            at = _moment(spec.due_date + dt.timedelta(days=3), 17, now)
            summaries.append(LeadSummary(
                task=task, period=rows[spec.start], department_id=task.lead_unit_id, author=author,
                text=f"{spec.label}，各责任单位按要求报送进展，{task.title}工作总体按计划推进。", created_at=at, updated_at=at,
            ))
    LeadSummary.objects.bulk_create(summaries)

    # The plan's 2020 targets: confirmed with evidence (task 8's a quarter late).
    confirmations = {
        (3, "成立科学育儿专家组"): (dt.date(2020, 12, 18), dt.date(2021, 1, 8), "区卫生健康委印发通知成立科学育儿专家组，成员12人。"),
        (3, "50%的社区卫生服务中心儿保科设立指导站"): (dt.date(2020, 12, 25), dt.date(2021, 1, 8), "辖区10家社区卫生服务中心中6家儿保科已设立指导站。"),
        (8, "完成现有机构规范注册信息和备案登记"): (dt.date(2021, 3, 30), dt.date(2021, 4, 6), "现有托育机构均已完成登记和备案，名单已公示。"),
        (9, "指导扶持建设1家示范性婴幼儿照护服务机构"): (dt.date(2020, 12, 28), dt.date(2021, 1, 12), "1家托育机构通过区级示范性机构评估。"),
    }
    for (number, title), (met, confirmed, evidence) in confirmations.items():
        Milestone.objects.filter(plan=plan, task__number=number, task__kind=WorkItem.Kind.TASK, title=title,
                                 confirmed_at__isnull=True).update(
            met_on=met, evidence=evidence, confirmed_by=coordinator, confirmed_at=_moment(confirmed, 10, now),
            current_value=60 if number == 3 and title.startswith("50%") else None,
        )
    stdout.write(
        f"已生成“{plan.label}”的进展演示数据：{len(reports)} 份进展报告、{len(steps)} 条流转记录、"
        f"{len(notices) + 1} 份督办单、{len(completions)} 项完成确认、{len(summaries)} 条牵头单位汇总。"
    )
