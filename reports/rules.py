"""Who may read which dashboard and export. Services enforce these; views and
templates use them. What each one then shows is decided by the scoping querysets."""
from __future__ import annotations

from accounts.roles import READS_PROGRESS, has_role


def can_export_reports(user) -> bool:
    """Unit dashboards, the Excel report and report exports (each within the user's scope)."""
    return has_role(user, READS_PROGRESS)
