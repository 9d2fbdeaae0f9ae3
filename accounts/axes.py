"""django-axes: who is signing in from where, and the locks it sets.

- The username recorded for an attempt (AXES_USERNAME_CALLABLE): axes stores it
  in a 255-character column; a hostile form post can send far more, which
  PostgreSQL refuses (a 500 on the login page). Usernames are at most 150
  characters, so the attempt is recorded under that prefix.
- The client address (AXES_CLIENT_IP_CALLABLE): a lock is per username + client
  address. Behind the reverse proxy every request comes from the proxy, so the
  address is read from X-Forwarded-For — but only when the request comes from a
  proxy the deployment declares (TRUSTED_PROXIES); the right-most address that
  is not itself a trusted proxy is the client (the shipped nginx site overwrites
  the header with $remote_addr, so a client cannot choose it). Without
  TRUSTED_PROXIES the peer address (REMOTE_ADDR) is the client.
- Locks are recorded in history when set and when a coordinator lifts one
  (accounts/lockouts.py); these two writes are the lockout service.
"""
from __future__ import annotations

import functools
import ipaddress
import logging
from typing import Any

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.db import transaction

from audit.models import ObjectChange
from audit.services import change_record

MAX_USERNAME = 150
logger = logging.getLogger(__name__)


def username_from_request(request, credentials) -> str:
    username = (credentials or {}).get("username") or request.POST.get("username") or ""
    return str(username)[:MAX_USERNAME]


@functools.lru_cache(maxsize=8)
def _networks(declared: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(item.strip(), strict=False) for item in declared if item.strip())


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()))))


def _valid(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or, from a declared proxy, the right-most
    X-Forwarded-For hop that is not a trusted proxy (X-Real-IP if there is none)."""
    remote = request.META.get("REMOTE_ADDR")
    if not remote or not _trusted(remote):
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _valid(hop):
            break  # a malformed chain: trust nothing further left
        if not _trusted(hop):
            return hop
    real = request.META.get("HTTP_X_REAL_IP", "").strip()
    return real if _valid(real) and not _trusted(real) else remote


# ---------------------------------------------------------------- locks in history


def _lock_facts(attempt) -> dict[str, Any]:
    return {"用户名": attempt.username, "客户端地址": attempt.ip_address, "失败次数": attempt.failures_since_start}


def lockout_record(*, username: str, ip_address: str | None) -> None:
    """axes' user_locked_out signal: the lock, in history, once (when the limit is
    reached; later failures during the lock extend it without a new row)."""
    attempt = AccessAttempt.objects.filter(username=username, ip_address=ip_address).order_by("-pk").first()
    if attempt is None or attempt.failures_since_start != settings.AXES_FAILURE_LIMIT:
        return
    with transaction.atomic():
        change_record(actor=None, instance=attempt, action=ObjectChange.Action.CREATE, after=_lock_facts(attempt),
                      comment=f"登录失败 {attempt.failures_since_start} 次，用户“{username}”在地址 {ip_address} 被锁定")
    logger.warning("登录锁定：用户 %s，地址 %s", username, ip_address)


@transaction.atomic
def lockout_lift(*, actor, attempt_id: int) -> bool:
    """A coordinator lifts one lock (username + address) through axes' own reset;
    False if it is gone already (expired or lifted)."""
    attempt = AccessAttempt.objects.select_for_update().filter(pk=attempt_id).first()
    if attempt is None:
        return False
    facts = _lock_facts(attempt)
    change_record(actor=actor, instance=attempt, action=ObjectChange.Action.DELETE, before=facts,
                  comment=f"解除登录锁定：用户“{attempt.username}”，地址 {attempt.ip_address}")
    reset(ip=attempt.ip_address, username=attempt.username)
    return True


def on_user_locked_out(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    lockout_record(username=username or "", ip_address=ip_address)
