"""Demo accounts for the embedded default: one per role (never in production)."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from agencies.models import Department

from .models import User
from .roles import Role
from .services import user_create


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: Role
    department: str | None


DEMO_ACCOUNTS = [
    DemoAccount("demo-coordinator", "王督办", Role.COORDINATOR, "区卫生健康委"),
    DemoAccount("demo-officer", "李填报", Role.OFFICER, "区人力社保局"),
    DemoAccount("demo-leader", "张审核", Role.LEADER, "区人力社保局"),
    DemoAccount("demo-viewer", "赵督查", Role.VIEWER, None),
    DemoAccount("demo-registrar", "陈登记", Role.REGISTRAR, "区市场监管局"),
    DemoAccount("demo-institution", "刘园长", Role.OPERATOR, None),
]


def demo_password() -> str:
    """DEMO_PASSWORD, or one generated once and kept in var/ so reruns agree."""
    from_env = settings.DEMO_PASSWORD
    if from_env:
        return from_env
    path = Path(settings.BASE_DIR) / "var" / "demo-password.txt"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    password = "Yz-" + secrets.token_urlsafe(9)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(password, encoding="utf-8")
    return password


@transaction.atomic
def demo_accounts_ensure(*, password: str) -> list[User]:
    """Create missing demo accounts; existing ones keep their data and password."""
    if not settings.DEMO_ACCOUNTS:
        raise RuntimeError("生产环境不创建演示账号。")
    users = []
    for spec in DEMO_ACCOUNTS:
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            user = user_create(
                username=spec.username, password=password, full_name=spec.full_name, role=spec.role,
                department=Department.objects.get(name=spec.department) if spec.department else None,
            )
        users.append(user)
    return users
