"""A coordinator cannot get past sign-in without the second factor."""
import os

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.test_two_factor import current_code
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_enrols_and_then_verifies(settings, plan_2020, login, live_server, screenshot_dir):
    settings.PORTAL_2FA_REQUIRED_ROLES = ["coordinator"]
    UserFactory(username="coord", role="coordinator", department__name="区卫生健康委")

    page = login("coord")
    assert "绑定动态口令" in page.inner_text("h1")
    assert page.locator(".qr svg").count() == 1
    page.screenshot(path=os.path.join(screenshot_dir, "two-factor-setup.png"), full_page=True)
    page.goto(f"{live_server.url}/tasks/")
    assert "绑定动态口令" in page.inner_text("h1"), "no page before enrolment"

    device = TOTPDevice.objects.get(user__username="coord", confirmed=False)
    page.fill("#id_token", current_code(device))
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "/two-factor/" not in page.url, page.inner_text("main")

    page.click("text=退出")
    page.wait_for_load_state("networkidle")
    page = login("coord")
    assert "动态口令验证" in page.inner_text("h1")
    device.refresh_from_db()
    # A code is accepted once (replay protection); stand in for the next 30-second window.
    device.last_t = -1
    device.save(update_fields=["last_t"])
    page.fill("#id_token", current_code(device))
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "/two-factor/" not in page.url
    assert page.locator("text=退出").count() == 1
