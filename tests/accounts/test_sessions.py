"""A user sees their signed-in browsers and can end the others."""
import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import UserSession
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def _sign_in(username, agent):
    browser = Client(HTTP_USER_AGENT=agent)
    browser.post(reverse("login"), {"username": username, "password": TEST_PASSWORD})
    assert browser.get(reverse("accounts:sessions")).status_code == 200
    return browser


def test_sessions_are_listed_and_the_others_can_be_ended(users):
    username = users["officer"].username
    office = _sign_in(username, "Office-PC Chrome")
    laptop = _sign_in(username, "Laptop Firefox")
    page = office.get(reverse("accounts:sessions")).content.decode()
    assert "Office-PC Chrome" in page and "Laptop Firefox" in page and "当前设备" in page

    response = office.post(reverse("accounts:sessions"), follow=True)
    assert "已结束其他 1 个登录会话" in response.content.decode()
    assert laptop.get(reverse("tasks:list")).status_code == 302  # signed out
    assert office.get(reverse("tasks:list")).status_code == 200
    assert list(UserSession.objects.filter(user=users["officer"]).values_list("user_agent", flat=True)) == [
        "Office-PC Chrome"
    ]


def test_a_password_change_deletes_the_other_sessions(users):
    username = users["officer"].username
    office = _sign_in(username, "Office-PC")
    _sign_in(username, "Phone")
    new = "Another-good-pass-77"
    office.post(reverse("accounts:password-change"),
                {"old_password": TEST_PASSWORD, "new_password1": new, "new_password2": new})
    assert UserSession.objects.filter(user=users["officer"]).count() == 1


def test_users_never_see_each_others_sessions(users):
    _sign_in(users["leader"].username, "Leader-Browser")
    office = _sign_in(users["officer"].username, "Officer-Browser")
    assert "Leader-Browser" not in office.get(reverse("accounts:sessions")).content.decode()


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("accounts:sessions"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# ---- idle timeout (SESSION_COOKIE_AGE, renewed at most every SESSION_RENEW_SECONDS;
# expiry itself: tests/accounts/test_auth.py::test_idle_session_expires)


def _session_of(browser):
    from django.contrib.sessions.models import Session

    return Session.objects.get(session_key=browser.cookies[settings.SESSION_COOKIE_NAME].value)


def test_activity_after_the_renewal_interval_renews_the_timeout(users):
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.sessions import RENEWED_KEY

    browser = _sign_in(users["officer"].username, "Office-PC")
    row = _session_of(browser)
    store = SessionStore(session_key=row.session_key)
    long_ago = timezone.now() - dt.timedelta(seconds=settings.SESSION_RENEW_SECONDS + 1)
    store[RENEWED_KEY] = long_ago.isoformat()
    store.save()
    # 25 idle minutes: five are left.
    row.__class__.objects.filter(pk=row.pk).update(expire_date=timezone.now() + dt.timedelta(minutes=5))

    assert browser.get(reverse("tasks:list")).status_code == 200
    left = _session_of(browser).expire_date - timezone.now()
    assert dt.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60) < left <= dt.timedelta(
        seconds=settings.SESSION_COOKIE_AGE)


def test_a_page_inside_the_renewal_interval_writes_no_session(users):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    browser = _sign_in(users["officer"].username, "Office-PC")
    before = _session_of(browser).expire_date
    with CaptureQueriesContext(connection) as queries:
        assert browser.get(reverse("tasks:list")).status_code == 200
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
    assert _session_of(browser).expire_date == before


def test_behind_the_declared_proxy_a_session_records_the_clients_address(users, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    browser = Client(HTTP_USER_AGENT="Field tablet", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.8.0.23")
    browser.post(reverse("login"), {"username": users["officer"].username, "password": TEST_PASSWORD})
    browser.get(reverse("accounts:sessions"))
    assert UserSession.objects.get(user=users["officer"]).ip_address == "10.8.0.23"
    # From an address that is not a declared proxy the header is not believed.
    stranger = Client(HTTP_USER_AGENT="Elsewhere", REMOTE_ADDR="127.0.0.9", HTTP_X_FORWARDED_FOR="10.8.0.99")
    stranger.post(reverse("login"), {"username": users["leader"].username, "password": TEST_PASSWORD})
    stranger.get(reverse("accounts:sessions"))
    assert UserSession.objects.get(user=users["leader"]).ip_address == "127.0.0.9"
