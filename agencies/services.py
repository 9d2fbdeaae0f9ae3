from django.db import transaction

from audit.models import ObjectChange
from audit.services import change_record, snapshot

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
