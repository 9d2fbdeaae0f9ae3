"""Writes of the notifications domain: the inbox (`inbox_notify`, the one
entry point for every message, and `inbox_notify_all` over it), marking read,
the e-mail preference. Reminder recording and delivery live in delivery.py,
event e-mails in event_mail.py.

Workflow events (a report submitted, a 督办单 issued, a filing returned…) are
written by the acting service *inside its transaction*: the message exists
if and only if the action committed (a rolled-back action leaves none, and a
crash after commit cannot lose it). Only the e-mail waits for the commit."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import EmailPreference, User
from audit.models import ObjectChange
from audit.services import change_record, snapshot
from core import clock
from messenger.services import messenger_enqueue

from . import event_mail
from .models import Notification

TITLE_MAX = Notification._meta.get_field("title").max_length
URL_MAX = Notification._meta.get_field("url").max_length
CATEGORY_MAX = Notification._meta.get_field("category").max_length


def _clip(text: str, limit: int) -> str:
    text = (text or "").strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _email_status(user, email: bool) -> str:
    if not email or not user.email or not user.is_active:
        return Notification.EmailStatus.NONE
    preference = getattr(user, "email_preference", EmailPreference.IMMEDIATE)
    if preference == EmailPreference.IMMEDIATE:
        return Notification.EmailStatus.NOW
    if preference == EmailPreference.DIGEST:
        return Notification.EmailStatus.DIGEST
    return Notification.EmailStatus.NONE


def inbox_notify(*, user, title: str, body: str = "", url: str = "", category: str = "general",
                 actor=None, email: bool = False) -> Notification | None:
    """Put one message in a person's in-app inbox (shown with the unread count
    in the header). For other apps: call it inside your service's transaction;
    it only writes a row, so it never depends on the broker or on e-mail.

    `actor`: who caused it; nobody is told of their own action (returns None).
    `email=True`: also e-mail it as the recipient prefers (User.email_preference):
    queued after commit, held for the daily digest run, or not at all."""
    if user is None or getattr(user, "pk", None) is None:
        raise ValueError("inbox_notify 需要一个已保存的用户。")
    if actor is not None and getattr(actor, "pk", None) == user.pk:
        return None
    title = _clip(title, TITLE_MAX) or "通知"
    url = (url or "").strip()
    if len(url) > URL_MAX:
        raise ValueError(f"链接超过 {URL_MAX} 个字符。")
    if url and not (url.startswith("/") and not url.startswith("//") or url.startswith(("https://", "http://"))):
        raise ValueError("链接须为站内路径（以 / 开头）或 http(s) 地址。")
    note = Notification.objects.create(
        recipient=user,
        title=title,
        body=(body or "").strip(),
        url=url,
        category=(category or Notification.Category.GENERAL)[:CATEGORY_MAX],
        email_status=_email_status(user, email),
    )
    # Work messenger (messenger app): the same message to the unit's group robot, once per unit, after commit.
    messenger_enqueue(recipient=user, category=note.category, title=note.title, body=note.body, url=note.url)
    if note.email_status == Notification.EmailStatus.NOW:
        transaction.on_commit(lambda: event_mail.dispatch(note.pk))
    return note


def inbox_notify_all(*, users, title: str, body: str = "", url: str = "", category: str = "general",
                     actor=None, email: bool = True) -> list[Notification]:
    """One message to each of `users` (each person once, never the actor), through inbox_notify."""
    sent, seen = [], set()
    for user in users:
        if user is None or user.pk in seen:
            continue
        seen.add(user.pk)
        note = inbox_notify(user=user, title=title, body=body, url=url, category=category, actor=actor,
                            email=email)
        if note is not None:
            sent.append(note)
    return sent


@transaction.atomic
def notification_mark_read(*, user, notification: Notification) -> Notification:
    """Mark one of the user's own messages read (a no-op if it already is)."""
    if notification.recipient_id != user.pk:
        raise PermissionError("只能标记本人的消息。")
    if notification.read_at is None:
        notification.read_at = clock.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)
    return notification


def notifications_mark_all_read(*, user) -> int:
    """Mark every unread message of the user read; returns how many."""
    return Notification.objects.for_user(user).unread().update(read_at=clock.now())


@transaction.atomic
def email_preference_set(*, actor, user: User, preference: str) -> User:
    """A person chooses when workflow messages reach them by e-mail (their own setting only)."""
    if actor.pk != user.pk:
        raise PermissionError("只能修改本人的邮件通知设置。")
    if preference not in EmailPreference.values:
        raise ValidationError({"email_preference": "请选择一种邮件通知方式。"})
    user = User.objects.select_for_update().get(pk=user.pk)
    before = snapshot(user)
    user.email_preference = preference
    user.save(update_fields=["email_preference"])
    change_record(actor=actor, instance=user, action=ObjectChange.Action.UPDATE, before=before,
                  comment="修改邮件通知设置")
    return user
