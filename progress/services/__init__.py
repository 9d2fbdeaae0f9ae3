"""Writes of the progress domain, one module per job. Each function is one business action: keyword-only, typed,
atomic, checking who may do it, writing its history (audit.services.change_record, and ReportTransition for report
steps). Callers import the public names from here."""
from core.service_calls import StateConflict

from .completion import completion_accept, completion_claim, completion_reject
from .milestones import milestone_confirm, milestone_value_set
from .notices import notice_close, notice_issue, notice_reply
from .reporting_periods import period_ensure, periods_ensure
from .reports import report_approve, report_correct, report_create, report_return, report_submit, report_update
from .summaries import lead_summary_save

__all__ = [
    "StateConflict", "completion_accept", "completion_claim", "completion_reject", "lead_summary_save",
    "milestone_confirm", "milestone_value_set", "notice_close", "notice_issue", "notice_reply", "period_ensure",
    "periods_ensure", "report_approve", "report_correct", "report_create", "report_return", "report_submit",
    "report_update",
]
