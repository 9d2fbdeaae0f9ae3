"""Notifications: the in-app inbox, the daily digests and the record of every
reminder ever sent.

- `Notification` is one inbox entry of one person (a digest, or a message
  another app sends through `services.inbox_notify`).
- `ReminderSent` is the idempotence key: one row per (recipient, item, rule,
  date), unique in the database. A reminder is recorded before it is
  delivered (status "pending"), claimed by exactly one run and delivered in
  that person's digest ("delivered"); a crash in between leaves it pending
  for the next run, never lost and never sent twice.
- `Digest` is one person's message for one day (unique per person, day and
  kind): the inbox entry plus the e-mail, whose delivery state lives here so
  a broker outage only delays it.
- `ReminderSettings` is the coordinators' knob (days and escalation),
  editable in the admin without a deploy; `ReminderRun` logs each run.

Rules live in rules.py (what is due), services.py (recording and delivery),
jobs.py (Celery entry points). No logic in save() or signals."""
from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from core.scoping import ScopedQuerySet

USER = settings.AUTH_USER_MODEL


class NotificationQuerySet(ScopedQuerySet):
    """An inbox is private: everyone, a superuser included, reads only their own."""

    def for_user(self, user) -> NotificationQuerySet:
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.visible_to(user)

    def visible_to(self, user):
        return self.filter(recipient_id=user.pk)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    class Category(models.TextChoices):
        GENERAL = "general", "通知"
        DIGEST = "digest", "每日待办提醒"
        ALERT = "alert", "到期提醒"
        REPORT = "report", "进展报告"
        NOTICE = "notice", "督办单"
        MILESTONE = "milestone", "节点目标"
        FILING = "filing", "备案"

    class EmailStatus(models.TextChoices):
        NONE = "", "无需发送"
        NOW = "now", "待立即发送"
        DIGEST = "digest", "待汇入每日邮件"
        SENT = "sent", "已发送"

    recipient = models.ForeignKey(USER, verbose_name="接收人", on_delete=models.CASCADE, related_name="notifications")
    # Other apps may use categories of their own: the choices label the known ones.
    category = models.CharField("类别", max_length=32, default=Category.GENERAL)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=500, blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)
    # Set by inbox_notify(email=True) from the recipient's preference; the e-mail
    # itself goes after commit (NOW) or with the daily digest run (DIGEST).
    email_status = models.CharField(
        "邮件状态", max_length=8, choices=EmailStatus.choices, default=EmailStatus.NONE, blank=True
    )
    emailed_at = models.DateTimeField("邮件发送时间", null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = "站内消息"
        verbose_name_plural = "站内消息"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            models.Index(fields=["email_status"], name="notification_email_due",
                         condition=models.Q(email_status__in=["now", "digest"])),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def category_label(self) -> str:
        return dict(self.Category.choices).get(self.category, self.category)


class Digest(models.Model):
    """One person's reminders for one day, delivered once: in the inbox and by e-mail."""

    class Kind(models.TextChoices):
        DAILY = "daily", "每日待办提醒"
        FILING_ALERT = "filing_alert", "备案审核到期提醒"

    class EmailStatus(models.TextChoices):
        PENDING = "pending", "待发送"
        SENT = "sent", "已发送"
        FAILED = "failed", "发送失败（将重试）"
        SKIPPED = "skipped", "无需发送"

    recipient = models.ForeignKey(USER, verbose_name="接收人", on_delete=models.CASCADE, related_name="digests")
    date = models.DateField("日期")
    kind = models.CharField("类型", max_length=16, choices=Kind.choices, default=Kind.DAILY)
    notification = models.OneToOneField(
        Notification, verbose_name="站内消息", on_delete=models.CASCADE, related_name="digest"
    )
    item_count = models.PositiveIntegerField("事项数", default=0)
    created_at = models.DateTimeField("生成时间", default=timezone.now)
    email_status = models.CharField(
        "邮件状态", max_length=12, choices=EmailStatus.choices, default=EmailStatus.PENDING, db_index=True
    )
    email_attempts = models.PositiveSmallIntegerField("邮件尝试次数", default=0)
    email_sent_at = models.DateTimeField("邮件发送时间", null=True, blank=True)
    email_error = models.CharField("最近一次错误", max_length=500, blank=True)

    class Meta:
        verbose_name = "提醒摘要"
        verbose_name_plural = "提醒摘要"
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "date", "kind"], name="digest_one_per_person_day"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} · {self.date} · {self.get_kind_display()}"


