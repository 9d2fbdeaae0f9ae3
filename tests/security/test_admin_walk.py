"""The admin site's side of the access walk's superuser column: with two factors
on, a superuser who has not passed TOTP gets no admin page (index, every app,
every registered model's list, add and change pages, password change), only a
redirect to the two-factor step; verified, the same pages open (so the walk
cannot pass by reaching nothing)."""
from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import NoReverseMatch, reverse

pytestmark = pytest.mark.django_db

TWO_FACTOR_STEPS = ("/accounts/two-factor/setup/", "/accounts/two-factor/verify/")


def admin_urls() -> list[str]:
    urls = [reverse("admin:index"), reverse("admin:password_change")]
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        urls.append(reverse("admin:app_list", args=[opts.app_label]))
        for view in ("changelist", "add"):
            try:
                urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}"))
            except NoReverseMatch:
                pass
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk]))
    return sorted(set(urls))


@pytest.fixture
def superuser(users, settings):
    settings.PORTAL_2FA_REQUIRED_ROLES = ["coordinator"]
    settings.PORTAL_2FA_FOR_ADMIN = True
    from accounts.models import User

    return User.objects.create_superuser(username="root", email="root@example.cn", password="Portal-test-2026!")


def test_unverified_superuser_gets_no_admin_page(superuser):
    client = Client(raise_request_exception=False)
    client.force_login(superuser)
    urls = admin_urls()
    assert len(urls) > 30
    answered = {}
    for url in urls:
        response = client.get(url)
        if not (response.status_code == 302 and response["Location"].startswith(TWO_FACTOR_STEPS)):
            answered[url] = response.status_code
    assert not answered, f"admin pages that did not send the superuser to the two-factor step: {answered}"


def test_verified_superuser_opens_the_same_admin_pages(superuser):
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client(raise_request_exception=False)
    client.force_login(superuser)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.create(user=superuser, name="动态口令").persistent_id
    session.save()
    responses = {url: client.get(url) for url in admin_urls()}
    assert not [url for url, r in responses.items() if r.status_code == 302
                and r["Location"].startswith(TWO_FACTOR_STEPS)]
    # Every page answers (some models are read-only: their add page is 403; a singleton's
    # list redirects to its one object); the index and the lists of users and sessions open.
    statuses = {url: r.status_code for url, r in responses.items()}
    assert set(statuses.values()) <= {200, 302, 403}, statuses
    assert sum(status == 200 for status in statuses.values()) > 30
    for name in ("admin:index", "admin:accounts_user_changelist", "admin:accounts_usersession_changelist"):
        assert statuses[reverse(name)] == 200
