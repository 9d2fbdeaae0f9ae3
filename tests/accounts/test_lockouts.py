"""Lockout that protects, not punishes (issue 12 point 4): a lock is per
username + client address, the address comes from a declared proxy only, and
coordinators see and lift locks, both recorded in history.
(tests/deploy/test_nginx.py shows the same through the real nginx site.)"""
import pytest
from axes.models import AccessAttempt
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.axes import client_ip
from audit.models import ObjectChange
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db
LOGIN = reverse("login")


def _request(remote: str, forwarded: str | None = None, real: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    if real is not None:
        extra["HTTP_X_REAL_IP"] = real
    return RequestFactory().get("/", **extra)


def test_without_a_declared_proxy_the_peer_is_the_client(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(_request("127.0.0.1", "10.0.0.9")) == "127.0.0.1"


def test_from_a_declared_proxy_the_right_most_untrusted_hop_is_the_client(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1", "10.1.0.0/16"]
    assert client_ip(_request("127.0.0.1", "10.0.0.9")) == "10.0.0.9"
    # A client's own X-Forwarded-For is on the left: the proxy's hop wins.
    assert client_ip(_request("127.0.0.1", "6.6.6.6, 10.0.0.9")) == "10.0.0.9"
    assert client_ip(_request("127.0.0.1", "10.0.0.9, 10.1.2.3")) == "10.0.0.9"  # a second, trusted proxy
    assert client_ip(_request("127.0.0.1", "", real="10.0.0.7")) == "10.0.0.7"
    assert client_ip(_request("127.0.0.1", "not-an-address")) == "127.0.0.1"
    # Not from the proxy: its headers are the client's own words, ignored.
    assert client_ip(_request("192.0.2.5", "10.0.0.9")) == "192.0.2.5"


def _login(client, username, password, address):
    return client.post(LOGIN, {"username": username, "password": password},
                       REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=address)


def test_a_lock_holds_one_address_the_user_signs_in_elsewhere_and_a_coordinator_lifts_it(users, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    officer = users["officer"].username
    attacker = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT + 2):
        _login(attacker, officer, "wrong-password", "10.0.0.66")
    assert _login(attacker, officer, TEST_PASSWORD, "10.0.0.66").status_code == 429  # locked there
    # The clerk at her own desk is not locked out.
    assert _login(Client(), officer, TEST_PASSWORD, "10.0.0.20").status_code == 302
    attempt = AccessAttempt.objects.get(username=officer)
    assert attempt.ip_address == "10.0.0.66"
    locks = ObjectChange.objects.filter(object_id=str(attempt.pk), action="create")
    assert locks.count() == 1 and "10.0.0.66" in locks.get().comment  # once, not per later failure

    coordinator = Client()
    coordinator.force_login(users["coordinator"])
    page = coordinator.get(reverse("accounts:lockouts"))
    assert page.status_code == 200
    body = page.content.decode()
    assert officer in body and "10.0.0.66" in body and "已锁定" in body
    response = coordinator.post(reverse("accounts:lockouts"), {"attempt": attempt.pk}, follow=True)
    assert "已解除该登录锁定" in response.content.decode()
    assert not AccessAttempt.objects.filter(username=officer).exists()
    lifted = ObjectChange.objects.get(object_id=str(attempt.pk), action="delete")
    assert lifted.actor == users["coordinator"] and "解除登录锁定" in lifted.comment
    assert _login(Client(), officer, TEST_PASSWORD, "10.0.0.66").status_code == 302
    # Lifting again: gone already, said so.
    again = coordinator.post(reverse("accounts:lockouts"), {"attempt": attempt.pk}, follow=True)
    assert "该锁定已不存在" in again.content.decode()


def test_only_coordinators_open_the_lockout_page(users):
    for role in ("officer", "leader", "viewer", "registrar", "operator"):
        client = Client()
        client.force_login(users[role])
        assert client.get(reverse("accounts:lockouts")).status_code == 403
        assert client.post(reverse("accounts:lockouts"), {"attempt": "1"}).status_code == 403
