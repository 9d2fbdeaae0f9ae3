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


# --- privileged accounts: superusers and staff pass TOTP before ANY page -------------------


@pytest.mark.parametrize("flags", [{"is_superuser": True, "is_staff": True}, {"is_staff": True}],
                         ids=["superuser", "staff"])
@pytest.mark.parametrize("switch", ["roles-only", "admin-only", "both"])
def test_privileged_accounts_need_the_second_factor_on_every_page(settings, client, plan_2020, flags, switch):
    """Whichever of the two settings keeps 2FA on, privilege counts — and not only under /admin/."""
    settings.PORTAL_2FA_REQUIRED_ROLES = [] if switch == "admin-only" else ["coordinator"]
    settings.PORTAL_2FA_FOR_ADMIN = switch != "roles-only"
    privileged = UserFactory(role="viewer", department=None, **flags)
    client.force_login(privileged)
    for url in (reverse("tasks:list"), reverse("reports:district"), reverse("notifications:inbox"),
                reverse("admin:index"), reverse("admin:accounts_user_changelist")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:two-factor-setup")), url


def test_verified_superuser_reaches_portal_and_admin(enforced, client, plan_2020):
    admin = UserFactory(role="viewer", department=None, is_staff=True, is_superuser=True)
    device = TOTPDevice.objects.create(user=admin, name="动态口令", confirmed=True)
    client.force_login(admin)
    assert client.get(reverse("tasks:list"))["Location"].startswith(reverse("accounts:two-factor-verify"))
    client.post(reverse("accounts:two-factor-verify"), {"token": current_code(device), "next": "/tasks/"})
    assert client.get(reverse("tasks:list")).status_code == 200
    assert client.get(reverse("admin:index")).status_code == 200


def test_two_factor_off_only_when_both_settings_are_off(client, plan_2020):
    """The test settings switch it off for feature tests; that mechanism stays."""
    admin = UserFactory(role="viewer", department=None, is_staff=True, is_superuser=True)
    client.force_login(admin)
    assert client.get(reverse("tasks:list")).status_code == 200


def test_createsuperuser_makes_a_coordinator(monkeypatch):
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Portal-test-2026!")
    call_command("createsuperuser", interactive=False, username="root", email="root@example.cn", verbosity=0)
    user = get_user_model().objects.get(username="root")
    assert user.is_superuser and user.is_staff
    assert user.role == "coordinator"
    explicit = get_user_model().objects.create_superuser("root2", "r2@example.cn", "x", role="viewer")
    assert explicit.role == "viewer"
