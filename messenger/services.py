"""Writes of the messenger: channels (add, deactivate), deliveries (enqueue,
send, give up).

`messenger_enqueue` is called by `notifications.services.inbox_notify` (and
the digest delivery) inside the action's transaction: it records one pending
delivery per active robot of the recipient's unit — once per unit however many
of its people receive the message (unique channel + dedupe key) — and
publishes the sending job after commit. A rolled-back action sends nothing;
no failure here ever reaches the action (it is logged), and the inbox stays
the source of truth."""
from __future__ import annotations

import hashlib
import json
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from agencies.models import Department
from audit.models import ObjectChange
from audit.services import change_record, snapshot
from core import clock

from . import crypto, robots
from .models import MessengerChannel, MessengerDelivery
from .rules import can_manage_channels

logger = logging.getLogger(__name__)

Status = MessengerDelivery.Status
TITLE_MAX = MessengerDelivery._meta.get_field("title").max_length
ERROR_MAX = MessengerDelivery._meta.get_field("last_error").max_length
_HIDDEN = {str(MessengerChannel._meta.get_field(f).verbose_name) for f in ("webhook_encrypted", "secret_encrypted")}


def _history(channel: MessengerChannel) -> dict:
    # The history never holds the credentials, not even encrypted.
    return {k: v for k, v in snapshot(channel).items() if k not in _HIDDEN}


def _require_coordinator(actor) -> None:
    if not can_manage_channels(actor):
        raise PermissionError("只有督办管理员可以配置工作消息机器人。")


# ---------------------------------------------------------------- channels


@transaction.atomic
def messenger_channel_create(*, actor, unit: Department, kind: str, name: str, webhook_url: str,
                             secret: str = "") -> MessengerChannel:
    """Add a unit's robot. The address and the secret are stored encrypted and never shown again."""
    _require_coordinator(actor)
    webhook_url, secret, name = (webhook_url or "").strip(), (secret or "").strip(), (name or "").strip()
    errors = {}
    if kind not in MessengerChannel.Kind.values:
        errors["kind"] = "请选择机器人类型。"
    elif problem := robots.webhook_problem(kind, webhook_url):
        errors["webhook_url"] = problem
    if kind == MessengerChannel.Kind.DINGTALK and not secret:
        errors["secret"] = "钉钉机器人须开启“加签”，请填写以 SEC 开头的密钥。"
    if kind == MessengerChannel.Kind.WECOM and secret:
        errors["secret"] = "企业微信机器人没有加签密钥（凭地址中的 key 认证），此项请留空。"
    if not name:
        errors["name"] = "请填写名称（如“本单位工作群”）。"
    if errors:
        raise ValidationError(errors)
    channel = MessengerChannel.objects.create(
        unit=unit, kind=kind, name=name[:100], webhook_encrypted=crypto.encrypt(webhook_url),
        secret_encrypted=crypto.encrypt(secret), webhook_hint=robots.webhook_hint(webhook_url),
        created_by=actor, created_at=clock.now(),
    )
    change_record(actor=actor, instance=channel, action=ObjectChange.Action.CREATE, after=_history(channel))
    return channel


@transaction.atomic
def messenger_channel_deactivate(*, actor, channel: MessengerChannel) -> MessengerChannel:
    """Stop sending to a robot (its deliveries stay on record). A no-op if already inactive."""
    _require_coordinator(actor)
    channel = MessengerChannel.objects.select_for_update().get(pk=channel.pk)
    if not channel.active:
        return channel
    before = _history(channel)
    channel.active, channel.deactivated_at = False, clock.now()
    channel.save(update_fields=["active", "deactivated_at"])
    change_record(actor=actor, instance=channel, action=ObjectChange.Action.UPDATE, before=before,
                  after=_history(channel))
    return channel


@transaction.atomic
def messenger_channel_test(*, actor, channel: MessengerChannel) -> MessengerDelivery:
    """Send a test message to a robot now (after commit); its outcome shows in the deliveries."""
    _require_coordinator(actor)
    channel = MessengerChannel.objects.select_for_update().get(pk=channel.pk)
    if not channel.active:
        raise ValidationError("该机器人已停用，无法发送测试消息。")
    now = clock.now()
    title = "测试消息：工作消息机器人配置成功"
    body = f"{actor}于{clock.local(now):%Y-%m-%d %H:%M}从督办平台发送了这条测试消息。此后本单位的站内消息和每日待办提醒将同步发到本群。"
    delivery = _delivery_create(channel, dedupe=f"test:{channel.pk}:{now.isoformat()}", category="test", title=title,
                                text=robots.message_text(title=title, body=body, link=_link("/")))
    transaction.on_commit(lambda: delivery_dispatch(delivery.pk), robust=True)
    return delivery


# ---------------------------------------------------------------- enqueue


def _link(url: str) -> str:
    # Digests have no link of their own: the group is pointed at the inbox.
    url = url or "/notifications/"
    return url if url.startswith(("http://", "https://")) else settings.PORTAL_BASE_URL + url


def dedupe_key(*, unit_id: int, category: str, title: str, body: str, url: str, key: str = "") -> str:
    """The same message (or the caller's own key) to the same unit on the same day is one delivery."""
    parts = [str(unit_id), clock.today().isoformat(), key] if key else [
        str(unit_id), clock.today().isoformat(), category, title, body, url]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def _channels_of(recipient, recipient_id):
    if recipient is not None:
        unit_id = getattr(recipient, "department_id", None)
        return MessengerChannel.objects.active().filter(unit_id=unit_id) if unit_id else None
    return MessengerChannel.objects.active().filter(unit__users__id=recipient_id)


