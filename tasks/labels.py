"""The one label of each kind of thing the portal names, used by pages,
dashboards, Excel, reminders and e-mails alike:

- an item of a plan (WorkItem): the annex's own numbering, "1." for a main
  task and "保障措施（一）" for a safeguard measure (`item_label`);
- a unit (Department): its name (`unit_label`);
- a period: progress.periods.PeriodSpec.label ("2026年3月", "2026年第1季度"),
  stored on ReportingPeriod.label from the same function;
- an institution: its registered name (institutions.models.Institution.__str__).

Functions take plain values so a page built from `.values()` rows names an item
exactly as one built from model instances.
"""
from __future__ import annotations

from core.numerals import bracketed

TASK_KIND = 1  # WorkItem.Kind.TASK (the model imports this module)


def item_label(kind: int, number: int) -> str:
    return f"{number}." if kind == TASK_KIND else f"保障措施{bracketed(number)}"


def unit_label(name: str) -> str:
    return name
