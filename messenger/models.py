"""Work-messenger robots: a unit's DingTalk (钉钉/专有钉钉) or WeCom (企业微信)
group robot, and the record of every message sent to one.

- `MessengerChannel`: one robot of one unit, configured by a coordinator. Its
  webhook address (a WeCom address carries the robot's key) and DingTalk's
  signing secret are stored encrypted (messenger/crypto.py) and never shown
  again; `webhook_hint` names the robot without revealing it.
- `MessengerDelivery`: one message to one channel, unique per (channel,
  dedupe key), so a message that reached several people of a unit goes to its
  group once. Its state lives here: the inbox stays the source of truth and a
  robot that fails only leaves a "failed" row behind.

Writes in services.py, sending in robots.py, the Celery job in jobs.py."""
from __future__ import annotations

from django.conf import settings
from django.db import models

from accounts.roles import COORDINATES, has_role
from core import clock
from core.scoping import ScopedQuerySet

USER = settings.AUTH_USER_MODEL


class ChannelQuerySet(ScopedQuerySet):
    """Robots are configured by the coordinators: nobody else sees one."""

    def visible_to(self, user):
        return self if has_role(user, COORDINATES) else self.none()

    def active(self):
        return self.filter(active=True)


class MessengerChannel(models.Model):
    class Kind(models.TextChoices):
        DINGTALK = "dingtalk", "钉钉群机器人"
        WECOM = "wecom", "企业微信群机器人"

    unit = models.ForeignKey("agencies.Department", verbose_name="单位", on_delete=models.PROTECT,
                             related_name="messenger_channels")
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    name = models.CharField("名称", max_length=100)
    # Encrypted (Fernet): the address is a credential (WeCom's key is part of it).
    webhook_encrypted = models.TextField("Webhook 地址（加密）")
    secret_encrypted = models.TextField("加签密钥（加密）", blank=True)
    webhook_hint = models.CharField("地址提示", max_length=120, blank=True)
    active = models.BooleanField("启用", default=True)
    created_by = models.ForeignKey(USER, verbose_name="添加人", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField("添加时间", default=clock.now)
    deactivated_at = models.DateTimeField("停用时间", null=True, blank=True)

    objects = ChannelQuerySet.as_manager()

    class Meta:
        verbose_name = "工作消息机器人"
        verbose_name_plural = "工作消息机器人"
        ordering = ["unit__position", "unit__name", "-active", "pk"]

    def __str__(self) -> str:
        return f"{self.unit.name} · {self.name}"


class DeliveryQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        return self if has_role(user, COORDINATES) else self.none()


class MessengerDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "待发送"
        SENT = "sent", "已送达"
        FAILED = "failed", "失败"

    channel = models.ForeignKey(MessengerChannel, verbose_name="机器人", on_delete=models.CASCADE,
                                related_name="deliveries")
    dedupe_key = models.CharField("去重键", max_length=64)
    category = models.CharField("类别", max_length=32, blank=True)
    title = models.CharField("标题", max_length=200)
    # The message as the robot receives it (no credentials: those are added when sending).
    payload = models.JSONField("消息内容")
    payload_digest = models.CharField("内容摘要", max_length=64)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField("尝试次数", default=0)
    last_error = models.CharField("最近错误", max_length=500, blank=True)
    created_at = models.DateTimeField("创建时间", default=clock.now)
    last_attempt_at = models.DateTimeField("最近尝试", null=True, blank=True)
    sent_at = models.DateTimeField("送达时间", null=True, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = "工作消息投递"
        verbose_name_plural = "工作消息投递"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "dedupe_key"], name="messenger_delivery_once"),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="messenger_delivery_pending")]

    def __str__(self) -> str:
        return self.title
