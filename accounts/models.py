from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models

from core.scoping import ScopedQuerySet

from .roles import DEFAULT_ROLE, SUPERUSER_ROLE, Role, sees_all


class UserQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        if sees_all(user):
            return self
        if user.department_id:
            return self.filter(department_id=user.department_id)
        return self.filter(pk=user.pk)


class PortalUserManager(UserManager.from_queryset(UserQuerySet)):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        """`manage.py createsuperuser`: a superuser is the district's coordinator
        (督办管理员), never a unit's officer (the field's default)."""
        extra_fields.setdefault("role", SUPERUSER_ROLE)
        return super().create_superuser(username, email, password, **extra_fields)


class EmailPreference(models.TextChoices):
    """When a workflow message (报告提交、退回、督办单、备案…) is also sent by e-mail."""

    IMMEDIATE = "immediate", "立即发送"
    DIGEST = "digest", "汇入每日邮件"
    NEVER = "never", "不发送邮件"


class User(AbstractUser):
    """A portal account: one role, one unit (an institution operator, one institution)."""

    full_name = models.CharField("姓名", max_length=50, blank=True)
    role = models.CharField("角色", max_length=16, choices=Role.choices, default=DEFAULT_ROLE)
    department = models.ForeignKey(
        "agencies.Department", verbose_name="所属单位", null=True, blank=True,
        on_delete=models.PROTECT, related_name="users",
    )
    phone = models.CharField("联系电话", max_length=30, blank=True)
    institution = models.ForeignKey(
        "institutions.Institution", verbose_name="所属托育机构", null=True, blank=True,
        on_delete=models.PROTECT, related_name="operators",
        help_text="仅对“托育机构”角色有效：该账号只能查看和办理本机构的备案。",
    )
    email_preference = models.CharField(
        "邮件通知", max_length=12, choices=EmailPreference.choices, default=EmailPreference.IMMEDIATE,
        help_text="站内消息是否同时发送电子邮件：立即发送、汇入每日邮件（与每日待办提醒一同发送）或不发送。",
    )

    objects = PortalUserManager()

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        unit = f"（{self.department.name}）" if self.department_id else ""
        return f"{self}{unit}"


class UserSession(models.Model):
    """A signed-in browser of a user, so they can see where they are signed in
    and end the other sessions (OWASP ASVS 3.3)."""

    user = models.ForeignKey(User, verbose_name="用户", on_delete=models.CASCADE, related_name="browser_sessions")
    session_key = models.CharField("会话标识", max_length=40, unique=True)
    ip_address = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    user_agent = models.CharField("浏览器", max_length=300, blank=True)
    created_at = models.DateTimeField("登录时间", auto_now_add=True)
    last_seen_at = models.DateTimeField("最近活动")

    class Meta:
        verbose_name = "登录会话"
        verbose_name_plural = "登录会话"
        ordering = ["-last_seen_at"]

    def __str__(self) -> str:
        return f"{self.user} @ {self.ip_address or '?'}"
