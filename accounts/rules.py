"""Who may change whose account in the admin site: privilege is granted only by
superusers, and a privileged account's password only by itself or a superuser."""
from __future__ import annotations

from .roles import grants_admin_site

# Fields that grant power over the whole portal: a superuser's to change, no one else's.
PRIVILEGE_FIELDS = ("is_superuser", "is_staff", "groups", "user_permissions")


def is_privileged_account(user) -> bool:
    """Staff, superusers and coordinators: their accounts can change other people's."""
    return bool(user.is_superuser or user.is_staff or grants_admin_site(user.role))


def can_change_privileges(actor) -> bool:
    return bool(actor.is_superuser)


def can_set_password(actor, target) -> bool:
    """Anyone with the admin's change right may set an ordinary user's password; a
    privileged user's only the user themself or a superuser."""
    return actor.pk == target.pk or actor.is_superuser or not is_privileged_account(target)


def can_edit_account(actor, target) -> bool:
    """A superuser's account is edited by superusers only (name, e-mail, active …)."""
    return actor.is_superuser or not target.is_superuser
