"""Demo data of the API (settings.DEMO_DATA_BUILDERS): one client for demo-officer's unit system, reading everything
the officer reads and submitting reports. Its token is a secret shown once: the demo writes it to
var/demo-api-token.txt (development only, like the demo password), so the README's curl example runs. Idempotent."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings

from accounts.models import User
from core import clock

from .models import ApiClient
from .scopes import ALL_SCOPES
from .services import api_client_register

DEMO_NAME = "（演示）区人力社保局业务系统"


def token_file() -> Path:
    return Path(settings.BASE_DIR) / "var" / "demo-api-token.txt"


def build(*, stdout=None) -> None:
    officer = User.objects.filter(username="demo-officer").first()
    coordinator = User.objects.filter(username="demo-coordinator").first()
    if officer is None or coordinator is None or officer.department is None:
        return
    if ApiClient.objects.filter(name=DEMO_NAME, revoked_at__isnull=True).exists() and token_file().exists():
        return
    registered = api_client_register(
        actor=coordinator, name=DEMO_NAME, owner_unit=officer.department, user=officer, scopes=sorted(ALL_SCOPES),
        expires_on=clock.today() + dt.timedelta(days=365),
    )
    token_file().parent.mkdir(parents=True, exist_ok=True)
    token_file().write_text(registered.token + "\n", encoding="utf-8")
    if stdout is not None:
        stdout.write(f"演示数据：接口客户端“{DEMO_NAME}”（绑定 demo-officer）的令牌已写入 {token_file()}。")
