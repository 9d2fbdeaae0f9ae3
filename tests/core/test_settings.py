"""Production settings: refuse to start without secrets; pass check --deploy."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SECRETS = {
    "SECRET_KEY": "x7Kq2-production-like-secret-key-with-enough-entropy-9fA3bZ1",
    "ALLOWED_HOSTS": "portal.yuzhong.example",
    "DATABASE_URL": "sqlite:///{db}",
    "PERSON_ID_KEY": "p3Rs0n-id-hmac-key-production-like-7Qx9",
}


def _manage(*args, env_extra, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in SECRETS and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update({k: v.format(db=tmp_path / "prod.sqlite3") for k, v in env_extra.items()})
    env["DJANGO_SETTINGS_MODULE"] = "yuzhong_care.settings.production"
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("missing", list(SECRETS))
def test_production_refuses_to_start_without_each_secret(missing, tmp_path):
    result = _manage("check", env_extra={k: v for k, v in SECRETS.items() if k != missing}, tmp_path=tmp_path)
    assert result.returncode != 0
    assert f"生产环境必须设置环境变量 {missing}" in result.stderr


def test_check_deploy_is_clean(tmp_path):
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env_extra=SECRETS, tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_creates_no_demo_accounts(tmp_path):
    assert _manage("migrate", "-v", "0", env_extra=SECRETS, tmp_path=tmp_path).returncode == 0
    result = _manage("setup_portal", env_extra=SECRETS, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "演示账号" not in result.stdout
    count = _manage("shell", "--no-imports", "-c", "from accounts.models import User; print(User.objects.count())",
                    env_extra=SECRETS, tmp_path=tmp_path)
    assert count.stdout.strip() == "0", count.stdout + count.stderr