class ReminderSent(models.Model):
    """The record of one reminder: unique per (recipient, item, rule, date).

    `date` is the day the rule schedules the reminder for (a report due on
    12-01 has its "3 days before" reminder dated 11-28), so a run that was
    missed and catches up a day later finds the same key and sends it once."""

    class ItemType(models.TextChoices):
        REPORT = "report", "进展报告"
        MILESTONE = "milestone", "节点目标"
        NOTICE = "notice", "督办单"
        FILING = "filing", "备案审核"
        ENROLMENT = "enrolment", "在托人数月报"

    class Status(models.TextChoices):
        PENDING = "pending", "待投递"
        DELIVERED = "delivered", "已投递"
        OBSOLETE = "obsolete", "已失效（事项已办理）"

    recipient = models.ForeignKey(USER, verbose_name="接收人", on_delete=models.CASCADE, related_name="+")
    item_type = models.CharField("事项类型", max_length=16, choices=ItemType.choices)
    item_id = models.PositiveBigIntegerField("事项编号")
    rule = models.CharField("规则", max_length=32)
    date = models.DateField("提醒日期")
    subject = models.CharField("事项", max_length=300)
    due_date = models.DateField("截止日期", null=True, blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    detail = models.CharField("说明", max_length=300, blank=True)
    created_at = models.DateTimeField("记录时间", default=timezone.now)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.PENDING)
    digest = models.ForeignKey(
        Digest, verbose_name="所属摘要", null=True, blank=True, on_delete=models.SET_NULL, related_name="items"
    )

    class Meta:
        verbose_name = "提醒记录"
        verbose_name_plural = "提醒记录"
        ordering = ["date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "item_type", "item_id", "rule", "date"], name="reminder_sent_once"
            ),
        ]
        indexes = [models.Index(fields=["status", "recipient"], name="reminder_pending")]

    def __str__(self) -> str:
        return f"{self.recipient_id} · {self.item_type}#{self.item_id} · {self.rule} · {self.date}"


_DAY_LIST = re.compile(r"^\s*\d{1,3}(\s*[,，、]\s*\d{1,3})*\s*$")


def parse_day_list(value: str) -> tuple[int, ...]:
    """"14,7,1" → (1, 7, 14): distinct, ascending."""
    if not value or not value.strip():
        return ()
    return tuple(sorted({int(x) for x in re.split(r"[,，、]", value) if x.strip()}))


def validate_day_list(value: str) -> None:
    if value and not _DAY_LIST.match(value):
        raise ValidationError("请填写以逗号分隔的天数，例如“3,1”。")
    if any(d > 366 for d in parse_day_list(value)):
        raise ValidationError("天数不能超过366。")


def _setting(key: str):
    return settings.PORTAL_REMINDERS[key]


def _days_text(key: str) -> str:
    return ",".join(str(d) for d in sorted(_setting(key), reverse=True))


# Defaults of ReminderSettings, read from settings when the row is first created.
def default_report_days() -> str:
    return _days_text("REPORT_DAYS_BEFORE")


def default_milestone_days() -> str:
    return _days_text("MILESTONE_DAYS_BEFORE")


def default_filing_working_days() -> int:
    return _setting("FILING_WORKING_DAYS")


def default_escalate_leader_days() -> int:
    return _setting("ESCALATE_LEADER_DAYS")


def default_escalate_coordinator_days() -> int:
    return _setting("ESCALATE_COORDINATOR_DAYS")


def default_catch_up_days() -> int:
    return _setting("CATCH_UP_DAYS")


