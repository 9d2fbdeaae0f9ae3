"""A deterministic city-scale dataset for the bench (and, small, for the
query-count tests): about 40 plans × 15 tasks × ~25 units, five years of
monthly reports (≈ 200,000 reports with ≈ 420,000 workflow steps), notices,
completions, milestones and 20,000 institutions with 12 months of enrolment,
200,000 staff and 50,000 inspections (regulation/scale.py; by default 10 staff
and 2.5 inspections per institution, so the figures follow --scale).

Everything is written with bulk_create in large batches, bypassing the
services on purpose (no history rows: this is generated data, not activity).
The same seed and parameters always give the same rows. Every name it
creates carries the marker 【规模】 or a bench-* username, so it never collides
with the real plan or the demo.
"""
from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from agencies.models import Department
from institutions.models import EnrolmentReport, Institution
from institutions.validators import make_credit_code
from progress import periods
from progress.models import AssignmentCompletion, ProgressReport, ReportingPeriod, ReportTransition, SupervisionNotice
from regulation import scale as regulation_scale
from tasks.models import Assignment, Milestone, Plan, Responsibility, Section, WorkItem

BATCH = 5000
BENCH_PASSWORD = "Bench-portal-2026!"
MARK = "【规模】"

GOVERNMENT = [
    "区人力社保局", "区卫生健康委", "区住房城市建设委", "区民政局", "区规划自然资源局", "区财政局", "区委编办",
    "区市场监管局", "区发展改革委", "区教委", "区公安分局", "区应急局", "区税务局", "区大数据局", "区商务委",
    "区司法局", "区文化旅游委", "区城市管理局", "区医保局", "区国资委",
]
MASS = ["区总工会", "团区委", "区妇联", "区计划生育协会", "区残联"]
STREETS = [
    "解放碑街道办事处", "朝天门街道办事处", "南纪门街道办事处", "七星岗街道办事处", "两路口街道办事处",
    "上清寺街道办事处", "菜园坝街道办事处", "大溪沟街道办事处", "大坪街道办事处", "化龙桥街道办事处",
    "石油路街道办事处",
]
PHRASES = [
    "召开专题会议研究部署", "完成调研摸底", "印发工作方案", "开展业务培训", "推进试点建设", "组织督导检查",
    "落实资金保障", "完善工作台账", "开展政策宣传", "协调解决场地问题", "推动示范点建设", "加强部门联动",
]
PROBLEMS = ["场地资源紧张", "专业人员不足", "资金拨付进度偏慢", "部门协同有待加强", "群众知晓率不高"]
NEXT = ["继续推进", "加强督导", "扩大试点范围", "完善配套政策", "做好总结评估"]


@dataclass
class Scale:
    plans: int = 40
    units_per_plan: int = 25
    months: int = 60
    institutions: int = 20000
    seed: int = 2026
    end: dt.date = dt.date(2026, 11, 28)
    # Regulation's registry: None = 10 staff and 2.5 inspections per institution (200,000 / 50,000).
    staff: int | None = None
    inspections: int | None = None

    @property
    def staff_count(self) -> int:
        return self.institutions * 10 if self.staff is None else self.staff

    @property
    def inspection_count(self) -> int:
        return self.institutions * 5 // 2 if self.inspections is None else self.inspections

    @classmethod
    def fraction(cls, scale: float, **overrides) -> Scale:
        base = cls()
        params = {
            "plans": max(1, round(base.plans * scale)),
            "institutions": max(10, round(base.institutions * scale)),
        }
        params.update(overrides)
        return cls(**params)


def _annex_tasks() -> list[tuple[str, str]]:
    """The 15 (title, content) pairs of the 2020 plan's annex, for realistic text."""
    path = Path(settings.BASE_DIR) / "fixtures" / "plan_2020.json"
    rows = [o["fields"] for o in json.loads(path.read_text(encoding="utf-8")) if o["model"] == "tasks.workitem"]
    tasks = sorted((r for r in rows if r.get("kind", 1) == 1), key=lambda r: r["number"])
    return [(r["title"], r["content"]) for r in tasks][:15]


