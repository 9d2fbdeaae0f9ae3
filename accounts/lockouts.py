"""登录锁定: coordinators see the current sign-in locks (username + client
address, django-axes) and lift one. Both the lock and its lifting are in history
(accounts/axes.py)."""
from __future__ import annotations

import datetime as dt

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.views.generic import TemplateView

from accounts.roles import COORDINATES
from core import clock
from core.views import RoleRequiredMixin

from .axes import lockout_lift


def cooloff() -> dt.timedelta:
    value = settings.AXES_COOLOFF_TIME
    return value if isinstance(value, dt.timedelta) else dt.timedelta(hours=float(value or 0))


class LockoutListView(RoleRequiredMixin, TemplateView):
    allowed_roles = COORDINATES
    template_name = "accounts/lockouts.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        since = clock.now() - cooloff()
        rows = []
        for attempt in AccessAttempt.objects.filter(attempt_time__gte=since).order_by("-attempt_time")[:200]:
            locked = attempt.failures_since_start >= settings.AXES_FAILURE_LIMIT
            rows.append({"attempt": attempt, "locked": locked, "until": attempt.attempt_time + cooloff()})
        context.update(rows=rows, limit=settings.AXES_FAILURE_LIMIT,
                       cooloff_minutes=int(cooloff().total_seconds() // 60))
        return context

    def post(self, request, *args, **kwargs):
        try:
            attempt_id = int(request.POST.get("attempt", ""))
        except ValueError:
            attempt_id = 0
        if attempt_id and lockout_lift(actor=request.user, attempt_id=attempt_id):
            messages.success(request, "已解除该登录锁定，对方可以重新登录。")
        else:
            messages.error(request, "该锁定已不存在（可能已到期或已被解除）。")
        return redirect("accounts:lockouts")
