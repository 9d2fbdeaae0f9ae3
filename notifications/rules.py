"""The reminder rules, in one place: what is due for whom on a day D.

Rules (DESIGN.md "Reminders"; the numbers come from ReminderSettings, which
coordinators edit in the admin):

- progress report of the current period, not submitted: N days before its
  due date (default 3 and 1), on the day, then daily while overdue (until
  the next period's due date passes; the lights show it afterwards);
- milestone not met: N days before (default 14, 7, 1), and once when overdue;
- supervision notice (督办单) open past its reply deadline: daily;
- filing submitted and waiting for review: each working day once its
  receipt deadline is within N working days (default 2), or past;
- escalation of overdue reports, milestones and notices: 1 day overdue →
  the unit's leader(s); 3 days → the coordinator(s). Once each;
- monthly 在托人数 (enrolment) of a filed institution: the progress reports'
  rhythm (due on institutions.rules.ENROLMENT_DUE_DAY; the report days before,
  then daily while overdue) to the institution's own accounts, not escalated
  (the utilisation page shows the coordinators who has not reported).

Every reminder carries the date the rule schedules it for (`date`): "3 days
before 12-01" is dated 11-28 whichever day it is actually sent. A run that
was missed (broker down, worker dead) is caught up by the next one within
`catch_up_days`, under the same key, so it is sent late rather than lost,
and never twice. Daily reminders are dated the run's day.

Who is told: reports and notices → the unit's officers (填报员; its leaders
if it has none); milestones → the task's lead unit (every assigned unit for
a task without one); plan-wide milestones → the coordinators.

`collect(on=D)` costs a fixed number of queries however many items are due
(about ten: settings, people, plans, assignments, reports, milestones,
units of lead-less tasks, notices, filings, the working-day calendar,
institutions owing their enrolment)."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from types import SimpleNamespace

from django.db.models import Exists, OuterRef, Q

from accounts.models import User
from accounts.roles import Role
from core.clock import date_of
from institutions.models import Filing, Institution
from institutions.models_enrolment import EnrolmentReport
from institutions.rules import ENROLMENT_DUE_DAY
from institutions.workdays import UNVERIFIED_TEXT, WorkdayCalendar
from progress import periods
from progress.models import AssignmentCompletion, ProgressReport, SupervisionNotice
from tasks.labels import item_heading
from tasks.models import Assignment, Milestone, Plan
from tasks.querysets import live_at

from .links import Links
from .models import ReminderSettings

ONE_DAY = dt.timedelta(days=1)

# Rule names (stored in ReminderSent.rule).
OVERDUE = "overdue"
DUE_TODAY = "due_today"
ESCALATE_LEADER = "escalate_leader"
ESCALATE_COORDINATOR = "escalate_coordinator"
FILING_REVIEW = "filing_review"
FILING_DEADLINE = "filing_deadline"  # the afternoon alert on the deadline day (filing_review_deadlines job)

# Audiences.
UNIT, LEADER, COORDINATOR = "unit", "leader", "coordinator"

# Item types (ReminderSent.ItemType).
REPORT, MILESTONE, NOTICE, FILING = "report", "milestone", "notice", "filing"
ENROLMENT = "enrolment"


def before_rule(days: int) -> str:
    return DUE_TODAY if days == 0 else f"before_{days}"


def cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass(frozen=True, slots=True)
class Reminder:
    """One reminder for one person (not yet recorded)."""

    recipient_id: int
    item_type: str
    item_id: int
    rule: str
    date: dt.date
    subject: str
    due_date: dt.date | None
    url: str
    detail: str = ""

    @property
    def key(self) -> tuple:
        return (self.recipient_id, self.item_type, self.item_id, self.rule, self.date)


def key_of(row) -> tuple:
    """The idempotence key of a stored ReminderSent (same shape as Reminder.key)."""
    return (row.recipient_id, row.item_type, row.item_id, row.rule, row.date)


@dataclass(frozen=True)
class Rules:
    """A snapshot of ReminderSettings for one run."""

    enabled: bool = True
    report_days: tuple[int, ...] = (0, 1, 3)
    report_overdue_daily: bool = True
    milestone_days: tuple[int, ...] = (1, 7, 14)
    milestone_overdue: bool = True
    notice_overdue_daily: bool = True
    filing_working_days: int = 2
    escalate_leader_days: int = 1
    escalate_coordinator_days: int = 3
    catch_up_days: int = 3
    send_email: bool = True
    digest_max_items: int = 30

    @classmethod
    def current(cls) -> Rules:
        s = ReminderSettings.current()
        return cls(
            enabled=s.enabled, report_days=s.report_days, report_overdue_daily=s.report_overdue_daily,
            milestone_days=s.milestone_days, milestone_overdue=s.milestone_overdue,
            notice_overdue_daily=s.notice_overdue_daily, filing_working_days=s.filing_working_days,
            escalate_leader_days=s.escalate_leader_days, escalate_coordinator_days=s.escalate_coordinator_days,
            catch_up_days=s.catch_up_days, send_email=s.send_email, digest_max_items=s.digest_max_items,
        )


# ---------------------------------------------------------------- stages (pure date arithmetic)


def _fresh(fires_on: dt.date, on: dt.date, catch_up: int) -> bool:
    return fires_on <= on and (on - fires_on).days <= catch_up


def before_stage(due: dt.date, on: dt.date, days: tuple[int, ...], catch_up: int) -> tuple[str, dt.date] | None:
    """The latest "N days before" stage reached at `on` (N ≥ days left), if it
    is still fresh: (rule, the date it is scheduled for)."""
    left = (due - on).days
    if left < 0:
        return None
    reached = [d for d in days if d >= left]
    if not reached:
        return None
    stage = min(reached)
    fires_on = due - dt.timedelta(days=stage)
    return (before_rule(stage), fires_on) if _fresh(fires_on, on, catch_up) else None


def overdue_once(due: dt.date, on: dt.date, catch_up: int) -> tuple[str, dt.date] | None:
    fires_on = due + ONE_DAY
    return (OVERDUE, fires_on) if _fresh(fires_on, on, catch_up) else None


def overdue_daily(due: dt.date, on: dt.date) -> tuple[str, dt.date] | None:
    return (OVERDUE, on) if due < on else None


def escalation_stages(due: dt.date, on: dt.date, rules: Rules) -> list[tuple[str, dt.date, str]]:
    """(rule, scheduled date, audience) of the escalations reached and still fresh."""
    stages = []
    for rule, after, audience in (
        (ESCALATE_LEADER, rules.escalate_leader_days, LEADER),
        (ESCALATE_COORDINATOR, rules.escalate_coordinator_days, COORDINATOR),
    ):
        if after > 0:
            fires_on = due + dt.timedelta(days=after)
            if _fresh(fires_on, on, rules.catch_up_days):
                stages.append((rule, fires_on, audience))
    return stages


# ---------------------------------------------------------------- who is told


class Directory:
    """The people reminders go to, read in one query."""

    def __init__(self):
        self.officers: dict[int, list[int]] = defaultdict(list)
        self.leaders: dict[int, list[int]] = defaultdict(list)
        self.coordinators: list[int] = []
        self.operators: dict[int, list[int]] = defaultdict(list)  # institution → its own accounts
        rows = User.objects.filter(
            is_active=True, role__in=[Role.OFFICER, Role.LEADER, Role.COORDINATOR, Role.OPERATOR]
        ).values_list("pk", "role", "department_id", "institution_id").order_by("pk")
        for pk, role, department_id, institution_id in rows:
            if role == Role.OPERATOR:
                if institution_id is not None:
                    self.operators[institution_id].append(pk)
            elif role == Role.COORDINATOR:
                self.coordinators.append(pk)
            elif department_id is not None:
                (self.officers if role == Role.OFFICER else self.leaders)[department_id].append(pk)

    def unit(self, department_id: int) -> list[int]:
        return self.officers.get(department_id) or self.leaders.get(department_id, [])

    def audience(self, kind: str, department_ids) -> list[int]:
        if kind == COORDINATOR:
            return self.coordinators
        people: list[int] = []
        for department_id in department_ids:
            found = self.unit(department_id) if kind == UNIT else self.leaders.get(department_id, [])
            people.extend(p for p in found if p not in people)
        return people


# ---------------------------------------------------------------- collectors


def collect_reports(on: dt.date, rules: Rules, people: Directory, links: Links) -> Iterator[Reminder]:
    """Reports of the current period due soon, and of the last period overdue,
    of the plans in force at D (drafts and ended plans remind nobody). Three queries."""
    stages_by_plan: dict[int, list[tuple]] = {}
    live = Plan.objects.in_force(on=on).filter(Q(in_force_from__isnull=False) | Q(issued_on__isnull=False))
    for plan in live.values(
        "pk", "period_months", "report_due_day", "issued_on", "in_force_from", "ended_on"
    ):
        spec_plan = SimpleNamespace(**plan)
        window = periods.due_window(spec_plan, on)
        stages = []
        current = window.current
        if current.start <= on:
            stage = before_stage(current.due_date, on, rules.report_days, rules.catch_up_days)
            if stage:
                stages.append((current, *stage, UNIT))
        passed = window.last_passed
        if passed is not None:
            if rules.report_overdue_daily:
                stages.append((passed, *overdue_daily(passed.due_date, on), UNIT))
            stages.extend((passed, *s) for s in escalation_stages(passed.due_date, on, rules))
        if stages:
            stages_by_plan[plan["pk"]] = stages
    if not stages_by_plan:
        return

    accepted = AssignmentCompletion.objects.filter(
        assignment=OuterRef("pk"), state=AssignmentCompletion.State.ACCEPTED
    )
    assignments = (
        Assignment.objects.filter(task__plan_id__in=list(stages_by_plan))
        .filter(~Exists(accepted))
        .values_list("pk", "department_id", "department__name", "task_id", "task__plan_id", "task__kind",
                     "task__number", "task__title")
        .order_by("pk")
    )
    wanted = {(plan_id, s[0].start) for plan_id, stages in stages_by_plan.items() for s in stages}
    State = ProgressReport.State
    handed_in = {
        (assignment_id, start)
        for assignment_id, plan_id, start in ProgressReport.objects.filter(
            period__plan_id__in=list(stages_by_plan),
            period__start__in={start for _plan, start in wanted},
            state__in=[State.SUBMITTED, State.RESUBMITTED, State.APPROVED],
        ).values_list("assignment_id", "period__plan_id", "period__start")
        if (plan_id, start) in wanted
    }
    for pk, department_id, department_name, task_id, plan_id, kind, number, title in assignments.iterator(
        chunk_size=5000
    ):
        url = links.report(assignment_id=pk, task_id=task_id)
        for spec, rule, fires_on, audience in stages_by_plan[plan_id]:
            if (pk, spec.start) in handed_in:
                continue
            subject = f"{item_heading(kind, number, title)} · {spec.label}进展报告（{department_name}）"
            for person in people.audience(audience, [department_id]):
                yield Reminder(person, REPORT, pk, rule, fires_on, subject[:300], spec.due_date, url)


def collect_milestones(on: dt.date, rules: Rules, people: Directory, links: Links) -> Iterator[Reminder]:
    """Milestones not met of the plans in force at D: due soon, just overdue,
    escalated. One or two queries."""
    ahead = max(rules.milestone_days, default=0)
    behind = max(1 if rules.milestone_overdue else 0, rules.escalate_leader_days, rules.escalate_coordinator_days)
    rows = list(
        Milestone.objects.in_force(on=on).filter(
            due_date__gte=on - dt.timedelta(days=behind + rules.catch_up_days),
            due_date__lte=on + dt.timedelta(days=ahead),
        ).unmet_by(on=on)
        .values("pk", "title", "due_date", "task_id", "task__kind", "task__number", "task__title", "task__lead_unit_id")
        .order_by("due_date", "pk")
    )
    if not rows:
        return
    leadless = {r["task_id"] for r in rows if r["task_id"] and not r["task__lead_unit_id"]}
    units: dict[int, list[int]] = defaultdict(list)
    if leadless:
        for task_id, department_id in Assignment.objects.filter(task_id__in=leadless).values_list(
            "task_id", "department_id"
        ).order_by("task_id", "pk"):
            units[task_id].append(department_id)
    for m in rows:
        due = m["due_date"]
        stages: list[tuple[str, dt.date, str]] = []
        stage = before_stage(due, on, rules.milestone_days, rules.catch_up_days)
        if stage:
            stages.append((*stage, UNIT))
        if rules.milestone_overdue and (stage := overdue_once(due, on, rules.catch_up_days)):
            stages.append((*stage, UNIT))
        stages.extend(escalation_stages(due, on, rules))
        if not stages:
            continue
        task_id = m["task_id"]
        if task_id is None:
            departments: list[int] = []
            prefix = "全方案"
        else:
            departments = [m["task__lead_unit_id"]] if m["task__lead_unit_id"] else units.get(task_id, [])
            prefix = item_heading(m["task__kind"], m["task__number"], m["task__title"])
        subject = f"{prefix} 节点目标“{m['title']}”"[:300]
        url = links.milestone(task_id=task_id)
        for rule, fires_on, audience in stages:
            if task_id is None:
                # A plan-wide goal is the coordinators' own: told directly, nothing to escalate.
                if audience != UNIT:
                    continue
                audience = COORDINATOR
            for person in people.audience(audience, departments):
                yield Reminder(person, MILESTONE, m["pk"], rule, fires_on, subject, due, url)


def collect_notices(on: dt.date, rules: Rules, people: Directory, links: Links) -> Iterator[Reminder]:
    """督办单 past their reply deadline, unanswered, of the plans in force at D. One query."""
    rows = SupervisionNotice.objects.filter(
        live_at(on, prefix="assignment__task__plan__"), state=SupervisionNotice.State.OPEN, reply_due__lt=on
    ).values_list(
        "pk", "year", "seq", "reply_due", "assignment__department_id", "assignment__department__name",
        "assignment__task_id", "assignment__task__kind", "assignment__task__number", "assignment__task__title",
    ).order_by("reply_due", "pk")
    for pk, year, seq, reply_due, department_id, department_name, task_id, kind, number, title in rows:
        stages: list[tuple[str, dt.date, str]] = []
        if rules.notice_overdue_daily:
            stages.append((*overdue_daily(reply_due, on), UNIT))
        stages.extend(escalation_stages(reply_due, on, rules))
        if not stages:
            continue
        number_text = SupervisionNotice(year=year, seq=seq).number
        subject = f"督办单 {number_text}（{item_heading(kind, number, title)}，{department_name}）"[:300]
        url = links.notice(notice_id=pk, task_id=task_id)
        for rule, fires_on, audience in stages:
            for person in people.audience(audience, [department_id]):
                yield Reminder(person, NOTICE, pk, rule, fires_on, subject, reply_due, url)


def collect_filings(
    on: dt.date, people: Directory, links: Links, *, working_days: int, rule: str = FILING_REVIEW
) -> Iterator[Reminder]:
    """Filings waiting for review whose receipt deadline is within `working_days`
    working days (or past), on working days only. Two queries."""
    if not people.coordinators:
        return
    # n working days never span more than about 3n + 3 weeks of calendar days (Spring Festival).
    horizon = on + dt.timedelta(days=3 * working_days + 21)
    rows = list(
        Filing.objects.filter(
            status=Filing.Status.SUBMITTED, receipt_due_on__isnull=False, receipt_due_on__lte=horizon
        ).values_list("pk", "kind", "receipt_due_on", "institution__name", "submitted_at")
        .order_by("receipt_due_on", "pk")
    )
    dates = [r[2] for r in rows]
    calendar = WorkdayCalendar(min([on, *dates]), max([on, *dates]))
    if not calendar.is_workday(on):
        return
    kinds = dict(Filing.Kind.choices)
    for pk, kind, receipt_due, institution, submitted_at in rows:
        left = calendar.working_days_left(receipt_due, on)
        if left > working_days:
            continue
        if left > 0:
            detail = f"距回执期限（{cn_date(receipt_due)}）还剩{left}个工作日"
        elif left == 0:
            detail = f"今日（{cn_date(receipt_due)}）为回执期限"
        else:
            detail = f"已超过回执期限（{cn_date(receipt_due)}）{-left}个工作日"
        counted_from = date_of(submitted_at) if submitted_at else receipt_due
        if calendar.deadline_unverified(counted_from=counted_from, due=receipt_due, today=on):
            detail += f"（{UNVERIFIED_TEXT}）"
        subject = f"{institution} · {kinds.get(kind, kind)}待审核"[:300]
        url = links.filing(filing_id=pk)
        for person in people.coordinators:
            yield Reminder(person, FILING, pk, rule, on, subject, receipt_due, url, detail)


def enrolment_periods(on: dt.date) -> tuple[periods.PeriodSpec | None, periods.PeriodSpec]:
    """(the month whose 在托人数 is coming due, None after this month's due day; the month
    last due): the monthly progress report's window."""
    this = periods.spec_for(start=on, months=1, due_day=ENROLMENT_DUE_DAY)
    if this.due_date >= on:
        last = periods.spec_for(start=this.start - ONE_DAY, months=1, due_day=ENROLMENT_DUE_DAY)
        return this, last
    return None, this


