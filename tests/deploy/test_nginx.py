"""The shipped nginx site (deploy/nginx/yuzhong-care.conf), run for real: Debian's
nginx with a throwaway self-signed certificate on free loopback ports, in front
of gunicorn with production settings on the test database (CI's PostgreSQL pass).

Shows: five failed sign-ins from one client address lock that address only (the
address is the TCP peer nginx saw — a client's own X-Forwarded-For is overwritten),
the same user signs in from another address, the 25 MB cap holds (413), /media/ is
not served, the security headers arrive, HTTP redirects to HTTPS, /static/ comes from
disk. Two client addresses: the client socket is bound to 127.0.0.2 or 127.0.0.3."""
from __future__ import annotations

import http.client
import os
import re
import shutil
import ssl
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlencode

import pytest
from django.conf import settings as django_settings
from django.db import connection

from tests.conftest import require
from tests.servers import free_port, port_open

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SITE = Path(django_settings.BASE_DIR) / "deploy" / "nginx" / "yuzhong-care.conf"
PASSWORD = "Nginx-test-pass-2026"
A, B = "127.0.0.2", "127.0.0.3"


def site_for_test(text: str, *, web: int, http_port: int, https_port: int, cert: Path, key: Path,
                  static: Path) -> str:
    """The shipped site with ports, paths and the certificate substituted (each exactly once)."""
    swaps = [
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{web};"),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        ("/etc/ssl/yuzhong-care/fullchain.pem", str(cert)),
        ("/etc/ssl/yuzhong-care/privkey.pem", str(key)),
        ("alias /srv/yuzhong-care/static/;", f"alias {static}/;"),
    ]
    for old, new in swaps:
        assert text.count(old) == 1, f"the shipped site changed shape: {old!r}"
        text = text.replace(old, new)
    return text


def _wait(port: int, process: subprocess.Popen, what: str, log: Path | None = None) -> None:
    deadline = time.monotonic() + 60
    while not port_open("127.0.0.1", port):
        if process.poll() is not None or time.monotonic() > deadline:
            detail = log.read_text(errors="replace")[-2000:] if log and log.exists() else ""
            raise RuntimeError(f"{what} 未能启动：{detail}")
        time.sleep(0.1)


