"""Who may act on the registry: the checks the registry's services share."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied

from .. import rules


def require_coordinator(actor) -> None:
    if not rules.can_review_filings(actor):
        raise PermissionDenied("只有区卫生健康委督办管理员可以审核备案。")


def require_may_handle(actor, institution_id: int) -> None:
    """The institution's own operator, or the coordinator on its behalf."""
    if rules.can_handle_filing(actor, institution_id):
        return
    raise PermissionDenied("您无权办理该机构的备案。")
