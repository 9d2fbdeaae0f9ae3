"""What every progress page shares: the redirect away from a plan that takes no writes.
(Who may open a page is named in accounts.roles; what they may do, in progress.rules.)"""
from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect

from tasks.services import plan_closed_reason


class PlanClosed(Exception):
    """A write page of a plan not in force: say why and go to the read-only page."""

    def __init__(self, reason: str, to: str):
        super().__init__(reason)
        self.reason, self.to = reason, to


class ClosedPlanMixin:
    def closed_check(self, plan, to: str) -> None:
        reason = plan_closed_reason(plan)
        if reason:
            raise PlanClosed(reason, to)

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except PlanClosed as closed:
            messages.error(request, closed.reason)
            return redirect(closed.to)