def default_digest_max_items() -> int:
    return _setting("DIGEST_MAX_ITEMS")


class ReminderSettings(models.Model):
    """The reminder rules' numbers, one row, editable by coordinators in the
    admin; created from settings.PORTAL_REMINDERS on first use."""

    enabled = models.BooleanField("启用每日提醒", default=True)
    report_days_before = models.CharField(
        "进展报告截止前提醒（天）", max_length=60, default=default_report_days,
        validators=[validate_day_list], help_text="截止前第几天提醒，逗号分隔，如“3,1”。",
    )
    report_on_due_day = models.BooleanField("截止当日提醒", default=True)
    report_overdue_daily = models.BooleanField("逾期后每日提醒", default=True)
    milestone_days_before = models.CharField(
        "节点目标到期前提醒（天）", max_length=60, default=default_milestone_days,
        validators=[validate_day_list], help_text="到期前第几天提醒，逗号分隔，如“14,7,1”。",
    )
    milestone_overdue = models.BooleanField("节点目标逾期提醒", default=True)
    notice_overdue_daily = models.BooleanField("督办单逾期未答复每日提醒", default=True)
    filing_working_days = models.PositiveSmallIntegerField(
        "备案审核提醒（剩余工作日）", default=default_filing_working_days,
        help_text="已提交备案距回执期限不超过该工作日数时，每个工作日提醒督办管理员（逾期也提醒）。",
    )
    escalate_leader_days = models.PositiveSmallIntegerField(
        "逾期升级至本单位审核人（天）", default=default_escalate_leader_days, help_text="0 表示不升级。"
    )
    escalate_coordinator_days = models.PositiveSmallIntegerField(
        "逾期升级至督办管理员（天）", default=default_escalate_coordinator_days, help_text="0 表示不升级。"
    )
    catch_up_days = models.PositiveSmallIntegerField(
        "漏发补发期限（天）", default=default_catch_up_days,
        help_text="提醒任务中断（如消息队列故障）后恢复时，补发多少天内应发而未发的提醒。",
    )
    send_email = models.BooleanField("同时发送电子邮件", default=True)
    digest_max_items = models.PositiveSmallIntegerField(
        "摘要列出事项上限", default=default_digest_max_items,
        help_text="消息和邮件正文最多列出的事项数，其余在站内消息页查看。",
    )
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "提醒设置"
        verbose_name_plural = "提醒设置"
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="reminder_settings_singleton")]

    def __str__(self) -> str:
        return "提醒设置"

    def save(self, *args, **kwargs):
        self.pk = 1  # a singleton: there is one row
        super().save(*args, **kwargs)

    @classmethod
    def current(cls) -> ReminderSettings:
        found = cls.objects.filter(pk=1).first()
        if found is None:
            found, _ = cls.objects.get_or_create(pk=1)
        return found

    @property
    def report_days(self) -> tuple[int, ...]:
        days = set(parse_day_list(self.report_days_before))
        if self.report_on_due_day:
            days.add(0)
        return tuple(sorted(days))

    @property
    def milestone_days(self) -> tuple[int, ...]:
        return parse_day_list(self.milestone_days_before)


class ReminderRun(models.Model):
    """One run of a reminder job: what it found, recorded and delivered."""

    date = models.DateField("提醒日期", db_index=True)
    kind = models.CharField("类型", max_length=16, choices=Digest.Kind.choices, default=Digest.Kind.DAILY)
    started_at = models.DateTimeField("开始时间", default=timezone.now)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    due_count = models.PositiveIntegerField("应提醒条数", default=0)
    new_count = models.PositiveIntegerField("新记录条数", default=0)
    digest_count = models.PositiveIntegerField("生成摘要数", default=0)
    item_count = models.PositiveIntegerField("投递提醒条数", default=0)
    trigger = models.CharField("触发方式", max_length=40, blank=True)

    class Meta:
        verbose_name = "提醒运行记录"
        verbose_name_plural = "提醒运行记录"
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"
