"""The one scoping mechanism.

Every list, detail page, file download, dashboard and export reads through
`Model.objects.for_user(user)`. Each model's queryset states, in
`visible_to`, what a signed-in user may see; anything outside that answers
404, so object ids cannot be probed by URL guessing.
"""
from __future__ import annotations

from django.db import models


class ScopedQuerySet(models.QuerySet):
    def for_user(self, user) -> ScopedQuerySet:
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        # No exception for superusers: to visible_to a superuser is a coordinator
        # (accounts.roles.roles_of), the one place where that is decided.
        return self.visible_to(user)

    def visible_to(self, user) -> ScopedQuerySet:  # pragma: no cover - abstract
        raise NotImplementedError(f"{self.model.__name__} 未定义可见范围")