def collect_enrolments(on: dt.date, rules: Rules, people: Directory, links: Links) -> Iterator[Reminder]:
    """Filed institutions that have not reported the month coming due (the report days
    before its due day) or the month last due (daily while overdue, until the next due day).
    Told: the institution's own active accounts. One query."""
    if not people.operators:
        return
    current, passed = enrolment_periods(on)
    stages: list[tuple[periods.PeriodSpec, str, dt.date]] = []
    if current is not None and (stage := before_stage(current.due_date, on, rules.report_days, rules.catch_up_days)):
        stages.append((current, *stage))
    if rules.report_overdue_daily:
        stages.append((passed, *overdue_daily(passed.due_date, on)))
    if not stages:
        return
    months = sorted({spec.start for spec, _rule, _date in stages})
    operators = User.objects.filter(institution=OuterRef("pk"), role=Role.OPERATOR, is_active=True)
    reported = {
        month: Exists(EnrolmentReport.objects.filter(institution=OuterRef("pk"), period=month)) for month in months
    }
    rows = (
        Institution.objects.filter(Exists(operators), status=Institution.Status.FILED, filed_on__isnull=False)
        .annotate(**{f"done_{n}": flag for n, flag in enumerate(reported.values())})
        .values_list("pk", "name", "filed_on", *(f"done_{n}" for n in range(len(months))))
        .order_by("pk")
    )
    for pk, name, filed_on, *done in rows.iterator(chunk_size=5000):
        done_by_month = dict(zip(months, done, strict=True))
        url = links.enrolment(institution_id=pk)
        for spec, rule, fires_on in stages:
            # Only months from the one it was filed in are owed (enrolment_problems refuses earlier ones).
            if done_by_month[spec.start] or spec.start < filed_on.replace(day=1):
                continue
            subject = f"{name} · {spec.start.year}年{spec.start.month}月在托人数"[:300]
            for person in people.operators.get(pk, []):
                yield Reminder(person, ENROLMENT, pk, rule, fires_on, subject, spec.due_date, url)


