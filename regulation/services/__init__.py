"""Writes of regulation: inspections, staff and the ban list, complaints."""
from .complaints import complaint_assign, complaint_close, complaint_reply, complaint_submit  # noqa: F401
from .inspections import (  # noqa: F401
    finding_answer,
    finding_close,
    finding_escalate,
    finding_reopen,
    inspection_record,
)
from .staff import person_ban_add, staff_add, staff_document_add, staff_end  # noqa: F401
