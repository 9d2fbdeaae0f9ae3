import os

import pytest
from django.core.management import call_command

# Playwright's sync API runs an event loop in the test thread; Django refuses
# ORM calls there unless told the thread is safe (it is: one test at a time).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require(available: bool, what: str) -> None:
    """A test that needs a service: in CI a missing service is a failure, never a skip."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} 不可用：CI 中此项必须可用。")
    pytest.skip(f"{what} 不可用（本地跳过；CI 中会失败）")


PLAN_DOCUMENT_NUMBER = "渝中府办〔2020〕28号"


@pytest.fixture
def plan_2020(db):
    """The 2020 plan exactly as the fixture ships it."""
    from tasks.models import Plan

    call_command("loaddata", "plan_2020", verbosity=0)
    return Plan.objects.get(document_number=PLAN_DOCUMENT_NUMBER)


@pytest.fixture
def users(plan_2020):
    """One account per role, plus an officer of another unit (区教委)."""
    from tests.factories import UserFactory

    return {
        "coordinator": UserFactory(role="coordinator", department__name="区卫生健康委"),
        "officer": UserFactory(role="officer", department__name="区人力社保局"),
        "leader": UserFactory(role="leader", department__name="区人力社保局"),
        "viewer": UserFactory(role="viewer", department=None),
        "registrar": UserFactory(role="registrar", department__name="区市场监管局"),
        "operator": UserFactory(role="operator", department=None),
        "other_officer": UserFactory(role="officer", department__name="区教委"),
    }


@pytest.fixture
def coordinator_admin(client, users):
    """The test client signed in as the coordinator, with the admin site open to them (staff,
    in the coordinators' group), as the services make a coordinator."""
    from accounts.services import coordinator_group_ensure

    coordinator = users["coordinator"]
    coordinator.is_staff = True
    coordinator.save(update_fields=["is_staff"])
    coordinator.groups.add(coordinator_group_ensure())
    client.force_login(coordinator)
    return client


def on_day(day, hour: int = 10):
    """Pin the portal's clock (core.clock) to `hour` o'clock of `day` in Asia/Shanghai for a `with`
    block; the clock keeps ticking from there, so timeouts still work."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    import time_machine

    return time_machine.travel(dt.datetime.combine(day, dt.time(hour), tzinfo=ZoneInfo("Asia/Shanghai")))


def pinned_to(day):
    """An autouse fixture for a test package whose data is dated: its tests run on `day`
    (on_day), whatever the machine's date. Browser tests keep the real clock: Chromium
    does, and a session cookie dated by a pinned server would look expired to it."""

    @pytest.fixture(autouse=True)
    def _on_the_data_day(request):
        if request.node.get_closest_marker("browser"):
            yield
            return
        with on_day(day):
            yield

    return _on_the_data_day