def collect(on: dt.date, rules: Rules | None = None) -> list[Reminder]:
    """Everything due on day `on` for the daily digest, in a fixed number of queries."""
    rules = rules or Rules.current()
    if not rules.enabled:
        return []
    people, links = Directory(), Links()
    found: list[Reminder] = []
    found.extend(collect_reports(on, rules, people, links))
    found.extend(collect_milestones(on, rules, people, links))
    found.extend(collect_notices(on, rules, people, links))
    found.extend(collect_filings(on, people, links, working_days=rules.filing_working_days))
    found.extend(collect_enrolments(on, rules, people, links))
    return found


def collect_filing_deadlines(on: dt.date, rules: Rules | None = None) -> list[Reminder]:
    """The afternoon alert: filings still waiting on (or past) their receipt deadline."""
    rules = rules or Rules.current()
    if not rules.enabled:
        return []
    return list(collect_filings(on, Directory(), Links(), working_days=0, rule=FILING_DEADLINE))


# ---------------------------------------------------------------- wording


SECTIONS = [
    ("mine", "需要您办理的事项"),
    ("leader", "本单位逾期事项（升级提醒）"),
    ("coordinator", "各单位逾期事项（升级至督办管理员）"),
    ("filing", "待审核的托育机构备案"),
]
_PRIORITY = {ESCALATE_COORDINATOR: 3, ESCALATE_LEADER: 2, OVERDUE: 1}


