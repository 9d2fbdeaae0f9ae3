"""Render the district overview ahead of its readers.

Its body is cached under the data version (reports/cache.py), so the first load
after any write recomputes it: over half a second at city scale. A job every
minute renders it again for each reader scope (coordinators, viewers) when a
write made their copy stale, so the officials who open it find it ready. The
key still carries the data version: a reader who comes before the job still
gets fresh figures, computed for them, and never stale ones. The cache must be
shared between the web workers and the Celery worker for this to help
(production: CACHE_URL, Redis)."""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import translation

from accounts.models import User
from accounts.roles import READS_EVERYTHING
from core import clock

from . import cache
from .pages import district_body


def dashboards_warm(*, on: dt.date | None = None) -> int:
    """Render the default district overview (today, all plans) for every reader
    scope; a scope whose copy is current costs one cache read. Returns how many
    were rendered."""
    if cache.cache_seconds() <= 0:
        return 0
    readers: dict[tuple, User] = {}
    for user in User.objects.filter(is_active=True, role__in=READS_EVERYTHING).order_by("pk"):
        readers.setdefault(cache.scope_key(user), user)
    day = on or clock.today()
    rendered = 0
    with translation.override(settings.LANGUAGE_CODE):
        for user in readers.values():
            if cache.fragment_missing(user, "district", (day, None)):
                district_body(user, day, None)
                rendered += 1
    return rendered
