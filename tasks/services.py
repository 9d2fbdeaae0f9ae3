"""Writes to the plan. Each function is one business action: atomic, keyword-only,
and writing its own history."""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models, transaction

from agencies.models import Department
from agencies.selectors import group_member_ids
from agencies.services import departments_ensure
from audit.models import ObjectChange
from audit.services import change_record, change_record_bulk, snapshot
from core import clock

from . import rules
from .models import Assignment, Plan, Responsibility, WorkItem
from .plan_table import read_plan_table

_BATCH = 1000  # rows per INSERT in bulk writes (SQLite caps it lower by itself)


def _insert_rows(model: type[models.Model], fields: list[str], rows: list[tuple]) -> None:
    """Insert rows that need no ids back in one statement whatever their number,
    the rows travelling as one JSON array (as notifications.delivery.record does):
    tens of thousands of assignments cost one query, not one model instance each."""
    if not rows:
        return
    opts, quote = model._meta, connection.ops.quote_name
    columns = [opts.get_field(name) for name in fields]
    names = ", ".join(quote(field.column) for field in columns)
    if connection.vendor == "postgresql":
        picks = ", ".join(f"(r->>{i})::{field.db_type(connection)}" for i, field in enumerate(columns))
        source = "jsonb_array_elements(%s::jsonb) AS r"
    elif connection.vendor == "sqlite":
        picks = ", ".join(f"json_extract(value, '$[{i}]')" for i in range(len(columns)))
        source = "json_each(%s)"
    else:  # pragma: no cover - other databases: Django's portable way
        attnames = [field.attname for field in columns]
        model.objects.bulk_create([model(**dict(zip(attnames, row))) for row in rows], batch_size=_BATCH)
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(opts.db_table)} ({names}) SELECT {picks} FROM {source}", [json.dumps(rows)]
        )


def _wanted_units(
    *, lead_id: int | None, listed: list[tuple[int, bool]], members: Mapping[int, list[int]]
) -> dict[int, tuple[str, int | None]]:
    """department id → (role, via group id) implied by a lead and the listed
    units in order, given as (id, is a group); `members` maps a group to its members."""
    wanted: dict[int, tuple[str, int | None]] = {}
    for unit_id, is_group in listed:
        if is_group:
            for member_id in members.get(unit_id, ()):
                wanted.setdefault(member_id, (Assignment.Role.RESPONSIBLE, unit_id))
        else:
            wanted[unit_id] = (Assignment.Role.RESPONSIBLE, None)
    if lead_id:
        wanted[lead_id] = (Assignment.Role.LEAD, None)  # lead wins over any other listing
    return wanted


def _wanted_assignments(task: WorkItem) -> dict[int, tuple[str, int | None]]:
    """department id → (role, via group id) that the task's listed units imply."""
    listed = list(task.responsibilities.select_related("department").prefetch_related("department__members"))
    return _wanted_units(
        lead_id=task.lead_unit_id,
        listed=[(r.department_id, r.department.is_group) for r in listed],
        members={r.department_id: [m.pk for m in r.department.members.all()] for r in listed if r.department.is_group},
    )


def assignments_sync(*, task: WorkItem) -> None:
    """Make the task's assignments match its lead and responsible units.

    A unit no longer listed loses its assignment unless it already has
    reports (those stay, with the history they carry)."""
    wanted = _wanted_assignments(task)
    existing = {a.department_id: a for a in task.assignments.all()}
    for dept_id, (role, via) in wanted.items():
        current = existing.get(dept_id)
        if current is None:
            Assignment.objects.create(task=task, department_id=dept_id, role=role, via_group_id=via)
        elif (current.role, current.via_group_id) != (role, via):
            current.role, current.via_group_id = role, via
            current.save(update_fields=["role", "via_group"])
    stale = [a for dept_id, a in existing.items() if dept_id not in wanted]
    for assignment in stale:
        if not _has_reports(assignment):
            assignment.delete()


def _has_reports(assignment: Assignment) -> bool:
    related = getattr(assignment, "reports", None)
    return bool(related is not None and related.exists())


def assignments_sync_for_group(*, group: Department) -> None:
    for task in WorkItem.objects.filter(responsibilities__department=group).distinct():
        assignments_sync(task=task)