def section_of(item) -> str:
    if item.rule == ESCALATE_LEADER:
        return "leader"
    if item.rule == ESCALATE_COORDINATOR:
        return "coordinator"
    if item.item_type == FILING:
        return "filing"
    return "mine"


def describe(item, on: dt.date) -> str:
    """One line of a digest, worded for the day it is delivered (`on`)."""
    due = item.due_date
    subject = item.subject
    if item.item_type == FILING:
        return f"{subject}：{item.detail}"
    left = (due - on).days if due else 0
    if item.item_type == NOTICE:
        late = max(-left, 1)
        return f"{subject}：答复期限为{cn_date(due)}，已逾期{late}天仍未答复"
    what = {REPORT: "未提交", ENROLMENT: "未填报"}.get(item.item_type, "未确认达成")
    if item.rule in (ESCALATE_LEADER, ESCALATE_COORDINATOR):
        urge = "请督促本单位尽快办理" if item.rule == ESCALATE_LEADER else "请予督办"
        return f"{subject}：已于{cn_date(due)}到期，逾期{max(-left, 1)}天仍{what}，{urge}"
    if left > 0:
        verb = "截止" if item.item_type in (REPORT, ENROLMENT) else "到期"
        return f"{subject}：将于{cn_date(due)}{verb}（还剩{left}天），尚{what}"
    if left == 0:
        return f"{subject}：今日{'截止' if item.item_type in (REPORT, ENROLMENT) else '到期'}，尚{what}"
    return f"{subject}：已于{cn_date(due)}到期，逾期{-left}天，尚{what}"


def digest_lines(items, on: dt.date) -> list[dict]:
    """The digest's lines: one per item (the most urgent rule wins when an item
    reaches a person by two rules), in sections, most overdue first."""
    best: dict[tuple, object] = {}
    for item in items:
        key = (item.item_type, item.item_id, item.due_date)
        if key not in best or _PRIORITY.get(item.rule, 0) > _PRIORITY.get(best[key].rule, 0):
            best[key] = item
    lines = [
        {"section": section_of(i), "text": describe(i, on), "url": i.url, "due": i.due_date or on, "item": i}
        for i in best.values()
    ]
    order = {key: n for n, (key, _title) in enumerate(SECTIONS)}
    kinds = {REPORT: 0, NOTICE: 1, MILESTONE: 2, FILING: 3, ENROLMENT: 4}
    # Sections, then the most overdue first; within a day, items in plan order (ids follow the annex).
    lines.sort(key=lambda line: (order[line["section"]], line["due"], kinds.get(line["item"].item_type, 9),
                                 line["item"].item_id))
    return lines
