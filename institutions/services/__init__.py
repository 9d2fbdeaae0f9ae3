"""Writes to the registry, one module per job: registrations, filings, roster import, the holiday calendar.

Each function is one business action: keyword-only, atomic, checking who acts and in what state, and writing its
own history. Errors are django ValidationError with Chinese messages (a dict keyed by form field where a field is to
blame), raised before anything is written. Callers import the public names from here."""
from .filings import (
    FILING_FORM_FIELDS,
    RECEIPT_NUMBER_FORMAT,
    filing_approve,
    filing_document_add,
    filing_document_remove,
    filing_reject,
    filing_return,
    filing_start,
    filing_submission_problems,
    filing_submit,
    filing_update,
    receipt_number_allocate,
)
from .holidays import (
    DeadlineChange,
    LoadResult,
    filing_deadlines_recompute,
    holiday_arrangement_load,
    holiday_calendar_seed_from_library,
)
from .registrations import institution_update_flags, institutions_register_bulk, operator_link, registration_record
from .roster import PREVIEW_ROWS, RosterReport, RowProblem, roster_import, roster_preview, roster_upload

__all__ = [
    "FILING_FORM_FIELDS", "PREVIEW_ROWS", "RECEIPT_NUMBER_FORMAT", "DeadlineChange", "LoadResult", "RosterReport",
    "RowProblem", "filing_approve", "filing_deadlines_recompute", "filing_document_add", "filing_document_remove",
    "filing_reject", "filing_return", "filing_start", "filing_submission_problems", "filing_submit", "filing_update",
    "holiday_arrangement_load", "holiday_calendar_seed_from_library", "institution_update_flags",
    "institutions_register_bulk", "operator_link", "receipt_number_allocate", "registration_record", "roster_import",
    "roster_preview", "roster_upload",
]
