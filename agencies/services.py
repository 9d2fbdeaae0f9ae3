"""Writes to the units: new units arriving with an imported plan. (Group membership
changes live in tasks.services, where the assignments they move live.)"""
from django.db.models import prefetch_related_objects

from audit.models import ObjectChange
from audit.services import change_record_bulk

from .models import Department

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
