"""Account writes: creating users with a role sets up what the role needs."""
from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from audit.models import ObjectChange
from audit.services import change_record
from core import clock
from notifications.services import inbox_notify

from .models import User
from .roles import grants_admin_site

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
    if grants_admin_site(role):
        user.is_staff = True  # the admin site is the coordinators' back office
    user.full_clean(exclude=["password"])
    user.save()
    if grants_admin_site(role):
        user.groups.add(coordinator_group_ensure())
    change_record(actor=actor, instance=user, action=ObjectChange.Action.CREATE)
    return user


# ---------------------------------------------------------------- changes to an account


def _yes_no(value: bool) -> str:
    return "是" if value else "否"


def account_state(user: User | None) -> dict[str, str]:
    """What an account may do, as the words its owner is told: role, unit, privilege."""
    if user is None or user.pk is None:
        return {}
    return {
        "角色": user.get_role_display(),
        "所属单位": user.department.name if user.department_id else "无",
        "所属托育机构": user.institution.name if user.institution_id else "无",
        "超级管理员": _yes_no(user.is_superuser),
        "管理后台登录": _yes_no(user.is_staff),
        "账号启用": _yes_no(user.is_active),
        "用户组": "、".join(sorted(g.name for g in user.groups.all())) or "无",
        "单独授权": "、".join(sorted(p.codename for p in user.user_permissions.all())) or "无",
    }


def _by(actor, user: User) -> str:
    if actor is None or actor.pk is None:
        return "系统"
    return "本人" if actor.pk == user.pk else f"{actor}"


@transaction.atomic
def role_privileges_apply(*, user: User) -> None:
    """What the role needs (as user_create): coordinators use the admin site, with the
    coordinators' group; leaving the role takes both away (a superuser keeps staff)."""
    group = coordinator_group_ensure()
    if grants_admin_site(user.role):
        user.is_staff = True
        user.groups.add(group)
    else:
        user.is_staff = user.is_superuser
        user.groups.remove(group)
    User.objects.filter(pk=user.pk).update(is_staff=user.is_staff)


@transaction.atomic
def user_account_changed(*, actor, user: User, before: dict[str, str]) -> list[str]:
    """Tell the user what changed in their role, unit or privilege (an inbox message).
    The change itself is in the history already (the admin's change record); returns
    the lines told."""
    after = account_state(user)
    lines = [f"{key}：{before.get(key, '无')} → {value}" for key, value in after.items()
             if before and before.get(key) != value]
    if lines:
        inbox_notify(
            user=user, title="您的账号角色或权限已变更", category="account",
            body=f"{_by(actor, user)}于{clock.local(clock.now()):%Y-%m-%d %H:%M}修改了您的账号：\n"
                 + "\n".join(lines) + "\n如有疑问，请联系督办管理员。",
        )
    return lines


@transaction.atomic
def user_password_changed(*, actor, user: User) -> None:
    """History and an inbox message for every password change (the hash itself is never
    recorded). Called in the same transaction as the save."""
    who = _by(actor, user)
    change_record(actor=actor, instance=user, action=ObjectChange.Action.UPDATE, before={}, after={},
                  comment="修改密码" if who == "本人" else f"{who}重设了密码")
    inbox_notify(
        user=user, title="您的登录密码已修改", category="account",
        body=f"{who}于{clock.local(clock.now()):%Y-%m-%d %H:%M}修改了您的登录密码，其他设备上的登录随之失效。"
             "如非本人操作或本人不知情，请立即联系督办管理员。",
    )
