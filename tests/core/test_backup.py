"""deploy/backup.sh + deploy/restore.sh: a backup restores into an empty
PostgreSQL database with every row and every uploaded file."""
import hashlib
import os
import subprocess
from pathlib import Path

import psycopg2
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _url(name: str) -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


def _counts(dsn: str, tables: list[str]) -> dict[str, int]:
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        result = {}
        for table in tables:
            cur.execute(f'SELECT count(*) FROM "{table}"')
            result[table] = cur.fetchone()[0]
        return result


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_backup_restores_every_row_and_file(plan_2020, users, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("backup/restore is a PostgreSQL feature: runs in the PostgreSQL pass of CI")
    media = tmp_path / "media"
    (media / "evidence" / "2026").mkdir(parents=True)
    (media / "evidence" / "2026" / "a1b2.pdf").write_bytes(b"%PDF-1.4 evidence " + os.urandom(2048))
    (media / "filings" / "x.png").parent.mkdir(parents=True)
    (media / "filings" / "x.png").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(512))

    source = connection.settings_dict["NAME"]
    target = f"{source}_restore"
    admin = psycopg2.connect(_url("postgres"))
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{target}"')
        cur.execute(f'CREATE DATABASE "{target}"')
    try:
        env = {**os.environ, "DATABASE_URL": _url(source), "MEDIA_ROOT": str(media)}
        backup = tmp_path / "backup"
        subprocess.run(["bash", str(ROOT / "deploy/backup.sh"), str(backup)], env=env, check=True,
                       capture_output=True, timeout=120)
        assert {p.name for p in backup.iterdir()} == {"database.dump", "media.tar.gz", "SHA256SUMS"}

        restored = tmp_path / "restored-media"
        env = {**os.environ, "DATABASE_URL": _url(target), "MEDIA_ROOT": str(restored)}
        subprocess.run(["bash", str(ROOT / "deploy/restore.sh"), str(backup)], env=env, check=True,
                       capture_output=True, timeout=120)

        tables = connection.introspection.table_names()
        before = _counts(_url(source), tables)
        assert before["tasks_workitem"] == 20 and before["accounts_user"] == len(users)
        assert _counts(_url(target), tables) == before
        assert _digest(restored) == _digest(media)
    finally:
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{target}"')
        admin.close()
