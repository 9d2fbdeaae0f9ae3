"""One clock: the portal reads "now" and "today" only through core.clock."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import time_machine

from core import clock

ROOT = Path(__file__).resolve().parents[2]
PORTAL_APPS = ["accounts", "agencies", "audit", "core", "institutions", "notifications", "progress", "reports",
               "tasks", "yuzhong_care"]
RAW_CLOCK = re.compile(
    r"\bdate\.today\(|\bdatetime\.(?:now|utcnow|today)\(|\btimezone\.(?:now|localdate|localtime)\(\s*\)"
    r"|\btime\.time\(|\bdatetime\.datetime\.now\("
)
# Lines that genuinely need the raw clock, each with its reason.
ALLOWED = {
    ("core/clock.py", "return timezone.now()"): "the one clock itself",
    ("core/clock.py", "return timezone.localdate(timezone.now())"): "the one clock itself",
}


def _portal_sources():
    for app in PORTAL_APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path


def test_no_raw_clock_call_outside_core_clock():
    stray = []
    for path in _portal_sources():
        rel = path.relative_to(ROOT).as_posix()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if RAW_CLOCK.search(line) and (rel, line.strip()) not in ALLOWED:
                stray.append(f"{rel}:{number}: {line.strip()}")
    assert stray == [], "直接读取系统时钟（应使用 core.clock）：\n" + "\n".join(stray)


def test_the_pattern_catches_each_raw_form():
    # The guard above is only as good as its pattern: every raw form is caught, a date argument is not.
    for raw in ["dt.date.today()", "datetime.now()", "dt.datetime.now(tz)", "timezone.now()",
                "timezone.localdate()", "timezone.localtime()", "time.time()"]:
        assert RAW_CLOCK.search(raw), raw
    for fine in ["timezone.localdate(moment)", "clock.today()", "default=timezone.now"]:
        assert not RAW_CLOCK.search(fine), fine


def test_today_is_the_district_date_not_utc():
    # 2027-01-01 00:05 in Chongqing is still 2026-12-31 in UTC: the portal's today is the district's.
    with time_machine.travel(dt.datetime(2026, 12, 31, 16, 5, tzinfo=dt.timezone.utc), tick=False):
        assert clock.today() == dt.date(2027, 1, 1)
        assert clock.now().astimezone(dt.timezone.utc).date() == dt.date(2026, 12, 31)
        assert clock.local(clock.now()).hour == 0
