"""Writes to the plan. Each function is one business action: atomic, keyword-only,
and writing its own history."""
from __future__ import annotations

from django.db import transaction

from agencies.models import Department
from audit.models import ObjectChange
from audit.services import change_record, snapshot

from .models import Assignment, WorkItem


def _wanted_assignments(task: WorkItem) -> dict[int, tuple[str, int | None]]:
    """department id → (role, via group id) that the task's listed units imply."""
    wanted: dict[int, tuple[str, int | None]] = {}
    for resp in task.responsibilities.select_related("department").prefetch_related("department__members"):
        unit = resp.department
        if unit.is_group:
            for member in unit.members.all():
                wanted.setdefault(member.pk, (Assignment.Role.RESPONSIBLE, unit.pk))
        else:
            wanted[unit.pk] = (Assignment.Role.RESPONSIBLE, None)
    if task.lead_unit_id:
        wanted[task.lead_unit_id] = (Assignment.Role.LEAD, None)  # lead wins over any other listing
    return wanted


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
    from .models import Responsibility

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
    """A new plan from a decomposition table laid out like the annex.

    The whole table is read and checked before anything is written; any
    problem raises PlanTableError listing every bad row, and nothing is saved.
    """
    from agencies.services import departments_ensure

    from .models import Plan, Responsibility
    from .plan_table import read_plan_table

    table = read_plan_table(source)
    plan = Plan.objects.create(
        title=(title or table.caption or "导入的实施方案")[:200],
        document_number=document_number, issuer=issuer, issued_on=issued_on,
    )
    change_record(actor=actor, instance=plan, action=ObjectChange.Action.CREATE, comment="由任务分解表导入")
    names = [n for row in table.rows for n in ([row.lead] if row.lead else []) + row.responsible]
    units = departments_ensure(names=names, actor=actor)
    for row in table.rows:
        item = WorkItem.objects.create(
            plan=plan, kind=WorkItem.Kind.TASK, number=row.number, title=row.title, content=row.content,
            lead_unit=units[row.lead] if row.lead else None, units_open_ended=row.open_ended,
        )
        Responsibility.objects.bulk_create(
            Responsibility(task=item, department=units[name], position=i) for i, name in enumerate(row.responsible, 1)
        )
        assignments_sync(task=item)
        change_record(actor=actor, instance=item, action=ObjectChange.Action.CREATE, comment="由任务分解表导入")
    return plan
