"""Who is told of a filing event, and in what words (inbox_notify, e-mail as each prefers).

Called by the acting service inside its transaction, after the state change:
the message exists if and only if the action committed; the actor is never
told of their own action (inbox_notify's `actor`)."""
from __future__ import annotations

from django.urls import reverse

from accounts import audiences
from notifications.services import inbox_notify_all  # the inbox sits low, beside the history (ARCHITECTURE)

from ..models import Filing

FILING = "filing"  # notifications.models.Notification.Category


def _subject(filing: Filing) -> str:
    return f"{filing.institution.name} · {filing.get_kind_display()}"


def _url(filing: Filing) -> str:
    return reverse("institutions:filing-detail", args=[filing.pk])


def filing_submitted(*, filing: Filing, actor) -> None:
    """Submitted → the coordinators, who review it."""
    due = f"，回执期限为{filing.receipt_due_on:%Y年%m月%d日}" if filing.receipt_due_on else ""
    inbox_notify_all(
        users=audiences.coordinators(), actor=actor, category=FILING, url=_url(filing),
        title=f"待审核备案：{_subject(filing)}",
        body=f"{actor}提交了备案（第{filing.submission_count}次）{due}，请审核。",
    )


def filing_decided(*, filing: Filing, actor, detail: str = "") -> None:
    """Returned for correction, filed, or found non-compliant → the institution's accounts."""
    words = {
        Filing.Status.RETURNED: ("备案已退回补正", "请按补正意见修改后重新提交。"),
        Filing.Status.FILED: ("已予以备案", f"备案回执编号：{filing.receipt_number}。可在备案页面查看并打印回执。"),
        Filing.Status.NONCOMPLIANT: ("备案不符合要求", f"理由：{filing.noncompliance_reason}"),
    }
    title, body = words[filing.status]
    inbox_notify_all(
        users=audiences.institution_operators(filing.institution_id), actor=actor, category=FILING,
        url=_url(filing), title=f"{title}：{_subject(filing)}", body="\n".join(p for p in (detail, body) if p),
    )
