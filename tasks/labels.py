"""The one label of each kind of thing the portal names, used by pages,
dashboards, Excel, reminders and e-mails alike:

- an item of a plan (WorkItem): the annex's own numbering, "1." for a main
  task and "保障措施（一）" for a safeguard measure (`item_label`); with its
  title, "1. 全面落实产假政策" (`item_heading`: WorkItem.__str__, page headings,
  dashboard reasons "1. 全面落实产假政策：原因", Excel comments, reminders,
  e-mail subjects and the 督办单 drop-down, never cut);
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


def item_heading(kind: int, number: int, title: str) -> str:
    """The item as people name it: its label and its whole title."""
    return f"{item_label(kind, number)} {title}".strip()


def unit_label(name: str) -> str:
    return name
