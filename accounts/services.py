"""Account writes: creating users with a role sets up what the role needs."""
from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from audit.models import ObjectChange
from audit.services import change_record

from .models import User
from .roles import Role

COORDINATOR_GROUP = "督办管理员"
# Coordinators manage the plan and the registry in the admin site.
COORDINATOR_APPS = ("agencies", "tasks", "accounts", "institutions", "progress", "notifications")


def coordinator_group_ensure() -> Group:
    group, _ = Group.objects.get_or_create(name=COORDINATOR_GROUP)
    group.permissions.set(Permission.objects.filter(content_type__app_label__in=COORDINATOR_APPS))
    return group


@transaction.atomic
def user_create(
    *, username: str, password: str, role: str, department=None, full_name: str = "", actor=None, **extra
) -> User:
    user = User(username=username, role=role, department=department, full_name=full_name, **extra)
    user.set_password(password)
    if role == Role.COORDINATOR:
        user.is_staff = True  # the admin site is the coordinators' back office
    user.full_clean(exclude=["password"])
    user.save()
    if role == Role.COORDINATOR:
        user.groups.add(coordinator_group_ensure())
    change_record(actor=actor, instance=user, action=ObjectChange.Action.CREATE)
    return user
