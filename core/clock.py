"""The portal's one clock: what "now" and "today" are, in Asia/Shanghai.

Everything that depends on the present asks here (or takes the date as an
argument, `on=`), so a rule can be asked "as of D" and a test can pin D with
time-machine. `tests/core/test_clock.py` greps the source for any other call
to the raw clock."""
from __future__ import annotations

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    """The current moment, timezone-aware (UTC inside, shown in Asia/Shanghai)."""
    return timezone.now()


def today() -> dt.date:
    """The portal's date: today in the district's time zone (settings.TIME_ZONE)."""
    return timezone.localdate(timezone.now())


def local(moment: dt.datetime) -> dt.datetime:
    """A stored moment in the district's time zone."""
    return timezone.localtime(moment)


def date_of(moment: dt.datetime) -> dt.date:
    """The district's calendar date of a stored moment."""
    return timezone.localdate(moment)


def day_end(on: dt.date) -> dt.datetime:
    """The first instant after day `on` in the district's time zone (aware):
    "by the end of D" means strictly before this."""
    return timezone.make_aware(dt.datetime.combine(on + dt.timedelta(days=1), dt.time.min))
