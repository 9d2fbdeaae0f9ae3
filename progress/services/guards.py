"""The refusals every progress write shares: the plan must be in force, the actor allowed."""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tasks.models import Plan
from tasks.services import plan_writable_check


def require_open(plan: Plan) -> None:
    """Only a plan in force takes writes (a draft none yet, an ended plan never again)."""
    plan_writable_check(plan)


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def local_time(moment: dt.datetime) -> str:
    """When someone else acted, as a refusal names it (local time, to the minute)."""
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"
