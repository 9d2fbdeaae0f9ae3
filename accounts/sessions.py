"""Where a user is signed in, and ending the other sessions."""
from __future__ import annotations

import datetime as dt
from importlib import import_module

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import User, UserSession

TRACKED_KEY = "_tracked_session"
# Refresh "last seen" at most this often: one write per session per interval.
TOUCH_EVERY = dt.timedelta(minutes=5)


def _store(session_key: str | None = None):
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)


def session_touch(*, request) -> None:
    """Record or refresh the current browser session of a signed-in user."""
    session = request.session
    now = timezone.now()
    if session.session_key is None:
        session.save()
    # The key changes on sign-in and password change (cycle_key): track the new one.
    tracked_key, _, seen = session.get(TRACKED_KEY, "").partition("|")
    if tracked_key == session.session_key and seen and now - dt.datetime.fromisoformat(seen) < TOUCH_EVERY:
        return
    UserSession.objects.update_or_create(
        session_key=session.session_key,
        defaults={
            "user": request.user,
            "ip_address": request.META.get("REMOTE_ADDR") or None,
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
            "last_seen_at": now,
        },
    )
    session[TRACKED_KEY] = f"{session.session_key}|{now.isoformat()}"


def sessions_active(*, user: User) -> list[UserSession]:
    """The user's sessions that still exist (expired or ended ones are pruned)."""
    rows = list(UserSession.objects.filter(user=user))
    gone = [row.pk for row in rows if not _store().exists(row.session_key)]
    if gone:
        UserSession.objects.filter(pk__in=gone).delete()
    return [row for row in rows if row.pk not in gone]


@transaction.atomic
def sessions_end_others(*, user: User, keep_session_key: str | None) -> int:
    """End every session of the user but the current one."""
    rows = list(UserSession.objects.select_for_update().filter(user=user).exclude(session_key=keep_session_key))
    for row in rows:
        _store(row.session_key).delete()
    UserSession.objects.filter(pk__in=[r.pk for r in rows]).delete()
    return len(rows)
