"""Sign-in, lockout, idle timeout, password change and their audit trail."""
import datetime as dt

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def _login(client, username, password=TEST_PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR="10.0.0.8")


def test_login_lands_each_role_on_its_home(users, client):
    response = _login(client, users["viewer"].username)
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302
    assert AccessLog.objects.filter(username=users["viewer"].username).exists()


def test_wrong_password_says_so_in_chinese_and_is_recorded(users, client):
    response = _login(client, users["officer"].username, "wrong-password")
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()
    assert AccessFailureLog.objects.filter(username=users["officer"].username).count() == 1


def test_lockout_after_repeated_failures_even_with_the_right_password(users, client):
    username = users["officer"].username
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, username, "wrong-password")
    response = _login(client, username)
    assert response.status_code == 429
    assert "账号已暂时锁定" in response.content.decode()
    assert AccessAttempt.objects.filter(username=username).exists()
    # The lock expires: never a lock forever.
    assert settings.AXES_COOLOFF_TIME and settings.AXES_COOLOFF_TIME > 0


def test_idle_session_expires(users, client):
    _login(client, users["viewer"].username)
    assert client.get(reverse("tasks:list")).status_code == 200
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_RENEW_SECONDS <= 60
    # 31 minutes without a request: the stored session has expired.
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(minutes=1))
    response = client.get(reverse("tasks:list"))
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_password_change_ends_other_sessions(users, client, django_user_model):
    from django.test import Client

    other_device = Client()
    _login(client, users["officer"].username)
    _login(other_device, users["officer"].username)
    new_password = "Brand-new-pass-2026"
    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": TEST_PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302
    assert client.get(reverse("tasks:list")).status_code == 200  # this session stays
    assert other_device.get(reverse("tasks:list")).status_code == 302  # the other one is gone


def test_weak_new_password_is_refused_with_a_message(users, client):
    _login(client, users["officer"].username)
    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": TEST_PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    assert "密码" in response.content.decode() and "errorlist" in response.content.decode()


def test_logout_needs_post_and_ends_the_session(users, client):
    _login(client, users["officer"].username)
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("tasks:list")).status_code == 302


def test_inactive_user_cannot_sign_in(users, client):
    user = UserFactory(username="gone", is_active=False)
    response = _login(client, user.username)
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_an_absurdly_long_username_is_refused_cleanly(users, client):
    response = _login(client, "长" * 5000, "wrong-password")
    assert response.status_code == 200
    assert AccessFailureLog.objects.get().username == "长" * 150