def _aware(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _month_start(day: dt.date, back: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def _log(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


@transaction.atomic
def generate(scale: Scale, *, stdout=None) -> dict:
    """Build the dataset; returns counts. Run it on an empty (migrated) database."""
    rng = random.Random(scale.seed)
    annex = _annex_tasks()
    section_titles = [
        "加强对家庭婴幼儿照护的支持和指导", "加大对社区婴幼儿照护服务的支持力度", "推动婴幼儿照护服务机构规范发展",
        "支持有条件的幼儿园提供托幼一体化服务", "支持用人单位为职工提供福利性婴幼儿照护服务",
    ]
    section_of_task = [1, 1, 1, 2, 2, 3, 3, 3, 3, 3, 4, 4, 5, 5, 5]

    # Units (existing ones with these names are reused).
    names = [(n, "government") for n in GOVERNMENT] + [(n, "mass") for n in MASS] + [(n, "street") for n in STREETS]
    existing = {d.name: d for d in Department.objects.filter(name__in=[n for n, _ in names])}
    Department.objects.bulk_create(
        [Department(name=n, kind=k, position=100 + i) for i, (n, k) in enumerate(names) if n not in existing]
    )
    units = {d.name: d for d in Department.objects.filter(name__in=[n for n, _ in names])}
    unit_list = [units[n] for n, _ in names]
    _log(stdout, f"单位 {len(unit_list)} 个")

    # Accounts: an officer and a leader per unit (authors and reviewers), and readers for the bench.
    password = make_password(BENCH_PASSWORD)
    wanted = []
    for i, unit in enumerate(unit_list):
        wanted.append(User(username=f"bench-officer-{i}", full_name=f"填报员{i}", role="officer",
                           department=unit, password=password))
        wanted.append(User(username=f"bench-leader-{i}", full_name=f"审核人{i}", role="leader",
                           department=unit, password=password))
    wanted.append(User(username="bench-coordinator", full_name="规模督办", role="coordinator",
                       department=units["区卫生健康委"], password=password))
    wanted.append(User(username="bench-viewer", full_name="规模督查", role="viewer", password=password))
    have = set(User.objects.filter(username__startswith="bench-").values_list("username", flat=True))
    User.objects.bulk_create([u for u in wanted if u.username not in have])
    people = {u.username: u for u in User.objects.filter(username__startswith="bench-")}
    officer = {unit.pk: people[f"bench-officer-{i}"] for i, unit in enumerate(unit_list)}
    leader = {unit.pk: people[f"bench-leader-{i}"] for i, unit in enumerate(unit_list)}
    coordinator = people["bench-coordinator"]

    # Plans, sections, tasks, responsibilities, assignments, milestones, periods.
    first_month = _month_start(scale.end, scale.months - 1)
    issued = [first_month + dt.timedelta(days=rng.randrange(0, 20)) for _ in range(scale.plans)]
    plans = Plan.objects.bulk_create([
        Plan(title=f"{MARK}渝中区婴幼儿照护服务专项推进方案（第{i + 1}号）",
             document_number=f"规模〔{first_month.year}〕{i + 1}号", issuer="重庆市渝中区人民政府办公室",
             issued_on=issued[i], period_months=1, report_due_day=25,
             status=Plan.Status.IN_FORCE, in_force_from=issued[i])  # live from their issue date
        for i in range(scale.plans)
    ])
    sections = Section.objects.bulk_create([
        Section(plan=p, number=n + 1, title=t) for p in plans for n, t in enumerate(section_titles)
    ])
    section_by = {(s.plan_id, s.number): s for s in sections}

    items, task_units = [], []
    for p in plans:
        pool = rng.sample(unit_list, min(scale.units_per_plan, len(unit_list)))
        for n, (title, content) in enumerate(annex, start=1):
            lead = rng.choice(pool)
            others = [u for u in rng.sample(pool, min(rng.randint(3, 7), len(pool))) if u.pk != lead.pk]
            items.append(WorkItem(plan=p, kind=1, section=section_by[(p.pk, section_of_task[n - 1])], number=n,
                                  title=title, content=content, lead_unit=lead, units_open_ended=False))
            task_units.append((lead, others))
    items = WorkItem.objects.bulk_create(items, batch_size=BATCH)
    Responsibility.objects.bulk_create(
        [Responsibility(task=t, department=u, position=i) for t, (_, others) in zip(items, task_units)
         for i, u in enumerate(others)], batch_size=BATCH,
    )
    assignments = Assignment.objects.bulk_create(
        [a for t, (lead, others) in zip(items, task_units) for a in (
            [Assignment(task=t, department=lead, role="lead")]
            + [Assignment(task=t, department=u, role="responsible") for u in others]
        )], batch_size=BATCH,
    )
    _log(stdout, f"方案 {len(plans)} 个，督办事项 {len(items)} 项，任务分工 {len(assignments)} 条")

    plan_by_pk = {p.pk: p for p in plans}
    specs_by_plan, period_rows = {}, []
    for p in plans:
        specs = periods.periods_through(p, scale.end)
        specs.append(periods.next_period(p, specs[-1]))
        specs_by_plan[p.pk] = specs
        period_rows += [ReportingPeriod(plan=p, start=s.start, end=s.end, due_date=s.due_date, months=s.months,
                                        label=s.label) for s in specs]
    ReportingPeriod.objects.bulk_create(period_rows, batch_size=BATCH)
    period_pk = {(r.plan_id, r.start): r.pk for r in ReportingPeriod.objects.filter(plan__in=plans)}

    milestones = []
    for p in plans:
        milestones.append(Milestone(plan=p, title="阶段性发展目标", due_date=dt.date(scale.end.year - 1, 12, 31),
                                    met_on=dt.date(scale.end.year - 1, 12, 20), confirmed_by=coordinator,
                                    confirmed_at=_aware(dt.date(scale.end.year - 1, 12, 22), 10), position=1))
        milestones.append(Milestone(plan=p, title="年度发展目标", due_date=dt.date(scale.end.year, 12, 31), position=2))
    for t in items:
        if rng.random() < 0.3:
            due = scale.end + dt.timedelta(days=rng.randint(-400, 120))
            met = due < scale.end and rng.random() < 0.85
            milestones.append(Milestone(
                plan=plan_by_pk[t.plan_id], task=t, title=f"{t.title[:12]}阶段目标", due_date=due,
                met_on=due - dt.timedelta(days=3) if met else None, confirmed_by=coordinator if met else None,
                confirmed_at=_aware(due - dt.timedelta(days=2), 9) if met else None, position=1,
            ))
    Milestone.objects.bulk_create(milestones, batch_size=BATCH)

    # Completions: a few units finished their part.
    done_on = {}
    completions = []
    for a in assignments:
        if rng.random() < 0.03:
            day = scale.end - dt.timedelta(days=rng.randint(30, 700))
            done_on[a.pk] = day
            completions.append(AssignmentCompletion(
                assignment=a, state="accepted", note="本单位承担的工作已全部完成。", claimed_by=officer[a.department_id],
                claimed_at=_aware(day - dt.timedelta(days=5), 10), decided_by=coordinator,
                decided_at=_aware(day, 15), decision_comment="经核实，同意确认完成。",
            ))
    AssignmentCompletion.objects.bulk_create(completions, batch_size=BATCH)

    # Reports and their workflow steps, period by period.
    task_by_pk = {t.pk: t for t in items}
    reports, steps = [], []
    n_reports = n_steps = 0

    def flush():
        nonlocal reports, steps, n_reports, n_steps
        if not reports:
            return
        ProgressReport.objects.bulk_create(reports, batch_size=BATCH)
        for report, plan_steps in steps:
            for step in plan_steps:
                step.report_id, step.assignment_id = report.pk, report.assignment_id
        ReportTransition.objects.bulk_create([s for _, ss in steps for s in ss], batch_size=BATCH)
        n_reports += len(reports)
        n_steps += sum(len(ss) for _, ss in steps)
        reports, steps = [], []

    def step(from_state, to_state, actor, at, comment=""):
        return ReportTransition(from_state=from_state, to_state=to_state, actor=actor, at=at, comment=comment)

    for a in assignments:
        task = task_by_pk[a.task_id]
        specs = specs_by_plan[task.plan_id]
        author, reviewer = officer[a.department_id], leader[a.department_id]
        unit_name = next(u.name for u in unit_list if u.pk == a.department_id)
        percent = rng.randint(0, 10)
        finished = done_on.get(a.pk)
        for spec in specs:
            if spec.start > scale.end or (finished and spec.due_date >= finished):
                break
            current = spec.due_date >= scale.end
            roll = rng.random()
            if (not current and roll < 0.03) or (current and roll < 0.5):
                continue  # missing (or not yet reported this period)
            percent = min(100, percent + rng.randint(0, 4))
            text = (f"{spec.label}，{unit_name}围绕“{task.title[:14]}”{rng.choice(PHRASES)}，"
                    f"{rng.choice(PHRASES)}，累计完成{percent}%。")
            problems = rng.choice(PROBLEMS) if rng.random() < 0.4 else ""
            nxt = f"{rng.choice(NEXT)}{task.title[:8]}相关工作。"
            late = not current and roll > 0.93
            submitted = _aware(spec.due_date + dt.timedelta(days=rng.randint(1, 12) if late else -rng.randint(0, 8)),
                               9 + rng.randint(0, 8), rng.randint(0, 59))
            if current and submitted >= _aware(scale.end, 0):
                submitted = _aware(scale.end - dt.timedelta(days=1), 10)
            base = dict(assignment=a, period_id=period_pk[(task.plan_id, spec.start)], progress=text,
                        percent=percent, problems=problems, next_steps=nxt, created_by=author,
                        created_at=submitted - dt.timedelta(hours=2), updated_at=submitted, submitted_by=author,
                        submitted_at=submitted)
            if current and roll < 0.7:  # waiting for review
                r = ProgressReport(version=1, state="submitted", last_submitted_at=submitted, **base)
                reports.append(r)
                steps.append((r, [step("", "draft", author, submitted - dt.timedelta(hours=2)),
                                  step("draft", "submitted", author, submitted)]))
                continue
            if not current and 0.03 <= roll < 0.05:  # returned once, then approved
                returned = submitted + dt.timedelta(days=1)
                again = returned + dt.timedelta(days=2)
                approved = again + dt.timedelta(days=1)
                r = ProgressReport(version=1, state="approved", last_submitted_at=again, reviewed_by=reviewer,
                                   reviewed_at=approved, approved_at=approved, return_reason="请补充佐证材料。", **base)
                reports.append(r)
                steps.append((r, [step("", "draft", author, submitted - dt.timedelta(hours=2)),
                                  step("draft", "submitted", author, submitted),
                                  step("submitted", "returned", reviewer, returned, "请补充佐证材料。"),
                                  step("returned", "resubmitted", author, again),
                                  step("resubmitted", "approved", reviewer, approved)]))
                continue
            approved = submitted + dt.timedelta(days=rng.randint(1, 3), hours=rng.randint(0, 5))
            if current and approved >= _aware(scale.end, 0):
                approved = _aware(scale.end - dt.timedelta(days=1), 16)
            r = ProgressReport(version=1, state="approved", last_submitted_at=submitted, reviewed_by=reviewer,
                               reviewed_at=approved, approved_at=approved, **base)
            reports.append(r)
            steps.append((r, [step("", "draft", author, submitted - dt.timedelta(hours=2)),
                              step("draft", "submitted", author, submitted),
                              step("submitted", "approved", reviewer, approved)]))
            if not current and 0.05 <= roll < 0.065:  # corrected later: version 2
                fixed = approved + dt.timedelta(days=rng.randint(3, 20))
                c = ProgressReport(
                    version=2, supersedes=None, correction_reason="更正完成进度数据。", state="approved",
                    last_submitted_at=fixed, reviewed_by=reviewer, reviewed_at=fixed + dt.timedelta(hours=3),
                    approved_at=fixed + dt.timedelta(hours=3), **{**base, "submitted_at": fixed, "updated_at": fixed,
                                                                  "created_at": fixed - dt.timedelta(hours=1)},
                )
                reports.append(c)
                steps.append((c, [step("approved", "draft", author, fixed - dt.timedelta(hours=1), "更正完成进度数据。"),
                                  step("draft", "submitted", author, fixed),
                                  step("submitted", "approved", reviewer, fixed + dt.timedelta(hours=3))]))
        if len(reports) >= 20000:
            flush()
    flush()
    _log(stdout, f"进展报告 {n_reports} 份，流转记录 {n_steps} 条")

    # Supervision notices: about one assignment in ten.
    notices = []
    seq = SupervisionNotice.objects.filter(seq__gte=100000).aggregate(top=Max("seq"))["top"] or 100000
    for a in assignments:
        if rng.random() < 0.1:
            seq += 1
            issued = scale.end - dt.timedelta(days=rng.randint(1, 900))
            due = issued + dt.timedelta(days=10)
            answered = rng.random() < 0.75 or due < scale.end - dt.timedelta(days=120)
            replied = _aware(due - dt.timedelta(days=rng.randint(0, 5)), 11) if answered else None
            notices.append(SupervisionNotice(
                year=issued.year, seq=seq, assignment=a, reason="进展滞后，请说明原因并提出整改措施。",
                reply_due=due, state="answered" if answered else "open", issued_by=coordinator,
                issued_at=_aware(issued, 9), reply_text="已整改。" if answered else "",
                replied_by=officer[a.department_id] if answered else None, replied_at=replied,
            ))
    SupervisionNotice.objects.bulk_create(notices, batch_size=BATCH)

    # Institutions (the registry), with valid credit codes.
    authorities = {
        "for_profit": units["区市场监管局"], "public_institution": units["区委编办"],
        "social_organisation": units["区民政局"],
    }
    streets = [units[n] for n in STREETS]
    institutions = []
    start_day = dt.date(scale.end.year - 5, 1, 1)
    span = (scale.end - start_day).days
    for i in range(scale.institutions):
        kind = rng.random()
        if kind < 0.75:
            nature, form, prefix = "for_profit", "enterprise", "91500103"
        elif kind < 0.9:
            nature, form, prefix = "non_profit", "social_organisation", "52500103"
        else:
            nature, form, prefix = "non_profit", "public_institution", "12500103"
        registered = start_day + dt.timedelta(days=rng.randrange(span))
        filed = registered + dt.timedelta(days=rng.randint(10, 120)) if rng.random() < 0.85 else None
        if filed and filed > scale.end:
            filed = None
        cancelled = registered + dt.timedelta(days=rng.randint(200, 1500)) if rng.random() < 0.03 else None
        if cancelled and cancelled > scale.end:
            cancelled = None
        demo = filed is not None and rng.random() < 0.01
        capacity, inclusive = rng.randint(20, 150), rng.random() < 0.3
        institutions.append(Institution(
            name=f"{MARK}托育中心{i + 1:05d}", credit_code=make_credit_code(prefix, f"B{scale.seed % 10}{i:06d}"),
            nature=nature, legal_form=form, registration_authority=authorities[form if form != "enterprise"
                                                                              else "for_profit"],
            street=rng.choice(streets), address=f"渝中区规模路{i + 1}号", capacity=capacity,
            offers_full_day=True, is_inclusive=inclusive, is_demonstration=demo,
            inclusive_from=(filed or registered) if inclusive else None,
            inclusive_places=capacity if inclusive else None,
            demonstration_on=filed + dt.timedelta(days=200) if demo else None,
            status="cancelled" if cancelled else ("filed" if filed else "registered"),
            registered_on=registered, filed_on=filed, cancelled_on=cancelled,
        ))
    Institution.objects.bulk_create(institutions, batch_size=BATCH)
    n_enrolment = _enrolment(institutions, scale.end, rng)
    regulation = regulation_scale.generate(staff=scale.staff_count, inspections=scale.inspection_count,
                                           seed=scale.seed, today=scale.end)
    counts = {
        "plans": len(plans), "tasks": len(items), "assignments": len(assignments), "reports": n_reports,
        "transitions": n_steps, "notices": len(notices), "institutions": len(institutions),
        "milestones": len(milestones), "completions": len(completions), "enrolment": n_enrolment,
        "staff": regulation["staff"], "inspections": regulation["inspections"],
    }
    _log(stdout, "完成：" + "，".join(f"{k} {v}" for k, v in counts.items()))
    return counts


ENROLMENT_MONTHS = 12


def _enrolment(institutions, end: dt.date, rng) -> int:
    """The last twelve months of 在托人数 of every institution filed (and not cancelled) by then."""
    rows, total = [], 0
    for inst in institutions:
        if inst.filed_on is None or inst.cancelled_on is not None:
            continue
        for back in range(ENROLMENT_MONTHS, 0, -1):
            period = _month_start(end, back)
            if period < inst.filed_on.replace(day=1):
                continue
            children = round(inst.capacity * rng.uniform(0.4, 0.95))
            rows.append(EnrolmentReport(
                institution=inst, period=period, toddler=children // 2, preschool=children - children // 2,
                children=children, source=EnrolmentReport.Source.IMPORT, reported_at=_aware(period.replace(day=20), 10),
            ))
        if len(rows) >= BATCH:
            EnrolmentReport.objects.bulk_create(rows, batch_size=BATCH)
            total, rows = total + len(rows), []
    EnrolmentReport.objects.bulk_create(rows, batch_size=BATCH)
    return total + len(rows)
