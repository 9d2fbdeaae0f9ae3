"""Two-factor sign-in: required for coordinators and the admin site."""
import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def enforced(settings):
    settings.PORTAL_2FA_REQUIRED_ROLES = ["coordinator"]
    settings.PORTAL_2FA_FOR_ADMIN = True
    return settings


def current_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def test_coordinator_must_enrol_before_seeing_anything(enforced, users, client):
    client.force_login(users["coordinator"])
    response = client.get(reverse("tasks:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two-factor-setup"))

    page = client.get(response["Location"])
    assert page.status_code == 200 and "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=users["coordinator"], confirmed=False)

    wrong = client.post(reverse("accounts:two-factor-setup"), {"token": "000000", "next": "/tasks/"})
    assert "动态口令不正确" in wrong.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    # A wrong code throttles further tries (django-otp doubles the wait each time).
    assert device.throttling_failure_count == 1
    device.throttle_reset()

    done = client.post(reverse("accounts:two-factor-setup"), {"token": current_code(device), "next": "/tasks/"})
    assert done.status_code == 302 and done["Location"] == "/tasks/"
    assert client.get(reverse("tasks:list")).status_code == 200


def test_enrolled_coordinator_is_asked_for_a_code_at_each_sign_in(enforced, users, client):
    device = TOTPDevice.objects.create(user=users["coordinator"], name="动态口令", confirmed=True)
    client.force_login(users["coordinator"])
    response = client.get(reverse("tasks:list"))
    assert response["Location"].startswith(reverse("accounts:two-factor-verify"))
    assert "请输入" in client.post(reverse("accounts:two-factor-verify"), {"token": ""}).content.decode()
    ok = client.post(reverse("accounts:two-factor-verify"), {"token": current_code(device), "next": "/tasks/"})
    assert ok.status_code == 302
    assert client.get(reverse("tasks:list")).status_code == 200


def test_other_roles_sign_in_without_a_second_factor(enforced, users, client):
    client.force_login(users["officer"])
    assert client.get(reverse("tasks:list")).status_code == 200


def test_admin_site_needs_the_second_factor_for_any_staff(enforced, client):
    admin = UserFactory(role="viewer", department=None, is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two-factor-setup"))


def test_open_redirects_are_refused(enforced, users, client):
    device = TOTPDevice.objects.create(user=users["coordinator"], name="动态口令", confirmed=True)
    client.force_login(users["coordinator"])
    response = client.post(reverse("accounts:two-factor-verify"),
                           {"token": current_code(device), "next": "https://evil.example/"})
    assert response["Location"] == reverse("home")
