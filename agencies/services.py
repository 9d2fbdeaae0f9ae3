from django.db import transaction
from django.db.models import prefetch_related_objects

from audit.models import ObjectChange
from audit.services import change_record, change_record_bulk, snapshot

from .models import Department


@transaction.atomic
def group_set_members(*, group: Department, members: list[Department], actor=None) -> Department:
    """Change who a group stands for, and carry the change to every task the
    group is listed on: new members get their assignments, former members
    keep theirs only where they already reported (history is never dropped)."""
    from tasks.services import assignments_sync_for_group

    if not group.is_group:
        raise ValueError(f"“{group.name}”不是单位组，不能设置组成员。")
    before = snapshot(group)
    group.members.set(members)
    assignments_sync_for_group(group=group)
    change_record(actor=actor, instance=group, action=ObjectChange.Action.UPDATE, before=before)
    return group


# Names that tell a unit's kind when an imported plan brings a new one.
_MASS_ORGANISATIONS = ("总工会", "团区委", "团委", "妇联", "计划生育协会", "残联", "科协")
_GROUP_NAMES = ("各街道办事处", "各街道")


def department_kind_for(name: str) -> str:
    if name in _GROUP_NAMES:
        return Department.Kind.GROUP
    if name.endswith("街道办事处") or name.endswith("街道"):
        return Department.Kind.STREET
    if any(name.endswith(suffix) for suffix in _MASS_ORGANISATIONS):
        return Department.Kind.MASS
    return Department.Kind.GOVERNMENT


def departments_ensure(*, names: list[str], actor=None) -> dict[str, Department]:
    """Existing units by name; unknown names become new units (a new group
    stands for every street office known once this call's new units exist),
    written in a few statements however many there are."""
    wanted = list(dict.fromkeys(names))
    found = {d.name: d for d in Department.objects.filter(name__in=wanted)}
    new = Department.objects.bulk_create(
        [Department(name=name, kind=department_kind_for(name), position=1000) for name in wanted if name not in found]
    )
    if not new:
        return found
    groups = [unit for unit in new if unit.is_group]
    if groups:
        streets = list(Department.objects.filter(kind=Department.Kind.STREET).values_list("pk", flat=True))
        membership = Department.members.through
        membership.objects.bulk_create(
            membership(from_department_id=group.pk, to_department_id=street) for group in groups for street in streets
        )
    prefetch_related_objects(new, "members")  # each new unit's history lists its members, as before
    change_record_bulk(actor=actor, instances=new, action=ObjectChange.Action.CREATE, comment="导入实施方案时新建")
    found.update((unit.name, unit) for unit in new)
    return found
