"""Prepare a loopback load test: accounts for every reporting unit (officer +
leader), viewers, and the reporting periods. Run with the bench's settings:
    DJANGO_SETTINGS_MODULE=yuzhong_care.settings.production ... python bench/load/prepare.py
Writes bench/results/load-users.json for the locustfile."""
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from accounts.models import User  # noqa: E402
from accounts.services import user_create  # noqa: E402
from agencies.models import Department  # noqa: E402
from progress.services import periods_ensure  # noqa: E402
from tasks.models import Assignment, Plan  # noqa: E402

PASSWORD = os.environ.get("LOAD_PASSWORD", "Load-test-pass-2026")


def signed_in_session(user: User) -> str:
    """A ready session, as the login view would leave it: the load measures the
    portal's pages, not PBKDF2 (a sign-in costs ~0.4 s of CPU by design)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def main() -> None:
    for plan in Plan.objects.all():
        periods_ensure(plan=plan)
    units = Department.objects.filter(pk__in=Assignment.objects.values("department_id")).order_by("pk")
    accounts = {"officer": [], "leader": [], "viewer": []}
    for i, unit in enumerate(units):
        for role in ("officer", "leader"):
            name = f"load-{role}-{i}"
            if not User.objects.filter(username=name).exists():
                user_create(username=name, password=PASSWORD, role=role, department=unit, full_name=f"压测{i}")
            accounts[role].append(signed_in_session(User.objects.get(username=name)))
    for i in range(10):
        name = f"load-viewer-{i}"
        if not User.objects.filter(username=name).exists():
            user_create(username=name, password=PASSWORD, role="viewer", full_name=f"压测领导{i}")
        accounts["viewer"].append(signed_in_session(User.objects.get(username=name)))
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "load-users.json").write_text(json.dumps({"password": PASSWORD, **accounts}))
    print({k: len(v) for k, v in accounts.items() if k != "password"})


if __name__ == "__main__":
    main()
