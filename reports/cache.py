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
"""
from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

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