@transaction.atomic
def group_members_set(*, group: Department, members: list[Department], actor=None) -> Department:
    """Change who a group stands for, and carry the change to every task the
    group is listed on: new members get their assignments, former members
    keep theirs only where they already reported (history is never dropped)."""
    if not group.is_group:
        raise ValueError(f"“{group.name}”不是单位组，不能设置组成员。")
    before = snapshot(group)
    group.members.set(members)
    assignments_sync_for_group(group=group)
    change_record(actor=actor, instance=group, action=ObjectChange.Action.UPDATE, before=before)
    return group


# ---------------------------------------------------------------- plan lifecycle


def _cn(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def plan_closed_reason(plan: Plan) -> str:
    """Why the plan takes no writes, in words the user reads ("" when it does)."""
    if rules.plan_is_writable(plan):
        return ""
    if plan.is_ended:
        when = f"已于{_cn(plan.ended_on)}结束" if plan.ended_on else "已结束"
        return f"实施方案“{plan.label}”{when}，其数据仅供查阅，不能再修改。"
    return f"实施方案“{plan.label}”尚未发布实施，不能填报、督办或确认。"


def plan_writable_check(plan: Plan) -> None:
    """Refuse a write on a plan that is not in force."""
    reason = plan_closed_reason(plan)
    if reason:
        raise PermissionDenied(reason)


def _locked_plan(plan: Plan) -> Plan:
    return Plan.objects.select_for_update().get(pk=plan.pk)


@transaction.atomic
def plan_publish(
    *,
    plan: Plan,
    actor,
    in_force_from: dt.date,
    period_months: int | None = None,
    report_due_day: int | None = None,
) -> Plan:
    """A checked draft goes live: from `in_force_from` its periods open, its
    reminders run and its assignments light up on every unit's 我的任务."""
    if not rules.can_manage_plans(actor):
        raise PermissionDenied("只有督办管理员可以发布实施方案。")
    plan = _locked_plan(plan)
    if not plan.is_draft:
        raise ValidationError(f"该实施方案当前状态为“{plan.get_status_display()}”，只有草案可以发布。")
    errors: dict[str, str] = {}
    if in_force_from is None:
        errors["in_force_from"] = "请填写实施起始日。"
    if period_months is not None and period_months not in Plan.Period.values:
        errors["period_months"] = "报送周期只能按月或按季度。"
    if report_due_day is not None and not 1 <= int(report_due_day) <= 28:
        errors["report_due_day"] = "报送截止日应为 1 到 28 之间的整数。"
    if not Assignment.objects.filter(task__plan=plan).exists():
        errors["__all__"] = "该方案还没有任何任务分工（牵头单位或责任单位），不能发布。"
    if errors:
        raise ValidationError(errors)
    before = snapshot(plan)
    plan.status, plan.in_force_from = Plan.Status.IN_FORCE, in_force_from
    fields = ["status", "in_force_from"]
    if period_months is not None:
        plan.period_months = period_months
        fields.append("period_months")
    if report_due_day is not None:
        plan.report_due_day = int(report_due_day)
        fields.append("report_due_day")
    plan.save(update_fields=fields)
    change_record(actor=actor, instance=plan, action=ObjectChange.Action.TRANSITION, before=before,
                  comment=f"发布实施，自{_cn(in_force_from)}起施行")
    return plan


@transaction.atomic
def plan_end(*, plan: Plan, actor, ended_on: dt.date, closing_summary: str) -> Plan:
    """A plan in force ends: from then on it is read-only history, its lights
    and figures kept as they stood on `ended_on`."""
    if not rules.can_manage_plans(actor):
        raise PermissionDenied("只有督办管理员可以结束实施方案。")
    plan = _locked_plan(plan)
    if not plan.is_open:
        raise ValidationError(f"该实施方案当前状态为“{plan.get_status_display()}”，只有实施中的方案可以结束。")
    errors: dict[str, str] = {}
    closing_summary = (closing_summary or "").strip()
    if not closing_summary:
        errors["closing_summary"] = "请填写结束总结。"
    if ended_on is None:
        errors["ended_on"] = "请填写结束日期。"
    elif ended_on > clock.today():
        errors["ended_on"] = "结束日期不能晚于今天。"
    elif plan.in_force_from and ended_on < plan.in_force_from:
        errors["ended_on"] = f"结束日期不能早于实施起始日（{_cn(plan.in_force_from)}）。"
    if errors:
        raise ValidationError(errors)
    before = snapshot(plan)
    plan.status, plan.ended_on, plan.closing_summary = Plan.Status.ENDED, ended_on, closing_summary
    plan.save(update_fields=["status", "ended_on", "closing_summary"])
    change_record(actor=actor, instance=plan, action=ObjectChange.Action.TRANSITION, before=before,
                  comment=f"结束实施（{_cn(ended_on)}）")
    return plan


# ---------------------------------------------------------------- work items


@transaction.atomic
def task_update(
    *,
    task: WorkItem,
    actor,
    title: str | None = None,
    content: str | None = None,
    lead_unit: Department | None = None,
    responsible_units: list[Department] | None = None,
    units_open_ended: bool | None = None,
) -> WorkItem:
    """Edit a work item's text or units; assignments follow, history is kept."""
    before = snapshot(task)
    fields = []
    for name, value in (("title", title), ("content", content), ("units_open_ended", units_open_ended)):
        if value is not None:
            setattr(task, name, value)
            fields.append(name)
    if lead_unit is not None:
        task.lead_unit = lead_unit
        fields.append("lead_unit")
    task.full_clean()
    if fields:
        task.save(update_fields=fields)
    if responsible_units is not None:
        task.responsibilities.all().delete()
        Responsibility.objects.bulk_create(
            Responsibility(task=task, department=unit, position=i) for i, unit in enumerate(responsible_units, 1)
        )
    assignments_sync(task=task)
    change_record(actor=actor, instance=task, action=ObjectChange.Action.UPDATE, before=before)
    return task


@transaction.atomic
def plan_import(
    *,
    source,
    actor=None,
    title: str = "",
    document_number: str = "",
    issuer: str = "",
    issued_on=None,
):
    """A new plan from a decomposition table laid out like the annex, as a
    draft: a coordinator checks it, then publishes it (plan_publish).

    The whole table is read and checked before anything is written; any
    problem raises PlanTableError listing every bad row, and nothing is saved.
    """
    table = read_plan_table(source)
    plan = Plan.objects.create(
        title=(title or table.caption or "导入的实施方案")[:200],
        document_number=document_number, issuer=issuer, issued_on=issued_on, status=Plan.Status.DRAFT,
    )
    change_record(actor=actor, instance=plan, action=ObjectChange.Action.CREATE, comment="由任务分解表导入")
    names = [n for row in table.rows for n in ([row.lead] if row.lead else []) + row.responsible]
    units = departments_ensure(names=names, actor=actor)
    members = group_member_ids(group_ids=[u.pk for u in units.values() if u.is_group])
    # Everything was checked above: write in bulk, a few statements per table, not per row.
    items = WorkItem.objects.bulk_create(
        [
            WorkItem(
                plan=plan, kind=WorkItem.Kind.TASK, number=row.number, title=row.title, content=row.content,
                lead_unit=units[row.lead] if row.lead else None, units_open_ended=row.open_ended,
            )
            for row in table.rows
        ],
        batch_size=_BATCH,
    )
    responsibilities, assignments, listed_units = [], [], {}
    for item, row in zip(items, table.rows, strict=True):
        listed = listed_units[item.pk] = [units[name] for name in row.responsible]
        responsibilities += [(item.pk, unit.pk, i) for i, unit in enumerate(listed, 1)]
        wanted = _wanted_units(lead_id=item.lead_unit_id, listed=[(u.pk, u.is_group) for u in listed], members=members)
        assignments += [(item.pk, dept_id, role, via) for dept_id, (role, via) in wanted.items()]
    _insert_rows(Responsibility, ["task", "department", "position"], responsibilities)
    _insert_rows(Assignment, ["task", "department", "role", "via_group"], assignments)
    # History as before, each item's 责任单位 in its record (from the units at hand, not re-read).
    change_record_bulk(
        actor=actor, instances=items, action=ObjectChange.Action.CREATE, comment="由任务分解表导入",
        many_to_many=lambda item: {"responsible_units": listed_units[item.pk]},
    )
    return plan
