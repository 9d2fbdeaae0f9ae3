"""Where a user is signed in, and ending the other sessions."""
from __future__ import annotations

import datetime as dt
from importlib import import_module

from django.conf import settings
from django.db import transaction

from audit.models import ObjectChange
from audit.services import change_record
from core import clock

from .axes import client_ip
from .models import User, UserSession

TRACKED_KEY = "_tracked_session"
RENEWED_KEY = "_renewed_at"
# Refresh "last seen" at most this often: one write per session per interval.
TOUCH_EVERY = dt.timedelta(minutes=5)


def _older_than(stamp: str | None, now: dt.datetime, interval: dt.timedelta) -> bool:
    return not stamp or now - dt.datetime.fromisoformat(stamp) >= interval


def _store(session_key: str | None = None):
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)


def session_touch(*, request) -> None:
    """Renew the idle timeout and record the browser session of a signed-in user.

    Storing the renewal time marks the session modified, so SessionMiddleware
    saves it with a new expiry (SESSION_COOKIE_AGE from now)."""
    session = request.session
    now = clock.now()
    if session.session_key is None:
        session.save()
    if _older_than(session.get(RENEWED_KEY), now, dt.timedelta(seconds=settings.SESSION_RENEW_SECONDS)):
        session[RENEWED_KEY] = now.isoformat()
    # The key changes on sign-in and password change (cycle_key): track the new one.
    tracked_key, _, seen = session.get(TRACKED_KEY, "").partition("|")
    if tracked_key == session.session_key and not _older_than(seen, now, TOUCH_EVERY):
        return
    UserSession.objects.update_or_create(
        session_key=session.session_key,
        defaults={
            "user": request.user,
            "ip_address": client_ip(request) or None,  # behind the declared proxy: the real client
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


def device_label(user_agent: str) -> str:
    """'Chrome · Windows' from a User-Agent string: what a person recognises as their device."""
    ua = user_agent or ""
    browsers = (("MicroMessenger", "微信"), ("DingTalk", "钉钉"), ("Edg", "Edge"), ("OPR", "Opera"),
                ("Firefox", "Firefox"), ("Chrome", "Chrome"), ("Safari", "Safari"))
    systems = (("Windows", "Windows"), ("Android", "Android"), ("iPhone", "iOS"), ("iPad", "iPadOS"),
               ("Mac OS X", "macOS"), ("HarmonyOS", "HarmonyOS"), ("Linux", "Linux"))
    browser = next((label for needle, label in browsers if needle in ua), "")
    system = next((label for needle, label in systems if needle in ua), "")
    return " · ".join(part for part in (browser, system) if part) or ("未知设备" if ua else "—")


@transaction.atomic
def sessions_end(*, actor: User, session_ids: list[int]) -> int:
    """An administrator signs these browsers out: the Django sessions are deleted,
    the rows go, and each user's history says so (device and IP, never the key)."""
    rows = list(UserSession.objects.select_for_update().select_related("user").filter(pk__in=session_ids))
    for row in rows:
        _store(row.session_key).delete()
        change_record(actor=actor, instance=row.user, action=ObjectChange.Action.UPDATE, before={}, after={},
                      comment=f"结束登录会话（{device_label(row.user_agent)}，IP {row.ip_address or '未知'}）")
    UserSession.objects.filter(pk__in=[r.pk for r in rows]).delete()
    return len(rows)
