"""The holiday arrangement as text, and the library it was first seeded from.

File format (`manage.py load_holidays FILE`), UTF-8, one line per date or range:

    # 2027年部分节假日安排（# 之后为注释，空行忽略）
    2027-01-01..2027-01-03 放假 元旦
    2027-02-07 上班 春节调休

- a date `YYYY-MM-DD`, or a range `YYYY-MM-DD..YYYY-MM-DD` (both ends included; `~` works too);
- the kind: `放假` (a day off, whatever the weekday) or `上班` (a make-up
  working day on a weekend; `调休上班` and `班` are accepted too, `休` for 放假);
- the rest of the line is the name of the holiday (optional), e.g. 春节.

The years a file loads are the years of its 放假 days: loading replaces every
row of those years. A 上班 day in a neighbouring year (2011-12-31 for New Year
2012) is written too, without replacing or marking that year. Every problem is
reported with its line number and nothing is loaded unless every line is valid.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

try:
    from chinese_calendar import constants
except ImportError:  # optional: without the library the seeding migration seeds nothing
    constants = None

OFF, WORK = "off", "work"  # HolidayDay.Kind values (no model import: the migrations use this module)

KIND_WORDS = {"放假": OFF, "休": OFF, "休息": OFF, "上班": WORK, "调休上班": WORK, "班": WORK}
KIND_LABELS = {OFF: "放假", WORK: "调休上班"}
WEEKDAYS = "一二三四五六日"
MAX_RANGE_DAYS = 31
MAX_NAME = 100

FORMAT_HELP = (
    "每行一个日期或日期范围：“2027-01-01..2027-01-03 放假 元旦”“2027-02-07 上班 春节调休”；"
    "# 之后为注释，空行忽略。类型为“放假”或“上班”，其后为节日名称（可省略）。"
)

_DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")


@dataclass(frozen=True)
class ArrangedDay:
    date: dt.date
    kind: str  # OFF or WORK
    name: str
    line: int


@dataclass
class Arrangement:
    """The parsed file: its days, and the years it loads (those of its 放假 days)."""

    days: list[ArrangedDay] = field(default_factory=list)

    @property
    def years(self) -> list[int]:
        return sorted({d.date.year for d in self.days if d.kind == OFF})

    def counts(self, year: int) -> tuple[int, int]:
        """(days off, make-up working days) of `year`."""
        mine = [d for d in self.days if d.date.year == year]
        return sum(d.kind == OFF for d in mine), sum(d.kind == WORK for d in mine)


def _date(text: str) -> dt.date | None:
    if not _DATE.match(text):
        return None
    try:
        return dt.date(*(int(part) for part in text.split("-")))
    except ValueError:
        return None


def _parse_line(number: int, text: str) -> tuple[list[ArrangedDay], list[str]]:
    parts = text.split(None, 2)
    where = f"第{number}行："
    span = parts[0]
    for separator in ("～", "~"):
        span = span.replace(separator, "..")
    first_text, separator, last_text = span.partition("..")
    dates = []
    for piece in [first_text, last_text] if separator else [first_text]:
        day = _date(piece.strip())
        if day is None:
            return [], [f"{where}日期“{piece.strip()}”无效。"]
        dates.append(day)
    first, last = dates[0], dates[-1]
    if last < first:
        return [], [f"{where}结束日期 {last} 早于开始日期 {first}。"]
    if (last - first).days >= MAX_RANGE_DAYS:
        return [], [f"{where}日期范围超过{MAX_RANGE_DAYS}天，请检查。"]
    if len(parts) < 2:
        return [], [f"{where}缺少类型（“放假”或“上班”）。"]
    kind = KIND_WORDS.get(parts[1])
    if kind is None:
        return [], [f"{where}类型“{parts[1]}”无效，应为“放假”或“上班”。"]
    name = parts[2].strip() if len(parts) > 2 else ""
    if len(name) > MAX_NAME:
        return [], [f"{where}名称超过{MAX_NAME}个字。"]
    days, problems = [], []
    current = first
    while current <= last:
        if kind == WORK and current.weekday() < 5:
            problems.append(
                f"{where}{current}是星期{WEEKDAYS[current.weekday()]}，本来就是工作日，不能标为调休上班。"
            )
        days.append(ArrangedDay(current, kind, name, number))
        current += dt.timedelta(days=1)
    return days, problems


def parse_arrangement(lines: Iterable[str]) -> Arrangement:
    """Parse the whole file; raise ValidationError listing every bad line
    (第N行：…) — nothing is returned unless all lines are valid."""
    arrangement, problems = Arrangement(), []
    seen: dict[dt.date, int] = {}
    for number, raw in enumerate(lines, 1):
        text = raw.split("#", 1)[0].strip().lstrip("\ufeff")
        if not text:
            continue
        days, line_problems = _parse_line(number, text)
        problems.extend(line_problems)
        for day in days:
            if day.date in seen:
                problems.append(f"第{number}行：日期“{day.date}”与第{seen[day.date]}行重复。")
            else:
                seen[day.date] = number
                arrangement.days.append(day)
    if not problems and not arrangement.years:
        problems.append("文件中没有任何“放假”日期，未导入。" if arrangement.days else "文件中没有任何日期，未导入。")
    if problems:
        raise ValidationError(problems, code="holiday_file")
    arrangement.days.sort(key=lambda d: d.date)
    return arrangement


def arrangement_text(days: Iterable[tuple[dt.date, str, str]]) -> str:
    """(date, kind, name) rows as the file format, consecutive same days as ranges."""
    lines: list[str] = []
    run: list[tuple[dt.date, str, str]] = []

    def flush():
        if run:
            first, last = run[0][0], run[-1][0]
            span = f"{first}" if first == last else f"{first}..{last}"
            word = "放假" if run[0][1] == OFF else "上班"
            lines.append(f"{span} {word} {run[0][2]}".rstrip())

    for row in sorted(days):
        if run and (row[0] - run[-1][0]).days == 1 and row[1:] == run[-1][1:]:
            run.append(row)
        else:
            flush()
            run = [row]
    flush()
    return "\n".join(lines) + ("\n" if lines else "")


# --- the library, for seeding only ------------------------------------------------------


def library_arrangement() -> tuple[list[int], list[tuple[dt.date, str, str]]]:
    """What `chinese-calendar` knows: its years and its (date, kind, Chinese
    name) rows. Used by the seeding migration only; ([], []) without the library."""
    if constants is None:
        return [], []
    chinese = {}
    for holiday in constants.Holiday:
        chinese[holiday.value] = getattr(holiday, "chinese", None) or holiday.value
    rows = [(day, OFF, chinese.get(name, name)) for day, name in constants.holidays.items()]
    rows += [(day, WORK, f"{chinese.get(name, name)}调休") for day, name in constants.workdays.items()]
    years = sorted({day.year for day, _ in constants.holidays.items()})
    return years, sorted(rows)
