"""Reads about units."""
from __future__ import annotations

from .models import Department


def group_member_ids(*, group_ids: list[int]) -> dict[int, list[int]]:
    """group id → its members' ids, in the units' own order (one query for all groups)."""
    members: dict[int, list[int]] = {pk: [] for pk in group_ids}
    if not group_ids:
        return members
    through = Department.members.through.objects.filter(from_department_id__in=group_ids)
    pairs = through.order_by("to_department__position", "to_department__name").values_list(
        "from_department_id", "to_department_id"
    )
    for group_id, member_id in pairs:
        members[group_id].append(member_id)
    return members