@pytest.fixture
def stack(tmp_path, settings):
    if connection.vendor != "postgresql":
        pytest.skip("runs in the PostgreSQL pass (gunicorn must read the test database)")
    nginx, openssl = shutil.which("nginx") or "/usr/sbin/nginx", shutil.which("openssl")
    require(os.path.exists(nginx), "nginx（apt-get install nginx）")
    require(openssl is not None, "openssl")
    # The server checks passwords with production's hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]

    web, http_port, https_port = free_port(), free_port(), free_port()
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "1", "-subj", "/CN=127.0.0.1"], check=True, capture_output=True)
    static, media = tmp_path / "static", tmp_path / "media"
    media.mkdir()
    db = connection.settings_dict
    env = {
        **os.environ, "DJANGO_SETTINGS_MODULE": "yuzhong_care.settings.production",
        "SECRET_KEY": "nginx-test-" + "x" * 50, "PERSON_ID_KEY": "nginx-test-" + "y" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
                        f"{db['PORT'] or 5432}/{db['NAME']}",
        "TRUSTED_PROXIES": "127.0.0.1", "CSRF_TRUSTED_ORIGINS": f"https://127.0.0.1:{https_port}",
        "STATIC_ROOT": str(static), "MEDIA_ROOT": str(media), "CACHE_URL": "locmemcache://",
        "CONN_MAX_AGE": "0", "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)
    bin_dir = Path(sys.executable).parent
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], env=env, check=True,
                   cwd=django_settings.BASE_DIR, capture_output=True)
    web_log = tmp_path / "gunicorn.log"
    gunicorn = subprocess.Popen([str(bin_dir / "gunicorn"), "yuzhong_care.wsgi", "--workers", "1",
                                 "--bind", f"127.0.0.1:{web}"], env=env, cwd=django_settings.BASE_DIR,
                                stdout=web_log.open("w"), stderr=subprocess.STDOUT)
    (tmp_path / "temp").mkdir()
    (tmp_path / "site.conf").write_text(site_for_test(
        SITE.read_text(), web=web, http_port=http_port, https_port=https_port, cert=cert, key=key, static=static))
    temp = tmp_path / "temp"
    (tmp_path / "nginx.conf").write_text(f"""
{"user root;" if os.geteuid() == 0 else ""}
worker_processes 1;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log warn;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    access_log {tmp_path}/access.log;
    client_body_temp_path {temp}/body; proxy_temp_path {temp}/proxy; fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi; scgi_temp_path {temp}/scgi;
    include {tmp_path}/site.conf;
}}
""")
    base = [nginx, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")]
    check = subprocess.run([*base, "-t"], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    proxy = subprocess.Popen([*base, "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait(web, gunicorn, "gunicorn", web_log)
        _wait(https_port, proxy, "nginx", tmp_path / "error.log")
        yield SimpleNamespace(http=http_port, https=https_port, static=static, media=media, log=web_log)
    finally:
        for process in (proxy, gunicorn):
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


class Browser:
    """HTTPS from one client address (the socket bound to it), with cookies."""

    def __init__(self, stack, source: str):
        self.stack, self.source, self.cookies = stack, source, {}
        self.context = ssl.create_default_context()
        self.context.check_hostname, self.context.verify_mode = False, ssl.CERT_NONE

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        conn = http.client.HTTPSConnection("127.0.0.1", self.stack.https, context=self.context, timeout=60,
                                           source_address=(self.source, 0))
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        for value in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(value).items():
                self.cookies[name] = morsel.value
        conn.close()
        return response, data

    def login(self, username: str, password: str, extra: dict | None = None) -> int:
        _, page = self.request("GET", "/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        origin = f"https://127.0.0.1:{self.stack.https}"
        response, _ = self.request(
            "POST", "/accounts/login/", urlencode({"username": username, "password": password,
                                          "csrfmiddlewaretoken": token}).encode(),
            {"Content-Type": "application/x-www-form-urlencoded", "Origin": origin, "Referer": origin + "/accounts/login/",
             **(extra or {})},
        )
        return response.status


def test_the_shipped_nginx_site_in_front_of_gunicorn(stack):
    from axes.models import AccessAttempt

    from tests.factories import UserFactory

    clerk = UserFactory(role="officer", username="clerk-nginx")
    clerk.set_password(PASSWORD)
    clerk.save()

    # Five failures from A: the fifth locks A (429), and only A.
    attacker = Browser(stack, A)
    statuses = [attacker.login("clerk-nginx", "wrong-password") for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429], statuses
    assert attacker.login("clerk-nginx", PASSWORD) == 429
    # A client's own X-Forwarded-For changes nothing: nginx overwrites it with the peer address.
    assert attacker.login("clerk-nginx", PASSWORD, {"X-Forwarded-For": B, "X-Real-IP": B}) == 429
    assert list(AccessAttempt.objects.filter(username="clerk-nginx").values_list("ip_address", flat=True)) == [A]
    # The clerk at another address signs in.
    clerk_browser = Browser(stack, B)
    assert clerk_browser.login("clerk-nginx", PASSWORD) == 302
    home, _ = clerk_browser.request("GET", "/")
    assert home.status in (200, 302) and home.status < 400

    # The upload cap: 25 MB (nginx answers before the body is read).
    conn = http.client.HTTPSConnection("127.0.0.1", stack.https, context=attacker.context, timeout=60)
    conn.putrequest("POST", "/accounts/login/")
    conn.putheader("Content-Type", "application/octet-stream")
    conn.putheader("Content-Length", str(26 * 1024 * 1024))
    conn.endheaders()
    try:
        conn.send(b"x" * 65536)
    except OSError:
        pass
    assert conn.getresponse().status == 413
    conn.close()

    # Uploaded files are never served by URL.
    secret = stack.media / "exports" / "secret.xlsx"
    secret.parent.mkdir(parents=True)
    secret.write_bytes(b"SECRET-MEDIA-CONTENT")
    for path in ("/media/exports/secret.xlsx", "/exports/secret.xlsx"):
        response, body = Browser(stack, B).request("GET", path)
        assert response.status != 200 and b"SECRET-MEDIA-CONTENT" not in body, path

    # The security headers arrive through the proxy.
    response, _ = Browser(stack, B).request("GET", "/accounts/login/")
    headers = response.headers
    assert "max-age=31536000" in headers["Strict-Transport-Security"]
    assert "includeSubDomains" in headers["Strict-Transport-Security"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["Server"] == "nginx"  # no version (server_tokens off)
    assert "Secure" in "".join(headers.get_all("Set-Cookie") or [])

    # Static files come from disk; plain HTTP goes to HTTPS.
    css = next(stack.static.rglob("portal.*.css"))
    response, body = Browser(stack, B).request("GET", "/static/" + css.relative_to(stack.static).as_posix())
    assert response.status == 200 and body == css.read_bytes()
    assert "immutable" in ", ".join(response.headers.get_all("Cache-Control"))
    plain = http.client.HTTPConnection("127.0.0.1", stack.http, timeout=30)
    plain.request("GET", "/accounts/login/")
    redirect = plain.getresponse()
    assert redirect.status == 301 and redirect.headers["Location"].startswith("https://")
