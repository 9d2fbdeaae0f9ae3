"""Dashboard fragments cached under the data version, so a figure is never stale.

The cache key of a rendered dashboard body holds, besides the page, its
filters and the reader's scope, the *data version*: the highest id of the
history table (audit.ObjectChange — every service and every admin edit appends
a row, and rows are never deleted) and of the tables the dashboards read
(reports, their transitions, notices, completions, assignments, milestones,
institutions). Any write moves it, so the next page load after an approval
(or a notice, a milestone confirmation, an institution filed …) misses the
cache and recomputes. The version costs one query: a handful of MAX(id)
look-ups, each answered from the primary-key index.

Each process may keep its own copy (the default local-memory cache) or share
one (Redis, via CACHES): either way the key comes from the shared database,
so no host can serve another's stale figures. REPORTS_DASHBOARD_CACHE_SECONDS
= 0 turns caching off.

A cache is an optimisation, never a dependency: with Redis down or slow a page
is computed as on a miss (ResilientRedisCache, the production backend). Short
socket timeouts (settings: REDIS_CACHE_TIMEOUT) bound what a failing call costs,
and after a failure the cache is skipped for REDIS_CACHE_RETRY_SECONDS, so an
outage costs a page nothing after the first miss.
"""
from __future__ import annotations

import functools
import hashlib
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

VERSION_MODELS = (
    "audit.ObjectChange",
    "progress.ProgressReport",
    "progress.ReportTransition",
    "progress.SupervisionNotice",
    "progress.AssignmentCompletion",
    "tasks.Assignment",
    "tasks.Milestone",
    "institutions.Institution",
)


def cache_seconds() -> int:
    return int(getattr(settings, "REPORTS_DASHBOARD_CACHE_SECONDS", 600))


def data_version() -> tuple:
    """One query: the highest id of each table the dashboards depend on."""
    qn = connection.ops.quote_name
    parts = []
    for label in VERSION_MODELS:
        model = apps.get_model(label)
        parts.append(f"(SELECT MAX({qn(model._meta.pk.column)}) FROM {qn(model._meta.db_table)})")
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        return tuple(cursor.fetchone())


@functools.cache
def code_version() -> str:
    """The dashboards' own code and templates, so a deploy never serves
    fragments rendered by the previous release (with a shared cache)."""
    root = Path(settings.BASE_DIR)
    files = sorted([*(root / "reports").glob("*.py"), *(root / "templates" / "reports").rglob("*.html")])
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def scope_key(user) -> tuple:
    return (user.pk if user.is_superuser else None, user.role, user.department_id)


def _store():
    return caches[getattr(settings, "REPORTS_CACHE_ALIAS", "default")]


def _key(user, name: str, parts: tuple) -> str:
    raw = repr((name, parts, scope_key(user), get_language(), code_version(), data_version()))
    return "reports:fragment:" + hashlib.sha256(raw.encode()).hexdigest()


def fragment(user, name: str, parts: tuple, render: Callable[[], str]) -> str:
    """The rendered body of a dashboard, from the cache when the data has not
    changed since it was rendered."""
    seconds = cache_seconds()
    if seconds <= 0:
        return mark_safe(render())
    key = _key(user, name, parts)
    html = _store().get(key)
    if html is None:
        html = render()
        _store().set(key, html, seconds)
    return mark_safe(html)


def fragment_missing(user, name: str, parts: tuple) -> bool:
    """Whether fragment() would have to render (no copy for the current data)."""
    return cache_seconds() > 0 and _store().get(_key(user, name, parts)) is None


def clear() -> None:
    _store().clear()


# ---------------------------------------------------------------- Redis down: misses, not 500s


def _redis_errors() -> tuple[type[BaseException], ...]:
    return (RedisConnectionError, RedisTimeoutError, OSError)


_outage_lock = threading.Lock()
_outage_until: dict[str, float] = {}  # location -> monotonic time before which the cache is skipped


class ResilientRedisCache(RedisCache):
    """Django's Redis cache whose failures are logged and treated as misses
    (reads return the default, writes do nothing). After a failure the server
    is left alone for REDIS_CACHE_RETRY_SECONDS (per process), so a page pays
    at most one failed connection per interval."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._location = repr(self._servers)

    def _down(self) -> bool:
        until = _outage_until.get(self._location)
        return until is not None and time.monotonic() < until

    def _guard(self, operation: str, call: Callable, fallback):
        if self._down():
            return fallback
        try:
            return call()
        except _redis_errors() as exc:
            retry = float(getattr(settings, "REDIS_CACHE_RETRY_SECONDS", 5))
            with _outage_lock:
                first = not self._down()
                _outage_until[self._location] = time.monotonic() + retry
            if first:
                logger.warning("缓存服务不可用（%s：%s），按未命中处理，%s 秒后重试", operation,
                               exc.__class__.__name__, retry)
            return fallback

    def get(self, key, default=None, version=None):
        return self._guard("get", lambda: super(ResilientRedisCache, self).get(key, default, version), default)

    def get_many(self, keys, version=None):
        return self._guard("get_many", lambda: super(ResilientRedisCache, self).get_many(keys, version), {})

    def has_key(self, key, version=None):
        return self._guard("has_key", lambda: super(ResilientRedisCache, self).has_key(key, version), False)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard("set", lambda: super(ResilientRedisCache, self).set(key, value, timeout, version), None)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard("add", lambda: super(ResilientRedisCache, self).add(key, value, timeout, version), False)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard("set_many", lambda: super(ResilientRedisCache, self).set_many(data, timeout, version),
                           list(data))

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard("touch", lambda: super(ResilientRedisCache, self).touch(key, timeout, version), False)

    def delete(self, key, version=None):
        return self._guard("delete", lambda: super(ResilientRedisCache, self).delete(key, version), False)

    def delete_many(self, keys, version=None):
        return self._guard("delete_many", lambda: super(ResilientRedisCache, self).delete_many(keys, version), None)

    def clear(self):
        return self._guard("clear", lambda: super(ResilientRedisCache, self).clear(), False)


def outage_reset() -> None:
    """Forget remembered outages (tests; a process that knows the server is back)."""
    with _outage_lock:
        _outage_until.clear()

