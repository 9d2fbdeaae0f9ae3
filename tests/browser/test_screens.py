"""Every screen a clerk meets, on a 360 × 740 phone, for every role of the demo world
(`setup_portal`, the world `make run` shows): no page is wider than the screen, and
axe-core (bundled by axe-playwright-python, WCAG 2.0/2.1 A and AA — the rules GB/T
37668-2019 follows) finds no serious or critical violation. One browser, one context
per role; each page is walked once per role and checked by axe once.

The coordinator signs in with the second factor, as in production. A screenshot of each
role's home page is kept under var/artifacts/screens/ (CI keeps it as an artifact)."""
from __future__ import annotations

import collections

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from tests.accounts.test_two_factor import current_code
from tests.factories import TEST_PASSWORD

from .screens_walk import ARTIFACTS, PHONE, ROLES, sign_in, too_wide, walk_role, wide_elements

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
BLOCKING = {"serious", "critical"}


@pytest.fixture
def demo_world(settings, transactional_db):
    settings.DEMO_PASSWORD = TEST_PASSWORD
    settings.PORTAL_2FA_REQUIRED_ROLES = ["coordinator"]
    call_command("setup_portal", stdout=open("/dev/null", "w"))
    coordinator = User.objects.get(username=ROLES["coordinator"])
    device = TOTPDevice.objects.create(user=coordinator, name="screens", confirmed=True)

    def totp():
        device.refresh_from_db()
        device.last_t = -1  # one code per 30 s window: stand in for the next window
        device.save(update_fields=["last_t"])
        return current_code(device)

    return totp


def test_every_page_fits_a_phone_and_passes_axe(demo_world, live_server, browser):
    base = live_server.url
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    axe = Axe()
    checked: set[str] = set()
    rules: set[str] = set()
    violations: dict[str, list[str]] = collections.defaultdict(list)
    too_wide_pages: list[str] = []
    dead_links: list[str] = []
    csp: list[str] = []
    visits = 0

    def new_page():
        context = browser.new_context(viewport=PHONE, locale="zh-CN")
        page = context.new_page()
        page.on("console", lambda msg: csp.append(msg.text) if "Content Security Policy" in msg.text else None)
        return context, page

    def audit(page, role):
        def on_page(name, url):
            nonlocal visits
            visits += 1
            if name in checked:
                return
            checked.add(name)
            result = axe.run(page, options=AXE_OPTIONS).response
            for kind in ("passes", "violations", "incomplete", "inapplicable"):
                rules.update(rule["id"] for rule in result.get(kind, []))
            for v in result["violations"]:
                if v["impact"] in BLOCKING:
                    targets = ", ".join(str(n["target"]) for n in v["nodes"][:3])
                    violations[f'{v["id"]} ({v["impact"]})'].append(f"{role} {name}: {targets}")
        return on_page

    # Signed out: the login page, the public directory and the error pages.
    context, page = new_page()
    anonymous = audit(page, "anonymous")
    for path, name in (("/accounts/login/", "login"), ("/directory/", "institutions:directory"),
                       ("/no-such-page/", "404")):
        page.goto(base + path)
        page.wait_for_load_state("load")
        if too_wide(page):
            too_wide_pages.append(f"anonymous {path}")
        anonymous(name, page.url)
    context.close()

    for role, username in ROLES.items():
        context, page = new_page()
        sign_in(page, base, username, TEST_PASSWORD, totp=demo_world)
        page.screenshot(path=str(ARTIFACTS / f"{role}-home.png"), full_page=True)
        walk = walk_role(page, base, role, on_page=audit(page, role))
        assert len(walk.pages) >= 5, f"{role} reached only {sorted(walk.pages)}"
        too_wide_pages += walk.too_wide
        dead_links += walk.dead_links
        # The header menu opens by keyboard and lists the same pages, inside the screen.
        page.goto(base + "/")
        page.focus("summary.menu-toggle")
        page.keyboard.press("Enter")
        assert page.locator("details.menu[open] nav a").first.is_visible()
        assert not too_wide(page), wide_elements(page)
        context.close()

    print(f"\nscreens: {visits} page visits by {len(ROLES)} roles and the public at 360 px; "
          f"axe: {len(checked)} pages × {len(rules)} rules checked; "
          f"{sum(map(len, violations.values()))} serious/critical violations; screenshots in {ARTIFACTS}")
    # Reported, not failed here: which links a page shows is each page's own rule (its app's tests).
    print("links to a page the reader may not open:", *(dead_links or ["none"]), sep="\n  ")
    assert not too_wide_pages, "wider than a 360 px phone:\n" + "\n".join(too_wide_pages)
    assert not csp, "CSP violations:\n" + "\n".join(csp)
    assert not violations, "axe:\n" + "\n".join(f"{rule}: {where}" for rule, where in violations.items())
