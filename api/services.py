"""Writes of the API app: register and revoke clients (coordinators), record calls, and the one write path of the
API, a progress report submitted by a unit's system, idempotent under its Idempotency-Key. The report itself is
written by progress.services.report_create, the form's own service: same validation, same review afterwards."""
from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction

from accounts.models import User
from accounts.roles import WRITES_REPORTS, has_role
from agencies.models import Department
from audit.models import ObjectChange
from audit.services import change_record
from core import clock
from progress import services as progress_services

from . import rules
from .models import ApiCall, ApiClient, IdempotencyKey
from .scopes import ALL_SCOPES, WRITE_REPORTS
from .tokens import token_new


@dataclass(frozen=True)
class Registered:
    client: ApiClient
    token: str  # shown once, never stored


@transaction.atomic
def api_client_register(*, actor, name: str, owner_unit: Department, user: User, scopes: Sequence[str],
                        expires_on: dt.date) -> Registered:
    """A coordinator registers a unit's system, bound to a portal user whose scope it will act with."""
    if not rules.can_manage_clients(actor):
        raise PermissionDenied("只有督办管理员可以登记接口客户端。")
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = "请填写系统名称。"
    scopes = sorted(set(scopes))
    if not scopes:
        errors["scopes"] = "请至少选择一项授权范围。"
    elif not set(scopes) <= ALL_SCOPES:
        errors["scopes"] = "授权范围无效。"
    elif WRITE_REPORTS in scopes and not has_role(user, WRITES_REPORTS):
        errors["scopes"] = "报送进展报告须绑定本单位的填报员账号。"
    if not user.is_active:
        errors["user"] = "绑定账号已停用。"
    if expires_on <= clock.today():
        errors["expires_on"] = "有效期须晚于今天。"
    if errors:
        raise ValidationError(errors)
    token, prefix, digest = token_new()
    now = clock.now()
    client = ApiClient.objects.create(
        name=name, owner_unit=owner_unit, user=user, scopes=scopes, prefix=prefix, token_hash=digest,
        expires_at=clock.day_end(expires_on), created_by=actor, created_at=now,
    )
    change_record(actor=actor, instance=client, action=ObjectChange.Action.CREATE,
                  comment=f"登记接口客户端，绑定账号 {user.username}")
    return Registered(client, token)


@transaction.atomic
def api_client_revoke(*, actor, client: ApiClient) -> ApiClient:
    """Revoked at once: the next call with its token gets 401."""
    if not rules.can_manage_clients(actor):
        raise PermissionDenied("只有督办管理员可以吊销接口客户端。")
    client = ApiClient.objects.select_for_update().get(pk=client.pk)
    if client.revoked_at is not None:
        raise ValidationError("该客户端的令牌已于此前吊销。")
    client.revoked_at, client.revoked_by = clock.now(), actor
    client.save(update_fields=["revoked_at", "revoked_by"])
    change_record(actor=actor, instance=client, action=ObjectChange.Action.UPDATE, comment="吊销令牌")
    return client


def api_call_record(*, client: ApiClient | None, method: str, endpoint: str, path: str, status: int,
                    duration_ms: int) -> None:
    """One row per call (outside any transaction of the call itself: a refused write is logged too), written before
    the response leaves. On PostgreSQL the row's commit does not wait for the disk (synchronous_commit off, this
    transaction only): a log row costs no fsync per call; a crash may lose the last moment's rows, never a report.
    Outside a transaction that is one round trip: both statements in one query string, which PostgreSQL runs as one
    transaction (instead of BEGIN, SET LOCAL, INSERT, COMMIT: four)."""
    row = {"client_id": client.pk if client is not None else None, "method": method[:8], "endpoint": endpoint[:100],
           "path": path[:300], "status": status, "at": clock.now(), "duration_ms": max(duration_ms, 0)}
    if connection.vendor == "postgresql" and not connection.in_atomic_block and connection.get_autocommit():
        with connection.cursor() as cursor:
            cursor.execute(_CALL_INSERT, row)
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        ApiCall.objects.create(**row)


# The setting is read at commit, so it may follow the INSERT in the same implicit transaction.
_CALL_INSERT = (
    f"INSERT INTO {ApiCall._meta.db_table} (client_id, method, endpoint, path, status, at, duration_ms) "
    "VALUES (%(client_id)s, %(method)s, %(endpoint)s, %(path)s, %(status)s, %(at)s, %(duration_ms)s); "
    "SET LOCAL synchronous_commit TO OFF"
)


def request_fingerprint(fields: dict, files: Sequence) -> str:
    """What makes two submissions "the same request": every field and every file's name and content."""
    digest = hashlib.sha256()
    for name in sorted(fields):
        digest.update(f"{name}={fields[name]}\n".encode())
    for upload in files:
        digest.update(f"file:{upload.name}:{upload.size}:".encode())
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
    return digest.hexdigest()


@dataclass(frozen=True)
class Replay:
    status: int
    body: dict
    replayed: bool = False


class IdempotencyConflict(ValidationError):
    """The key was used for a different request, or its first request is still running."""


@transaction.atomic
def report_submit_idempotent(*, client: ApiClient, key: str, fingerprint: str, assignment, period: dt.date,
                             progress: str, percent: int, problems: str, next_steps: str, files: Sequence,
                             render: Callable) -> Replay:
    """Claim (client, key) first — a concurrent duplicate waits on the unique constraint, then finds the winner's
    stored response — then write the report through the form's service (submitted at once, to the unit's
    leader) and store the response. A refusal rolls back the claim too, so the key may be used again."""
    try:
        with transaction.atomic():
            claim = IdempotencyKey.objects.create(client=client, key=key, fingerprint=fingerprint,
                                                  created_at=clock.now())
    except IntegrityError:
        stored = IdempotencyKey.objects.get(client=client, key=key)
        if stored.fingerprint != fingerprint:
            raise IdempotencyConflict("该 Idempotency-Key 已用于另一份内容不同的报送，请为新的报送使用新的键。",
                                      code="idempotency_mismatch") from None
        if stored.response is None:
            raise IdempotencyConflict("相同 Idempotency-Key 的请求正在处理中，请稍后重试。",
                                      code="idempotency_running") from None
        return Replay(stored.status, stored.response, replayed=True)
    report = progress_services.report_create(
        actor=client.user, assignment=assignment, period=period, progress=progress, percent=percent,
        problems=problems, next_steps=next_steps, files=files, submit=True,
    )
    body = render(report)
    claim.status, claim.response, claim.report = 201, body, report
    claim.save(update_fields=["status", "response", "report"])
    return Replay(201, body)
