"""The API's own data: registered clients (a hashed token, bound to a portal user), the log of every call, and the
idempotency keys of the one write. Rules live in services.py (writes) and auth.py (who is calling)."""
from __future__ import annotations

from django.conf import settings
from django.db import models

from core import clock
from core.scoping import ScopedQuerySet

from .scopes import SCOPE_CHOICES

USER = settings.AUTH_USER_MODEL


class _CoordinatorsOnly(ScopedQuerySet):
    def visible_to(self, user):
        from .rules import can_manage_clients  # inside: rules reads models' states (cycle at app loading)

        return self if can_manage_clients(user) else self.none()


class ApiClientQuerySet(_CoordinatorsOnly):
    def active(self, *, at=None):
        at = at or clock.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=at)


class ApiClient(models.Model):
    """A unit's system registered by a coordinator. Its token is shown once; only its sha256 is kept, with a short
    public prefix to find the row. It acts as its bound portal user: the same for_user scope, the same rules."""

    name = models.CharField("系统名称", max_length=100)
    owner_unit = models.ForeignKey(
        "agencies.Department", verbose_name="所属单位", on_delete=models.PROTECT, related_name="api_clients"
    )
    user = models.ForeignKey(
        USER, verbose_name="绑定账号", on_delete=models.PROTECT, related_name="api_clients",
        help_text="接口以该账号的身份和可见范围读写，与页面完全一致。",
    )
    scopes = models.JSONField("授权范围", default=list)
    prefix = models.CharField("令牌前缀", max_length=16, unique=True)
    token_hash = models.CharField("令牌摘要", max_length=64)
    expires_at = models.DateTimeField("有效期至")
    created_by = models.ForeignKey(USER, verbose_name="登记人", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间")
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    revoked_by = models.ForeignKey(
        USER, verbose_name="吊销人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ApiClientQuerySet.as_manager()

    class Meta:
        verbose_name = "接口客户端"
        verbose_name_plural = "接口客户端"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}）"

    @property
    def scope_labels(self) -> list[str]:
        labels = dict(SCOPE_CHOICES)
        return [labels.get(s, s) for s in self.scopes]

    def status_at(self, at) -> str:
        if self.revoked_at is not None:
            return "已吊销"
        return "已过期" if self.expires_at <= at else "有效"


class ApiCall(models.Model):
    """One call of the API, whatever its outcome (a call with an unknown token has no client)."""

    client = models.ForeignKey(
        ApiClient, verbose_name="客户端", null=True, blank=True, on_delete=models.CASCADE, related_name="calls"
    )
    method = models.CharField("方法", max_length=8)
    endpoint = models.CharField("接口", max_length=100)
    path = models.CharField("路径", max_length=300)
    status = models.PositiveSmallIntegerField("状态码")
    at = models.DateTimeField("时间", db_index=True)
    duration_ms = models.PositiveIntegerField("耗时（毫秒）", default=0)

    objects = _CoordinatorsOnly.as_manager()

    class Meta:
        verbose_name = "接口调用记录"
        verbose_name_plural = "接口调用记录"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["client", "-at"], name="apicall_client_at")]

    def __str__(self) -> str:
        return f"{self.method} {self.path} → {self.status}"


class IdempotencyKey(models.Model):
    """The first request with a client's key wins on the unique constraint; a repeat gets the stored response."""

    client = models.ForeignKey(ApiClient, verbose_name="客户端", on_delete=models.CASCADE, related_name="+")
    key = models.CharField("幂等键", max_length=100)
    fingerprint = models.CharField("请求摘要", max_length=64)
    status = models.PositiveSmallIntegerField("状态码", null=True, blank=True)
    response = models.JSONField("响应", null=True, blank=True)
    report = models.ForeignKey(
        "progress.ProgressReport", verbose_name="进展报告", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("时间")

    objects = _CoordinatorsOnly.as_manager()

    class Meta:
        verbose_name = "幂等键"
        verbose_name_plural = "幂等键"
        constraints = [models.UniqueConstraint(fields=["client", "key"], name="idempotency_unique_client_key")]

    def __str__(self) -> str:
        return self.key
