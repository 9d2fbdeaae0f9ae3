"""Reads of the plan, always scoped to the user asking."""
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404

from agencies.models import Department

from .models import Assignment, Milestone, Plan, Responsibility, WorkItem


def work_items_for_user(user):
    return WorkItem.objects.for_user(user).with_units()


def work_item_detail(*, user, pk: int) -> WorkItem:
    """The item with its units, assignments and milestones; 404 outside scope."""
    queryset = work_items_for_user(user).prefetch_related(
        Prefetch(
            "assignments",
            queryset=Assignment.objects.select_related("department", "via_group").order_by(
                "role", "department__position", "department__name"
            ),
        ),
        Prefetch("milestones", queryset=Milestone.objects.order_by("due_date", "position")),
    )
    return get_object_or_404(queryset, pk=pk)


# ---------------------------------------------------------------- plans (lifecycle pages)


def plans_for_user(user):
    """Every plan the user may see, newest first, with its size (one query)."""
    return (
        Plan.objects.for_user(user)
        .annotate(item_count=Count("items", distinct=True), assignment_count=Count("items__assignments", distinct=True))
        .order_by("status", "-in_force_from", "-issued_on", "-pk")
    )


def plan_for_user(*, user, pk: int):
    """One plan (404 outside scope: a draft is the coordinators' own)."""
    return get_object_or_404(Plan.objects.for_user(user), pk=pk)


def plan_preview(*, plan) -> dict:
    """What a coordinator checks before publishing: sections, work items with
    their listed units (a group such as 各街道办事处 with its member units), the
    assignments those imply, and what looks incomplete. Five queries."""
    items = list(
        WorkItem.objects.filter(plan=plan).select_related("section", "lead_unit")
        .prefetch_related(
            Prefetch(
                "responsibilities",
                queryset=Responsibility.objects.select_related("department").prefetch_related(
                    Prefetch("department__members", queryset=Department.objects.order_by("position", "name"))
                ).order_by("position"),
            ),
            Prefetch(
                "assignments",
                queryset=Assignment.objects.select_related("department", "via_group").order_by(
                    "role", "department__position", "department__name"
                ),
            ),
        )
        .order_by("kind", "number")
    )
    sections: dict = {}
    for item in items:
        key = item.section if item.kind == WorkItem.Kind.TASK else "measures"
        sections.setdefault(key, []).append(item)
    groups = [
        {"title": str(key) if key != "measures" else "保障措施", "items": rows}
        for key, rows in sorted(
            sections.items(),
            key=lambda kv: (kv[0] == "measures", kv[0] is None, getattr(kv[0], "number", 0) if kv[0] else 0),
        )
    ]
    problems = []
    for item in items:
        if item.kind == WorkItem.Kind.TASK and item.lead_unit_id is None:
            problems.append(f"{item.label} {item.title}：没有牵头单位。")
        if not item.assignments.all():
            problems.append(f"{item.label} {item.title}：没有任何单位承担，发布后无人报送。")
        for resp in item.responsibilities.all():
            if resp.department.is_group and not resp.department.members.all():
                problems.append(f"{item.label} {item.title}：单位组“{resp.department.name}”没有成员单位。")
    units = {a.department_id for item in items for a in item.assignments.all()}
    return {
        "groups": groups, "items": items, "problems": problems,
        "task_count": sum(1 for i in items if i.kind == WorkItem.Kind.TASK),
        "measure_count": sum(1 for i in items if i.kind == WorkItem.Kind.MEASURE),
        "assignment_count": sum(len(i.assignments.all()) for i in items), "unit_count": len(units),
    }