def messenger_enqueue(*, category: str, title: str, body: str = "", url: str = "", recipient=None,
                      recipient_id: int | None = None, key: str = "") -> list[int]:
    """Record the message for the robots of the recipient's unit (the user, or its id: one query
    either way) and send it after commit. Never raises: a messenger problem must not undo or
    block the action that notified."""
    if category in settings.MESSENGER_PERSONAL_CATEGORIES:
        return []  # about one person's account or files: not for the unit's group
    try:
        # One plain SELECT outside the savepoint (no robots: no savepoint either). It needs this app's
        # tables: deploy by migrating first, as always.
        channels = _channels_of(recipient, recipient_id)
        channels = list(channels.only("pk", "kind", "unit_id")) if channels is not None else []
        if not channels:
            return []
        created = []
        text = robots.message_text(title=title, body=body, link=_link(url))
        with transaction.atomic():  # a savepoint: a failure here leaves the action's transaction intact
            for channel in channels:
                delivery, new = _delivery_get_or_create(
                    channel, category=category, title=title, text=text,
                    dedupe=dedupe_key(unit_id=channel.unit_id, category=category, title=title, body=body, url=url,
                                      key=key),
                )
                if new:
                    created.append(delivery.pk)
    except Exception:  # the inbox is the source of truth; the robot message is a courtesy
        logger.warning("工作消息未能登记（接收人 %s）", getattr(recipient, "pk", recipient_id), exc_info=True)
        return []
    for pk in created:
        transaction.on_commit(lambda pk=pk: delivery_dispatch(pk), robust=True)
    return created


def _delivery_fields(channel, *, category: str, title: str, text: str) -> dict:
    payload = robots.payload_for(channel.kind, title=title, text=text)
    return {
        "category": category[:32], "title": title[:TITLE_MAX], "payload": payload,
        "payload_digest": hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest(),
        "created_at": clock.now(),
    }


def _delivery_get_or_create(channel, *, dedupe: str, category: str, title: str, text: str):
    return MessengerDelivery.objects.get_or_create(
        channel=channel, dedupe_key=dedupe, defaults=_delivery_fields(channel, category=category, title=title, text=text)
    )


def _delivery_create(channel, *, dedupe: str, category: str, title: str, text: str) -> MessengerDelivery:
    key = hashlib.sha256(dedupe.encode("utf-8")).hexdigest()
    return MessengerDelivery.objects.create(
        channel=channel, dedupe_key=key, **_delivery_fields(channel, category=category, title=title, text=text)
    )


def delivery_dispatch(delivery_id: int) -> None:
    """After commit: queue the sending job. Never raises: with the broker down the
    delivery stays pending and the sweep (jobs.sweep_deliveries) sends it."""
    from .jobs import send_delivery  # inside: jobs imports this module (cycle)

    try:
        send_delivery.apply_async(args=[delivery_id], retry=False)
    except Exception:  # any broker trouble: the sweep sends it later
        logger.warning("工作消息未能排队（投递 %s），将由巡检重发", delivery_id, exc_info=True)


# ---------------------------------------------------------------- send


def _timestamp_ms() -> int:
    return int(clock.now().timestamp() * 1000)


def delivery_send(*, delivery_id: int) -> str:
    """Send one pending delivery: "sent" or "already" (sent, failed or gone).
    The row is locked while sending, so a job run twice sends once. A robot's
    refusal raises robots.RobotError after recording it: a final one (wrong
    secret or key, address no longer allowed) marks the delivery failed; a
    passing one (5xx, timeout, rate limit) leaves it pending for the retry."""
    failure = None
    with transaction.atomic():
        delivery = (MessengerDelivery.objects.select_for_update().select_related("channel")
                    .filter(pk=delivery_id).first())
        if delivery is None or delivery.status != Status.PENDING:
            return "already"
        channel = delivery.channel
        delivery.attempts, delivery.last_attempt_at = F("attempts") + 1, clock.now()
        try:
            if not channel.active:
                raise robots.RobotError("机器人已停用。", retryable=False)
            try:
                url, secret = crypto.decrypt(channel.webhook_encrypted), crypto.decrypt(channel.secret_encrypted)
            except crypto.CredentialUnreadable as exc:
                raise robots.RobotError(str(exc), retryable=False) from exc
            robots.post(kind=channel.kind, url=url, secret=secret, payload=delivery.payload,
                        timestamp_ms=_timestamp_ms())
        except robots.RobotError as exc:
            failure = exc
            delivery.last_error = str(exc)[:ERROR_MAX]
            if not exc.retryable:
                delivery.status = Status.FAILED
        else:
            delivery.status, delivery.sent_at, delivery.last_error = Status.SENT, clock.now(), ""
        delivery.save(update_fields=["attempts", "last_attempt_at", "last_error", "status", "sent_at"])
    if failure is not None:
        raise failure  # recorded above (committed); the job decides whether to retry
    return "sent"


def delivery_give_up(*, delivery_id: int, error: str = "") -> None:
    """The retries are spent: the delivery is failed (the inbox still has the message)."""
    updates = {"status": Status.FAILED}
    if error:
        updates["last_error"] = error[:ERROR_MAX]
    MessengerDelivery.objects.filter(pk=delivery_id, status=Status.PENDING).update(**updates)
