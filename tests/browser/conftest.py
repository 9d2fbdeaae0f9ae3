"""Browser tests drive the portal in Debian's Chromium through Playwright.
Playwright never downloads a browser here: it is pointed at /usr/bin/chromium."""
import os
import shutil

import pytest

from tests.conftest import require

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
LAUNCH_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    require(os.path.exists(CHROMIUM), f"Chromium（{CHROMIUM}）")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "headless": True, "args": LAUNCH_FLAGS}


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 1366, "height": 900}}


@pytest.fixture
def plan_2020(transactional_db):
    """The live server runs in another thread: data must be committed (transaction=True)."""
    from django.core.management import call_command

    from tasks.models import Plan
    from tests.conftest import PLAN_DOCUMENT_NUMBER

    call_command("loaddata", "plan_2020", verbosity=0)
    return Plan.objects.get(document_number=PLAN_DOCUMENT_NUMBER)


@pytest.fixture
def login(live_server, page):
    """Sign in through the real login form; returns the page."""
    from tests.factories import TEST_PASSWORD

    def _login(username: str, password: str = TEST_PASSWORD):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("main button[type=submit]")
        page.wait_for_load_state("networkidle")
        return page

    return _login


@pytest.fixture
def screenshot_dir():
    path = os.path.join(os.path.dirname(__file__), "..", "..", "var", "screenshots")
    os.makedirs(path, exist_ok=True)
    return path


@pytest.fixture
def page(page):
    """Every browser test also proves the pages obey the Content Security Policy:
    a refused inline script or style fails the test that met it."""
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    yield page
    assert not violations, "CSP violations:\n" + "\n".join(violations)
